//! The audit log: a row for every event, never a secret, and `authctl log`.

use crate::common::*;
use serde_json::Value;

/// The OS user authctl should record: ours.
pub(crate) fn os_user() -> String {
    let out = std::process::Command::new("id")
        .arg("-un")
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

/// Every stored event, oldest first, as (event, outcome, actor, target).
fn events(env: &TestEnv) -> Vec<(String, String, Option<String>, Option<String>)> {
    env.db()
        .rows("SELECT event, outcome, actor, target FROM events ORDER BY id")
        .into_iter()
        .map(|row| {
            let [event, outcome, actor, target] = row.try_into().unwrap();
            (event.unwrap(), outcome.unwrap(), actor, target)
        })
        .collect()
}

fn row(
    event: &str,
    outcome: &str,
    actor: Option<&str>,
    target: &str,
) -> (String, String, Option<String>, Option<String>) {
    (
        event.to_string(),
        outcome.to_string(),
        actor.map(str::to_string),
        Some(target.to_string()),
    )
}

/// A full account lifecycle with a failure, a lock and an admin at work.
fn lifecycle(env: &TestEnv) -> Vec<String> {
    let mut tokens = Vec::new();
    env.register("root", PW);
    env.register("bob", PW);
    env.run(&["login", "bob", "--password-stdin"], &format!("{PW2}\n"))
        .code(3);
    env.run(
        &["login", "NoBody", "--password-stdin"],
        &format!("{PW2}\n"),
    )
    .code(3);
    env.login("bob", PW);
    tokens.push(env.session_token());
    env.run(&["update", "--name", "Bob B"], "").success();
    env.run(&["passwd", "--password-stdin"], &format!("{PW}\n{PW2}\n"))
        .success();
    tokens.push(env.session_token());
    env.run(&["logout"], "").success();
    env.login("bob", PW2);
    env.run(&["logout", "--all"], "").success();
    env.register("carol", PW);
    for _ in 0..5 {
        env.run(&["login", "carol", "--password-stdin"], &format!("{PW2}\n"))
            .code(3);
    }
    env.login("root", PW);
    tokens.push(env.session_token());
    env.run(&["passwd", "bob", "--password-stdin"], &format!("{PW}\n"))
        .success();
    env.run(&["delete", "bob", "--yes"], "").success();
    tokens
}

#[test]
fn every_event_is_recorded_with_actor_target_and_os_user() {
    let env = TestEnv::new();
    lifecycle(&env);
    let expected = vec![
        row("register", "success", None, "root"),
        row("register", "success", None, "bob"),
        row("login_failed", "failure", None, "bob"),
        row("login_failed", "failure", None, "nobody"),
        row("login", "success", Some("bob"), "bob"),
        row("details_updated", "success", Some("bob"), "bob"),
        row("password_changed", "success", Some("bob"), "bob"),
        row("logout", "success", Some("bob"), "bob"),
        row("login", "success", Some("bob"), "bob"),
        row("session_revoked", "success", Some("bob"), "bob"),
        row("register", "success", None, "carol"),
        row("login_failed", "failure", None, "carol"),
        row("login_failed", "failure", None, "carol"),
        row("login_failed", "failure", None, "carol"),
        row("login_failed", "failure", None, "carol"),
        row("login_failed", "failure", None, "carol"),
        row("lockout", "success", None, "carol"),
        row("login", "success", Some("root"), "root"),
        row("password_reset", "success", Some("root"), "bob"),
        row("account_deleted", "success", Some("root"), "bob"),
    ];
    assert_eq!(events(&env), expected);
    let users: Vec<String> = env
        .db()
        .rows("SELECT DISTINCT os_user FROM events")
        .into_iter()
        .map(|row| row[0].clone().unwrap())
        .collect();
    assert_eq!(users, [os_user()]);
}

#[test]
fn no_password_or_token_reaches_the_database() {
    let env = TestEnv::new();
    let tokens = lifecycle(&env);
    let mut secrets = vec![PW, PW2];
    secrets.extend(tokens.iter().map(String::as_str));
    env.db().assert_never_stored(&secrets);
}

#[test]
fn log_is_for_admins_and_filters_and_limits() {
    let env = TestEnv::new();
    lifecycle(&env);
    // root is logged in; a user is not allowed, nor is nobody.
    let v: Value =
        serde_json::from_str(&stdout(&env.run(&["--json", "log"], "").success())).unwrap();
    let all = v.as_array().unwrap();
    assert_eq!(all.len(), 20);
    let first = all[0].as_object().unwrap();
    let mut keys: Vec<&str> = first.keys().map(String::as_str).collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "actor", "at", "detail", "event", "host", "os_user", "outcome", "target"
        ]
    );
    // The host each event came from (several may share a database).
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap();
    assert_eq!(first["host"], host.trim());
    assert_eq!(first["event"], "account_deleted", "newest first");
    assert!(first["at"].as_str().unwrap().ends_with('Z'));

    // Deleting bob kept his history; --user selects it.
    let v: Value = serde_json::from_str(&stdout(
        &env.run(&["--json", "log", "--user", "bob"], "").success(),
    ))
    .unwrap();
    let bob = v.as_array().unwrap();
    assert_eq!(bob.len(), 10);
    assert!(
        bob.iter()
            .all(|e| e["actor"] == "bob" || e["target"] == "bob")
    );
    let v: Value = serde_json::from_str(&stdout(
        &env.run(&["--json", "log", "--limit", "2"], "").success(),
    ))
    .unwrap();
    let events: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    assert_eq!(events, ["account_deleted", "password_reset"]);

    let table = stdout(&env.run(&["log", "--limit", "1"], "").success());
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines.len(), 2, "{table}");
    assert!(
        lines[0].contains("event") && lines[0].contains("os user"),
        "{table}"
    );
    assert!(
        lines[1].contains("account_deleted") && lines[1].contains("root"),
        "{table}"
    );

    env.register("dave", PW);
    env.login("dave", PW);
    assert_error(env.run(&["log"], ""), 8, "permission denied");
    env.run(&["logout"], "").success();
    assert_error(env.run(&["log"], ""), 4, "not logged in");
}

