//! Settings stored in the database (`authctl config`) and their effect on
//! later commands, through the binary.

use crate::common::*;
use serde_json::json;

/// An admin `root` (logged in) and a user `bob`.
fn admin_env() -> TestEnv {
    let env = TestEnv::new();
    env.register("root", PW);
    env.register("bob", PW);
    env.login("root", PW);
    env
}

fn set(env: &TestEnv, key: &str, value: &str) {
    env.run(&["config", "set", key, value], "").success();
}

#[test]
fn config_is_for_admins() {
    let env = TestEnv::new();
    env.register("root", PW);
    env.register("bob", PW);
    assert_error(env.run(&["config", "list"], ""), 4, "not logged in");
    env.login("bob", PW);
    for args in [
        &["config", "list"][..],
        &["config", "get", "registration"],
        &["config", "set", "registration", "admin"],
    ] {
        assert_error(env.run(args, ""), 8, "only an admin can");
    }
    assert_eq!(env.db().count("SELECT count(*) FROM settings"), 0);
}

#[test]
fn list_and_get_show_every_setting_with_its_default() {
    let env = admin_env();
    let all = json_stdout(&env.run(&["--json", "config", "list"], "").success());
    assert_eq!(
        all,
        json!({
            "password.min_length": 15,
            "lockout.threshold": 5,
            "lockout.duration": "15m",
            "session.ttl": "24h",
            "session.max_ttl": "30d",
            "registration": "open",
            "hash.memory_kib": 65536,
            "hash.iterations": 3,
            "hash.parallelism": 4
        })
    );
    let table = stdout(&env.run(&["config", "list"], "").success());
    assert_eq!(table.lines().count(), 10, "a header and nine keys: {table}");
    assert!(table.contains("lockout.duration") && table.contains("15m"));
    env.run(&["config", "get", "session.max_ttl"], "")
        .success()
        .stdout("30d\n");
    let one = json_stdout(
        &env.run(&["--json", "config", "get", "hash.iterations"], "")
            .success(),
    );
    assert_eq!(one, json!({ "key": "hash.iterations", "value": 3 }));
    assert_error(
        env.run(&["config", "get", "colour"], ""),
        11,
        "unknown setting \"colour\"",
    );
}

#[test]
fn bad_values_are_refused_and_change_nothing() {
    let env = admin_env();
    for (key, value, needle) in [
        ("password.min_length", "7", "from 8 to 1024"),
        ("lockout.threshold", "101", "from 1 to 100"),
        ("lockout.duration", "soon", "invalid duration"),
        ("session.ttl", "31d", "at most session.max_ttl"),
        ("registration", "closed", "open or admin"),
        ("hash.memory_kib", "8192", "from 19456"),
        ("hash.iterations", "1", "from 2"),
        ("nonsense", "1", "unknown setting"),
    ] {
        assert_error(env.run(&["config", "set", key, value], ""), 11, needle);
    }
    assert_eq!(env.db().count("SELECT count(*) FROM settings"), 0);
    assert_eq!(
        env.db()
            .count("SELECT count(*) FROM events WHERE event = 'setting_changed'"),
        0
    );
}

#[test]
fn a_change_is_stored_audited_and_applies_to_later_commands() {
    let env = admin_env();
    let out = env
        .run(&["config", "set", "password.min_length", "30"], "")
        .success()
        .stdout("");
    assert_eq!(stderr(&out), "password.min_length = 30\n");
    env.run(&["config", "get", "password.min_length"], "")
        .success()
        .stdout("30\n");
    let [actor, detail] = env
        .db()
        .row("SELECT actor, detail FROM events WHERE event = 'setting_changed'")
        .try_into()
        .unwrap();
    let (actor, detail) = (actor.unwrap(), detail.unwrap());
    assert_eq!(
        (actor.as_str(), detail.as_str()),
        ("root", "password.min_length=30")
    );
    // PW is 27 characters: long enough before, too short now.
    assert_error(
        env.run(
            &["register", "carol", "--password-stdin"],
            &format!("{PW}\n"),
        ),
        11,
        "use at least 30",
    );
    let json = json_stdout(
        &env.run(
            &["--json", "config", "set", "lockout.duration", "1h 30m"],
            "",
        )
        .success(),
    );
    assert_eq!(json, json!({ "key": "lockout.duration", "value": "90m" }));
}

#[test]
fn lockout_settings_take_effect() {
    let env = admin_env();
    set(&env, "lockout.threshold", "2");
    set(&env, "lockout.duration", "1m");
    for _ in 0..2 {
        env.run(&["login", "bob", "--password-stdin"], &format!("{PW2}\n"))
            .code(3);
    }
    let until = env.db().user_i64("locked_until", "bob");
    assert!((until - unix_now() - 60).abs() <= 5, "one minute: {until}");
}

