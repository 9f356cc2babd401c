//! The PostgreSQL half of the end-to-end suite: this same test binary run
//! again with `AUTHCTL_TEST_BACKEND=postgres`, so that every test built on
//! `TestEnv::new()` proves its command on PostgreSQL as well, inside a plain
//! `cargo test`. Without PostgreSQL the half is skipped with one line (a
//! failure under `AUTHCTL_REQUIRE_POSTGRES=1`, as in CI).

use crate::common::pg_cluster;
use std::process::Command;

/// The variable that picks the backend of `TestEnv::new()`.
const BACKEND: &str = "AUTHCTL_TEST_BACKEND";

/// Test names the second run leaves out: what is SQLite's own (its files),
/// and what already ran on PostgreSQL in this run (the tests that take a
/// PostgreSQL environment themselves, this one included).
const NOT_AGAIN: [&str; 2] = ["sqlite", "postgres"];

#[test]
fn the_whole_suite_passes_on_postgresql_too() {
    if std::env::var_os(BACKEND).is_some() {
        // This run already has its backend chosen (it may be the second run).
        return;
    }
    if pg_cluster::server().is_none() {
        return; // the skip line is printed
    }
    let mut run = Command::new(std::env::current_exe().expect("the test binary"));
    run.env(BACKEND, "postgres");
    for name in NOT_AGAIN {
        run.args(["--skip", name]);
    }
    let out = run.output().expect("run the test binary again");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "the suite failed on PostgreSQL:\n{stdout}\n{stderr}"
    );
    let summary = stdout.lines().rfind(|l| l.starts_with("test result:"));
    let summary = summary.expect("the test harness's summary line");
    // Guards against a filter that runs nothing.
    let passed: usize = summary
        .split_once(" passed")
        .and_then(|(head, _)| head.rsplit(' ').next())
        .and_then(|n| n.parse().ok())
        .expect("a count of passed tests");
    assert!(passed >= 100, "only {passed} tests ran on PostgreSQL");
    eprintln!("PostgreSQL half: {summary}");
}
