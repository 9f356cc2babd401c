//! `authctl passwd`: own password, by username, admin reset, session revocation.

use crate::common::*;

fn lines(a: &str, b: &str) -> String {
    format!("{a}\n{b}\n")
}

#[test]
fn change_own_password_keeps_this_session_and_revokes_the_others() {
    let env = TestEnv::new();
    env.register("alice", PW);
    // Another session of alice's, elsewhere.
    env.login_on_device("laptop", "alice", PW);
    env.login("alice", PW);
    // An old change time, so the new one is visibly later.
    env.db().execute("UPDATE users SET password_changed_at = 0");
    env.run(&["passwd", "--password-stdin"], &lines(PW, PW2))
        .success()
        .stdout("")
        .stderr("password changed for alice; its 1 other session(s) were logged out\n");
    assert_eq!(env.db().count("SELECT count(*) FROM sessions"), 1);
    env.run(&["whoami"], "").success().stdout("alice\n");
    assert_error(
        env.on_device("laptop").arg("whoami").assert(),
        4,
        "no longer valid",
    );
    assert!(env.db().count("SELECT password_changed_at FROM users") > 1_700_000_000);
    // Old password no longer works, new one does.
    assert_error(
        env.run(&["login", "alice", "--password-stdin"], &format!("{PW}\n")),
        3,
        "incorrect",
    );
    env.login("alice", PW2);
}

#[test]
fn wrong_current_password_is_exit_3_and_changes_nothing() {
    let env = TestEnv::new();
    env.register("alice", PW);
    env.login("alice", PW);
    let hash = |env: &TestEnv| -> String { env.db().text("SELECT password_hash FROM users") };
    let before = hash(&env);
    assert_error(
        env.run(&["passwd", "--password-stdin"], &lines("wrong one!", PW2)),
        3,
        "incorrect",
    );
    assert_eq!(hash(&env), before);
}

#[test]
fn new_password_must_pass_the_policy() {
    let env = TestEnv::new();
    env.register("alice", PW);
    for (new, why) in [
        ("short", "too short"),
        ("", "too short"),
        ("hd764nw5d7e1vb1", "common or breached"),
        ("qwertyuiopasdfg", "too easy to guess"),
        // Long enough, but built on the username.
        ("Alice-Quartz-Harbour-91", "contains the username"),
    ] {
        let change = env.run(&["passwd", "alice", "--password-stdin"], &lines(PW, new));
        assert_error(change, 11, why);
    }
    env.login("alice", PW);
}

#[test]
fn without_a_session_the_current_password_is_enough() {
    let env = TestEnv::new();
    env.register("alice", PW);
    env.run(&["passwd", "Alice", "--password-stdin"], &lines(PW, PW2))
        .success();
    // Without a session an unknown user looks like a wrong password.
    assert_error(
        env.run(&["passwd", "nobody", "--password-stdin"], &lines(PW, PW2)),
        3,
        "incorrect username or password",
    );
    env.login("alice", PW2);
    // An admin session resets instead, and so may say the user does not exist.
    assert_error(
        env.run(
            &["passwd", "nobody", "--password-stdin"],
            &format!("{PW2}\n"),
        ),
        6,
        "no such user",
    );
}

#[test]
fn without_a_session_or_username_is_exit_4() {
    let env = TestEnv::new();
    env.register("alice", PW);
    assert_error(
        env.run(&["passwd", "--password-stdin"], &lines(PW, PW2)),
        4,
        "not logged in",
    );
}

#[test]
fn admin_resets_another_users_password_without_the_current_one() {
    let env = TestEnv::new();
    env.register("root", PW);
    env.register("bob", PW);
    // bob has a session somewhere; the reset ends it.
    env.login_on_device("bobcfg", "bob", PW);
    env.login("root", PW);
    env.run(&["passwd", "bob", "--password-stdin"], &format!("{PW2}\n"))
        .success();
    env.login("bob", PW2);
    assert_eq!(env.db().count("SELECT count(*) FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.username = 'bob'"), 1);
}

#[test]
fn a_user_cannot_reset_someone_else_without_their_password() {
    let env = TestEnv::admin_and_bob_logged_in();
    // bob's session gives no reset power: the first line is taken as root's current password.
    assert_error(
        env.run(
            &["passwd", "root", "--password-stdin"],
            &format!("{PW2}\n{PW2}\n"),
        ),
        3,
        "incorrect",
    );
    env.login("root", PW);
}

#[test]
fn other_sessions_are_mentioned_only_when_there_were_some() {
    let env = TestEnv::admin_and_bob_logged_in();
    // bob's own session is the only one: it is replaced, nothing else ends.
    env.run(&["passwd", "--password-stdin"], &lines(PW, PW2))
        .success()
        .stderr("password changed for bob\n");
    let out = env
        .run(&["--json", "passwd", "--password-stdin"], &lines(PW2, PW))
        .success();
    assert_eq!(
        json_stdout(&out),
        serde_json::json!({ "password_changed": "bob", "sessions_revoked": 0 })
    );
    // An admin's reset ends all of bob's sessions, and says how many.
    env.login_on_device("laptop", "bob", PW);
    env.login("root", PW);
    env.run(&["passwd", "bob", "--password-stdin"], &format!("{PW2}\n"))
        .success()
        .stderr("password changed for bob; its 1 session(s) were logged out\n");
    env.run(&["passwd", "bob", "--password-stdin"], &format!("{PW}\n"))
        .success()
        .stderr("password changed for bob\n");
}
