//! `authctl list`: who may list, filters, order, limit and fitting the terminal.

use crate::common::*;
use serde_json::Value;

/// root (admin, logged in), then bob, carol (locked) and dave, with their
/// creation times set apart and dave's and bob's logins in that order.
fn four_accounts() -> TestEnv {
    let env = TestEnv::new();
    for user in ["root", "dave", "carol", "bob"] {
        env.register(user, PW);
    }
    let db = env.db();
    for (user, created) in [("root", 100), ("dave", 200), ("carol", 300), ("bob", 400)] {
        db.execute(&format!(
            "UPDATE users SET created_at = {created} WHERE username = '{user}'"
        ));
    }
    env.login_on_device("d", "dave", PW);
    env.login_on_device("b", "bob", PW);
    env.login("root", PW);
    for (user, at) in [("dave", 1000), ("bob", 2000)] {
        db.execute(&format!(
            "UPDATE users SET last_login_at = {at} WHERE username = '{user}'"
        ));
    }
    env.run(&["lock", "carol", "--reason", "on leave"], "")
        .success();
    env
}

fn names(env: &TestEnv, args: &[&str]) -> Vec<String> {
    let mut all = vec!["--json", "list"];
    all.extend_from_slice(args);
    let v: Value = serde_json::from_str(&stdout(&env.run(&all, "").success())).unwrap();
    v.as_array()
        .unwrap()
        .iter()
        .map(|a| a["username"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn list_is_admin_only_and_prints_every_account() {
    let env = TestEnv::admin_and_bob_logged_in();
    assert_error(env.run(&["list"], ""), 8, "only an admin can list accounts");
    env.run(&["logout"], "").success();
    assert_error(env.run(&["list"], ""), 4, "not logged in");
    env.login("root", PW);
    let a = env.run(&["list"], "").success();
    let out = stdout(&a);
    let rows: Vec<&str> = out.lines().collect();
    assert_eq!(rows.len(), 3, "{out}");
    assert!(rows[0].contains("username") && rows[0].contains("last login"));
    assert!(
        rows[1].starts_with("bob ") || rows[1].trim_start().starts_with("bob "),
        "{out}"
    );
    assert!(rows[2].trim_start().starts_with("root "), "{out}");
    let v = json_stdout(&env.run(&["--json", "list"], "").success());
    let arr = v.as_array().unwrap();
    assert_eq!(arr.len(), 2);
    assert_eq!(arr[0]["username"], "bob");
    assert_eq!(arr[0]["role"], "user");
    assert_eq!(arr[1]["role"], "admin");
    // The same objects as `show`, live-session count included.
    assert_eq!(arr[0]["active_sessions"], 0, "bob logged out");
    let root = json_stdout(&env.run(&["--json", "show"], "").success());
    assert_eq!(arr[1], root);
    assert!(root["active_sessions"].as_i64().unwrap() >= 1);
}

#[test]
fn list_filters_sorts_and_limits() {
    let env = four_accounts();
    assert_eq!(names(&env, &[]), ["bob", "carol", "dave", "root"]);
    assert_eq!(names(&env, &["--role", "admin"]), ["root"]);
    assert_eq!(
        names(&env, &["--role", "user", "--limit", "2"]),
        ["bob", "carol"]
    );
    assert_eq!(names(&env, &["--locked"]), ["carol"]);
    assert_eq!(
        names(&env, &["--sort", "created"]),
        ["root", "dave", "carol", "bob"]
    );
    // Most recent login first (root just now, then bob, then dave long ago), never last.
    assert_eq!(
        names(&env, &["--sort", "last-login"]),
        ["root", "bob", "dave", "carol"]
    );
    assert_eq!(names(&env, &["--limit", "0"]), Vec::<String>::new());
    assert_error(env.run(&["list", "--sort", "age"], ""), 2, "invalid value");

    let table = stdout(&env.run(&["list", "--locked"], "").success());
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines.len(), 2, "{table}");
    assert!(lines[0].contains("status"), "{table}");
    assert!(lines[1].contains("locked: on leave"), "{table}");
    let v: Value = serde_json::from_str(&stdout(
        &env.run(&["--json", "list", "--locked"], "").success(),
    ))
    .unwrap();
    assert_eq!(v[0]["status"], "locked");
    assert_eq!(v[0]["failed_logins"], 0);
}

#[test]
fn on_a_terminal_the_table_fits_its_width_one_row_per_account() {
    let env = four_accounts();
    env.run(
        &[
            "update",
            "bob",
            "--name",
            "Robert Bartholomew Longname-Smythe the Third",
            "--email",
            "robert.bartholomew.longname@example.com",
        ],
        "",
    )
    .success();
    let mut p = env.pty_sized(60, &["list"]);
    let raw = p.exp_eof().expect("output until exit");
    // rexpect hands back one char per byte; the table's borders are UTF-8.
    let bytes: Vec<u8> = raw.chars().map(|c| c as u32 as u8).collect();
    let out = String::from_utf8(bytes).expect("UTF-8 output");
    let lines: Vec<&str> = out.lines().filter(|l| !l.trim().is_empty()).collect();
    assert!(lines.len() > 4, "{out}");
    for line in &lines {
        let width = without_escapes(line).trim_end().chars().count();
        assert!(width <= 60, "wider than 60: {line:?}\n{out}");
    }
    // Every account still has its row (long cells wrap within it).
    for user in ["bob", "carol", "dave", "root"] {
        assert!(out.contains(user), "{user} missing:\n{out}");
    }
}

/// `line` without its SGR escapes (`ESC [ ... m`), which take no width.
fn without_escapes(line: &str) -> String {
    let mut out = String::new();
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            chars.by_ref().find(|&c| c == 'm');
        } else {
            out.push(c);
        }
    }
    out
}
