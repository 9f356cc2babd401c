//! Rows to values and back, by column name: an [`Account`] from any query
//! that selects [`ACCOUNT_COLUMNS`] first, a [`SessionInfo`] from one that
//! selects [`SESSION_COLUMNS`], and the ids and roles as SQLite stores them.

use crate::model::{Account, AccountId, AdminLock, Role, SessionId, SessionInfo, Username};
use crate::store::NewSessionRow;
use crate::time::Timestamp;
use rusqlite::types::{FromSql, FromSqlResult, ToSql, ToSqlOutput, Type, ValueRef};
use rusqlite::{Connection, Row, params};

/// Declares a select list once: `$list::SQL` is its SQL, `$list::COUNT`
/// how many columns it has, and
/// `$list::$name` each column's index in it. Rows are then read by those
/// names at the cost of an index (no name is looked up at run time), and
/// adding a column is one line here.
macro_rules! select_list {
    ($(#[$doc:meta])* $list:ident { $first:ident = $first_sql:literal $(, $name:ident = $sql:literal)* $(,)? }) => {
        $(#[$doc])*
        #[allow(non_upper_case_globals)]
        pub(super) mod $list {
            /// The select list.
            pub(in crate::store::sqlite) const SQL: &str = concat!($first_sql $(, ", ", $sql)*);
            #[allow(non_camel_case_types, dead_code)]
            enum Index { $first $(, $name)* }
            pub(in crate::store::sqlite) const $first: usize = Index::$first as usize;
            $(pub(in crate::store::sqlite) const $name: usize = Index::$name as usize;)*
            /// How many columns the list selects.
            #[allow(dead_code)]
            pub(in crate::store::sqlite) const COUNT: usize = [$first $(, $name)*].len();
        }
    };
}

select_list! {
    /// The columns [`account`] reads, from `users`.
    account_columns {
        user_id = "users.id",
        username = "users.username",
        name = "users.name",
        email = "users.email",
        role = "users.role",
        created_at = "users.created_at",
        last_login_at = "users.last_login_at",
        password_changed_at = "users.password_changed_at",
        failed_logins = "users.failed_logins",
        locked_until = "users.locked_until",
        admin_locked_at = "users.admin_locked_at",
        lock_reason = "users.lock_reason",
        two_factor = "users.totp_secret IS NOT NULL",
    }
}

select_list! {
    /// The columns [`session`] reads, from `sessions`.
    session_columns {
        session_id = "sessions.id",
        created_at = "sessions.created_at",
        expires_at = "sessions.expires_at",
        last_used_at = "sessions.last_used_at",
    }
}

/// The select list of an account ([`account`] at 0).
pub(super) const ACCOUNT_COLUMNS: &str = account_columns::SQL;

/// The select list of a session ([`session`] at 0).
pub(super) const SESSION_COLUMNS: &str = session_columns::SQL;

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

/// The column after an account's: where a query's own columns start.
pub(super) const AFTER_ACCOUNT: usize = account_columns::COUNT;

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
