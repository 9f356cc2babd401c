//! `authctl sessions`: listing and revoking sessions, through the binary.

use crate::common::*;

/// The ids of `user`'s sessions, oldest first.
fn session_ids(env: &TestEnv, user: &str) -> Vec<i64> {
    let sql = format!(
        "SELECT sessions.id FROM sessions JOIN users ON users.id = user_id
         WHERE username = '{user}' ORDER BY sessions.id"
    );
    env.db()
        .rows(&sql)
        .into_iter()
        .map(|row| row[0].as_deref().unwrap().parse().unwrap())
        .collect()
}

#[test]
fn a_user_lists_their_own_sessions_and_sees_which_is_current() {
    let env = TestEnv::admin_and_bob_logged_in();
    env.login_on_device("laptop", "bob", PW);
    let ids = session_ids(&env, "bob");
    assert_eq!(ids.len(), 2);

    let out = env.run(&["--json", "sessions"], "").success();
    let list = json_stdout(&out);
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list[0]["id"], ids[0]);
    assert_eq!(list[0]["current"], true, "the first login is this device's");
    assert_eq!(list[1]["current"], false);
    assert_eq!(list[0]["username"], "bob");
    for key in ["created_at", "expires_at", "last_used_at"] {
        assert!(list[0][key].as_str().unwrap().ends_with('Z'), "{key}");
    }
    // Ids are not secrets; the token never appears.
    let token = env.session_token();
    assert!(!stdout(&out).contains(token.trim()));

    let table = stdout(&env.run(&["sessions"], "").success());
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines.len(), 3, "{table}");
    assert!(lines[1].trim_end().ends_with('*'), "{table}");
    assert!(!lines[2].trim_end().ends_with('*'), "{table}");

    assert_error(env.run(&["sessions", "root"], ""), 8, "only an admin can");
    env.run(&["logout"], "").success();
    assert_error(env.run(&["sessions"], ""), 4, "not logged in");
}

#[test]
fn an_admin_lists_and_revokes_anyones_sessions() {
    let env = TestEnv::admin_and_bob_logged_in();
    env.login_on_device("laptop", "bob", PW);
    env.login_on_device("admin", "root", PW);
    let as_admin = |args: &[&str]| env.on_device("admin").args(args).assert();
    let list = json_stdout(&as_admin(&["--json", "sessions", "bob"]).success());
    assert_eq!(list.as_array().unwrap().len(), 2);
    assert!(
        list.as_array()
            .unwrap()
            .iter()
            .all(|s| s["current"] == false)
    );

    // bob may not touch root's sessions.
    let as_bob = |args: &[&str]| env.on_device("laptop").args(args).assert();
    assert_error(as_bob(&["sessions", "root"]), 8, "admin");
    assert_error(as_bob(&["sessions", "revoke", "--all", "root"]), 8, "admin");
    assert_eq!(session_ids(&env, "root").len(), 1);

    // One of bob's sessions by id (the default device's), then the rest.
    let first = session_ids(&env, "bob")[0].to_string();
    as_admin(&["sessions", "revoke", &first]).success();
    assert_eq!(session_ids(&env, "bob").len(), 1);
    assert_error(env.run(&["whoami"], ""), 4, "no longer valid");
    let out = as_admin(&["sessions", "revoke", "--all", "bob"]).success();
    assert_eq!(stderr(&out), "revoked 1 session(s)\n");
    assert!(session_ids(&env, "bob").is_empty());
    assert_eq!(
        env.db().count(
            "SELECT count(*) FROM events WHERE event = 'session_revoked'
             AND actor = 'root' AND target = 'bob'"
        ),
        2
    );
    assert!(
        env.session_path().exists(),
        "not the admin's file to remove"
    );
}

#[test]
fn revoking_by_id_is_all_or_nothing_and_only_your_own() {
    let env = TestEnv::admin_and_bob_logged_in();
    env.login_on_device("laptop", "bob", PW);
    env.login_on_device("admin", "root", PW);
    let bob = session_ids(&env, "bob");
    let root = session_ids(&env, "root");

    // Someone else's session looks exactly like a missing one.
    for id in [root[0], 9999] {
        assert_error(
            env.run(
                &["sessions", "revoke", &bob[1].to_string(), &id.to_string()],
                "",
            ),
            6,
            &format!("no such session: {id}"),
        );
    }
    assert_eq!(session_ids(&env, "bob"), bob, "nothing was revoked");
    assert_eq!(session_ids(&env, "root"), root);
    assert_error(
        env.run(&["sessions", "revoke", "laptop"], ""),
        2,
        "invalid session id",
    );
    assert_error(env.run(&["sessions", "revoke"], ""), 2, "required");

    // The laptop's session goes (named twice, revoked once); this one stays.
    let laptop = bob[1].to_string();
    let out = env
        .run(&["--json", "sessions", "revoke", &laptop, &laptop], "")
        .success();
    assert_eq!(json_stdout(&out)["revoked"], 1);
    env.run(&["whoami"], "").success().stdout("bob\n");
    assert_error(
        env.on_device("laptop").arg("whoami").assert(),
        4,
        "no longer valid",
    );
    let detail = env
        .db()
        .text("SELECT detail FROM events WHERE event = 'session_revoked'");
    assert_eq!(detail, format!("session {}", bob[1]));

    // Revoking your current session also removes its file.
    env.run(&["sessions", "revoke", &bob[0].to_string()], "")
        .success();
    assert!(!env.session_path().exists());
}

#[test]
fn on_a_terminal_sessions_fit_one_line_each() {
    let env = TestEnv::new();
    let user = "bartholomew.featherstonehaugh1";
    env.register(user, PW);
    env.login(user, PW);
    env.login_on_device("laptop", user, PW);
    env.login_on_device("phone", user, PW);
    let all = ["id", "created", "expires", "last used", "current"];
    // At 60 columns the session's age goes first; at 80 all fit.
    for (cols, shown) in [(60, &all[..]), (80, &all[..])] {
        let screen = Screen::run(&env, cols, &["sessions"], true);
        screen.assert_fits(2, 3);
        let expected: Vec<&str> = match cols {
            60 => shown.iter().copied().filter(|h| *h != "created").collect(),
            _ => shown.to_vec(),
        };
        assert_eq!(screen.headers(), expected, "{}", screen.text());
        let current = screen.lines[2..].iter().filter(|l| l.ends_with('*'));
        assert_eq!(current.count(), 1, "{}", screen.text());
        for line in &screen.lines[2..] {
            assert!(is_utc_minutes(&cells(line)[1]), "{line}");
        }
    }
    let wide = Screen::run(&env, 60, &["sessions", "--wide"], true);
    assert_eq!(wide.headers(), all);
    assert_eq!(wide.lines.len(), 2 + 3);
    // Piped: every column, exact times.
    let table = stdout(&env.run(&["sessions"], "").success());
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(cells(lines[0]), all);
    for line in &lines[1..] {
        let row = cells(line);
        assert!(row[1..4].iter().all(|t| t.ends_with('Z')), "{table}");
    }
}
