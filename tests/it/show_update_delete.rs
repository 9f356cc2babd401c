//! `show`, `update` and `delete` (and what `show` and `list` print of stored
//! values): permissions, output and the last-admin rule.

use crate::common::*;

#[test]
fn show_own_account_as_table_and_json() {
    let env = TestEnv::new();
    env.run(
        &[
            "register",
            "alice",
            "--email",
            "a@x.org",
            "--name",
            "Alice A",
            "--password-stdin",
        ],
        &format!("{PW}\n"),
    )
    .success();
    env.login("alice", PW);
    let a = env.run(&["show"], "").success().stderr("");
    let out = stdout(&a);
    for needle in [
        "username",
        "alice",
        "Alice A",
        "a@x.org",
        "admin",
        "active sessions",
    ] {
        assert!(out.contains(needle), "{out}");
    }
    // Not a terminal: no border characters.
    assert!(
        !out.contains('│') && !out.contains('|') && !out.contains('─'),
        "{out}"
    );
    let v = json_stdout(&env.run(&["--json", "show"], "").success());
    assert_eq!(v["username"], "alice");
    assert_eq!(v["name"], "Alice A");
    assert_eq!(v["email"], "a@x.org");
    assert_eq!(v["role"], "admin");
    assert_eq!(v["active_sessions"], 1);
    for key in ["created_at", "last_login_at", "password_changed_at"] {
        let t = v[key].as_str().unwrap();
        assert!(t.len() == 20 && t.ends_with('Z'), "{key}: {t}");
    }
}

#[test]
fn show_needs_a_session_and_admin_for_others() {
    let env = TestEnv::admin_and_bob_logged_in();
    assert_error(env.run(&["show", "root"], ""), 8, "permission denied");
    env.run(&["show", "bob"], "").success();
    env.login("root", PW);
    env.run(&["show", "bob"], "")
        .success()
        .stdout(predicates::str::contains("bob"));
    assert_error(env.run(&["show", "nobody"], ""), 6, "no such user: nobody");
    env.run(&["logout"], "").success();
    assert_error(env.run(&["show"], ""), 4, "not logged in");
}

#[test]
fn control_characters_in_stored_values_are_never_printed_raw() {
    let env = TestEnv::new();
    env.register("alice", PW);
    env.login("alice", PW);
    // Only a tampered database can hold this; the output must still be safe.
    env.db().execute("UPDATE users SET name = 'evil\u{1b}[2J'");
    let out = stdout(&env.run(&["show"], "").success());
    assert!(!out.contains('\u{1b}'), "{out:?}");
    assert!(out.contains("evil\\u{1b}[2J"), "{out}");
    let out = stdout(&env.run(&["list"], "").success());
    assert!(!out.contains('\u{1b}'), "{out:?}");
    let out = stdout(&env.run(&["--json", "list"], "").success());
    assert!(!out.contains('\u{1b}'), "{out:?}");
}

#[test]
fn update_sets_and_clears_details() {
    let env = TestEnv::new();
    env.register("alice", PW);
    env.login("alice", PW);
    env.run(&["update", "--email", "a@x.org", "--name", "Alice"], "")
        .success();
    let v = json_stdout(&env.run(&["--json", "show"], "").success());
    assert_eq!(
        (v["email"].as_str(), v["name"].as_str()),
        (Some("a@x.org"), Some("Alice"))
    );
    let v = json_stdout(&env.run(&["--json", "update", "--email", ""], "").success());
    assert!(v["email"].is_null());
    assert_eq!(v["name"], "Alice");
    assert_error(
        env.run(&["update", "--email", "nope"], ""),
        11,
        "invalid email",
    );
    assert_error(env.run(&["update"], ""), 2, "nothing to update");
    assert_eq!(
        env.db()
            .count("SELECT count(*) FROM users WHERE name = 'Alice' AND email IS NULL"),
        1
    );
}

#[test]
fn update_others_is_admin_only() {
    let env = TestEnv::admin_and_bob_logged_in();
    assert_error(
        env.run(&["update", "root", "--name", "Pwned"], ""),
        8,
        "permission denied",
    );
    env.login("root", PW);
    env.run(&["update", "BOB", "--name", "Bob B"], "").success();
    assert_eq!(
        env.db()
            .count("SELECT count(*) FROM users WHERE username = 'bob' AND name = 'Bob B'"),
        1
    );
    assert_error(
        env.run(&["update", "ghost", "--name", "x"], ""),
        6,
        "no such user",
    );
}

