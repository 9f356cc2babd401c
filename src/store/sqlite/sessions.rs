//! Session rows ([`SessionRows`]). A row holds the SHA-256 of a token,
//! never the token.

use super::SqliteStore;
use super::checks::apply_success;
use super::events::insert_event;
use super::rows::{self, ACCOUNT_COLUMNS, AFTER_ACCOUNT, LIVE_SESSION, SESSION_COLUMNS};
use crate::audit::Event;
use crate::model::{Account, AccountId, SessionId, SessionInfo};
use crate::store::{NewSessionRow, PasswordProof, SessionRows, StoreError, StoreResult};
use crate::time::Timestamp;
use rusqlite::{OptionalExtension, named_params, params};

impl SessionRows for SqliteStore {
    fn open_session(
        &mut self,
        proof: &PasswordProof<'_>,
        row: NewSessionRow<'_>,
        replacing: Option<&[u8]>,
        event: &Event,
    ) -> StoreResult<SessionId> {
        let now = event.at;
        let account = proof.account;
        let tx = self.write()?;
        apply_success(&tx, proof)?;
        if let Some(old) = replacing {
            tx.execute("DELETE FROM sessions WHERE token_sha256 = ?1", [old])?;
        }
        tx.execute(
            "DELETE FROM sessions WHERE user_id = ?1 AND expires_at <= ?2",
            params![account, now],
        )?;
        let id = rows::insert_session(&tx, account, row, now)?;
        tx.execute(
            "UPDATE users SET last_login_at = ?1 WHERE id = ?2",
            params![now, account],
        )?;
        insert_event(&tx, event)?;
        tx.commit()?;
        Ok(id)
    }

    fn find_session(&self, token_digest: &[u8]) -> StoreResult<Option<(SessionInfo, Account)>> {
        Ok(self
            .conn
            .query_row(
                &format!(
                    "SELECT {ACCOUNT_COLUMNS}, {SESSION_COLUMNS}
                     FROM sessions JOIN users ON users.id = sessions.user_id
                     WHERE token_sha256 = ?1"
                ),
                [token_digest],
                |row| Ok((rows::session(row, AFTER_ACCOUNT)?, rows::account(row)?)),
            )
            .optional()?)
    }

    fn touch_session(&mut self, id: SessionId, now: Timestamp) -> StoreResult<()> {
        self.conn.execute(
            "UPDATE sessions SET last_used_at = ?1 WHERE id = ?2",
            params![now, id.0],
        )?;
        Ok(())
    }

    fn delete_session(&mut self, id: SessionId, event: &Event) -> StoreResult<()> {
        let tx = self.write()?;
        tx.execute("DELETE FROM sessions WHERE id = ?1", [id.0])?;
        insert_event(&tx, event)?;
        tx.commit()?;
        Ok(())
    }

    fn delete_sessions_of(&mut self, id: AccountId, event: &Event) -> StoreResult<usize> {
        let tx = self.write()?;
        let n = tx.execute("DELETE FROM sessions WHERE user_id = ?1", [id])?;
        insert_event(&tx, event)?;
        tx.commit()?;
        Ok(n)
    }

    fn delete_sessions(
        &mut self,
        ids: &[SessionId],
        owner: Option<AccountId>,
        event_for: &dyn Fn(SessionId, &str) -> Event,
    ) -> StoreResult<Vec<(SessionId, String)>> {
        let tx = self.write()?;
        let mut revoked = Vec::with_capacity(ids.len());
        for &id in ids {
            let found: Option<(AccountId, String)> = tx
                .query_row(
                    "SELECT users.id AS user_id, username
                     FROM sessions JOIN users ON users.id = user_id WHERE sessions.id = ?1",
                    [id.0],
                    |r| Ok((r.get("user_id")?, r.get("username")?)),
                )
                .optional()?;
            // Someone else's session is reported exactly like a missing one.
            let username = match found {
                Some((account, name)) if owner.is_none_or(|o| o == account) => name,
                _ => return Err(StoreError::NoSuchSession(id)),
            };
            tx.execute("DELETE FROM sessions WHERE id = ?1", [id.0])?;
            insert_event(&tx, &event_for(id, &username))?;
            revoked.push((id, username));
        }
        tx.commit()?;
        Ok(revoked)
    }

    fn live_sessions_of(
        &self,
        id: AccountId,
        now: Timestamp,
        idle_secs: i64,
    ) -> StoreResult<Vec<SessionInfo>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {SESSION_COLUMNS} FROM sessions
             WHERE user_id = :user AND {LIVE_SESSION} ORDER BY id"
        ))?;
        let found = stmt.query_map(
            named_params! {":user": id, ":now": now, ":idle": idle_secs},
            |row| rows::session(row, 0),
        )?;
        Ok(found.collect::<rusqlite::Result<_>>()?)
    }

    fn count_live_sessions(
        &self,
        id: AccountId,
        now: Timestamp,
        idle_secs: i64,
    ) -> StoreResult<i64> {
        Ok(self.conn.query_row(
            &format!("SELECT count(*) FROM sessions WHERE user_id = :user AND {LIVE_SESSION}"),
            named_params! {":user": id, ":now": now, ":idle": idle_secs},
            |r| r.get(0),
        )?)
    }
}
