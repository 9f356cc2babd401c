//! The auth and account steps through Linux-PAM and pam_exec, driven by
//! pamtester: right, wrong and unknown, lockout, admin locks, deleted
//! accounts, two-factor accounts, and what reaches the audit log.

use super::*;
use std::time::Instant;

const INCORRECT: &str = "authctl: incorrect username or password";

/// alice's account and a service whose auth and account steps are
/// authctl's, where a PAM stack can be used.
fn alice_on_pam() -> Option<(TestEnv, PamService)> {
    if !pam_stack_available() {
        return None;
    }
    let env = TestEnv::new();
    env.register("alice", PW);
    let pam = PamService::authctl(&env);
    Some((env, pam))
}

#[test]
fn right_password_passes_wrong_and_unknown_fail_alike_and_the_log_names_service_and_host() {
    let Some((env, pam)) = alice_on_pam() else {
        return;
    };

    let right = pam.authenticate("alice", PW);
    assert!(accepted(&right), "{right:?}");
    assert!(!accepted(&pam.authenticate("alice", PW2)));
    assert!(!accepted(&pam.authenticate("nobody", PW)));
    assert!(!accepted(&pam.authenticate("Not A Name!", PW)));
    // pam_exec turns any exit code but 0 into a failure, so pamtester
    // tells nothing more; what authctl said went to pam_exec's log only,
    // stdout included, and it is the same for a wrong password and an
    // unknown or impossible name.
    assert_eq!(pam.output(), [INCORRECT, INCORRECT, INCORRECT]);

    let detail = format!("pam service {}, remote host {RHOST}", pam.name);
    assert_eq!(
        events_of(&env, "alice")[1..],
        [
            ("password_verified".into(), "success".into(), detail.clone()),
            ("login_failed".into(), "failure".into(), detail.clone()),
        ]
    );
    assert_eq!(
        events_of(&env, "nobody"),
        [("login_failed".into(), "failure".into(), detail)]
    );
    env.db().assert_never_stored(&[PW2]);

    // Room for the timed attempts below before alice locks (she is the
    // first account, so an admin).
    env.login("alice", PW);
    env.run(&["config", "set", "lockout.threshold", "50"], "")
        .success();
    // An unknown user costs a whole hash, as a wrong password does: the
    // medians of alternating runs are of one size, not a process start
    // against a hash (the exact ratio is measured by the benchmark).
    let (mut unknown, mut wrong) = (Vec::new(), Vec::new());
    for _ in 0..3 {
        let start = Instant::now();
        pam.authenticate("nobody", PW2);
        unknown.push(start.elapsed());
        let start = Instant::now();
        pam.authenticate("alice", PW2);
        wrong.push(start.elapsed());
    }
    unknown.sort();
    wrong.sort();
    let ratio = unknown[1].as_secs_f64() / wrong[1].as_secs_f64();
    assert!((0.5..2.0).contains(&ratio), "{unknown:?} against {wrong:?}");
}

#[test]
fn five_wrong_passwords_lock_the_account_and_the_right_one_is_then_refused() {
    let Some((env, pam)) = alice_on_pam() else {
        return;
    };
    for _ in 0..5 {
        assert!(!accepted(&pam.authenticate("alice", PW2)));
    }
    assert!(!accepted(&pam.authenticate("alice", PW)));
    let said = pam.output();
    assert_eq!(said[..5], [INCORRECT; 5]);
    assert!(
        said[5].starts_with("authctl: account alice is locked until "),
        "{said:?}"
    );
    // The account step refuses it too, and authctl's own login agrees.
    assert!(!accepted(&pam.account("alice")));
    env.login_attempt("alice", PW).code(7);
    let events = events_of(&env, "alice");
    assert!(
        events
            .iter()
            .any(|(event, _, detail)| event == "lockout" && detail.starts_with("pam service")),
        "{events:?}"
    );
}

