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

/// The accounts of [`realistic_accounts`]: username, 30-character name,
/// 40-character email.
const PEOPLE: [(&str, &str, &str); 4] = [
    (
        "alexandra.konstantinidou",
        "Alexandra Maria Konstantinidou",
        "alexandra.konstantinidou@uni.example.org",
    ),
    (
        "bartholomew.featherstonehaugh1",
        "Bartholomew Featherstone-Haugh",
        "b.featherstonehaugh@research.example.com",
    ),
    (
        "chen.wei",
        "Chen Wei, Research Office Lead",
        "chen.wei.research-office@lab.example.org",
    ),
    (
        "dave",
        "Dave Oluwaseun Adeyemi-Johnson",
        "dave.adeyemi-johnson@departments.example",
    ),
];

const REASON: &str = "on leave until September";

/// root (admin, logged in) and [`PEOPLE`]: chen.wei with 2 failed
/// logins, dave locked with a long [`REASON`].
fn realistic_accounts() -> TestEnv {
    let env = TestEnv::new();
    env.register("root", PW);
    for (user, name, email) in PEOPLE {
        assert_eq!((name.len(), email.len()), (30, 40));
        env.run(
            &[
                "register",
                user,
                "--name",
                name,
                "--email",
                email,
                "--password-stdin",
            ],
            &format!("{PW}\n"),
        )
        .success();
    }
    env.login("root", PW);
    for _ in 0..2 {
        env.run(
            &["verify", "chen.wei", "--password-stdin"],
            &format!("{PW2}\n"),
        )
        .code(3);
    }
    env.run(&["lock", "dave", "--reason", REASON], "").success();
    env
}

/// The columns of `list` from first to last kept on a narrow terminal.
const PRIORITY: [&str; 9] = [
    "username",
    "role",
    "status",
    "2fa",
    "failed",
    "last login",
    "email",
    "name",
    "created",
];

#[test]
fn on_a_terminal_the_list_fits_its_width_one_line_per_account() {
    let env = realistic_accounts();
    let mut shown_before = 0;
    for cols in [60, 80, 120, 200] {
        let screen = Screen::run(&env, cols, &["list"], true);
        // A header and its rule, then one line per account.
        screen.assert_fits(2, 5);
        // The columns shown are the first few by priority, never a later
        // one without an earlier; more of them as the terminal widens.
        let headers = screen.headers();
        let k = headers.len();
        let mut expected = PRIORITY[..k].to_vec();
        expected.sort();
        let mut got = headers.clone();
        got.sort();
        assert_eq!(got, expected, "{cols} columns:\n{}", screen.text());
        assert!(k >= shown_before.max(4), "{cols} columns: {headers:?}");
        shown_before = k;
        // Usernames are never cut: each row starts with one, whole.
        for (user, name, email) in PEOPLE {
            let row = screen.row(user);
            let cell = |h: &str| row.iter().find(|(k, _)| k == h).map(|(_, v)| v.clone());
            // Free text is whole or cut with `…`, never split.
            for (header, full) in [("name", name), ("email", email)] {
                if let Some(value) = cell(header) {
                    let kept = value.strip_suffix('…').unwrap_or(&value);
                    assert!(full.starts_with(kept), "{cols}: {value:?} of {full:?}");
                    assert!(value == full || value.ends_with('…'), "{value:?}");
                }
            }
            if let Some(failed) = cell("failed") {
                assert_eq!(failed, if user == "chen.wei" { "2" } else { "0" });
            }
        }
        let dave = screen.row("dave");
        let status = dave.iter().find(|(h, _)| h == "status").unwrap();
        assert!(status.1.starts_with("locked: "), "{cols}: {dave:?}");
        if cols == 60 {
            assert!(status.1.ends_with('…'), "cut to fit: {dave:?}");
        }
    }
    // At 200 columns everything is there in full, times to the minute.
    let screen = Screen::run(&env, 200, &["list"], true);
    assert_eq!(screen.headers().len(), 9);
    let text = screen.text();
    for (_, name, email) in PEOPLE {
        assert!(text.contains(name) && text.contains(email), "{text}");
    }
    assert!(text.contains(&format!("locked: {REASON}")), "{text}");
    assert!(!text.contains('…'), "{text}");
    let created = &screen.row("root")[6];
    assert_eq!(created.0, "created");
    assert!(is_utc_minutes(&created.1), "{created:?}");
}

#[test]
fn wide_shows_every_column_in_full_and_colour_follows_no_color() {
    let env = realistic_accounts();
    let screen = Screen::run(&env, 60, &["list", "--wide"], true);
    assert_eq!(screen.lines.len(), 2 + 5, "{}", screen.text());
    assert_eq!(screen.headers().len(), 9, "{}", screen.text());
    let text = screen.text();
    assert!(text.contains(&format!("locked: {REASON}")), "{text}");
    for (_, name, email) in PEOPLE {
        assert!(text.contains(name) && text.contains(email), "{text}");
    }
    assert!(screen.lines.iter().any(|l| l.chars().count() > 60));
    assert!(!text.contains('\u{1b}'), "escapes despite NO_COLOR: {text}");

    // Without NO_COLOR: a bold header, a red admin lock, green for active,
    // yellow failed logins; the widths are the same.
    let coloured = Screen::run(&env, 80, &["list"], false);
    coloured.assert_fits(2, 5);
    let row = |user: &str| {
        coloured
            .lines
            .iter()
            .find(|l| l.starts_with(user))
            .unwrap()
            .clone()
    };
    assert!(
        coloured.lines[0].contains("\u{1b}[1musername"),
        "{:?}",
        coloured.lines[0]
    );
    assert!(
        row("dave").contains("\u{1b}[38;5;1mlocked"),
        "{:?}",
        row("dave")
    );
    assert!(
        row("root").contains("\u{1b}[38;5;2mactive"),
        "{:?}",
        row("root")
    );
    assert!(
        row("chen.wei").contains("\u{1b}[38;5;3m2"),
        "{:?}",
        row("chen.wei")
    );
    let plain = Screen::run(&env, 80, &["list"], true);
    let stripped: Vec<String> = coloured
        .lines
        .iter()
        .map(String::as_str)
        .map(without_escapes)
        .collect();
    assert_eq!(stripped, plain.lines);
}

#[test]
fn piped_the_list_keeps_every_column_and_every_full_value() {
    let env = realistic_accounts();
    let out = stdout(&env.run(&["list"], "").success());
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 1 + 5, "a header, no rule: {out}");
    assert_eq!(
        cells(lines[0]),
        [
            "username",
            "name",
            "email",
            "role",
            "status",
            "2fa",
            "created",
            "last login",
            "failed"
        ]
    );
    for (user, name, email) in PEOPLE {
        let line = lines
            .iter()
            .find(|l| l.starts_with(&format!(" {user} ")))
            .unwrap();
        assert!(line.contains(name) && line.contains(email), "{out}");
    }
    assert!(out.contains(&format!("locked: {REASON}")), "{out}");
    assert!(!out.contains('…') && !out.contains('\u{1b}'), "{out}");
    // Exact times, as scripts have always read them.
    let chen = cells(lines.iter().find(|l| l.starts_with(" chen.wei ")).unwrap());
    assert!(chen[6].ends_with('Z') && chen[6].len() == 20, "{chen:?}");
    assert_eq!(chen[8], "2", "{chen:?}");
}
