#!/usr/bin/env python3
"""Regenerates src/link/order.txt: the functions `authctl` runs for its
common commands, which the release link (build.rs) places first in .text;
and src/link/rodata.ld: the read-only data they read, which the link
places in a section of its own just before .rodata.

Why: the kernel maps a binary's code 64 KiB at a time as it is first run.
Left in the compiler's order, the ~1 MiB that `whoami` runs is spread over
most of the 6 MiB of code, so every command starts with ~60 page faults on
code and a login keeps ~4 MiB of it resident. Packed together, it is ~20.

How: for the release and the bench profile (their symbol names differ:
cargo hashes the profile into them), relink with a linker map
(AUTHCTL_LINK_MAP, read by build.rs), run each command under callgrind,
and map every instruction it executed to the function section holding it.
Functions are listed by command, in the order below (whoami first: it is
the one whose whole cost is starting up), then by their current address.
A function missing from a later build (renamed, inlined) is skipped by the
linker, so a stale list costs speed, never correctness.

The same goes for read-only data (constants, string literals, jump tables),
mapped 64 KiB at a time too: what a login reads fell in six such windows
of the 1.7 MiB .rodata, beside the headers'. Most of it has no symbol to order by (the
compiler's anonymous constants), so it is listed by input section name in a
linker script instead, and found by running each command under valgrind's
lackey, which reports every address read. Anonymous constants are numbered
per build: after a code change the old names match nothing (the data then
stays where the compiler put it) until this script runs again.

Run from the repository root after changes that move code around:
    python3 benches/link_order.py
Needs cargo and valgrind. Takes about ten minutes (two release links, and
each command under callgrind and lackey).
"""

import bisect
import os
import re
import subprocess
import sys
import tempfile

PASSWORD = b"violet tractor mangoes sing\n"
ORDER = "src/link/order.txt"
RODATA = "src/link/rodata.ld"
# A linker map (lld) line: address, load address, size, alignment, then an
# input section ("file:(.text.name)") or, indented under it, a symbol.
MAP_LINE = re.compile(r"^\s*([0-9a-f]+)\s+[0-9a-f]+\s+([0-9a-f]+)\s+\d+\s+(.*)$")


def map_entries(map_path):
    """(start, size, name, is_output_section) of each entry of a linker map.
    An output section's name follows its alignment after one space; input
    sections and symbols are indented further."""
    with open(map_path) as f:
        for line in f:
            m = MAP_LINE.match(line)
            if m:
                is_output = line[m.start(3) - 2] != " "
                yield int(m.group(1), 16), int(m.group(2), 16), m.group(3).strip(), is_output


def sections(map_path):
    """(start, end, symbol) of every function section in a linker map
    written with --no-demangle: the section's first symbol, which is what
    the ordering file names (gcc's cold parts are `name.cold` in
    `.text.unlikely.name`, so the section name would not do)."""
    found = []
    section = None
    for start, size, rest, _ in map_entries(map_path):
        if ":(.text." in rest or rest.endswith(":(.text)"):
            section = (start, start + size)
        elif section and " " not in rest and ":(" not in rest:
            found.append((section[0], section[1], rest))
            section = None
        else:
            section = None
    found.sort()
    return found


def data_sections(map_path):
    """(start, end, section name) of every input section placed in .rodata
    (or in .rodata.hot, where rodata.ld put it). The linker's merged
    strings and constants (`<internal>`: `.rodata.str1.1`, `.rodata.cst16`,
    ...) are one section each, whole: a rule naming one gathers that kind
    from every object file, to be merged where the rule puts them."""
    found = []
    inside = False
    for start, size, rest, is_output in map_entries(map_path):
        if is_output:
            inside = rest in (".rodata", ".rodata.hot")
        elif inside and ":(" in rest:
            found.append((start, start + size, rest.rsplit(":(", 1)[1][:-1]))
    found.sort()
    return found