#[test]
fn the_account_step_refuses_locked_and_deleted_accounts_whoever_checked_the_password() {
    if !pam_stack_available() {
        return;
    }
    let env = TestEnv::new();
    env.register("root", PW);
    env.register("alice", PW);
    env.register("carol", PW);
    env.login("root", PW);
    // Another module (here pam_permit) does the password check.
    let pam = PamService::with_lines(&env, |exec| {
        format!(
            "auth     required pam_permit.so\n\
             account  required pam_exec.so quiet {exec} pam account\n"
        )
    });
    assert!(accepted(&pam.account("alice")));

    env.run(&["lock", "alice", "--reason", "left"], "")
        .success();
    assert!(!accepted(&pam.account("alice")));
    env.run(&["unlock", "alice"], "").success();
    assert!(accepted(&pam.account("alice")));

    env.run(&["delete", "carol", "--yes"], "").success();
    assert!(!accepted(&pam.account("carol")));
    assert!(!accepted(&pam.account("nobody")));
    assert_eq!(
        pam.output(),
        [
            "authctl: account alice is locked by an administrator",
            "authctl: no such user: carol",
            "authctl: no such user: nobody",
        ]
    );
    // The refusal is in the audit log, between the lock and the unlock.
    let events = events_of(&env, "alice");
    let kinds: Vec<&str> = events.iter().map(|(event, _, _)| event.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "register",
            "account_locked",
            "login_failed",
            "account_unlocked"
        ]
    );
    assert_eq!(
        events[2],
        (
            "login_failed".into(),
            "locked".into(),
            format!("pam service {}, remote host {RHOST}", pam.name)
        )
    );
}

#[test]
fn a_two_factor_account_is_refused_and_the_attempt_counts() {
    if !pam_stack_available() {
        return;
    }
    let (env, enrolled) = crate::two_factor::alice_with_2fa();
    let pam = PamService::authctl(&env);
    let code = crate::two_factor::code(&enrolled.secret, 0);
    assert!(!accepted(&pam.authenticate("alice", PW)));
    // A code appended to the password is not taken either.
    assert!(!accepted(
        &pam.authenticate("alice", &format!("{PW}{code}"))
    ));
    assert_eq!(pam.output(), [INCORRECT, INCORRECT]);
    assert_eq!(env.db().user_i64("failed_logins", "alice"), 2);
    let events = events_of(&env, "alice");
    let origin = format!("pam service {}, remote host {RHOST}", pam.name);
    assert_eq!(
        events[events.len() - 2..],
        [
            (
                "login_failed".into(),
                "failure".into(),
                format!("two-factor login is on, and PAM gives no second prompt; {origin}")
            ),
            (
                "login_failed".into(),
                "failure".into(),
                format!("two-factor login is on, and PAM gives no second prompt; {origin}")
            ),
        ]
    );
}

#[test]
fn the_readme_lines_work_as_written() {
    if !pam_stack_available() {
        return;
    }
    let env = TestEnv::new();
    env.register("alice", PW);
    let shown = crate::readme::readme_fenced("## Logging in to other services", "pam", 0);
    let lines = shown
        .replace("/usr/local/bin/authctl", BIN)
        .replace("/var/lib/authctl/users.db", &database_argument(&env));
    assert_eq!(lines.matches(BIN).count(), 2, "{shown}");
    let pam = PamService::with_lines(&env, |_| format!("{lines}\n"));
    assert!(accepted(&pam.authenticate("alice", PW)));
    assert!(!accepted(&pam.authenticate("alice", PW2)));
    assert!(accepted(&pam.account("alice")));
    env.register("root", PW);
    // alice registered first, so she is the admin who locks root.
    env.login("alice", PW);
    env.run(&["lock", "root"], "").success();
    assert!(!accepted(&pam.account("root")));
    assert!(!accepted(&pam.authenticate("root", PW)));
}

#[test]
fn an_outdated_hash_is_upgraded_by_a_pam_login_as_by_verify() {
    use argon2::{Algorithm, Argon2, Params, PasswordHasher, Version};
    if !pam_stack_available() {
        return;
    }
    let env = TestEnv::new();
    env.register("alice", PW);
    let params = Params::new(19456, 2, 1, None).expect("params");
    let old = Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
        .hash_password(PW.as_bytes())
        .expect("hash")
        .to_string();
    env.db().execute(&format!(
        "UPDATE users SET password_hash = '{old}' WHERE username = 'alice'"
    ));
    let pam = PamService::authctl(&env);
    assert!(!accepted(&pam.authenticate("alice", PW2)));
    assert_eq!(env.db().user_text("password_hash", "alice"), old);
    assert!(accepted(&pam.authenticate("alice", PW)));
    let new = env.db().user_text("password_hash", "alice");
    assert!(new.starts_with("$argon2id$v=19$m=65536,t=3,p=4$"), "{new}");
}
