//! Account service tests on in-memory databases.

use super::*;
use crate::model::{Account, Details, Role};
use crate::totp::TotpSecret;

const PW: &str = "violet tractor mangoes sing";
const PW2: &str = "Tr0mbone-Galaxy-Pickle";

fn name(s: &str) -> Username {
    Username::parse(s).unwrap_or_else(|e| panic!("{e}"))
}

/// Both steps of a login for an account without a second factor.
fn pw_login(a: &mut Accounts, user: &str, pw: &str, ttl: Duration) -> Result<NewSession> {
    let checked = a.check_first_factor(None, &name(user), &pw.into())?;
    a.login(checked, None, ttl, None)
}

/// Both steps of a password check for an account without a second factor.
fn pw_check(a: &mut Accounts, user: &str, pw: &str) -> Result<Account> {
    let checked = a.check_first_factor(None, &name(user), &pw.into())?;
    a.check_password(checked, None)
}

fn service() -> Accounts {
    Accounts::open_in_memory().unwrap_or_else(|e| panic!("{e}"))
}

/// Registers `user` as anyone may while registration is open.
fn register(a: &mut Accounts, user: &str) -> Result<Account> {
    a.register(
        None,
        &name(user),
        &Details::default(),
        &PW.into(),
        Role::User,
    )
}

#[test]
fn register_login_authenticate_logout() -> Result<()> {
    let mut accounts = service();
    let alice = register(&mut accounts, "alice")?;
    assert_eq!(alice.role, Role::Admin);
    let new = pw_login(&mut accounts, "alice", PW, Duration::from_secs(60))?;
    let session = accounts.authenticate(&new.token)?;
    assert_eq!(session.account.username.as_str(), "alice");
    assert!(session.account.last_login_at.is_some());
    accounts.logout(&session, false)?;
    assert!(matches!(
        accounts.authenticate(&new.token),
        Err(Error::NotLoggedIn(_))
    ));
    Ok(())
}

#[test]
fn wrong_password_and_unknown_user_fail_alike() -> Result<()> {
    let mut accounts = service();
    register(&mut accounts, "alice")?;
    let wrong = pw_check(&mut accounts, "alice", PW2);
    let unknown = pw_check(&mut accounts, "nobody", PW);
    assert!(matches!(wrong, Err(Error::AuthenticationFailed)));
    assert!(matches!(unknown, Err(Error::AuthenticationFailed)));
    Ok(())
}

#[test]
fn policy_applies_on_register_and_password_change() -> Result<()> {
    let mut accounts = service();
    let details = Details::default();
    let weak = accounts.register(
        None,
        &name("alice"),
        &details,
        &"password".into(),
        Role::User,
    );
    assert!(matches!(weak, Err(Error::Invalid(_))));
    register(&mut accounts, "alice")?;
    let checked = accounts.check_first_factor(None, &name("alice"), &PW.into())?;
    let with_name =
        accounts.change_password(checked, None, &"violet alice mangoes sing".into(), None);
    assert!(matches!(with_name, Err(Error::Invalid(m)) if m.contains("username")));
    Ok(())
}

#[test]
fn expired_and_idle_sessions_are_refused_with_the_time() -> Result<()> {
    fn in_an_hour() -> Timestamp {
        time::now() + 3600
    }
    fn in_12_and_a_half_hours() -> Timestamp {
        time::now() + 12 * 3600 + 1800
    }
    let mut accounts = service();
    register(&mut accounts, "alice")?;
    let short = pw_login(&mut accounts, "alice", PW, Duration::from_secs(60))?;
    let long = pw_login(&mut accounts, "alice", PW, Duration::from_secs(30 * 86400))?;
    let mut accounts = accounts.with_clock(in_an_hour);
    match accounts.authenticate(&short.token) {
        Err(Error::NotLoggedIn(msg)) => assert!(msg.contains("expired at"), "{msg}"),
        other => panic!("expected expiry, got {other:?}"),
    }
    assert!(accounts.authenticate(&long.token).is_ok());
    // Used an hour in, so still alive 12.5 hours in (11.5 hours idle)...
    let mut accounts = accounts.with_clock(in_12_and_a_half_hours);
    assert!(
        accounts.authenticate(&long.token).is_ok(),
        "idleness counts from the last use"
    );
    // ...and ended after 12 more hours without use.
    let mut accounts = accounts.with_clock(|| time::now() + 25 * 3600);
    match accounts.authenticate(&long.token) {
        Err(Error::NotLoggedIn(msg)) => assert!(msg.contains("after 12h without use"), "{msg}"),
        other => panic!("expected refusal, got {other:?}"),
    }
    Ok(())
}