def data_read(argv, env, stdin, binary):
    """Image-relative addresses of the data `binary` read or wrote while
    running `argv` under lackey, in its own mapping only."""
    entry = int(
        re.search(
            r"Entry point address:\s+0x([0-9a-f]+)",
            subprocess.run(["readelf", "-h", binary], capture_output=True, text=True).stdout,
        ).group(1),
        16,
    )
    read, write = os.pipe()
    cmd = ["valgrind", "--tool=lackey", "--trace-mem=yes", f"--log-fd={write}", binary] + argv
    child = subprocess.Popen(
        cmd, env=env, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL, pass_fds=(write,),
    )
    os.close(write)
    child.stdin.write(stdin)
    child.stdin.close()
    base, addresses = None, set()
    with os.fdopen(read, "rb") as trace:
        for line in trace:
            if base is None:
                # The loader (mapped high by valgrind) runs first; the first
                # instruction in the binary's own low mapping is its entry.
                if line.startswith(b"I") and int(line[3:line.index(b",")], 16) < 0x4000000:
                    base = int(line[3:line.index(b",")], 16) - entry
                    if base % 4096:
                        sys.exit(f"link_order: no page-aligned base for {binary} under lackey")
            elif line[1:2] in (b"L", b"S", b"M") and line[:1] == b" ":
                addresses.add(int(line[3:line.index(b",")], 16) - base)
    if child.wait() != 0:
        sys.exit(f"link_order: {' '.join(cmd)} exited with {child.returncode}")
    return addresses


def executed(callgrind_out, binary):
    """Instruction addresses callgrind saw executed in `binary`."""
    addresses = set()
    in_binary = False
    with open(callgrind_out) as f:
        for line in f:
            if line.startswith("ob="):
                in_binary = os.path.realpath(line[3:].strip()) == binary
            elif in_binary and line.startswith("0x"):
                addresses.add(int(line.split()[0], 16))
    return addresses


def functions(secs, addresses):
    """The sections holding `addresses` (function sections by their first
    symbol, data sections by name), by address."""
    starts = [s for s, _, _ in secs]
    hit = {}
    for a in addresses:
        i = bisect.bisect_right(starts, a) - 1
        if i >= 0 and a < secs[i][1]:
            hit[secs[i][2]] = secs[i][0]
    return sorted(hit, key=hit.get)


# Code that commands run but callgrind does not show: picked at run time by
# CPU features valgrind does not emulate (SHA-NI, for the session token's
# SHA-256), and the thread pool's with the locks it waits on (rayon, its
# crossbeam deques, std's mutexes and condition variables: about 45 KiB in
# all): which parts of it run depends on which thread steals which of a
# hash's lanes and who waits for whom, and valgrind runs one thread at a
# time. Also SQLite's code that reuses freed space inside a page
# (`pageFindSlot`, `defragmentPage`): a database in use runs it on inserts,
# and the fresh one profiled here does not.
UNSEEN = re.compile(
    r"^_ZN4sha26sha2567x86_sha8compress17h[0-9a-f]{16}E$"
    r"|rayon_core|crossbeam_(?:deque|epoch|utils)|3std3sys4sync"
    r"|^(?:pageFindSlot|defragmentPage)$"
)


# Data that commands read but the profiles do not show: the strings of the
# C code (SQLite's, merged by the linker into one section per kind, about
# 33 KiB), some of which a login on a database in use read (found with
# `perf record -e exceptions:page_fault_user`) and the fresh ones profiled
# here did not.
UNSEEN_DATA = ["*(.rodata.*.str1.1)", "*(.rodata.*.str1.8)"]


def unseen(secs):
    """The functions matching UNSEEN, by address."""
    return [name for _, _, name in secs if UNSEEN.search(name)]


def run(cmd, env, stdin=b""):
    """Runs `cmd` quietly; if it fails, says what it printed and stops."""
    done = subprocess.run(cmd, env=env, input=stdin, capture_output=True)
    if done.returncode != 0:
        sys.stderr.buffer.write(done.stderr)
        sys.exit(f"link_order: {' '.join(cmd)} exited with {done.returncode}")


def workloads(binary, home):
    """(name, argv, stdin, env, profiles) of the commands to profile, in
    priority order, after setting up `home` (an admin, logged in, three
    cost settings). `profiles` says which: "code" (callgrind), "data"
    (lackey, too slow for a login at the default cost: a login with four
    lanes at the minimum memory reads the same data)."""
    env = dict(
        os.environ,
        AUTHCTL_DB=os.path.join(home, "users.db"),
        AUTHCTL_CONFIG_DIR=os.path.join(home, "config"),
        HOME=home,
    )
    run([binary, "register", "root", "--password-stdin"], env, PASSWORD)
    run([binary, "login", "root", "--password-stdin"], env, PASSWORD)
    floor = dict(
        env,
        AUTHCTL_DB=os.path.join(home, "floor.db"),
        AUTHCTL_CONFIG_DIR=os.path.join(home, "floor-config"),
    )
    lanes = dict(
        env,
        AUTHCTL_DB=os.path.join(home, "lanes.db"),
        AUTHCTL_CONFIG_DIR=os.path.join(home, "lanes-config"),
    )
    for cheap, parallelism in [(floor, "1"), (lanes, "4")]:
        run([binary, "register", "root", "--password-stdin"], cheap, PASSWORD)
        run([binary, "login", "root", "--password-stdin"], cheap, PASSWORD)
        for key, value in [
            ("hash.memory_kib", "19456"),
            ("hash.iterations", "2"),
            ("hash.parallelism", parallelism),
        ]:
            run([binary, "config", "set", key, value], cheap)
        run([binary, "login", "root", "--password-stdin"], cheap, PASSWORD)
    login = ["login", "root", "--password-stdin"]
    both = ("code", "data")
    return [
        ("whoami", ["whoami"], b"", env, both),
        ("login", login, PASSWORD, env, ("code",)),
        ("login-lanes", login, PASSWORD, lanes, ("data",)),
        ("login-floor", login, PASSWORD, floor, both),
        ("show", ["show", "root"], b"", env, both),
        ("list", ["list"], b"", env, both),
        ("json-list", ["--json", "list"], b"", env, both),
    ]


