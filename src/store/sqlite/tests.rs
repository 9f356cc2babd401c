//! Tests of what is SQLite's own: the file refused or upgraded, the
//! schema version kept; and the store contract on SQLite.

use super::*;
use crate::audit::{Event, EventKind};
use crate::model::{Role, Username};
use crate::settings::Settings;
use crate::store::contract_tests::{Open, contract_tests, event, name};
use crate::store::{AccountRows, Admission, NewAccount, StoreResult};

fn open_in_memory() -> Box<dyn crate::store::Store> {
    Box::new(SqliteStore::open_in_memory().unwrap_or_else(|e| panic!("{e}")))
}

contract_tests!(Some::<Open>(open_in_memory));

/// Creates a plain user as the registration rule would.
fn insert(store: &mut SqliteStore, user: &Username, e: &Event) -> StoreResult<()> {
    let account = NewAccount {
        username: user,
        name: None,
        email: None,
        role: Role::User,
        password_hash: "h",
        two_factor: None,
    };
    let admit = |f: &Admission| Ok(if f.first { Role::Admin } else { Role::User });
    store.insert_account(&account, None, &admit, e).map(drop)
}

fn load_settings(store: &SqliteStore) -> Result<Settings> {
    Settings::DEFAULT.with_stored(crate::store::SettingRows::stored_settings(store)?)
}

#[test]
fn foreign_and_newer_databases_are_refused_untouched() -> Result<()> {
    let dir = tempfile::tempdir().map_err(|e| Error::io("tempdir", e))?;
    let foreign = dir.path().join("foreign.db");
    {
        let conn = Connection::open(&foreign).or_fail()?;
        conn.execute_batch("CREATE TABLE t (x); PRAGMA user_version = 0;")
            .or_fail()?;
    }
    let before = std::fs::read(&foreign).map_err(|e| Error::io("read", e))?;
    assert!(matches!(
        SqliteStore::open(&foreign, OpenMode::Existing),
        Err(Error::DatabaseUnusable(_))
    ));
    assert_eq!(std::fs::read(&foreign).ok(), Some(before));

    let newer = dir.path().join("newer.db");
    {
        let conn = Connection::open(&newer).or_fail()?;
        conn.execute_batch(&format!("PRAGMA user_version = {};", LATEST_VERSION + 1))
            .or_fail()?;
    }
    match SqliteStore::open(&newer, OpenMode::Existing) {
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
    let e = event(EventKind::Register, 1, "alice");
    insert(
        &mut SqliteStore::open(&path, OpenMode::CreateIfMissing)?,
        &name("alice"),
        &e,
    )?;
    let store = SqliteStore::open(&path, OpenMode::CreateIfMissing)?;
    assert!(store.find_account(&name("alice"))?.is_some());
    let version = schema_version(&store.conn)?;
    assert_eq!(version, LATEST_VERSION);
    Ok(())
}

#[test]
fn a_version_2_database_is_upgraded_in_place_keeping_its_accounts() -> Result<()> {
    let dir = tempfile::tempdir().map_err(|e| Error::io("tempdir", e))?;
    let path = dir.path().join("users.db");
    {
        let mut conn = rusqlite::Connection::open(&path).or_fail()?;
        rusqlite_migration::Migrations::from_slice(&schema::MIGRATIONS[..2])
            .to_latest(&mut conn)
            .map_err(|e| Error::Internal(e.to_string()))?;
        conn.execute(
            "INSERT INTO users (username, role, password_hash, created_at, password_changed_at, failed_logins)
             VALUES ('old', 'admin', 'h', 1, 1, 2)",
            [],
        )
        .or_fail()?;
    }
    let store = SqliteStore::open(&path, OpenMode::CreateIfMissing)?;
    let old = store.find_account(&name("old"))?;
    assert_eq!(
        old.as_ref()
            .map(|a| (a.failed_logins, a.admin_lock.is_none())),
        Some((2, true))
    );
    assert_eq!(load_settings(&store)?, Settings::DEFAULT);
    let version = schema_version(&store.conn)?;
    assert_eq!(version, LATEST_VERSION);
    Ok(())
}
