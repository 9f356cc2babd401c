//! Brute-force lockout, enumeration-safe failures and hash upgrades, through
//! the binary.

use crate::common::*;
use argon2::password_hash::PasswordHasher;
use argon2::{Algorithm, Argon2, Params, Version};

/// `n` failed logins for `user`, each exit 3.
fn fail(env: &TestEnv, user: &str, n: usize) {
    for _ in 0..n {
        assert_error(
            env.login_attempt(user, PW2),
            3,
            "incorrect username or password",
        );
    }
}

fn locked_until(env: &TestEnv, user: &str) -> Option<i64> {
    env.db().user_opt_i64("locked_until", user)
}

#[test]
fn five_failures_lock_the_account_and_even_the_right_password_is_refused() {
    let env = TestEnv::new();
    env.register("alice", PW);
    env.login_on_device("laptop", "alice", PW);
    fail(&env, "alice", 4);
    assert_eq!(
        locked_until(&env, "alice"),
        None,
        "four failures do not lock"
    );
    fail(&env, "alice", 1);
    let until = locked_until(&env, "alice").expect("locked after five");
    assert!(
        (until - unix_now() - 15 * 60).abs() <= 5,
        "15 minutes: {until}"
    );

    let a = assert_error(env.login_attempt("alice", PW), 7, "is locked until ");
    let err = stderr(&a);
    let stamp = err.split("locked until ").nth(1).unwrap();
    let stamp = &stamp[..20];
    assert!(
        stamp.len() == 20 && stamp.as_bytes()[10] == b'T' && stamp.ends_with('Z'),
        "RFC 3339 UTC: {err}"
    );
    // The lock ended the session on the other device too.
    assert_error(
        env.on_device("laptop").arg("whoami").assert(),
        4,
        "no longer valid",
    );
    assert_eq!(env.db().count("SELECT count(*) FROM sessions"), 0);
    // passwd with the current password is refused the same way.
    assert_error(
        env.run(
            &["passwd", "alice", "--password-stdin"],
            &format!("{PW}\n{PW2}\n"),
        ),
        7,
        "locked until",
    );
}

#[test]
fn a_success_resets_the_count_and_an_expired_lock_lets_the_user_in() {
    let env = TestEnv::new();
    env.register("alice", PW);
    fail(&env, "alice", 4);
    env.login("alice", PW);
    assert_eq!(env.db().count("SELECT failed_logins FROM users"), 0);
    fail(&env, "alice", 4);
    env.login("alice", PW);

    fail(&env, "alice", 5);
    assert_error(env.login_attempt("alice", PW), 7, "locked");
    // Let the lock run out, then fail five more times: the lock doubles.
    let lock_ran_out = format!("UPDATE users SET locked_until = {}", unix_now() - 1);
    env.db().execute(&lock_ran_out);
    fail(&env, "alice", 5);
    let until = locked_until(&env, "alice").unwrap();
    assert!(
        (until - unix_now() - 30 * 60).abs() <= 5,
        "30 minutes: {until}"
    );
    // Once it runs out, the right password works and clears everything.
    let lock_ran_out = format!("UPDATE users SET locked_until = {}", unix_now() - 1);
    env.db().execute(&lock_ran_out);
    env.login("alice", PW);
    let db = env.db();
    let (count, locks) = (
        db.count("SELECT failed_logins FROM users"),
        db.count("SELECT lockouts FROM users"),
    );
    assert_eq!((count, locks), (0, 0));
    assert_eq!(locked_until(&env, "alice"), None);
}

#[test]
fn failed_self_delete_and_passwd_count_toward_the_lock() {
    let env = TestEnv::new();
    env.register("root", PW);
    env.register("alice", PW);
    env.login("alice", PW);
    for _ in 0..2 {
        assert_error(
            env.run(
                &["delete", "--yes", "--password-stdin"],
                &format!("{PW2}\n"),
            ),
            3,
            "incorrect username or password",
        );
        assert_error(
            env.run(&["passwd", "--password-stdin"], &format!("{PW2}\n{PW2}\n")),
            3,
            "incorrect username or password",
        );
    }
    assert_eq!(
        env.db()
            .count("SELECT failed_logins FROM users WHERE username = 'alice'"),
        4
    );
    fail(&env, "alice", 1);
    assert!(locked_until(&env, "alice").is_some());
}

#[test]
fn unknown_users_fail_like_wrong_passwords_in_text_and_code() {
    let env = TestEnv::new();
    env.register("alice", PW);
    let wrong = stderr(&assert_error(
        env.login_attempt("alice", PW2),
        3,
        "incorrect",
    ));
    let unknown = stderr(&assert_error(
        env.login_attempt("nobody", PW2),
        3,
        "incorrect",
    ));
    assert_eq!(wrong, unknown);
    // The same for passwd USERNAME without a session.
    let passwd = |user: &str| {
        env.run(
            &["passwd", user, "--password-stdin"],
            &format!("{PW2}\n{PW}\n"),
        )
    };
    assert_eq!(
        stderr(&passwd("alice").code(3)),
        stderr(&passwd("nobody").code(3))
    );
    // That they also take the same time (the dummy hash) is a speed claim,
    // measured by `cargo bench --bench compare`, not timed here.
}