def profile(build_cmd, tmp, label):
    """Relinks with a map, profiles the workloads, returns one list of
    function names per workload and one list of data section names per
    workload."""
    map_path = os.path.join(tmp, f"{label}.map")
    env = dict(os.environ, AUTHCTL_LINK_MAP=map_path)
    subprocess.run(build_cmd, env=env, check=True)
    binary = os.path.realpath("target/release/authctl")
    secs = sections(map_path)
    data = data_sections(map_path)
    home = os.path.join(tmp, label)
    os.makedirs(home)
    lists, data_lists = [unseen(secs)], []
    for name, argv, stdin, env, profiles in workloads(binary, home):
        if "data" in profiles:
            data_lists.append(functions(data, data_read(argv, env, stdin, binary)))
            print(f"{label} {name}: {len(data_lists[-1])} data sections", file=sys.stderr)
        if "code" not in profiles:
            continue
        out = os.path.join(tmp, f"{label}.{name}.cg")
        run(
            ["valgrind", "--tool=callgrind", "--dump-instr=yes"]
            + ["--compress-strings=no", "--compress-pos=no"]
            + [f"--callgrind-out-file={out}", binary]
            + argv,
            env,
            stdin,
        )
        lists.append(functions(secs, executed(out, binary)))
        print(f"{label} {name}: {len(lists[-1])} functions", file=sys.stderr)
    return lists, data_lists


def interleave(release, bench):
    """Command by command, the release build's names and then the bench
    build's, each once: each build has only its own (and the ones they
    share, such as std's and SQLite's), and the linker skips the others."""
    order, seen = [], set()
    for names in [n for pair in zip(release, bench) for n in pair]:
        for name in names:
            if name not in seen:
                seen.add(name)
                order.append(name)
    return order


def write(path, text):
    """Writes `text` to `path` through a temporary file."""
    with open(path + ".tmp", "w") as f:
        f.write(text)
    os.replace(path + ".tmp", path)


def main():
    with tempfile.TemporaryDirectory() as tmp:
        release, release_data = profile(
            ["cargo", "build", "--release", "--bin", "authctl"], tmp, "release"
        )
        bench, bench_data = profile(
            ["cargo", "bench", "--no-run", "--bench", "compare"], tmp, "bench"
        )
    order = interleave(release, bench)
    write(
        ORDER,
        "# Functions placed first in .text by the release link (build.rs),\n"
        "# generated by benches/link_order.py: see there. Not edited by hand.\n"
        + "\n".join(order)
        + "\n",
    )
    print(f"{ORDER}: {len(order)} functions", file=sys.stderr)
    data = interleave(release_data, bench_data)
    rules = "".join(f'    *("{name}")\n' for name in data)
    rules += "".join(f"    {rule}\n" for rule in UNSEEN_DATA)
    write(
        RODATA,
        "/* The read-only data the common commands read, placed by the release\n"
        "   link (build.rs) in .rodata.hot, just before .rodata, the merged strings\n"
        "   and constants they read included; the exception tables (read only\n"
        "   when a panic unwinds) after .rodata rather than between them.\n"
        "   Generated by benches/link_order.py: see there. Not edited by hand.\n"
        "   A quoted name matches exactly that input section; one no build has\n"
        "   matches nothing. */\n"
        "SECTIONS\n{\n  .rodata.hot : {\n"
        + rules
        + "  }\n}\nINSERT BEFORE .rodata;\n"
        "SECTIONS\n{\n  .gcc_except_table : { *(.gcc_except_table .gcc_except_table.*) }\n}\n"
        "INSERT AFTER .rodata;\n",
    )
    print(f"{RODATA}: {len(data)} data sections", file=sys.stderr)


if __name__ == "__main__":
    main()