#[test]
fn delete_own_account_needs_the_password_and_removes_the_token_file() {
    let env = TestEnv::admin_and_bob_logged_in();
    assert_error(
        env.run(&["delete", "--yes", "--password-stdin"], "wrong password\n"),
        3,
        "incorrect",
    );
    assert_eq!(
        env.db()
            .count("SELECT count(*) FROM users WHERE username = 'bob'"),
        1
    );
    env.run(&["delete", "--yes", "--password-stdin"], &format!("{PW}\n"))
        .success()
        .stderr(predicates::str::contains("deleted account bob"));
    assert_eq!(
        env.db()
            .count("SELECT count(*) FROM users WHERE username = 'bob'"),
        0
    );
    assert_eq!(env.db().count("SELECT count(*) FROM sessions"), 0);
    assert!(!env.session_path().exists());
}

#[test]
fn delete_without_yes_and_without_a_terminal_is_exit_2() {
    let env = TestEnv::admin_and_bob_logged_in();
    assert_error(
        env.run(&["delete", "--password-stdin"], &format!("{PW}\n")),
        2,
        "--yes",
    );
    assert_eq!(
        env.db()
            .count("SELECT count(*) FROM users WHERE username = 'bob'"),
        1
    );
}

#[test]
fn admin_deletes_others_without_their_password_users_cannot() {
    let env = TestEnv::admin_and_bob_logged_in();
    assert_error(
        env.run(&["delete", "root", "--yes"], ""),
        8,
        "permission denied",
    );
    env.login("root", PW);
    env.run(&["delete", "bob", "--yes"], "").success();
    assert_eq!(env.db().count("SELECT count(*) FROM users"), 1);
    assert_error(
        env.run(&["delete", "bob", "--yes"], ""),
        6,
        "no such user: bob",
    );
}

#[test]
fn the_last_admin_cannot_be_deleted() {
    let env = TestEnv::admin_and_bob_logged_in();
    env.login("root", PW);
    assert_error(
        env.run(&["delete", "--yes", "--password-stdin"], &format!("{PW}\n")),
        11,
        "last admin",
    );
    assert_eq!(
        env.db()
            .count("SELECT count(*) FROM users WHERE username = 'root'"),
        1
    );
    env.run(&["whoami"], "").success().stdout("root\n");
}

#[test]
fn on_a_terminal_show_fits_one_line_per_field() {
    let env = TestEnv::new();
    env.register("root", PW);
    let (user, name, email) = (
        "bartholomew.featherstonehaugh1",
        "Bartholomew Featherstone-Haugh",
        "b.featherstonehaugh@research.example.com",
    );
    let args = ["register", user, "--name", name, "--email", email];
    env.run(
        &[&args[..], &["--password-stdin"]].concat(),
        &format!("{PW}\n"),
    )
    .success();
    env.login("root", PW);
    let reason = "left the company in March, awaiting sign-off from HR";
    env.run(&["lock", user, "--reason", reason], "").success();
    let status = format!("locked: {reason}");
    let value = |screen: &Screen, key: &str| {
        let line = screen
            .lines
            .iter()
            .find(|l| l.starts_with(&format!("{key}  ")));
        cells(line.unwrap_or_else(|| panic!("no {key}:\n{}", screen.text())))[1].clone()
    };
    for cols in [60, 80] {
        let screen = Screen::run(&env, cols, &["show", user], true);
        // No header: a line per field.
        screen.assert_fits(0, 11);
        assert_eq!(value(&screen, "username"), user);
        assert_eq!(value(&screen, "name"), name);
        assert_eq!(value(&screen, "email"), email);
        assert!(is_utc_minutes(&value(&screen, "created")));
        // The reason is cut where it does not fit, never wrapped.
        let shown = value(&screen, "status");
        match cols {
            60 => assert!(shown.ends_with('…') && status.starts_with(&shown[..shown.len() - 3])),
            _ => assert_eq!(shown, status),
        }
    }
    let wide = Screen::run(&env, 60, &["show", user, "--wide"], true);
    assert_eq!(value(&wide, "status"), status);
    let piped = stdout(&env.run(&["show", user], "").success());
    assert!(piped.contains(&status), "{piped}");
}
