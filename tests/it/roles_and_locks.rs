//! Admin tooling through the binary: roles, locks, and who may use them.

use crate::common::*;

/// The newest audit event of `kind`: (actor, target, detail).
fn last_event(env: &TestEnv, kind: &str) -> (Option<String>, Option<String>, Option<String>) {
    let [actor, target, detail] = env
        .db()
        .row(&format!(
            "SELECT actor, target, detail FROM events WHERE event = '{kind}' ORDER BY id DESC LIMIT 1"
        ))
        .try_into()
        .unwrap();
    (actor, target, detail)
}

#[test]
fn admin_commands_need_a_session_and_an_admin() {
    let env = TestEnv::new();
    env.register("root", PW);
    env.register("bob", PW);
    // (`unlock` without a session is the database file owner's way back:
    // see lockout.rs.)
    for args in [&["role", "bob", "admin"][..], &["lock", "bob"]] {
        assert_error(env.run(args, ""), 4, "not logged in");
    }
    env.login("bob", PW);
    for args in [
        &["role", "bob", "admin"][..],
        &["lock", "root"],
        &["unlock", "bob"],
    ] {
        assert_error(env.run(args, ""), 8, "only an admin can");
    }
    assert_eq!(env.db().user_text("role", "bob"), "user");
    env.login("root", PW);
    assert_error(env.run(&["lock", "nobody"], ""), 6, "no such user: nobody");
    assert_error(env.run(&["role", "bob", "owner"], ""), 2, "invalid value");
}

#[test]
fn role_promotes_and_demotes_but_never_the_last_admin() {
    let env = TestEnv::new();
    env.register("root", PW);
    env.register("bob", PW);
    env.login("root", PW);
    assert_error(
        env.run(&["role", "root", "user"], ""),
        11,
        "cannot demote the last admin",
    );
    let out = env.run(&["role", "bob", "admin"], "").success().stdout("");
    assert_eq!(stderr(&out), "bob is now an admin\n");
    assert_eq!(env.db().user_text("role", "bob"), "admin");
    assert_eq!(
        last_event(&env, "role_changed"),
        (
            Some("root".into()),
            Some("bob".into()),
            Some("user -> admin".into())
        )
    );
    env.run(&["role", "bob", "admin"], "")
        .success()
        .stderr("bob is already an admin\n");

    // Now root may step down; bob, the remaining admin, may not.
    let out = env.run(&["--json", "role", "root", "user"], "").success();
    assert_eq!(json_stdout(&out)["role"], "user");
    env.login("bob", PW);
    env.run(&["list"], "").success();
    assert_error(env.run(&["role", "bob", "user"], ""), 11, "last admin");
    assert_error(
        env.run(
            &["delete", "bob", "--yes", "--password-stdin"],
            &format!("{PW}\n"),
        ),
        11,
        "cannot delete the last admin",
    );
}

#[test]
fn a_locked_account_cannot_log_in_and_loses_its_sessions_until_unlocked() {
    let env = TestEnv::admin_and_bob_logged_in();
    env.login_on_device("laptop", "bob", PW);
    env.login_on_device("admin", "root", PW);
    let as_admin = |args: &[&str]| env.on_device("admin").args(args).assert();

    let out = as_admin(&["lock", "bob", "--reason", "left the team"])
        .success()
        .stdout("");
    assert_eq!(stderr(&out), "locked account bob (2 session(s) revoked)\n");
    assert_eq!(
        env.db()
            .count("SELECT count(*) FROM sessions WHERE user_id = 2"),
        0
    );
    assert_error(env.run(&["whoami"], ""), 4, "no longer valid");
    assert_error(
        env.login_attempt("bob", PW),
        7,
        "account bob is locked by an administrator",
    );
    assert_error(
        env.run(&["verify", "bob", "--password-stdin"], &format!("{PW}\n")),
        7,
        "locked by an administrator",
    );
    assert_eq!(
        last_event(&env, "account_locked"),
        (
            Some("root".into()),
            Some("bob".into()),
            Some("left the team".into())
        )
    );

    let shown = json_stdout(&as_admin(&["--json", "show", "bob"]).success());
    assert_eq!(shown["status"], "locked");
    assert_eq!(shown["lock_reason"], "left the team");
    assert_eq!(shown["active_sessions"], 0);
    let table = stdout(&as_admin(&["list"]).success());
    let bob_row = table
        .lines()
        .find(|l| l.trim_start().starts_with("bob"))
        .unwrap();
    assert!(bob_row.contains("locked: left the team"), "{table}");

    let out = as_admin(&["unlock", "bob"]).success();
    assert_eq!(stderr(&out), "unlocked account bob\n");
    env.login_attempt("bob", PW).success();
    let shown = json_stdout(&as_admin(&["--json", "show", "bob"]).success());
    assert_eq!(shown["status"], "active");
    assert_eq!(shown["lock_reason"], serde_json::Value::Null);
}

