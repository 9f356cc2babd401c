#!/usr/bin/env python3
"""Regenerates src/link/order.txt: the functions `authctl` runs for its
common commands, which the release link (build.rs) places first in .text.

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

Run from the repository root after changes that move code around:
    python3 benches/link_order.py
Needs cargo and valgrind. Takes a few minutes (two release links, and one
login at the default cost under valgrind).
"""

import bisect
import os
import re
import subprocess
import sys
import tempfile

PASSWORD = b"violet tractor mangoes sing\n"
ORDER = "src/link/order.txt"
# A linker map (lld) line: address, load address, size, alignment, then an
# input section ("file:(.text.name)") or, indented under it, a symbol.
MAP_LINE = re.compile(r"^\s*([0-9a-f]+)\s+[0-9a-f]+\s+([0-9a-f]+)\s+\d+\s+(.*)$")


def sections(map_path):
    """(start, end, symbol) of every function section in a linker map
    written with --no-demangle: the section's first symbol, which is what
    the ordering file names (gcc's cold parts are `name.cold` in
    `.text.unlikely.name`, so the section name would not do)."""
    found = []
    section = None
    with open(map_path) as f:
        for line in f:
            m = MAP_LINE.match(line)
            if not m:
                continue
            start, size, rest = int(m.group(1), 16), int(m.group(2), 16), m.group(3).strip()
            if ":(.text." in rest or rest.endswith(":(.text)"):
                section = (start, start + size)
            elif section and " " not in rest and ":(" not in rest:
                found.append((section[0], section[1], rest))
                section = None
            else:
                section = None
    found.sort()
    return found


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
    """The function sections holding `addresses`, by address."""
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
    """(name, argv, stdin, env) of the commands to profile, in priority
    order, after setting up `home` (an admin, logged in, two cost
    settings)."""
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
    run([binary, "register", "root", "--password-stdin"], floor, PASSWORD)
    run([binary, "login", "root", "--password-stdin"], floor, PASSWORD)
    for key, value in [
        ("hash.memory_kib", "19456"),
        ("hash.iterations", "2"),
        ("hash.parallelism", "1"),
    ]:
        run([binary, "config", "set", key, value], floor)
    run([binary, "login", "root", "--password-stdin"], floor, PASSWORD)
    return [
        ("whoami", ["whoami"], b"", env),
        ("login", ["login", "root", "--password-stdin"], PASSWORD, env),
        ("login-floor", ["login", "root", "--password-stdin"], PASSWORD, floor),
        ("show", ["show", "root"], b"", env),
        ("list", ["list"], b"", env),
        ("json-list", ["--json", "list"], b"", env),
    ]


def profile(build_cmd, tmp, label):
    """Relinks with a map, profiles the workloads, returns one list of
    function names per workload."""
    map_path = os.path.join(tmp, f"{label}.map")
    env = dict(os.environ, AUTHCTL_LINK_MAP=map_path)
    subprocess.run(build_cmd, env=env, check=True)
    binary = os.path.realpath("target/release/authctl")
    secs = sections(map_path)
    home = os.path.join(tmp, label)
    os.makedirs(home)
    lists = [unseen(secs)]
    for name, argv, stdin, env in workloads(binary, home):
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
    return lists


def main():
    with tempfile.TemporaryDirectory() as tmp:
        release = profile(["cargo", "build", "--release", "--bin", "authctl"], tmp, "release")
        bench = profile(["cargo", "bench", "--no-run", "--bench", "compare"], tmp, "bench")
    # Command by command, the release build's names and then the bench
    # build's: each build has only its own (and the ones they share, such as
    # std's and SQLite's), and the linker skips the others.
    order, seen = [], set()
    for names in [n for pair in zip(release, bench) for n in pair]:
        for name in names:
            if name not in seen:
                seen.add(name)
                order.append(name)
    with open(ORDER + ".tmp", "w") as f:
        f.write(
            "# Functions placed first in .text by the release link (build.rs),\n"
            "# generated by benches/link_order.py: see there. Not edited by hand.\n"
        )
        f.write("\n".join(order) + "\n")
    os.replace(ORDER + ".tmp", ORDER)
    print(f"{ORDER}: {len(order)} functions", file=sys.stderr)


if __name__ == "__main__":
    main()
