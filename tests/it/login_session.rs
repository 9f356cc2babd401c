//! `login`, `whoami`, `logout` and the session token file.

use crate::common::*;
use std::fs;
use std::os::unix::fs::PermissionsExt;

#[test]
fn login_writes_a_private_token_file_and_stores_only_its_hash() {
    let env = TestEnv::new();
    env.register("alice", PW);
    let a = env
        .run(&["login", "Alice", "--password-stdin"], &format!("{PW}\n"))
        .success()
        .stdout("");
    assert!(
        stderr(&a).contains("logged in as alice until"),
        "{}",
        stderr(&a)
    );
    assert_eq!(mode(&env.config_dir()), 0o700);
    assert_eq!(mode(&env.session_path()), 0o600);
    let token = env.session_token();
    let token = token.trim_end();
    assert_eq!(token.len(), 64);
    assert!(token.bytes().all(|b| b.is_ascii_hexdigit()));
    // The database has the token's SHA-256, never the token (bytes, which
    // the test database gives in hex).
    let stored = env.db().text("SELECT token_sha256 FROM sessions");
    use sha2::Digest;
    let digest: String = sha2::Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(stored, digest);
    env.db().assert_never_stored(&[token]);
    // Nothing but the session file in the config directory (no temp files).
    assert_eq!(fs::read_dir(env.config_dir()).unwrap().count(), 1);
    env.run(&["whoami"], "")
        .success()
        .stdout("alice\n")
        .stderr("");
}

#[test]
fn wrong_password_and_unknown_user_give_the_same_exit_3_and_write_nothing() {
    let env = TestEnv::new();
    env.register("alice", PW);
    let wrong = assert_error(
        env.run(&["login", "alice", "--password-stdin"], "wrong password\n"),
        3,
        "incorrect username or password",
    );
    let unknown = assert_error(
        env.run(&["login", "nobody", "--password-stdin"], &format!("{PW}\n")),
        3,
        "incorrect username or password",
    );
    assert_eq!(stderr(&wrong), stderr(&unknown));
    assert!(!env.session_path().exists());
    assert_eq!(env.db().count("SELECT count(*) FROM sessions"), 0);
    assert_eq!(
        env.db()
            .count("SELECT count(*) FROM users WHERE last_login_at IS NOT NULL"),
        0
    );
}

#[test]
fn logging_in_again_revokes_the_previous_session() {
    let env = TestEnv::new();
    env.register("alice", PW);
    env.register("bob", PW);
    env.login("alice", PW);
    let first = env.session_token();
    env.login("bob", PW);
    assert_ne!(first, env.session_token());
    assert_eq!(env.db().count("SELECT count(*) FROM sessions"), 1);
    env.run(&["whoami"], "").success().stdout("bob\n");
}

#[test]
fn ttl_is_applied_and_validated() {
    let env = TestEnv::new();
    env.register("alice", PW);
    env.run(
        &["login", "alice", "--password-stdin", "--ttl", "90s"],
        &format!("{PW}\n"),
    )
    .success();
    let span = env
        .db()
        .count("SELECT expires_at - created_at FROM sessions");
    assert_eq!(span, 90);
    env.run(
        &["login", "alice", "--password-stdin", "--ttl", "7d"],
        &format!("{PW}\n"),
    )
    .success();
    assert_eq!(
        env.db()
            .count("SELECT expires_at - created_at FROM sessions"),
        7 * 86400
    );
    for (bad, why) in [
        ("31d", "the longest session is 30d"),
        ("soon", "invalid duration"),
        ("0s", "invalid duration"),
        ("-5m", "invalid duration \"-5m\": durations are positive"),
    ] {
        assert_error(
            env.run(
                &["login", "alice", "--password-stdin", "--ttl", bad],
                &format!("{PW}\n"),
            ),
            11,
            why,
        );
    }
    // Default: 24 hours.
    env.login("alice", PW);
    assert_eq!(
        env.db()
            .count("SELECT expires_at - created_at FROM sessions"),
        86400
    );
}

#[test]
fn login_with_password_stdin_needs_a_username() {
    let env = TestEnv::new();
    env.register("alice", PW);
    assert_error(
        env.run(&["login", "--password-stdin"], &format!("{PW}\n")),
        2,
        "USERNAME is required",
    );
    assert_error(env.run(&["login", "alice"], ""), 2, "--password-stdin");
}

#[test]
fn whoami_without_a_session_is_exit_4_and_suggests_login() {
    let env = TestEnv::new();
    env.register("alice", PW);
    assert_error(env.run(&["whoami"], ""), 4, "authctl login");
}

