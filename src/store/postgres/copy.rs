//! What a PostgreSQL database is and holds ([`Describe`]): its status, and
//! a whole copy out of it or into it.

use super::rows::{self, ACCOUNT_COLUMNS, AFTER_ACCOUNT, insert_event};
use super::settings::stored_pairs;
use super::{PgStore, begin_write};
use crate::audit::{Event, EventRecord};
use crate::model::DatabaseStatus;
use crate::store::{Describe, Dump, DumpedAccount, StoreError, StoreResult};
use zeroize::Zeroizing;

impl Describe for PgStore {
    fn file(&self) -> Option<std::path::PathBuf> {
        None
    }

    fn describe(&self) -> StoreResult<DatabaseStatus> {
        let row = self.client.borrow_mut().query_one(
            "SELECT (SELECT version FROM authctl_schema), (SELECT count(*) FROM users),
                 (SELECT count(*) FROM sessions), (SELECT count(*) FROM events)",
            &[],
        )?;
        Ok(DatabaseStatus {
            backend: "postgresql",
            location: self.place.clone(),
            schema_version: row.try_get(0)?,
            accounts: row.try_get(1)?,
            sessions: row.try_get(2)?,
            events: row.try_get(3)?,
        })
    }

    fn dump(&self) -> StoreResult<Dump> {
        let mut client = self.client.borrow_mut();
        // One snapshot for every read: one moment's state.
        let mut tx = client
            .build_transaction()
            .isolation_level(postgres::IsolationLevel::RepeatableRead)
            .read_only(true)
            .start()?;
        let sql = format!(
            "SELECT {ACCOUNT_COLUMNS}, password_hash, lockouts, totp_secret, totp_last_step
             FROM users ORDER BY id"
        );
        let accounts = tx
            .query(&sql, &[])?
            .iter()
            .map(|r| {
                let lockouts: i32 = r.try_get(AFTER_ACCOUNT + 1)?;
                Ok(DumpedAccount {
                    account: rows::account(r)?,
                    password_hash: r.try_get(AFTER_ACCOUNT)?,
                    lockouts: i64::from(lockouts),
                    totp_secret: r
                        .try_get::<_, Option<String>>(AFTER_ACCOUNT + 2)?
                        .map(Zeroizing::new),
                    totp_last_step: r.try_get(AFTER_ACCOUNT + 3)?,
                })
            })
            .collect::<StoreResult<_>>()?;
        let recovery_codes = tx
            .query(
                "SELECT username, code_sha256 FROM recovery_codes
                 JOIN users ON users.id = recovery_codes.user_id ORDER BY recovery_codes.id",
                &[],
            )?
            .iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
            .collect::<StoreResult<_>>()?;
        let events = tx
            .query(
                "SELECT at, event, outcome, actor, target, os_user, detail, host
                 FROM events ORDER BY id",
                &[],
            )?
            .iter()
            .map(|r| {
                Ok(EventRecord {
                    at: r.try_get(0)?,
                    event: r.try_get(1)?,
                    outcome: r.try_get(2)?,
                    actor: r.try_get(3)?,
                    target: r.try_get(4)?,
                    os_user: r.try_get(5)?,
                    detail: r.try_get(6)?,
                    host: r.try_get(7)?,
                })
            })
            .collect::<StoreResult<_>>()?;
        let settings = stored_pairs(&mut tx)?;
        tx.commit()?;
        Ok(Dump {
            accounts,
            recovery_codes,
            settings,
            events,
        })
    }

    fn load(&mut self, dump: &Dump, event: &Event) -> StoreResult<()> {
        let mut client = self.client.borrow_mut();
        let mut tx = begin_write(&mut client)?;
        let any: bool = tx
            .query_one("SELECT EXISTS (SELECT 1 FROM users)", &[])?
            .try_get(0)?;
        if any {
            return Err(StoreError::NotEmpty);
        }
        let insert_user = tx.prepare(
            "INSERT INTO users (username, name, email, role, password_hash, created_at,
                 last_login_at, password_changed_at, failed_logins, lockouts, locked_until,
                 admin_locked_at, lock_reason, totp_secret, totp_last_step)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
        )?;
        for d in &dump.accounts {
            let a = &d.account;
            let failed = i32::try_from(a.failed_logins).unwrap_or(i32::MAX);
            let lockouts = i32::try_from(d.lockouts).unwrap_or(i32::MAX);
            tx.execute(
                &insert_user,
                &[
                    &a.username.as_str(),
                    &a.name,
                    &a.email,
                    &a.role.as_str(),
                    &d.password_hash,
                    &a.created_at,
                    &a.last_login_at,
                    &a.password_changed_at,
                    &failed,
                    &lockouts,
                    &a.locked_until,
                    &a.admin_lock.as_ref().map(|l| l.at),
                    &a.admin_lock.as_ref().and_then(|l| l.reason.as_deref()),
                    &d.totp_secret.as_deref().map(String::as_str),
                    &d.totp_last_step,
                ],
            )?;
        }
        for (username, digest) in &dump.recovery_codes {
            tx.execute(
                "INSERT INTO recovery_codes (user_id, code_sha256)
                 SELECT id, $2 FROM users WHERE username = $1",
                &[username, digest],
            )?;
        }
        for (key, value) in &dump.settings {
            tx.execute(
                "INSERT INTO settings (key, value) VALUES ($1, $2)",
                &[key, value],
            )?;
        }
        let insert_event_row = tx.prepare(
            "INSERT INTO events (at, event, outcome, actor, target, os_user, detail, host)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )?;
        for e in &dump.events {
            tx.execute(
                &insert_event_row,
                &[
                    &e.at, &e.event, &e.outcome, &e.actor, &e.target, &e.os_user, &e.detail,
                    &e.host,
                ],
            )?;
        }
        insert_event(&mut tx, event)?;
        tx.commit()?;
        Ok(())
    }
}