#[test]
fn session_lifetimes_take_effect() {
    let env = admin_env();
    set(&env, "session.ttl", "1h");
    set(&env, "session.max_ttl", "2h");
    env.login_on_device("laptop", "bob", PW);
    let expires: i64 = env
        .db()
        .count("SELECT max(expires_at) FROM sessions WHERE user_id = 2");
    assert!((expires - unix_now() - 3600).abs() <= 5, "{expires}");
    assert_error(
        env.run(
            &["login", "bob", "--password-stdin", "--ttl", "3h"],
            &format!("{PW}\n"),
        ),
        11,
        "the longest session is 2h",
    );
    // The two are checked together: a maximum below the default is refused.
    assert_error(
        env.run(&["config", "set", "session.max_ttl", "30m"], ""),
        11,
        "at most session.max_ttl",
    );
}

#[test]
fn new_hash_parameters_upgrade_each_hash_at_its_next_login() {
    let env = admin_env();
    set(&env, "hash.memory_kib", "19456");
    set(&env, "hash.iterations", "2");
    set(&env, "hash.parallelism", "1");
    let before = env.db().user_text("password_hash", "bob");
    assert!(
        before.starts_with("$argon2id$v=19$m=65536,t=3,p=4$"),
        "{before}"
    );
    env.login_on_device("laptop", "bob", PW);
    let after = env.db().user_text("password_hash", "bob");
    assert!(
        after.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
        "{after}"
    );
    env.run(
        &["register", "carol", "--password-stdin"],
        &format!("{PW}\n"),
    )
    .success();
    let new = env.db().user_text("password_hash", "carol");
    assert!(new.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{new}");
}

#[test]
fn closed_registration_needs_an_admin_session() {
    let env = admin_env();
    set(&env, "registration", "admin");
    // An admin may still register people.
    env.register("carol", PW);
    env.login("bob", PW);
    let register_dave = || {
        env.run(
            &["register", "dave", "--password-stdin"],
            &format!("{PW}\n"),
        )
    };
    assert_error(register_dave(), 8, "registration is limited to admins");
    env.run(&["logout"], "").success();
    assert_error(register_dave(), 4, "log in as an admin first");
    assert_eq!(
        env.db()
            .count("SELECT count(*) FROM users WHERE username = 'dave'"),
        0
    );
}

#[test]
fn closed_registration_still_allows_the_very_first_account() {
    let env = TestEnv::new();
    // Create the database (a refused password leaves it empty), then close
    // registration before any account exists.
    assert_error(
        env.run(&["register", "root", "--password-stdin"], "short\n"),
        11,
        "password rejected",
    );
    env.db()
        .execute("INSERT INTO settings (key, value) VALUES ('registration', 'admin')");
    env.register("root", PW);
    assert_eq!(env.db().user_text("role", "root"), "admin");
    assert_error(
        env.run(&["register", "bob", "--password-stdin"], &format!("{PW}\n")),
        4,
        "registration is limited to admins",
    );
}

#[test]
fn register_role_admin_needs_an_admin_session() {
    let env = TestEnv::new();
    // The first account is an admin anyway.
    env.run(
        &["register", "root", "--role", "admin", "--password-stdin"],
        &format!("{PW}\n"),
    )
    .success();
    let as_bob = ["register", "eve", "--role", "admin", "--password-stdin"];
    assert_error(
        env.run(&as_bob, &format!("{PW}\n")),
        4,
        "only an admin can create an admin",
    );
    env.register("bob", PW);
    env.login("bob", PW);
    assert_error(
        env.run(&as_bob, &format!("{PW}\n")),
        8,
        "only an admin can create an admin",
    );
    env.login("root", PW);
    let out = env
        .run(
            &[
                "--json",
                "register",
                "ops",
                "--role",
                "admin",
                "--password-stdin",
            ],
            &format!("{PW}\n"),
        )
        .success();
    assert_eq!(json_stdout(&out)["role"], "admin");
    assert_eq!(env.db().user_text("role", "ops"), "admin");
}

#[test]
fn an_unusable_stored_setting_is_exit_10_naming_it() {
    let env = admin_env();
    env.db()
        .execute("INSERT INTO settings (key, value) VALUES ('lockout.threshold', '0')");
    assert_error(env.run(&["whoami"], ""), 10, "lockout.threshold");
}

#[test]
fn on_a_terminal_config_list_fits_one_line_per_setting() {
    let env = admin_env();
    for cols in [60, 80] {
        let screen = Screen::run(&env, cols, &["config", "list"], true);
        screen.assert_fits(2, 9);
        assert_eq!(screen.headers(), ["key", "value"]);
        assert_eq!(screen.row("lockout.duration")[1].1, "15m");
    }
}
