//! `authctl register`: accounts, roles, validation, the database on disk.

use crate::common::*;

#[test]
fn first_account_is_admin_then_users_and_nothing_on_stdout() {
    let env = TestEnv::new();
    let a = env
        .run(
            &[
                "register",
                "Alice",
                "--email",
                "a@x.org",
                "--name",
                "Alice A",
                "--password-stdin",
            ],
            &format!("{PW}\n"),
        )
        .success()
        .stdout("");
    assert!(
        stderr(&a).contains("created account alice (admin)"),
        "{}",
        stderr(&a)
    );
    env.run(&["register", "bob", "--password-stdin"], &format!("{PW}\n"))
        .success()
        .stderr(predicates::str::contains("created account bob (user)"));
    let rows: Vec<(String, String, Option<String>, Option<String>)> = env
        .db()
        .rows("SELECT username, role, email, name FROM users ORDER BY id")
        .into_iter()
        .map(|row| {
            let [username, role, email, name] = row.try_into().unwrap();
            (username.unwrap(), role.unwrap(), email, name)
        })
        .collect();
    assert_eq!(
        rows,
        vec![
            (
                "alice".into(),
                "admin".into(),
                Some("a@x.org".into()),
                Some("Alice A".into())
            ),
            ("bob".into(), "user".into(), None, None),
        ]
    );
}

#[test]
fn password_is_stored_only_as_argon2id_with_default_cost() {
    let env = TestEnv::new();
    env.register("alice", PW);
    let hash = env.db().text("SELECT password_hash FROM users");
    assert!(
        hash.starts_with("$argon2id$v=19$m=65536,t=3,p=4$"),
        "{hash}"
    );
    // The scan sees the stored rows (the hash is there), and not the password.
    let stored = env.db().stored_bytes();
    assert!(String::from_utf8_lossy(&stored).contains(&hash));
    env.db().assert_never_stored(&[PW]);
}

#[test]
fn taken_names_are_exit_9_in_any_letter_case() {
    let env = TestEnv::new();
    env.register("alice", PW);
    for name in ["alice", "ALICE", "Alice"] {
        assert_error(
            env.run(&["register", name, "--password-stdin"], &format!("{PW}\n")),
            9,
            "user alice already exists",
        );
    }
    assert_eq!(env.db().count("SELECT count(*) FROM users"), 1);
}

#[test]
fn invalid_usernames_emails_and_names_are_exit_11_and_create_nothing() {
    let env = TestEnv::new();
    let long = "a".repeat(33);
    for args in [
        vec!["register", "_bob"],
        vec!["register", ".bob"],
        vec!["register", "bob smith"],
        vec!["register", &long],
        vec!["register", "bob", "--email", "not-an-email"],
        vec!["register", "bob", "--email", "a@b@c"],
        vec!["register", "bob", "--name", "evil\u{1b}[2J"],
    ] {
        let mut args = args.clone();
        args.push("--password-stdin");
        assert_error(env.run(&args, &format!("{PW}\n")), 11, "invalid");
    }
    assert_eq!(env.db().count("SELECT count(*) FROM users"), 0);
}

#[test]
fn username_rule_is_in_the_message() {
    let env = TestEnv::new();
    assert_error(
        env.run(
            &["register", "Bad!", "--password-stdin"],
            &format!("{PW}\n"),
        ),
        11,
        "1 to 32 characters of a-z, 0-9",
    );
}

#[test]
fn weak_passwords_are_exit_11_with_the_reason() {
    let env = TestEnv::new();
    assert_error(
        env.run(&["register", "alice", "--password-stdin"], "short\n"),
        11,
        "too short",
    );
    assert_eq!(env.db().count("SELECT count(*) FROM users"), 0);
    // The limit counts characters, not bytes: 1024 two-byte characters pass
    // the length rule, 1025 do not.
    let long: String = "ŝtrong pâßphrase ".chars().cycle().take(1025).collect();
    assert_error(
        env.run(
            &["register", "carol", "--password-stdin"],
            &format!("{long}\n"),
        ),
        11,
        "too long",
    );
    env.register(
        "dave",
        &long[..long.char_indices().nth(1024).map_or(0, |(i, _)| i)],
    );
}

#[test]
fn stdin_strips_one_newline_or_crlf_and_nothing_else() {
    let env = TestEnv::new();
    env.run(
        &["register", "alice", "--password-stdin"],
        &format!("  {PW}  \r\n"),
    )
    .success();
    // The spaces are part of the password.
    assert_error(
        env.run(&["login", "alice", "--password-stdin"], &format!("{PW}\n")),
        3,
        "incorrect",
    );
    env.login("alice", &format!("  {PW}  "));
    // A final line without a newline is taken as it is.
    env.run(&["register", "bob", "--password-stdin"], PW)
        .success();
    env.login("bob", PW);
}

#[test]
fn no_terminal_and_no_password_stdin_fails_at_once_with_exit_2() {
    let env = TestEnv::new();
    assert_error(env.run(&["register", "alice"], ""), 2, "--password-stdin");
    assert_error(
        env.run(&["register", "alice", "--password-stdin"], ""),
        2,
        "standard input ended",
    );
    assert!(!env.dir.path().join("config").exists());
    assert_eq!(env.db().count("SELECT count(*) FROM users"), 0);
}

#[test]
fn register_does_not_log_in_and_json_prints_the_account() {
    let env = TestEnv::new();
    let a = env
        .run(
            &["--json", "register", "alice", "--password-stdin"],
            &format!("{PW}\n"),
        )
        .success();
    let v: serde_json::Value = serde_json::from_str(&stdout(&a)).unwrap();
    assert_eq!(v["username"], "alice");
    assert_eq!(v["role"], "admin");
    assert!(v["last_login_at"].is_null());
    assert!(!env.session_path().exists());
}