#[test]
fn lockout_refuses_even_the_right_password_until_it_expires() -> Result<()> {
    let mut accounts = service();
    register(&mut accounts, "alice")?;
    for _ in 0..5 {
        assert!(matches!(
            pw_check(&mut accounts, "alice", PW2),
            Err(Error::AuthenticationFailed)
        ));
    }
    assert!(matches!(
        pw_check(&mut accounts, "alice", PW),
        Err(Error::Locked(_))
    ));
    let mut later = accounts.with_clock(|| time::now() + 16 * 60);
    assert!(pw_check(&mut later, "alice", PW).is_ok());
    Ok(())
}

#[test]
fn password_change_rotates_the_callers_session() -> Result<()> {
    let mut accounts = service();
    register(&mut accounts, "alice")?;
    let old = pw_login(&mut accounts, "alice", PW, Duration::from_secs(600))?;
    let session = accounts.authenticate(&old.token)?;
    let checked = accounts.check_first_factor(None, &name("alice"), &PW.into())?;
    let changed = accounts.change_password(checked, None, &PW2.into(), Some(&session))?;
    assert_eq!(changed.others_revoked, 0, "only the caller's own session");
    let Some(rotated) = changed.session else {
        panic!("no new session")
    };
    assert!(accounts.authenticate(&old.token).is_err());
    let new = accounts.authenticate(&rotated.token)?;
    assert_eq!(new.expires_at, session.expires_at);
    Ok(())
}

#[test]
fn permissions_self_or_admin() -> Result<()> {
    let mut accounts = service();
    register(&mut accounts, "root")?;
    register(&mut accounts, "bob")?;
    let ttl = Duration::from_secs(60);
    let bob = pw_login(&mut accounts, "bob", PW, ttl)?.session;
    let root = pw_login(&mut accounts, "root", PW, ttl)?.session;
    let a = &accounts;
    assert!(a.acting_self_or_admin(&bob, &name("bob"), "show").is_ok());
    assert!(matches!(
        a.acting_self_or_admin(&bob, &name("root"), "show"),
        Err(Error::PermissionDenied(_))
    ));
    assert!(a.acting_self_or_admin(&root, &name("bob"), "show").is_ok());
    assert!(a.acting_admin(&bob, "list accounts").is_err());
    Ok(())
}

#[test]
fn a_session_acts_only_while_it_opens_something_in_this_store() -> Result<()> {
    let ttl = Duration::from_secs(600);
    let mut accounts = service();
    register(&mut accounts, "root")?;
    register(&mut accounts, "bob")?;
    let root = pw_login(&mut accounts, "root", PW, ttl)?.session;
    let bob = name("bob");

    // An admin session made in another database, whose ids match these.
    let mut elsewhere = service();
    register(&mut elsewhere, "root")?;
    let forged = pw_login(&mut elsewhere, "root", PW, ttl)?.session;
    assert_eq!(
        (forged.id(), forged.username()),
        (root.id(), root.username())
    );
    let refused = accounts.lock(&forged, &bob, None);
    assert!(matches!(refused, Err(Error::NotLoggedIn(_))), "{refused:?}");

    // A demoted admin's session is a user's; a logged-out one is nobody's.
    let ops = {
        accounts.set_role(&root, &bob, Role::Admin)?;
        pw_login(&mut accounts, "bob", PW, ttl)?.session
    };
    accounts.set_role(&root, &bob, Role::User)?;
    let demoted = accounts.lock(&ops, &name("root"), None);
    assert!(
        matches!(demoted, Err(Error::PermissionDenied(_))),
        "{demoted:?}"
    );
    accounts.logout(&root, false)?;
    let gone = accounts.unlock(&root, &bob);
    assert!(matches!(gone, Err(Error::NotLoggedIn(_))), "{gone:?}");
    Ok(())
}

/// A fixed moment for the two-factor tests: step 41152263 begins at it
/// (1234567890 is a multiple of 30).
const T0: Timestamp = 1_234_567_890;
fn at_t0() -> Timestamp {
    T0
}
fn two_steps_later() -> Timestamp {
    T0 + 60
}

