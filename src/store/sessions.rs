//! Session rows. A row holds the SHA-256 of a token, never the token.

use super::Store;
use super::events::insert_event;
use super::users::{
    ACCOUNT_COLUMN_COUNT, ACCOUNT_COLUMNS, PasswordProof, account_from_row, apply_success,
};
use crate::account::Account;
use crate::audit::Event;
use crate::error::{Error, Result};
use crate::time::Timestamp;
use rusqlite::{Connection, OptionalExtension, named_params, params};

/// A session to create: the digest of its token and its expiry.
#[derive(Debug, Clone, Copy)]
pub struct NewSessionRow<'a> {
    /// SHA-256 of the token.
    pub token_digest: &'a [u8],
    /// When it expires.
    pub expires_at: Timestamp,
}

/// Inserts a session row using `conn` (an open transaction); returns its id.
pub(super) fn insert_session_row(
    conn: &Connection,
    user_id: i64,
    row: NewSessionRow<'_>,
    now: Timestamp,
) -> rusqlite::Result<i64> {
    conn.execute(
        "INSERT INTO sessions (user_id, token_sha256, created_at, expires_at, last_used_at)
         VALUES (?1, ?2, ?3, ?4, ?3)",
        params![user_id, row.token_digest, now, row.expires_at],
    )?;
    Ok(conn.last_insert_rowid())
}

/// A stored session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRow {
    /// Database id: not a secret.
    pub id: i64,
    /// When the session was created.
    pub created_at: Timestamp,
    /// When it stops being valid.
    pub expires_at: Timestamp,
    /// When it was last used.
    pub last_used_at: Timestamp,
}

/// The SQL condition for a live session of `sessions`, with `:now` the
/// current time and `:idle` the idle limit in seconds.
pub(super) const ACTIVE_SESSION: &str =
    "sessions.expires_at > :now AND sessions.last_used_at + :idle > :now";

impl Store {
    /// Creates a session for an account and records the login, in the same
    /// transaction as the password check's success (`proof`, see
    /// [`apply_success`]). `replacing` (the digest of the caller's previous
    /// token) is revoked too; so are the account's expired sessions.
    pub fn insert_session(
        &mut self,
        proof: &PasswordProof<'_>,
        row: NewSessionRow<'_>,
        replacing: Option<&[u8]>,
        event: &Event,
    ) -> Result<i64> {
        let now = event.at;
        let user_id = proof.user_id;
        let tx = self.write()?;
        apply_success(&tx, proof)?;
        if let Some(old) = replacing {
            tx.execute("DELETE FROM sessions WHERE token_sha256 = ?1", [old])?;
        }
        tx.execute(
            "DELETE FROM sessions WHERE user_id = ?1 AND expires_at <= ?2",
            params![user_id, now],
        )?;
        let id = insert_session_row(&tx, user_id, row, now)?;
        tx.execute(
            "UPDATE users SET last_login_at = ?1 WHERE id = ?2",
            params![now, user_id],
        )?;
        insert_event(&tx, event)?;
        tx.commit()?;
        Ok(id)
    }

    /// Finds a session, and its account, by token digest (expired or not).
    pub fn find_session(&self, token_digest: &[u8]) -> Result<Option<(SessionRow, Account)>> {
        Ok(self
            .conn
            .query_row(
                &format!(
                    "SELECT {ACCOUNT_COLUMNS}, sessions.id, sessions.created_at, expires_at, last_used_at
                     FROM sessions JOIN users ON users.id = sessions.user_id
                     WHERE token_sha256 = ?1"
                ),
                [token_digest],
                |row| {
                    let n = ACCOUNT_COLUMN_COUNT;
                    let session = SessionRow {
                        id: row.get(n)?,
                        created_at: row.get(n + 1)?,
                        expires_at: row.get(n + 2)?,
                        last_used_at: row.get(n + 3)?,
                    };
                    Ok((session, account_from_row(row)?))
                },
            )
            .optional()?)
    }

    /// Records that a session was used.
    pub fn touch_session(&mut self, id: i64, now: Timestamp) -> Result<()> {
        self.conn.execute(
            "UPDATE sessions SET last_used_at = ?1 WHERE id = ?2",
            params![now, id],
        )?;
        Ok(())
    }

    /// Revokes one session; a session already gone is not an error.
    pub fn delete_session(&mut self, id: i64, event: &Event) -> Result<()> {
        let tx = self.write()?;
        tx.execute("DELETE FROM sessions WHERE id = ?1", [id])?;
        insert_event(&tx, event)?;
        tx.commit()?;
        Ok(())
    }

    /// Revokes every session of an account; returns how many there were.
    pub fn delete_sessions_of(&mut self, user_id: i64, event: &Event) -> Result<usize> {
        let tx = self.write()?;
        let n = tx.execute("DELETE FROM sessions WHERE user_id = ?1", [user_id])?;
        insert_event(&tx, event)?;
        tx.commit()?;
        Ok(n)
    }

    /// An account's live sessions (see [`Store::count_active_sessions`]),
    /// oldest first.
    pub fn active_sessions_of(
        &self,
        user_id: i64,
        now: Timestamp,
        idle_secs: i64,
    ) -> Result<Vec<SessionRow>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT id, created_at, expires_at, last_used_at FROM sessions
             WHERE user_id = :user AND {ACTIVE_SESSION} ORDER BY id"
        ))?;
        let rows = stmt.query_map(
            named_params! {":user": user_id, ":now": now, ":idle": idle_secs},
            |r| {
                Ok(SessionRow {
                    id: r.get(0)?,
                    created_at: r.get(1)?,
                    expires_at: r.get(2)?,
                    last_used_at: r.get(3)?,
                })
            },
        )?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Revokes the sessions `ids`, all or none: each must exist and, when
    /// `owner` is given, belong to that account. `event_for(id, username)`
    /// makes the audit event of each. Returns each id's account.
    pub fn delete_sessions(
        &mut self,
        ids: &[i64],
        owner: Option<i64>,
        event_for: impl Fn(i64, &str) -> Event,
    ) -> Result<Vec<(i64, String)>> {
        let tx = self.write()?;
        let mut revoked = Vec::with_capacity(ids.len());
        for &id in ids {
            let found: Option<(i64, String)> = tx
                .query_row(
                    "SELECT users.id, username FROM sessions JOIN users ON users.id = user_id
                     WHERE sessions.id = ?1",
                    [id],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            // Someone else's session is reported exactly like a missing one.
            let username = match found {
                Some((user, name)) if owner.is_none_or(|o| o == user) => name,
                _ => return Err(Error::NoSuchSession(id.to_string())),
            };
            tx.execute("DELETE FROM sessions WHERE id = ?1", [id])?;
            insert_event(&tx, &event_for(id, &username))?;
            revoked.push((id, username));
        }
        tx.commit()?;
        Ok(revoked)
    }

    /// Counts an account's sessions that have neither expired nor been
    /// idle for `idle_secs` or more.
    pub fn count_active_sessions(
        &self,
        user_id: i64,
        now: Timestamp,
        idle_secs: i64,
    ) -> Result<i64> {
        Ok(self.conn.query_row(
            &format!("SELECT count(*) FROM sessions WHERE user_id = :user AND {ACTIVE_SESSION}"),
            named_params! {":user": user_id, ":now": now, ":idle": idle_secs},
            |r| r.get(0),
        )?)
    }
}