#[test]
fn expired_revoked_and_tampered_sessions_are_exit_4() {
    let env = TestEnv::new();
    env.register("alice", PW);
    env.login("alice", PW);
    // Expired: move its expiry into the past.
    env.db().execute("UPDATE sessions SET expires_at = 1000");
    assert_error(
        env.run(&["whoami"], ""),
        4,
        "expired at 1970-01-01T00:16:40Z",
    );
    // Revoked: the row is gone.
    env.login("alice", PW);
    env.db().execute("DELETE FROM sessions");
    assert_error(env.run(&["whoami"], ""), 4, "no longer valid");
    // Tampered: a well-formed token nobody issued, and garbage.
    fs::write(env.session_path(), "0".repeat(64)).unwrap();
    assert_error(env.run(&["whoami"], ""), 4, "no longer valid");
    fs::write(env.session_path(), "not a token\n").unwrap();
    assert_error(
        env.run(&["whoami"], ""),
        4,
        "does not contain a valid session token",
    );
}

#[test]
fn a_session_file_others_can_read_is_refused_with_the_reason() {
    let env = TestEnv::new();
    env.register("alice", PW);
    env.login("alice", PW);
    fs::set_permissions(env.session_path(), fs::Permissions::from_mode(0o644)).unwrap();
    assert_error(
        env.run(&["whoami"], ""),
        4,
        "readable by group or others (mode 0644",
    );
}

#[test]
fn login_and_logout_revoke_the_session_named_by_a_widened_file() {
    let env = TestEnv::new();
    env.register("alice", PW);
    env.login("alice", PW);
    let widen =
        || fs::set_permissions(env.session_path(), fs::Permissions::from_mode(0o644)).unwrap();
    widen();
    // Logging in again replaces the file and revokes what it held.
    env.login("alice", PW);
    assert_eq!(env.db().count("SELECT count(*) FROM sessions"), 1);
    assert_eq!(mode(&env.session_path()), 0o600);
    widen();
    env.run(&["logout"], "")
        .success()
        .stderr(predicates::str::contains("logged out alice"));
    assert_eq!(env.db().count("SELECT count(*) FROM sessions"), 0);
    assert!(!env.session_path().exists());
}

#[test]
fn unusual_session_files_are_refused_cleanly() {
    let env = TestEnv::new();
    env.register("alice", PW);
    fs::create_dir_all(env.session_path()).unwrap();
    assert_error(env.run(&["whoami"], ""), 4, "not a regular file");
    fs::remove_dir(env.session_path()).unwrap();
    let elsewhere = env.dir.path().join("elsewhere");
    fs::write(&elsewhere, "0".repeat(64)).unwrap();
    std::os::unix::fs::symlink(&elsewhere, env.session_path()).unwrap();
    assert_error(env.run(&["whoami"], ""), 4, "is a symbolic link");
    fs::remove_file(env.session_path()).unwrap();
    fs::write(env.session_path(), "a".repeat(5000)).unwrap();
    fs::set_permissions(env.session_path(), fs::Permissions::from_mode(0o600)).unwrap();
    assert_error(env.run(&["whoami"], ""), 4, "too large");
    fs::write(env.session_path(), "").unwrap();
    assert_error(
        env.run(&["whoami"], ""),
        4,
        "does not contain a valid session token",
    );
}

#[test]
fn logout_revokes_and_removes_the_file() {
    let env = TestEnv::new();
    env.register("alice", PW);
    env.login("alice", PW);
    env.run(&["logout"], "")
        .success()
        .stdout("")
        .stderr(predicates::str::contains("logged out alice"));
    assert!(!env.session_path().exists());
    assert_eq!(env.db().count("SELECT count(*) FROM sessions"), 0);
    // Again: nothing to do, still success.
    env.run(&["logout"], "")
        .success()
        .stderr(predicates::str::contains("not logged in"));
}

#[test]
fn logout_all_revokes_every_session_of_the_user_only() {
    let env = TestEnv::new();
    env.register("alice", PW);
    env.register("bob", PW);
    env.login("alice", PW);
    env.login_on_device("laptop", "alice", PW);
    env.login_on_device("bobcfg", "bob", PW);
    assert_eq!(env.db().count("SELECT count(*) FROM sessions"), 3);
    env.run(&["logout", "--all"], "")
        .success()
        .stderr(predicates::str::contains(
            "logged out all sessions of alice",
        ));
    assert_error(
        env.on_device("laptop").arg("whoami").assert(),
        4,
        "no longer valid",
    );
    env.on_device("bobcfg")
        .arg("whoami")
        .assert()
        .success()
        .stdout("bob\n");
    assert_eq!(env.db().count("SELECT count(*) FROM sessions"), 1);
}

#[test]
fn logout_with_an_ended_session_removes_the_file_and_succeeds() {
    let env = TestEnv::new();
    env.register("alice", PW);
    env.login("alice", PW);
    env.db().execute("DELETE FROM sessions");
    env.run(&["logout"], "")
        .success()
        .stderr(predicates::str::contains("already ended"));
    assert!(!env.session_path().exists());
}

#[test]
fn whoami_json() {
    let env = TestEnv::new();
    env.register("alice", PW);
    env.login("alice", PW);
    let a = env.run(&["--json", "whoami"], "").success();
    let v: serde_json::Value = serde_json::from_str(&stdout(&a)).unwrap();
    assert_eq!(v["username"], "alice");
    assert_eq!(v["role"], "admin");
    assert!(v["session_expires_at"].as_str().unwrap().ends_with('Z'));
}
