//! `authctl verify`: a password check without a session, like `htpasswd -v`.

use crate::common::*;

fn verify(env: &TestEnv, user: &str, pw: &str) -> assert_cmd::assert::Assert {
    env.run(&["verify", user, "--password-stdin"], &format!("{pw}\n"))
}

#[test]
fn right_is_exit_0_wrong_or_unknown_is_exit_3_and_no_session_is_opened() {
    let env = TestEnv::new();
    env.register("alice", PW);
    verify(&env, "Alice", PW)
        .success()
        .stdout("")
        .stderr("password for alice is correct\n");
    let wrong = stderr(&assert_error(verify(&env, "alice", PW2), 3, "incorrect"));
    let unknown = stderr(&assert_error(verify(&env, "nobody", PW2), 3, "incorrect"));
    assert_eq!(wrong, unknown);
    assert!(!env.session_path().exists());
    assert_eq!(env.db().count("SELECT count(*) FROM sessions"), 0);
    let v: serde_json::Value = serde_json::from_str(&stdout(
        &env.run(
            &["--json", "verify", "alice", "--password-stdin"],
            &format!("{PW}\n"),
        )
        .success(),
    ))
    .unwrap();
    assert_eq!(v, serde_json::json!({ "verified": "alice" }));
    let verified = env
        .db()
        .count("SELECT count(*) FROM events WHERE event = 'password_verified'");
    assert_eq!(verified, 2);
}

#[test]
fn failures_count_toward_the_lock_and_a_locked_account_is_exit_7() {
    let env = TestEnv::new();
    env.register("alice", PW);
    for _ in 0..5 {
        verify(&env, "alice", PW2).code(3);
    }
    assert_error(verify(&env, "alice", PW), 7, "locked until");
    assert_error(
        env.run(&["login", "alice", "--password-stdin"], &format!("{PW}\n")),
        7,
        "locked until",
    );
}

#[test]
fn without_a_terminal_or_password_stdin_it_fails_at_once() {
    let env = TestEnv::new();
    env.register("alice", PW);
    assert_error(env.run(&["verify", "alice"], ""), 2, "--password-stdin");
}

#[test]
fn help_lists_every_exit_code_verify_gives() {
    let env = TestEnv::new();
    let help = stdout(&env.run(&["verify", "--help"], "").success());
    let (_, codes) = help
        .split_once("\nExit codes:\n")
        .expect("an exit-code section");
    let listed: Vec<&str> = codes
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert_eq!(listed, ["0", "3", "7"], "{help}");
    assert!(codes.contains("7  the account is locked"), "{help}");
    let top = stdout(&env.run(&["--help"], "").success());
    assert!(top.contains("exit 0, 3 or 7"), "{top}");
}
