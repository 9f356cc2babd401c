//! Rows to values, by the shared column names of `store::columns`.

use crate::error::Error;
use crate::model::{Account, AccountId, AdminLock, Role, SessionId, SessionInfo, Username};
use crate::store::NewSessionRow;
use crate::store::StoreResult;
use crate::time::Timestamp;
use postgres::{GenericClient, Row};

pub(super) use crate::store::columns::{
    ACCOUNT_COLUMNS, AFTER_ACCOUNT, SESSION_COLUMNS, account_columns, session_columns,
};

/// The SQL condition for a live session of `sessions`, with `$now` the
/// current time and `$idle` the idle limit in seconds (numbered as the
/// query has them).
pub(super) fn live_session(now: usize, idle: usize) -> String {
    format!("sessions.expires_at > ${now} AND sessions.last_used_at + ${idle} > ${now}")
}

/// A count stored as `INTEGER`; never negative.
fn count(row: &Row, at: usize) -> StoreResult<u32> {
    let n: i32 = row.try_get(at)?;
    Ok(u32::try_from(n).unwrap_or(0))
}

/// The account in a row that selected [`ACCOUNT_COLUMNS`] first.
pub(super) fn account(row: &Row) -> StoreResult<Account> {
    use account_columns as c;
    let admin_locked_at: Option<Timestamp> = row.try_get(c::admin_locked_at)?;
    let role: String = row.try_get(c::role)?;
    Ok(Account {
        id: AccountId(row.try_get(c::user_id)?),
        username: Username::from_stored(row.try_get(c::username)?),
        name: row.try_get(c::name)?,
        email: row.try_get(c::email)?,
        role: Role::parse(&role).map_err(|e| Error::DatabaseUnusable(e.to_string()))?,
        created_at: row.try_get(c::created_at)?,
        last_login_at: row.try_get(c::last_login_at)?,
        password_changed_at: row.try_get(c::password_changed_at)?,
        failed_logins: count(row, c::failed_logins)?,
        locked_until: row.try_get(c::locked_until)?,
        admin_lock: match admin_locked_at {
            Some(at) => Some(AdminLock {
                at,
                reason: row.try_get(c::lock_reason)?,
            }),
            None => None,
        },
        two_factor: row.try_get(c::two_factor)?,
    })
}

/// The session in a row that selected [`SESSION_COLUMNS`] from column `at`.
pub(super) fn session(row: &Row, at: usize) -> StoreResult<SessionInfo> {
    use session_columns as c;
    Ok(SessionInfo {
        id: SessionId(row.try_get(at + c::session_id)?),
        created_at: row.try_get(at + c::created_at)?,
        expires_at: row.try_get(at + c::expires_at)?,
        last_used_at: row.try_get(at + c::last_used_at)?,
    })
}

/// Inserts a session row for `account` at `now`; returns its id.
pub(super) fn insert_session(
    tx: &mut impl GenericClient,
    account: AccountId,
    row: NewSessionRow<'_>,
    now: Timestamp,
) -> StoreResult<SessionId> {
    let id = tx
        .query_one(
            "INSERT INTO sessions (user_id, token_sha256, created_at, expires_at, last_used_at)
             VALUES ($1, $2, $3, $4, $3) RETURNING id",
            &[&account.0, &row.token_digest, &now, &row.expires_at],
        )?
        .get(0);
    Ok(SessionId(id))
}

/// Appends an event inside the transaction of the change it describes.
pub(super) fn insert_event(
    tx: &mut impl GenericClient,
    e: &crate::audit::Event,
) -> StoreResult<()> {
    tx.execute(
        "INSERT INTO events (at, event, outcome, actor, target, os_user, detail, host)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        &[
            &e.at,
            &e.kind.as_str(),
            &e.outcome.as_str(),
            &e.actor,
            &e.target,
            &e.os_user,
            &e.detail,
            &e.host,
        ],
    )?;
    Ok(())
}