/// A service at [`T0`] where alice has turned 2FA on with `secret` (the
/// code of step T0 is spent); her recovery codes.
fn alice_enrolled_at_t0(
    secret: &TotpSecret,
) -> Result<(Accounts, Vec<zeroize::Zeroizing<String>>)> {
    let mut accounts = service().with_clock(at_t0);
    register(&mut accounts, "alice")?;
    let session = pw_login(&mut accounts, "alice", PW, Duration::from_secs(600))?.session;
    let checked = accounts.check_first_factor(None, &name("alice"), &PW.into())?;
    assert!(!checked.needs_code());
    let codes = accounts.enable_totp(&session, checked, secret, &secret.code_at(T0)?)?;
    Ok((accounts, codes))
}

#[test]
fn codes_allow_one_step_of_drift_and_work_once_with_an_injected_clock() -> Result<()> {
    let secret = TotpSecret::generate()?;
    let (mut accounts, codes) = alice_enrolled_at_t0(&secret)?;
    assert_eq!(codes.len(), 10);

    let attempt = |a: &mut Accounts, code: &str| -> Result<Account> {
        let checked = a.check_first_factor(None, &name("alice"), &PW.into())?;
        assert!(checked.needs_code());
        a.check_password(checked, Some(code))
    };
    // The phone runs a step fast: accepted, once.
    let ahead = secret.code_at(T0 + 30)?;
    attempt(&mut accounts, &ahead)?;
    assert!(matches!(
        attempt(&mut accounts, &ahead),
        Err(Error::AuthenticationFailed)
    ));
    // Two steps off is refused; the enrolment code is spent.
    let far = secret.code_at(T0 + 60)?;
    assert!(attempt(&mut accounts, &far).is_err());
    assert!(attempt(&mut accounts, &secret.code_at(T0)?).is_err());
    // A minute later the same code is current, and later than any used.
    let mut later = accounts.with_clock(two_steps_later);
    attempt(&mut later, &far)?;
    // A missing code fails like a wrong one.
    let checked = later.check_first_factor(None, &name("alice"), &PW.into())?;
    assert!(matches!(
        later.check_password(checked, None),
        Err(Error::AuthenticationFailed)
    ));
    Ok(())
}

fn three_steps_later() -> Timestamp {
    T0 + 90
}

#[test]
fn a_phone_one_step_behind_is_accepted_and_two_steps_behind_refused() -> Result<()> {
    // The RFC 6238 test key, so the codes compared are always the same.
    let secret = TotpSecret::from_base32("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ")?;
    let (accounts, _) = alice_enrolled_at_t0(&secret)?;

    // At T0 + 90 s the current step is T0 + 90: a code from T0 + 30 is two
    // steps old, one from T0 + 60 is one step old. Neither was used yet.
    let mut later = accounts.with_clock(three_steps_later);
    let mut attempt = |code: String| -> Result<Account> {
        let checked = later.check_first_factor(None, &name("alice"), &PW.into())?;
        later.check_password(checked, Some(&code))
    };
    assert!(matches!(
        attempt(secret.code_at(T0 + 30)?),
        Err(Error::AuthenticationFailed)
    ));
    attempt(secret.code_at(T0 + 60)?)?;
    Ok(())
}

#[test]
fn hosts_with_skewed_clocks_agree_on_a_lockout_by_the_servers_clock() -> Result<()> {
    use crate::store::postgres::tests::pg_cluster;
    let Some(server) = pg_cluster::server() else {
        return Ok(());
    };
    let url = server.fresh_database();
    register(&mut Accounts::connect(&url)?, "alice")?;
    // A host whose clock is an hour slow gets the password wrong five times...
    let mut slow = Accounts::connect(&url)?.with_clock(|| time::now() - 3600);
    for _ in 0..5 {
        let wrong = pw_check(&mut slow, "alice", PW2);
        assert!(
            matches!(wrong, Err(Error::AuthenticationFailed)),
            "{wrong:?}"
        );
    }
    // ...and a host with the right time still finds the account locked:
    // the lock runs 15 minutes from the server's now, not the slow host's.
    let mut right = Accounts::connect(&url)?;
    let refused = pw_check(&mut right, "alice", PW);
    assert!(matches!(refused, Err(Error::Locked(_))), "{refused:?}");
    let until = right
        .store
        .find_account(&name("alice"))?
        .and_then(|a| a.locked_until);
    let expected = time::now() + 15 * 60;
    assert!(
        until.is_some_and(|u| (u - expected).abs() <= 5),
        "{until:?}"
    );
    Ok(())
}
