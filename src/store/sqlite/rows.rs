//! Rows to values and back, by column name: an [`Account`] from any query
//! that selects [`ACCOUNT_COLUMNS`], a [`SessionInfo`] from one that selects
//! [`SESSION_COLUMNS`], and the ids and roles as SQLite stores them.

use crate::model::{Account, AccountId, AdminLock, Role, SessionId, SessionInfo, Username};
use crate::store::NewSessionRow;
use crate::time::Timestamp;
use rusqlite::types::{FromSql, FromSqlResult, ToSql, ToSqlOutput, Type, ValueRef};
use rusqlite::{Connection, Row, params};

/// The columns [`account`] reads, each under its own name.
pub(super) const ACCOUNT_COLUMNS: &str = "users.id AS user_id, users.username, users.name,
     users.email, users.role, users.created_at AS user_created_at, users.last_login_at,
     users.password_changed_at, users.failed_logins, users.locked_until,
     users.admin_locked_at, users.lock_reason, users.totp_secret IS NOT NULL AS two_factor";

/// The columns [`session`] reads, each under its own name.
pub(super) const SESSION_COLUMNS: &str = "sessions.id AS session_id,
     sessions.created_at AS session_created_at, sessions.expires_at, sessions.last_used_at";

/// The SQL condition for a live session of `sessions`, with `:now` the
/// current time and `:idle` the idle limit in seconds.
pub(super) const LIVE_SESSION: &str =
    "sessions.expires_at > :now AND sessions.last_used_at + :idle > :now";

/// The account in a row that selected [`ACCOUNT_COLUMNS`].
pub(super) fn account(row: &Row<'_>) -> rusqlite::Result<Account> {
    let admin_locked_at: Option<Timestamp> = row.get("admin_locked_at")?;
    Ok(Account {
        id: row.get("user_id")?,
        username: Username::from_stored(row.get("username")?),
        name: row.get("name")?,
        email: row.get("email")?,
        role: role(row)?,
        created_at: row.get("user_created_at")?,
        last_login_at: row.get("last_login_at")?,
        password_changed_at: row.get("password_changed_at")?,
        failed_logins: row.get("failed_logins")?,
        locked_until: row.get("locked_until")?,
        admin_lock: match admin_locked_at {
            Some(at) => Some(AdminLock {
                at,
                reason: row.get("lock_reason")?,
            }),
            None => None,
        },
        two_factor: row.get("two_factor")?,
    })
}

/// The session in a row that selected [`SESSION_COLUMNS`].
pub(super) fn session(row: &Row<'_>) -> rusqlite::Result<SessionInfo> {
    Ok(SessionInfo {
        id: SessionId(row.get("session_id")?),
        created_at: row.get("session_created_at")?,
        expires_at: row.get("expires_at")?,
        last_used_at: row.get("last_used_at")?,
    })
}

/// Inserts a session row for `account` at `now` in `conn` (an open
/// transaction); returns its id.
pub(super) fn insert_session(
    conn: &Connection,
    account: AccountId,
    row: NewSessionRow<'_>,
    now: Timestamp,
) -> rusqlite::Result<SessionId> {
    conn.execute(
        "INSERT INTO sessions (user_id, token_sha256, created_at, expires_at, last_used_at)
         VALUES (?1, ?2, ?3, ?4, ?3)",
        params![account, row.token_digest, now, row.expires_at],
    )?;
    Ok(SessionId(conn.last_insert_rowid()))
}

impl ToSql for AccountId {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(self.0))
    }
}

impl FromSql for AccountId {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        i64::column_result(value).map(AccountId)
    }
}

/// The role in a row's `role` column, stored as its name ([`Role::as_str`]).
fn role(row: &Row<'_>) -> rusqlite::Result<Role> {
    let name: String = row.get("role")?;
    Role::parse(&name).map_err(|e| {
        let column = row.as_ref().column_index("role").unwrap_or_default();
        rusqlite::Error::FromSqlConversionFailure(column, Type::Text, Box::new(e))
    })
}
