//! Session rows ([`SessionRows`]) on PostgreSQL. A row holds the SHA-256 of
//! a token, never the token.

use super::checks::apply_success;
use super::rows::{self, ACCOUNT_COLUMNS, AFTER_ACCOUNT, SESSION_COLUMNS, insert_event};
use super::{PgStore, begin_write};
use crate::audit::Event;
use crate::model::{Account, AccountId, SessionId, SessionInfo};
use crate::store::{NewSessionRow, PasswordProof, SessionRows, StoreError, StoreResult};
use crate::time::Timestamp;

impl SessionRows for PgStore {
    fn open_session(
        &mut self,
        proof: &PasswordProof<'_>,
        row: NewSessionRow<'_>,
        replacing: Option<&[u8]>,
        event: &Event,
    ) -> StoreResult<SessionId> {
        let now = event.at;
        let account = proof.account;
        let mut client = self.client.borrow_mut();
        let mut tx = begin_write(&mut client)?;
        apply_success(&mut tx, proof)?;
        if let Some(old) = replacing {
            tx.execute("DELETE FROM sessions WHERE token_sha256 = $1", &[&old])?;
        }
        tx.execute(
            "DELETE FROM sessions WHERE user_id = $1 AND expires_at <= $2",
            &[&account.0, &now],
        )?;
        let id = rows::insert_session(&mut tx, account, row, now)?;
        tx.execute(
            "UPDATE users SET last_login_at = $1 WHERE id = $2",
            &[&now, &account.0],
        )?;
        insert_event(&mut tx, event)?;
        tx.commit()?;
        Ok(id)
    }

    fn find_session(&self, token_digest: &[u8]) -> StoreResult<Option<(SessionInfo, Account)>> {
        let sql = format!(
            "SELECT {ACCOUNT_COLUMNS}, {SESSION_COLUMNS}
             FROM sessions JOIN users ON users.id = sessions.user_id
             WHERE token_sha256 = $1"
        );
        let row = self.client.borrow_mut().query_opt(&sql, &[&token_digest])?;
        row.map(|r| Ok((rows::session(&r, AFTER_ACCOUNT)?, rows::account(&r)?)))
            .transpose()
    }

    fn touch_session(&mut self, id: SessionId, now: Timestamp) -> StoreResult<()> {
        self.client.borrow_mut().execute(
            "UPDATE sessions SET last_used_at = $1 WHERE id = $2",
            &[&now, &id.0],
        )?;
        Ok(())
    }

    fn delete_session(&mut self, id: SessionId, event: &Event) -> StoreResult<()> {
        let mut client = self.client.borrow_mut();
        let mut tx = begin_write(&mut client)?;
        tx.execute("DELETE FROM sessions WHERE id = $1", &[&id.0])?;
        insert_event(&mut tx, event)?;
        tx.commit()?;
        Ok(())
    }

    fn delete_sessions_of(&mut self, id: AccountId, event: &Event) -> StoreResult<usize> {
        let mut client = self.client.borrow_mut();
        let mut tx = begin_write(&mut client)?;
        let n = tx.execute("DELETE FROM sessions WHERE user_id = $1", &[&id.0])?;
        insert_event(&mut tx, event)?;
        tx.commit()?;
        Ok(usize::try_from(n).unwrap_or(usize::MAX))
    }

    fn delete_sessions(
        &mut self,
        ids: &[SessionId],
        owner: Option<AccountId>,
        event_for: &dyn Fn(SessionId, &str) -> Event,
    ) -> StoreResult<Vec<(SessionId, String)>> {
        let mut client = self.client.borrow_mut();
        let mut tx = begin_write(&mut client)?;
        let mut revoked = Vec::with_capacity(ids.len());
        for &id in ids {
            let found = tx.query_opt(
                "SELECT users.id, username
                 FROM sessions JOIN users ON users.id = user_id WHERE sessions.id = $1",
                &[&id.0],
            )?;
            // Someone else's session is reported exactly like a missing one.
            let username: String = match found {
                Some(r) if owner.is_none_or(|o| r.get::<_, i64>(0) == o.0) => r.try_get(1)?,
                _ => return Err(StoreError::NoSuchSession(id)),
            };
            tx.execute("DELETE FROM sessions WHERE id = $1", &[&id.0])?;
            insert_event(&mut tx, &event_for(id, &username))?;
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
        let live = rows::live_session(2, 3);
        let sql = format!(
            "SELECT {SESSION_COLUMNS} FROM sessions WHERE user_id = $1 AND {live} ORDER BY id"
        );
        let found = self
            .client
            .borrow_mut()
            .query(&sql, &[&id.0, &now, &idle_secs])?;
        found.iter().map(|r| rows::session(r, 0)).collect()
    }

    fn count_live_sessions(
        &self,
        id: AccountId,
        now: Timestamp,
        idle_secs: i64,
    ) -> StoreResult<i64> {
        let live = rows::live_session(2, 3);
        let sql = format!("SELECT count(*) FROM sessions WHERE user_id = $1 AND {live}");
        let row = self
            .client
            .borrow_mut()
            .query_one(&sql, &[&id.0, &now, &idle_secs])?;
        Ok(row.try_get(0)?)
    }
}
