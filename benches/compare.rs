//! authctl against the reference tools, in the same run, alternating, with
//! medians of `AUTHCTL_BENCH_RUNS` runs (default 11):
//!
//! 1. `authctl login` against the reference Argon2 C code hashing once
//!    (`-e`) with the same parameters: Debian's `argon2` CLI (the portable
//!    code; target at most 1.1x), and the same CLI built optimised for this
//!    machine (`common::argon2_c`; target at most 1.0x), at the default
//!    cost (m=65536, t=3, p=4) and at OWASP's minimum (m=19456, t=2, p=1).
//!    Instruction counts (callgrind) beside the times.
//! 2. `authctl whoami` against `sqlite3` doing the same indexed lookup, on
//!    the database of `AUTHCTL_BENCH_ACCOUNTS` accounts. Target: at most
//!    1.0x.
//! 3. `authctl --json list` over `AUTHCTL_BENCH_ACCOUNTS` accounts (default
//!    100,000) against `sqlite3` building the same document (checked first:
//!    both parse to the same JSON value). Target: at most 2x, and peak
//!    memory that does not grow with the accounts.
//! 4. Importing `AUTHCTL_BENCH_IMPORT` accounts (default 10,000) with
//!    plain-text passwords at OWASP's minimum cost, `--jobs 1` against all
//!    cores. Target: a speed-up of at least 0.9 x cores.
//! 5. Peak memory of a login. Target: at most the hash memory plus 4 MiB.
//! 6. A failed login for an unknown user against one for a wrong password.
//!    Target: a ratio of medians within 0.9 to 1.1.
//!
//! `AUTHCTL_BENCH_ONLY` picks comparisons by name (comma-separated: login,
//! whoami, list, import, rss, enumeration); all run when it is unset.
//! `AUTHCTL_BENCH_CALLGRIND=0` skips the instruction counts.
//!
//! Needs `argon2`, `sqlite3`, GNU `time`, `gcc`, `pip` and `valgrind`
//! (Debian: `apt-get install argon2 sqlite3 time gcc valgrind python3-pip`).
//! Run with `cargo bench --bench compare`; BENCHMARKS.md has the results
//! and the exact commands.

mod common;

use common::*;
use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

/// The document `authctl --json list` prints, built by sqlite3: the same
/// keys, values and order.
const LIST_AS_JSON: &str = r#"
SELECT json_group_array(json_object(
    'username', username, 'name', name, 'email', email, 'role', role,
    'created_at', strftime('%Y-%m-%dT%H:%M:%SZ', created_at, 'unixepoch'),
    'last_login_at', strftime('%Y-%m-%dT%H:%M:%SZ', last_login_at, 'unixepoch'),
    'password_changed_at', strftime('%Y-%m-%dT%H:%M:%SZ', password_changed_at, 'unixepoch'),
    'status', CASE WHEN admin_locked_at IS NOT NULL THEN 'locked'
                   WHEN locked_until > unixepoch() THEN 'locked_until' ELSE 'active' END,
    'locked_until', CASE WHEN admin_locked_at IS NULL AND locked_until > unixepoch()
        THEN strftime('%Y-%m-%dT%H:%M:%SZ', locked_until, 'unixepoch') END,
    'lock_reason', lock_reason, 'failed_logins', failed_logins,
    'two_factor', json(CASE WHEN totp_secret IS NULL THEN 'false' ELSE 'true' END),
    'active_sessions', (SELECT count(*) FROM sessions
                        WHERE user_id = users.id AND expires_at > unixepoch())))
FROM (SELECT * FROM users ORDER BY username) AS users"#;