#[test]
fn a_change_with_the_current_password_is_never_an_admin_reset() {
    let env = TestEnv::new();
    env.register("root", PW);
    env.register("bob", PW);
    env.register("carol", PW);
    env.login("carol", PW);
    // carol (not an admin) knows bob's password and changes it.
    env.run(
        &["passwd", "bob", "--password-stdin"],
        &format!("{PW}\n{PW2}\n"),
    )
    .success();
    let last = events(&env).pop().unwrap();
    assert_eq!(
        last,
        row("password_changed", "success", Some("carol"), "bob")
    );
}

#[test]
fn a_failed_check_by_a_logged_in_user_names_them_and_one_without_a_session_names_nobody() {
    let env = TestEnv::admin_and_bob_logged_in();
    // bob, logged in, gets his current password wrong, then tries root's.
    env.run(&["passwd", "--password-stdin"], &format!("{PW2}\n"))
        .code(3);
    env.run(&["passwd", "root", "--password-stdin"], &format!("{PW2}\n"))
        .code(3);
    // Nobody logged in: the failure is anonymous.
    env.run(&["verify", "root", "--password-stdin"], &format!("{PW2}\n"))
        .code(3);
    let failures: Vec<_> = events(&env)
        .into_iter()
        .filter(|(event, ..)| event == "login_failed")
        .collect();
    assert_eq!(
        failures,
        [
            row("login_failed", "failure", Some("bob"), "bob"),
            row("login_failed", "failure", Some("bob"), "root"),
            row("login_failed", "failure", None, "root"),
        ]
    );
}

#[test]
fn on_a_terminal_the_log_fits_one_line_per_event() {
    let env = TestEnv::new();
    env.register("root", PW);
    let user = "bartholomew.featherstonehaugh1";
    let args = [
        "register",
        user,
        "--name",
        "Bartholomew Featherstone-Haugh",
        "--email",
        "b.featherstonehaugh@research.example.com",
        "--password-stdin",
    ];
    env.run(&args, &format!("{PW}\n")).success();
    env.login("root", PW);
    // A name no account can have, typed at a login: logged as typed.
    let typed = "someone.typing.a.name.longer.than.any.username";
    env.login_attempt(typed, PW).code(3);
    env.login("root", PW);
    let reason = "left the company in March, awaiting sign-off from HR";
    env.run(&["lock", user, "--reason", reason], "").success();
    let count = json_stdout(&env.run(&["--json", "log"], "").success())
        .as_array()
        .unwrap()
        .len();
    for cols in [60, 80] {
        let screen = Screen::run(&env, cols, &["log"], true);
        screen.assert_fits(2, count);
        assert_eq!(screen.headers()[..3], ["at", "event", "outcome"]);
        for line in &screen.lines[2..] {
            assert!(is_utc_minutes(&cells(line)[0]), "{line}");
        }
        if cols == 80 {
            // The target: a username whole, anything longer cut to the
            // room left, but never below a username's 32 characters.
            assert_eq!(screen.headers()[3], "target");
            let targets: Vec<String> = screen.lines[2..]
                .iter()
                .map(|l| cells(l)[3].clone())
                .collect();
            assert!(targets.iter().any(|t| t == user), "{}", screen.text());
            let cut = targets.iter().find(|t| t.ends_with('…')).unwrap();
            let kept = cut.trim_end_matches('…');
            assert!(typed.starts_with(kept) && kept.len() >= 31, "{cut}");
        }
    }
    let wide = Screen::run(&env, 60, &["log", "--wide"], true);
    assert_eq!(wide.headers().len(), 8);
    assert_eq!(wide.lines.len(), 2 + count);
    assert!(wide.text().contains(reason) && wide.text().contains(typed));
    let piped = stdout(&env.run(&["log"], "").success());
    assert_eq!(piped.lines().count(), 1 + count);
    assert!(piped.contains(reason) && piped.contains(typed), "{piped}");
}
