//! What a SQLite database is and holds ([`Describe`]): its status, and a
//! whole copy out of it or into it.

use super::SqliteStore;
use super::events::insert_event;
use super::rows::{self, ACCOUNT_COLUMNS, AFTER_ACCOUNT};
use super::schema_version;
use super::settings::stored_pairs;
use crate::audit::{Event, EventRecord};
use crate::model::DatabaseStatus;
use crate::store::{Describe, Dump, DumpedAccount, StoreError, StoreResult};
use rusqlite::params;
use zeroize::Zeroizing;

impl Describe for SqliteStore {
    fn file(&self) -> Option<std::path::PathBuf> {
        self.conn
            .path()
            .filter(|p| !p.is_empty())
            .map(std::path::PathBuf::from)
    }

    fn describe(&self) -> StoreResult<DatabaseStatus> {
        let (accounts, sessions, events) = self.conn.query_row(
            "SELECT (SELECT count(*) FROM users), (SELECT count(*) FROM sessions),
                 (SELECT count(*) FROM events)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?;
        Ok(DatabaseStatus {
            backend: "sqlite",
            location: self.location.clone(),
            schema_version: schema_version(&self.conn)?,
            accounts,
            sessions,
            events,
        })
    }

    fn dump(&self) -> StoreResult<Dump> {
        // One read transaction: one moment's state.
        let tx = self.conn.unchecked_transaction()?;
        let mut stmt = tx.prepare(&format!(
            "SELECT {ACCOUNT_COLUMNS}, password_hash, lockouts, totp_secret, totp_last_step
             FROM users ORDER BY id"
        ))?;
        let accounts = stmt
            .query_map([], |r| {
                Ok(DumpedAccount {
                    account: rows::account(r)?,
                    password_hash: r.get(AFTER_ACCOUNT)?,
                    lockouts: r.get(AFTER_ACCOUNT + 1)?,
                    totp_secret: r
                        .get::<_, Option<String>>(AFTER_ACCOUNT + 2)?
                        .map(Zeroizing::new),
                    totp_last_step: r.get(AFTER_ACCOUNT + 3)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut stmt = tx.prepare(
            "SELECT username, code_sha256 FROM recovery_codes
             JOIN users ON users.id = recovery_codes.user_id ORDER BY recovery_codes.id",
        )?;
        let recovery_codes = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let mut stmt = tx.prepare(
            "SELECT at, event, outcome, actor, target, os_user, detail, host
             FROM events ORDER BY id",
        )?;
        let events = stmt
            .query_map([], |r| {
                Ok(EventRecord {
                    at: r.get(0)?,
                    event: r.get(1)?,
                    outcome: r.get(2)?,
                    actor: r.get(3)?,
                    target: r.get(4)?,
                    os_user: r.get(5)?,
                    detail: r.get(6)?,
                    host: r.get(7)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        let settings = stored_pairs(&tx)?;
        Ok(Dump {
            accounts,
            recovery_codes,
            settings,
            events,
        })
    }

    fn load(&mut self, dump: &Dump, event: &Event) -> StoreResult<()> {
        let tx = self.write()?;
        let any: bool = tx.query_row("SELECT EXISTS (SELECT 1 FROM users)", [], |r| r.get(0))?;
        if any {
            return Err(StoreError::NotEmpty);
        }
        for d in &dump.accounts {
            let a = &d.account;
            tx.execute(
                "INSERT INTO users (username, name, email, role, password_hash, created_at,
                     last_login_at, password_changed_at, failed_logins, lockouts, locked_until,
                     admin_locked_at, lock_reason, totp_secret, totp_last_step)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
                params![
                    a.username.as_str(),
                    a.name,
                    a.email,
                    a.role.as_str(),
                    d.password_hash,
                    a.created_at,
                    a.last_login_at,
                    a.password_changed_at,
                    a.failed_logins,
                    d.lockouts,
                    a.locked_until,
                    a.admin_lock.as_ref().map(|l| l.at),
                    a.admin_lock.as_ref().and_then(|l| l.reason.as_deref()),
                    d.totp_secret.as_deref().map(String::as_str),
                    d.totp_last_step,
                ],
            )?;
        }
        for (username, digest) in &dump.recovery_codes {
            tx.execute(
                "INSERT INTO recovery_codes (user_id, code_sha256)
                 SELECT id, ?2 FROM users WHERE username = ?1",
                params![username, digest],
            )?;
        }
        for (key, value) in &dump.settings {
            tx.execute(
                "INSERT INTO settings (key, value) VALUES (?1, ?2)",
                params![key, value],
            )?;
        }
        for e in &dump.events {
            tx.execute(
                "INSERT INTO events (at, event, outcome, actor, target, os_user, detail, host)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![
                    e.at, e.event, e.outcome, e.actor, e.target, e.os_user, e.detail, e.host
                ],
            )?;
        }
        insert_event(&tx, event)?;
        tx.commit()?;
        Ok(())
    }
}
