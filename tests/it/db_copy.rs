//! `authctl db copy --to`: a whole database, SQLite to PostgreSQL and back,
//! with hashes, two-factor state, locks, settings and the audit log; only
//! into an empty target, only by an admin, never with a typed password.

use crate::common::*;
use crate::two_factor::{alice_with_2fa, code};

/// `authctl` on the database at `location` instead of the test's own.
fn on(env: &TestEnv, location: &str, args: &[&str], stdin: &str) -> assert_cmd::assert::Assert {
    env.cmd()
        .env("AUTHCTL_DB", location)
        .env("AUTHCTL_CONFIG_DIR", env.dir.path().join("elsewhere"))
        .args(args)
        .write_stdin(stdin)
        .assert()
}

#[test]
fn a_copy_to_postgresql_and_back_carries_everything_but_sessions() {
    let (env, enrolled) = alice_with_2fa();
    let Some(server) = pg_cluster::server() else {
        return;
    };
    env.register("bob", PW);
    env.login("root", PW);
    env.run(&["config", "set", "password.min_length", "20"], "")
        .success();
    env.run(&["lock", "bob", "--reason", "left"], "").success();
    let url = server.fresh_database();
    let copied = json_stdout(
        &env.run(&["--json", "db", "copy", "--to", &url], "")
            .success(),
    );
    assert_eq!(copied["accounts"], 3);
    assert_eq!(copied["recovery_codes"], 10);
    assert_eq!(copied["settings"], 1);
    assert!(copied["target"].as_str().unwrap().starts_with("host /"));

    // On the copy: the same passwords, alice's second factor, bob's lock,
    // the setting, and the history with the copy at its end.
    let login_alice = |location: &str, c: &str| {
        on(
            &env,
            location,
            &["login", "alice", "--password-stdin"],
            &format!("{PW}\n{c}\n"),
        )
    };
    assert_error(login_alice(&url, "000000"), 3, "incorrect");
    login_alice(&url, &enrolled.recovery[0]).success();
    assert_error(
        on(
            &env,
            &url,
            &["verify", "bob", "--password-stdin"],
            &format!("{PW}\n"),
        ),
        7,
        "locked by an administrator",
    );
    on(
        &env,
        &url,
        &["login", "root", "--password-stdin"],
        &format!("{PW}\n"),
    )
    .success();
    on(&env, &url, &["config", "get", "password.min_length"], "")
        .success()
        .stdout("20\n");
    let log = json_stdout(&on(&env, &url, &["--json", "log"], ""));
    assert_eq!(log[0]["event"], "login");
    let copy_event = log
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["event"] == "database_copied")
        .unwrap();
    assert_eq!(copy_event["actor"], "root");
    assert!(copy_event["detail"].as_str().unwrap().starts_with("from "));
    // The source records where it went.
    let source_log = json_stdout(&env.run(&["--json", "log", "--limit", "1"], "").success());
    assert_eq!(source_log[0]["event"], "database_copied");
    assert!(
        !source_log.to_string().contains("postgresql://"),
        "no URL in the log"
    );

    // And back into a new SQLite file: the copy of the copy still works.
    let back = env.dir.path().join("back/users.db");
    let back = back.to_str().unwrap();
    on(&env, &url, &["db", "copy", "--to", back], "").success();
    login_alice(back, &code(&enrolled.secret, 1)).success();
    let status = json_stdout(&on(&env, back, &["--json", "db", "status"], ""));
    assert_eq!(
        (status["backend"].as_str(), status["accounts"].as_i64()),
        (Some("sqlite"), Some(3))
    );
}

#[test]
fn a_copy_needs_an_admin_an_empty_target_and_no_typed_password() {
    let env = TestEnv::admin_and_bob_logged_in();
    // bob is logged in: not an admin.
    let target = env.dir.path().join("copy.db");
    let target = target.to_str().unwrap();
    assert_error(
        env.run(&["db", "copy", "--to", target], ""),
        8,
        "only an admin",
    );
    env.login("root", PW);
    env.run(&["db", "copy", "--to", target], "").success();
    let before = std::fs::read(target).unwrap();
    assert_error(
        env.run(&["db", "copy", "--to", target], ""),
        11,
        "already has accounts",
    );
    assert_eq!(
        std::fs::read(target).unwrap(),
        before,
        "the target is left as it was"
    );
    let typed = "postgresql://ops:hunter2-secret@/x?host=/nonexistent";
    let out = assert_error(env.run(&["db", "copy", "--to", typed], ""), 2, "~/.pgpass");
    assert!(!stderr(&out).contains("hunter2"));
}