fn main() {
    let runs = env_usize("AUTHCTL_BENCH_RUNS", 11);
    let accounts = env_usize("AUTHCTL_BENCH_ACCOUNTS", 100_000);
    let to_import = env_usize("AUTHCTL_BENCH_IMPORT", 10_000);
    let only = Only::from_env();
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path();
    let mut report = String::from(
        "| comparison | authctl | reference | ratio | target |\n|---|---|---|---|---|\n",
    );
    let mut notes = Vec::new();
    let password = format!("{PW}\n");
    let home = admin_home(Home::new(root, "login"));
    let login = |home: &Home| home.authctl(&["login", "root", "--password-stdin"]);

    // 1. login against the reference Argon2 C code, one hash each.
    if only.has("login") {
        let owasp = admin_home(Home::new(root, "login-owasp"));
        set_owasp_minimum(&owasp);
        // The first login re-hashes root's password at the new cost; the
        // timed ones then hash once each.
        owasp.run(&["login", "root", "--password-stdin"], password.as_bytes());
        let cli = |program: &Path, t: &str, m_kib: &str, p: &str| {
            let mut cmd = Command::new(program);
            // Encoded output only: without -e the CLI verifies after
            // hashing, computing the hash twice.
            cmd.args(["saltsaltsaltsalt", "-id", "-t", t, "-k", m_kib, "-p", p])
                .args(["-l", "32", "-e"]);
            cmd
        };
        let default = ("3", "65536", "4");
        let floor = ("2", "19456", "1");
        let mut compare = |name: &str, home: &Home, theirs: Command, target: f64| {
            let mut theirs = theirs;
            let (ours_t, theirs_t) = alternate(
                runs,
                || time(&mut login(home), password.as_bytes()),
                || time(&mut theirs, PW.as_bytes()),
            );
            row(&mut report, name, ours_t, theirs_t, target);
        };
        let debian = Path::new("argon2");
        compare(
            "`login` vs Debian's `argon2 -id -t 3 -k 65536 -p 4 -e`",
            &home,
            cli(debian, default.0, default.1, default.2),
            1.1,
        );
        if let Some(c) = argon2_c::build(root) {
            compare(
                "`login` vs reference C -O3 -march=native, m=65536 t=3 p=4",
                &home,
                cli(&c.native, default.0, default.1, default.2),
                1.0,
            );
            compare(
                "`login` vs reference C -O3 -march=native, m=19456 t=2 p=1",
                &owasp,
                cli(&c.native, floor.0, floor.1, floor.2),
                1.0,
            );
            let counts = |home: &Home, (t, m, p): (&str, &str, &str)| {
                let ours = instructions(&login(home), password.as_bytes());
                let theirs = instructions(&cli(&c.avx2, t, m, p), PW.as_bytes());
                (millions(ours), millions(theirs))
            };
            for (label, home, params) in [
                ("m=65536 t=3 p=4", &home, default),
                ("m=19456 t=2 p=1", &owasp, floor),
            ] {
                let (ours, theirs) = counts(home, params);
                notes.push(format!(
                    "instructions (callgrind, all threads), login at {label}: authctl {ours}, reference C built -march=native -mno-avx512f (valgrind has no AVX-512) {theirs}"
                ));
            }
            let rss = |cmd: Command, stdin: &[u8]| {
                median_u64((0..runs.min(5)).map(|_| max_rss_kib(&cmd, stdin)).collect())
            };
            notes.push(format!(
                "peak memory of the reference C at m=65536 (median of {}): {} KiB",
                runs.min(5),
                rss(
                    cli(&c.native, default.0, default.1, default.2),
                    PW.as_bytes()
                )
            ));
        }
    }

    // The database of many accounts, for whoami and --json list.
    let big = (only.has("whoami") || only.has("list")).then(|| {
        let big = admin_home(Home::new(root, "list"));
        big.run(&["import", "--format", "jsonl"], &accounts_jsonl(accounts));
        big
    });

    // 2. whoami against the same indexed lookup in sqlite3.
    if let (true, Some(big)) = (only.has("whoami"), &big) {
        let digest = session_digest(big);
        let query = format!(
            "SELECT username FROM sessions JOIN users ON users.id = sessions.user_id WHERE token_sha256 = X'{digest}'"
        );
        let mut sqlite = Command::new("sqlite3");
        sqlite.arg(&big.db).arg(&query);
        let (ours, theirs) = alternate(
            runs,
            || time(&mut big.authctl(&["whoami"]), b""),
            || time(&mut sqlite, b""),
        );
        row(
            &mut report,
            &format!("`whoami` vs `sqlite3` lookup, {accounts} accounts"),
            ours,
            theirs,
            1.0,
        );
        notes.push(format!(
            "instructions (callgrind), whoami: authctl {}, sqlite3 {}",
            millions(instructions(&big.authctl(&["whoami"]), b"")),
            millions(instructions(&sqlite, b""))
        ));
    }

    // 5. Peak memory of a login, against the hash's own memory.
    if only.has("rss") {
        let login_rss = median_u64(
            (0..runs.min(5))
                .map(|_| max_rss_kib(&login(&home), password.as_bytes()))
                .collect(),
        );
        let hash_kib = 65536;
        let limit = hash_kib + 4 * 1024;
        let verdict = if login_rss <= limit { "met" } else { "missed" };
        notes.push(format!(
            "peak memory of `login` (median of {}): {login_rss} KiB; hash memory {hash_kib} KiB + 4 MiB = {limit} KiB: {verdict}",
            runs.min(5)
        ));
    }

    // 6. Failed logins: an unknown user against a wrong password. The
    // threshold is raised so that the wrong passwords do not lock root.
    if only.has("enumeration") {
        home.run(&["config", "set", "lockout.threshold", "100"], b"");
        let (unknown, wrong) = alternate(
            runs.min(99),
            || {
                time_failure(
                    &mut home.authctl(&["login", "nobody", "--password-stdin"]),
                    b"wrong horse battery staple\n",
                )
            },
            || time_failure(&mut login(&home), b"wrong horse battery staple\n"),
        );
        home.run(&["config", "set", "lockout.threshold", "5"], b"");
        let enumeration = unknown.as_secs_f64() / wrong.as_secs_f64();
        let verdict = if (0.9..=1.1).contains(&enumeration) {
            "met"
        } else {
            "missed"
        };
        notes.push(format!(
            "failed login, unknown user {unknown:.1?} vs wrong password {wrong:.1?}: ratio {enumeration:.3} (target 0.9-1.1: {verdict})"
        ));
    }

    // 3. --json list over many accounts against sqlite3, and memory.
    if let (true, Some(big)) = (only.has("list"), &big) {
        let small = admin_home(Home::new(root, "list-small"));
        small.run(
            &["import", "--format", "jsonl"],
            &accounts_jsonl(accounts / 10),
        );
        // The document `--json list` prints, built by sqlite3 (checked below).
        let select = LIST_AS_JSON;
        let sqlite_doc = |home: &Home| {
            let out = Command::new("sqlite3")
                .arg(&home.db)
                .arg(select)
                .output()
                .expect("sqlite3");
            String::from_utf8(out.stdout).expect("UTF-8")
        };
        let authctl_doc = |home: &Home| {
            let out = home.authctl(&["--json", "list"]).output().expect("authctl");
            String::from_utf8(out.stdout).expect("UTF-8")
        };
        assert_same_json(&authctl_doc(&small), &sqlite_doc(&small));
        let (ours, theirs) = alternate(
            runs,
            || time(&mut big.authctl(&["--json", "list"]), b""),
            || time(Command::new("sqlite3").arg(&big.db).arg(select), b""),
        );
        row(
            &mut report,
            &format!("`--json list` of {accounts} vs `sqlite3` (json_group_array)"),
            ours,
            theirs,
            2.0,
        );
        let rss_small = max_rss_kib(&small.authctl(&["--json", "list"]), b"");
        let rss_big = max_rss_kib(&big.authctl(&["--json", "list"]), b"");
        notes.push(format!(
            "peak memory of `--json list`: {rss_small} KiB at {} accounts, {rss_big} KiB at {accounts}",
            accounts / 10
        ));
    }

    eprintln!("{report}");

    // 4. importing plain-text passwords at OWASP's minimum: 1 thread vs all.
    let import_runs = env_usize("AUTHCTL_BENCH_IMPORT_RUNS", runs);
    if only.has("import") {
        let template = admin_home(Home::new(root, "import-template"));
        set_owasp_minimum(&template);
        let mut csv = String::from("username,password\n");
        for i in 0..to_import {
            let _ = writeln!(csv, "import{i},violet tractor mangoes {i} sing");
        }
        let mut fresh = 0;
        let mut import_with = |jobs: usize| {
            fresh += 1;
            let home = Home::new(root, &format!("import-{fresh}"));
            std::fs::copy(&template.db, &home.db).expect("copy db");
            copy_dir(&template.dir.join("config"), &home.dir.join("config"));
            let jobs = jobs.to_string();
            let d = time(
                &mut home.authctl(&["import", "--format", "csv", "--jobs", &jobs]),
                csv.as_bytes(),
            );
            let _ = std::fs::remove_dir_all(&home.dir);
            d
        };
        let mut one = Vec::new();
        let mut all = Vec::new();
        for run in 1..=import_runs {
            one.push(import_with(1));
            all.push(import_with(cores));
            eprintln!(
                "import run {run}: --jobs 1 {:.1?}, --jobs {cores} {:.1?}",
                one[run - 1],
                all[run - 1]
            );
        }
        let (one, all) = (median(one), median(all));
        let speedup = one.as_secs_f64() / all.as_secs_f64();
        let target = 0.9 * cores as f64;
        let verdict = if speedup >= target { "met" } else { "missed" };
        notes.push(format!(
            "import of {to_import} plain-text accounts (m=19456, t=2, p=1): --jobs 1 {one:.1?}, --jobs {cores} {all:.1?}; speed-up {speedup:.2} (target >= {target:.1}: {verdict})"
        ));
    }

    println!("{report}");
    for note in notes {
        println!("- {note}");
    }
    let import_note = match only.has("import") {
        true => format!(" ({import_runs} for the import)"),
        false => String::new(),
    };
    println!("- runs: {runs} alternating{import_note}; cores: {cores}");
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read_dir") {
        let entry = entry.expect("entry");
        std::fs::copy(entry.path(), to.join(entry.file_name())).expect("copy");
    }
}