#[test]
fn unlock_clears_a_timed_lockout_and_the_failure_count() {
    let env = TestEnv::new();
    env.register("root", PW);
    env.register("bob", PW);
    env.login("root", PW);
    for _ in 0..7 {
        env.login_attempt("bob", PW2).failure();
    }
    let shown = json_stdout(&env.run(&["--json", "show", "bob"], "").success());
    assert_eq!(shown["status"], "locked_until");
    assert_eq!(shown["failed_logins"], 0, "the count restarts at a lock");
    assert!(shown["locked_until"].as_str().unwrap().ends_with('Z'));
    let table = stdout(&env.run(&["show", "bob"], "").success());
    assert!(table.contains("locked until 20"), "{table}");

    env.run(&["unlock", "bob"], "").success();
    assert_eq!(env.db().user_opt_i64("locked_until", "bob"), None);
    assert_eq!(env.db().user_i64("failed_logins", "bob"), 0);
    assert_eq!(env.db().user_i64("lockouts", "bob"), 0);
    let shown = json_stdout(&env.run(&["--json", "show", "bob"], "").success());
    assert_eq!(shown["status"], "active");
    env.login_attempt("bob", PW).success();
}

#[test]
fn failed_logins_are_shown_and_unlock_clears_them() {
    let env = TestEnv::new();
    env.register("root", PW);
    env.register("bob", PW);
    env.login("root", PW);
    for _ in 0..2 {
        env.login_attempt("bob", PW2).code(3);
    }
    let shown = json_stdout(&env.run(&["--json", "show", "bob"], "").success());
    assert_eq!(shown["failed_logins"], 2);
    assert_eq!(shown["status"], "active");
    let listed = json_stdout(&env.run(&["--json", "list"], "").success());
    assert_eq!(listed[0]["username"], "bob");
    assert_eq!(listed[0]["failed_logins"], 2);
    let table = stdout(&env.run(&["list"], "").success());
    let bob_row = table
        .lines()
        .find(|l| l.trim_start().starts_with("bob"))
        .unwrap();
    // Piped: the status, and the count in the last column.
    let cells = cells(bob_row);
    assert_eq!(
        (cells[4].as_str(), cells[8].as_str()),
        ("active", "2"),
        "{table}"
    );

    let out = env.run(&["unlock", "bob"], "").success();
    assert_eq!(stderr(&out), "unlocked account bob\n");
    assert_eq!(env.db().user_i64("failed_logins", "bob"), 0);
    assert_eq!(
        last_event(&env, "account_unlocked"),
        (Some("root".into()), Some("bob".into()), None)
    );
}

#[test]
fn the_last_admin_cannot_be_locked_and_bad_reasons_are_refused() {
    let env = TestEnv::new();
    env.register("root", PW);
    env.register("bob", PW);
    env.login("root", PW);
    assert_error(
        env.run(&["lock", "root"], ""),
        11,
        "cannot lock the last admin account: make another account an admin first",
    );
    assert_error(
        env.run(&["lock", "bob", "--reason", "bad\u{1b}[2J"], ""),
        11,
        "invalid reason",
    );
    assert_eq!(env.db().user_opt_i64("admin_locked_at", "bob"), None);
    // A second admin who is locked does not count as the one that remains,
    // and the refusal names that rule.
    env.run(&["role", "bob", "admin"], "").success();
    env.run(&["lock", "bob"], "").success();
    for (args, action) in [
        (&["lock", "root"][..], "lock"),
        (&["role", "root", "user"], "demote"),
    ] {
        let refused = assert_error(env.run(args, ""), 11, "");
        assert_eq!(
            stderr(&refused),
            format!(
                "authctl: cannot {action} the last unlocked admin account: the other admins are locked; unlock one, or make another account an admin, first\n"
            )
        );
    }
    // An admin may lock themselves while another admin can unlock them.
    env.run(&["unlock", "bob"], "").success();
    env.run(&["lock", "root"], "").success();
    assert!(!env.session_path().exists(), "own session file removed");
    assert_error(
        env.login_attempt("root", PW),
        7,
        "locked by an administrator",
    );
}
