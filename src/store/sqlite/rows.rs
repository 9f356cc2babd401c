//! Rows to values and back, by column name: an [`Account`] from any query
//! that selects [`ACCOUNT_COLUMNS`] first, a [`SessionInfo`] from one that
//! selects [`SESSION_COLUMNS`], and the ids and roles as SQLite stores them.

use crate::model::{Account, AccountId, AdminLock, Role, SessionId, SessionInfo, Username};
use crate::store::NewSessionRow;
use crate::time::Timestamp;
use rusqlite::types::{FromSql, FromSqlResult, ToSql, ToSqlOutput, Type, ValueRef};
use rusqlite::{Connection, Row, params};

pub(super) use crate::store::columns::{
    ACCOUNT_COLUMNS, AFTER_ACCOUNT, SESSION_COLUMNS, account_columns, session_columns,
};

/// The SQL condition for a live session of `sessions`, with `:now` the
/// current time and `:idle` the idle limit in seconds.
pub(super) const LIVE_SESSION: &str =
    "sessions.expires_at > :now AND sessions.last_used_at + :idle > :now";

/// The account in a row that selected [`ACCOUNT_COLUMNS`] first.
pub(super) fn account(row: &Row<'_>) -> rusqlite::Result<Account> {
    use account_columns as c;
    let admin_locked_at: Option<Timestamp> = row.get(c::admin_locked_at)?;
    Ok(Account {
        id: row.get(c::user_id)?,
        username: Username::from_stored(row.get(c::username)?),
        name: row.get(c::name)?,
        email: row.get(c::email)?,
        role: role(row, c::role)?,
        created_at: row.get(c::created_at)?,
        last_login_at: row.get(c::last_login_at)?,
        password_changed_at: row.get(c::password_changed_at)?,
        failed_logins: row.get(c::failed_logins)?,
        locked_until: row.get(c::locked_until)?,
        admin_lock: match admin_locked_at {
            Some(at) => Some(AdminLock {
                at,
                reason: row.get(c::lock_reason)?,
            }),
            None => None,
        },
        two_factor: row.get(c::two_factor)?,
    })
}

/// The session in a row that selected [`SESSION_COLUMNS`] from column
/// `at` on (0, or after an account's columns).
pub(super) fn session(row: &Row<'_>, at: usize) -> rusqlite::Result<SessionInfo> {
    use session_columns as c;
    Ok(SessionInfo {
        id: SessionId(row.get(at + c::session_id)?),
        created_at: row.get(at + c::created_at)?,
        expires_at: row.get(at + c::expires_at)?,
        last_used_at: row.get(at + c::last_used_at)?,
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

/// The role in column `at`, stored as its name ([`Role::as_str`]).
fn role(row: &Row<'_>, at: usize) -> rusqlite::Result<Role> {
    let name: String = row.get(at)?;
    Role::parse(&name)
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(at, Type::Text, Box::new(e)))
}
