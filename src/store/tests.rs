//! Store tests on in-memory and temporary databases.

use super::*;
use crate::account::{Details, Role, Username};

fn name(s: &str) -> Username {
    Username::parse(s).unwrap_or_else(|e| panic!("{e}"))
}

fn store_with(users: &[&str]) -> Store {
    let mut store = Store::open_in_memory().unwrap_or_else(|e| panic!("{e}"));
    for (i, u) in users.iter().enumerate() {
        let now = 1000 + i64::try_from(i).unwrap_or(0);
        if let Err(e) = store.insert_user(&name(u), &Details::default(), "$argon2id$fake", now) {
            panic!("{e}");
        }
    }
    store
}

#[test]
fn first_user_is_admin_and_names_are_unique() -> Result<()> {
    let mut store = store_with(&["alice", "bob"]);
    assert_eq!(
        store.find_user(&name("alice"))?.map(|a| a.role),
        Some(Role::Admin)
    );
    assert_eq!(
        store.find_user(&name("bob"))?.map(|a| a.role),
        Some(Role::User)
    );
    let dup = store.insert_user(&name("bob"), &Details::default(), "h", 5);
    assert!(matches!(dup, Err(Error::UserExists(u)) if u == "bob"));
    Ok(())
}

#[test]
fn sessions_are_found_by_digest_and_revoked_by_password_change() -> Result<()> {
    let mut store = store_with(&["alice"]);
    let alice = store
        .find_user(&name("alice"))?
        .ok_or(Error::Internal("no alice".into()))?;
    let keep = store.insert_session(alice.id, b"digest-one", 10, 100, None)?;
    store.insert_session(alice.id, b"digest-two", 11, 100, None)?;
    assert_eq!(store.count_active_sessions(alice.id, 50)?, 2);
    assert_eq!(
        store.count_active_sessions(alice.id, 100)?,
        0,
        "expired at 100"
    );
    store.set_password_hash(alice.id, "new", 20, Some(keep))?;
    assert!(store.find_session(b"digest-one")?.is_some());
    assert!(store.find_session(b"digest-two")?.is_none());
    assert_eq!(
        store.find_user(&name("alice"))?.map(|a| a.last_login_at),
        Some(Some(11))
    );
    Ok(())
}

#[test]
fn replacing_a_session_revokes_the_old_one() -> Result<()> {
    let mut store = store_with(&["alice"]);
    let id = store.find_user(&name("alice"))?.map(|a| a.id).unwrap_or(0);
    store.insert_session(id, b"old", 10, 100, None)?;
    store.insert_session(id, b"new", 11, 100, Some(b"old"))?;
    assert!(store.find_session(b"old")?.is_none());
    assert!(store.find_session(b"new")?.is_some());
    Ok(())
}

#[test]
fn the_last_admin_cannot_be_deleted() -> Result<()> {
    let mut store = store_with(&["root", "bob"]);
    let root = store.find_user(&name("root"))?.map(|a| a.id).unwrap_or(0);
    let bob = store.find_user(&name("bob"))?.map(|a| a.id).unwrap_or(0);
    store.insert_session(bob, b"s", 1, 100, None)?;
    assert!(matches!(store.delete_user(root), Err(Error::Invalid(_))));
    store.delete_user(bob)?;
    assert!(store.find_user(&name("bob"))?.is_none());
    assert!(
        store.find_session(b"s")?.is_none(),
        "sessions go with the account"
    );
    Ok(())
}

#[test]
fn update_details_sets_and_clears() -> Result<()> {
    use crate::account::{DetailChange, DisplayName, Email};
    let mut store = store_with(&["alice"]);
    let id = store.find_user(&name("alice"))?.map(|a| a.id).unwrap_or(0);
    let a = store.update_details(
        id,
        &DetailChange::Set(Email::parse("a@x.org")?),
        &DetailChange::Set(DisplayName::parse("Alice")?),
    )?;
    assert_eq!(
        (a.email.as_deref(), a.name.as_deref()),
        (Some("a@x.org"), Some("Alice"))
    );
    let a = store.update_details(id, &DetailChange::Keep, &DetailChange::Clear)?;
    assert_eq!((a.email.as_deref(), a.name), (Some("a@x.org"), None));
    Ok(())
}

#[test]
fn foreign_and_newer_databases_are_refused_untouched() -> Result<()> {
    let dir = tempfile::tempdir().map_err(|e| Error::io("tempdir", e))?;
    let foreign = dir.path().join("foreign.db");
    {
        let conn = Connection::open(&foreign)?;
        conn.execute_batch("CREATE TABLE t (x); PRAGMA user_version = 0;")?;
    }
    let before = std::fs::read(&foreign).map_err(|e| Error::io("read", e))?;
    assert!(matches!(
        Store::open(&foreign),
        Err(Error::DatabaseUnusable(_))
    ));
    assert_eq!(std::fs::read(&foreign).ok(), Some(before));

    let newer = dir.path().join("newer.db");
    {
        let conn = Connection::open(&newer)?;
        conn.execute_batch(&format!("PRAGMA user_version = {};", LATEST_VERSION + 1))?;
    }
    match Store::open(&newer) {
        Err(Error::DatabaseUnusable(msg)) => {
            assert!(
                msg.contains(&format!("version {}", LATEST_VERSION + 1)),
                "{msg}"
            );
            assert!(msg.contains(&format!("version {LATEST_VERSION}")), "{msg}");
        }
        other => panic!("expected refusal, got {:?}", other.err()),
    }
    Ok(())
}

#[test]
fn reopening_keeps_data_and_schema_version() -> Result<()> {
    let dir = tempfile::tempdir().map_err(|e| Error::io("tempdir", e))?;
    let path = dir.path().join("users.db");
    Store::open(&path)?.insert_user(&name("alice"), &Details::default(), "h", 1)?;
    let store = Store::open(&path)?;
    assert!(store.find_user(&name("alice"))?.is_some());
    let version: i64 = store
        .conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))?;
    assert_eq!(version, LATEST_VERSION);
    Ok(())
}
