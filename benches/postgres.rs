//! The PostgreSQL backend against `psql`, in the same run, alternating, with
//! medians of `AUTHCTL_BENCH_RUNS` runs (default 11), on a throwaway local
//! cluster (Unix socket, trust auth) started like the tests' one:
//!
//! 1. `authctl whoami` against `psql` running the same indexed lookup.
//!    Target: at most 1.3x.
//! 2. `authctl --json list` over `AUTHCTL_BENCH_ACCOUNTS` accounts (default
//!    100,000) against `psql` producing the same JSON document (checked:
//!    both parse to the same value). Target: at most 1.5x, and peak memory
//!    that does not grow with the accounts.
//! 3. Logins per second from 2 and from 8 processes at once, each process
//!    logging in `AUTHCTL_BENCH_LOGINS` times (default 8) in a config
//!    directory of its own, on SQLite and on PostgreSQL, at the default
//!    hash cost. No target: hashing is the work, and it is CPU-bound.
//!
//! Needs PostgreSQL's server binaries (Debian: `apt-get install postgresql`)
//! and GNU `time`. Run with `cargo bench --bench postgres`; BENCHMARKS.md has
//! the results.

mod common;
#[path = "../tests/support/pg_cluster.rs"]
mod pg_cluster;

use common::*;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// The document `authctl --json list` prints, built by the server: the same
/// keys, values and order.
const LIST_AS_JSON: &str = r#"
WITH now AS (SELECT extract(epoch FROM now())::bigint AS t)
SELECT coalesce(json_agg(json_build_object(
    'username', username, 'name', name, 'email', email, 'role', role,
    'created_at', to_char(to_timestamp(created_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
    'last_login_at', to_char(to_timestamp(last_login_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
    'password_changed_at', to_char(to_timestamp(password_changed_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
    'status', CASE WHEN admin_locked_at IS NOT NULL THEN 'locked'
                   WHEN locked_until > now.t THEN 'locked_until' ELSE 'active' END,
    'locked_until', CASE WHEN admin_locked_at IS NULL AND locked_until > now.t
        THEN to_char(to_timestamp(locked_until) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') END,
    'lock_reason', lock_reason, 'failed_logins', failed_logins,
    'two_factor', totp_secret IS NOT NULL,
    'active_sessions', (SELECT count(*) FROM sessions
                        WHERE user_id = users.id AND expires_at > now.t))
    ORDER BY username), '[]')
FROM users, now"#;

fn main() {
    let runs = env_usize("AUTHCTL_BENCH_RUNS", 11);
    let accounts = env_usize("AUTHCTL_BENCH_ACCOUNTS", 100_000);
    let logins = env_usize("AUTHCTL_BENCH_LOGINS", 8);
    let server = pg_cluster::server().expect("PostgreSQL's server binaries are needed");
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path();
    let on_postgres = |name: &str| Home::on_postgres(root, name, &server.fresh_database());
    let psql = |home: &Home, sql: &str| {
        let mut cmd = server.psql(home.db.to_str().expect("a URL"));
        cmd.args(["-c", sql]);
        cmd
    };
    let mut report = String::from(
        "| comparison | authctl | reference | ratio | target |\n|---|---|---|---|---|\n",
    );

    // 1. whoami against the same indexed lookup in psql.
    let home = admin_home(on_postgres("whoami"));
    let query = format!(
        "SELECT username FROM sessions JOIN users ON users.id = sessions.user_id \
         WHERE token_sha256 = '\\x{}'",
        session_digest(&home)
    );
    assert_eq!(output(psql(&home, &query)), "root\n");
    let (ours, theirs) = alternate(
        runs,
        || time(&mut home.authctl(&["whoami"]), b""),
        || time(&mut psql(&home, &query), b""),
    );
    row(&mut report, "`whoami` vs `psql` lookup", ours, theirs, 1.3);

    // 2. --json list of many accounts against psql building the same document.
    let big = admin_home(on_postgres("list"));
    big.run(&["import", "--format", "jsonl"], &accounts_jsonl(accounts));
    let small = admin_home(on_postgres("list-small"));
    let jsonl = accounts_jsonl(accounts / 10);
    small.run(&["import", "--format", "jsonl"], &jsonl);
    let ours_doc = output(small.authctl(&["--json", "list"]));
    let theirs_doc = output(psql(&small, LIST_AS_JSON));
    assert_same_json(&ours_doc, &theirs_doc);
    let (ours, theirs) = alternate(
        runs,
        || time(&mut big.authctl(&["--json", "list"]), b""),
        || time(&mut psql(&big, LIST_AS_JSON), b""),
    );
    row(
        &mut report,
        &format!("`--json list` of {accounts} vs `psql` (json_agg)"),
        ours,
        theirs,
        1.5,
    );
    let rss_small = max_rss_kib(&small.authctl(&["--json", "list"]), b"");
    let rss_big = max_rss_kib(&big.authctl(&["--json", "list"]), b"");
    println!("{report}");
    println!(
        "peak memory of `--json list` on PostgreSQL: {rss_small} KiB at {} accounts, {rss_big} KiB at {accounts}",
        accounts / 10
    );

    // 3. Logins per second from several processes at once, per backend.
    println!("\n| backend | processes | logins | wall time | logins/s |\n|---|---|---|---|---|");
    for (backend, home) in [
        ("SQLite", admin_home(Home::new(root, "logins-sqlite"))),
        ("PostgreSQL", admin_home(on_postgres("logins-postgres"))),
    ] {
        for processes in [2, 8] {
            let elapsed = parallel_logins(&home, root, processes, logins);
            let total = processes * logins;
            println!(
                "| {backend} | {processes} | {total} | {elapsed:.2?} | {:.1} |",
                total as f64 / elapsed.as_secs_f64()
            );
        }
    }
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    println!("\nruns: {runs} alternating; cores: {cores}");
}

/// Wall time for `processes` processes at once, each logging root in
/// `logins` times one after another, every one of which must succeed.
fn parallel_logins(home: &Home, root: &Path, processes: usize, logins: usize) -> Duration {
    let start = Instant::now();
    std::thread::scope(|scope| {
        for p in 0..processes {
            let device = root.join(format!("device-{processes}-{p}"));
            scope.spawn(move || {
                for _ in 0..logins {
                    let mut login = home.authctl(&["login", "root", "--password-stdin"]);
                    login.env("AUTHCTL_CONFIG_DIR", &device);
                    time(&mut login, format!("{PW}\n").as_bytes());
                }
            });
        }
    });
    start.elapsed()
}

/// What `cmd` prints on stdout; it must succeed.
fn output(mut cmd: Command) -> String {
    let out = cmd.output().expect("run");
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8")
}