/// Stores `hash` as alice's password hash.
fn set_hash(env: &TestEnv, hash: &str) {
    assert!(!hash.contains('\''), "{hash}");
    env.db().execute(&format!(
        "UPDATE users SET password_hash = '{hash}' WHERE username = 'alice'"
    ));
}

fn stored_hash(env: &TestEnv) -> String {
    env.db().user_text("password_hash", "alice")
}

#[test]
fn an_outdated_hash_is_upgraded_on_the_next_successful_login() {
    let env = TestEnv::new();
    env.register("alice", PW);
    for (algorithm, m, t, p) in [
        (Algorithm::Argon2id, 19456, 2, 1),
        (Algorithm::Argon2i, 65536, 3, 4),
    ] {
        let params = Params::new(m, t, p, None).unwrap();
        let old = Argon2::new(algorithm, Version::V0x13, params)
            .hash_password(PW.as_bytes())
            .unwrap()
            .to_string();
        set_hash(&env, &old);
        // A failure leaves it alone.
        env.login_attempt("alice", PW2).code(3);
        assert_eq!(stored_hash(&env), old);
        env.login("alice", PW);
        let new = stored_hash(&env);
        assert!(new.starts_with("$argon2id$v=19$m=65536,t=3,p=4$"), "{new}");
        // The upgraded hash still verifies, and is left alone from now on.
        env.login("alice", PW);
        assert_eq!(stored_hash(&env), new);
    }
}

#[test]
fn parallel_guesses_get_no_more_checks_than_the_threshold_and_lock_once() {
    let env = TestEnv::new();
    env.register("alice", PW);
    let runs = (0..12)
        .map(|_| {
            let cmd = env.std_command(&["login", "alice", "--password-stdin"]);
            (cmd, format!("{PW2}\n"))
        })
        .collect();
    let codes: Vec<i32> = env.run_all(runs).iter().map(|f| f.code).collect();
    let checked = codes.iter().filter(|&&c| c == 3).count();
    assert_eq!(checked, 5, "{codes:?}");
    assert!(codes.iter().all(|&c| c == 3 || c == 7), "{codes:?}");
    let locks = env.db().count("SELECT lockouts FROM users");
    assert_eq!(locks, 1, "one burst, one 15-minute lock");
    assert_error(env.login_attempt("alice", PW), 7, "locked until");
}

#[test]
fn a_name_no_account_can_have_fails_like_an_unknown_user_and_is_logged() {
    let env = TestEnv::new();
    env.register("root", PW);
    let unknown = stderr(&assert_error(
        env.login_attempt("nobody", PW2),
        3,
        "incorrect",
    ));
    let invalid = env.login_attempt("Bad\u{1b}[2J Name!", PW2);
    assert_eq!(stderr(&assert_error(invalid, 3, "incorrect")), unknown);
    let target = env
        .db()
        .text("SELECT target FROM events ORDER BY id DESC LIMIT 1");
    assert_eq!(target, "Bad\\u{1b}[2J Name!", "as typed, escaped");
}

#[test]
fn a_locked_out_last_admin_gets_back_in_through_the_sqlite_files_owner() {
    let env = TestEnv::sqlite();
    env.register("root", PW);
    // Anyone can lock the only admin out: `verify` needs no session.
    for _ in 0..5 {
        env.run(
            &["verify", "root", "--password-stdin"],
            "wrong horse battery\n",
        )
        .code(3);
    }
    assert_error(env.login_attempt("root", PW), 7, "locked");
    // No session, but we own the database file: break-glass.
    assert!(!env.session_path().exists());
    let out = env.run(&["--json", "unlock", "root"], "").success();
    assert_eq!(
        json_stdout(&out),
        serde_json::json!({ "unlocked": "root", "break_glass": true })
    );
    env.login("root", PW);
    let event = env
        .db()
        .row("SELECT actor, os_user, detail FROM events WHERE event = 'account_unlocked'");
    assert_eq!(event[0], None, "no account acted");
    assert_eq!(event[1].as_deref(), Some(crate::audit::os_user().as_str()));
    assert!(event[2].as_deref().unwrap().starts_with("break-glass"));
    // A plain message without --json.
    env.run(&["logout"], "").success();
    env.run(&["unlock", "root"], "")
        .success()
        .stderr(predicates::str::contains(
            "unlocked account root (break-glass",
        ));
}

#[test]
fn unlocking_without_a_session_is_refused_on_postgresql() {
    let Some(env) = TestEnv::postgres() else {
        return;
    };
    env.register("root", PW);
    assert_error(
        env.run(&["unlock", "root"], ""),
        4,
        "only for the owner of a SQLite database file",
    );
    assert_eq!(
        env.db()
            .count("SELECT count(*) FROM events WHERE event = 'account_unlocked'"),
        0
    );
}
