//! Account service tests on in-memory databases.

use super::*;
use crate::account::Details;

fn name(s: &str) -> Username {
    Username::parse(s).unwrap_or_else(|e| panic!("{e}"))
}

fn service() -> Accounts {
    Accounts::new(Store::open_in_memory().unwrap_or_else(|e| panic!("{e}")))
}

#[test]
fn register_login_authenticate_logout() -> Result<()> {
    let mut accounts = service();
    let pw: Password = "correct horse battery".into();
    let alice = accounts.register(&name("alice"), &Details::default(), &pw)?;
    assert_eq!(alice.role, Role::Admin);
    let new = accounts.login(&name("alice"), &pw, Duration::from_secs(60), None)?;
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
    accounts.register(&name("alice"), &Details::default(), &"correct horse".into())?;
    let wrong = accounts.check_password(&name("alice"), &"wrong horse".into());
    let unknown = accounts.check_password(&name("nobody"), &"correct horse".into());
    assert!(matches!(wrong, Err(Error::AuthenticationFailed)));
    assert!(matches!(unknown, Err(Error::AuthenticationFailed)));
    Ok(())
}

#[test]
fn policy_applies_on_register_and_password_change() -> Result<()> {
    let mut accounts = service();
    let short = accounts.register(&name("alice"), &Details::default(), &"short".into());
    assert!(matches!(short, Err(Error::Invalid(_))));
    let same = accounts.register(
        &name("alice"),
        &Details::default(),
        &"ALICE".repeat(2).as_str().into(),
    );
    assert!(same.is_ok(), "alicealice is not the username");
    let alice = accounts.account(&name("alice"))?;
    assert!(matches!(
        accounts.set_password(&alice, &"Alice".into(), None),
        Err(Error::Invalid(_))
    ));
    Ok(())
}

#[test]
fn expired_sessions_are_refused_with_the_time() -> Result<()> {
    fn later() -> Timestamp {
        time::now() + 3600
    }
    let mut accounts = service();
    let pw: Password = "correct horse".into();
    accounts.register(&name("alice"), &Details::default(), &pw)?;
    let new = accounts.login(&name("alice"), &pw, Duration::from_secs(60), None)?;
    let mut accounts = accounts.with_clock(later);
    match accounts.authenticate(&new.token) {
        Err(Error::NotLoggedIn(msg)) => assert!(msg.contains("expired at"), "{msg}"),
        other => panic!("expected expiry, got {other:?}"),
    }
    Ok(())
}

#[test]
fn permissions_self_or_admin() -> Result<()> {
    let mut accounts = service();
    let pw: Password = "correct horse".into();
    accounts.register(&name("root"), &Details::default(), &pw)?;
    accounts.register(&name("bob"), &Details::default(), &pw)?;
    let bob = accounts
        .login(&name("bob"), &pw, Duration::from_secs(60), None)?
        .session;
    let root = accounts
        .login(&name("root"), &pw, Duration::from_secs(60), None)?
        .session;
    assert!(bob.require_self_or_admin(&name("bob"), "show").is_ok());
    assert!(matches!(
        bob.require_self_or_admin(&name("root"), "show"),
        Err(Error::PermissionDenied(_))
    ));
    assert!(root.require_self_or_admin(&name("bob"), "show").is_ok());
    assert!(bob.require_admin("list accounts").is_err());
    Ok(())
}
