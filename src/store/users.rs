//! Account rows.

use super::Store;
use super::events::insert_event;
use super::sessions::{ACTIVE_SESSION, NewSessionRow, insert_session_row};
use super::settings::stored_settings;
use crate::account::{
    Account, AccountFilter, AccountSort, AdminLock, DetailChange, DisplayName, Email, Role,
    Username,
};
use crate::audit::Event;
use crate::error::{Error, Result};
use crate::settings::{FailedLogins, Refusal, Settings};
use crate::time::Timestamp;
use rusqlite::{Connection, OptionalExtension, Row, named_params, params};

/// Columns read into an [`Account`], in `account_from_row`'s order.
pub(super) const ACCOUNT_COLUMNS: &str = "users.id, username, name, email, role, users.created_at,
     last_login_at, password_changed_at, failed_logins, locked_until, admin_locked_at, lock_reason,
     totp_secret IS NOT NULL";

/// How many columns [`ACCOUNT_COLUMNS`] selects: the index of the first
/// column after them.
pub(super) const ACCOUNT_COLUMN_COUNT: usize = 13;

pub(super) fn account_from_row(row: &Row<'_>) -> rusqlite::Result<Account> {
    let role: String = row.get(4)?;
    let admin_locked_at: Option<Timestamp> = row.get(10)?;
    Ok(Account {
        id: row.get(0)?,
        username: Username::from_stored(row.get(1)?),
        name: row.get(2)?,
        email: row.get(3)?,
        role: Role::parse(&role).map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(4, rusqlite::types::Type::Text, Box::new(e))
        })?,
        created_at: row.get(5)?,
        last_login_at: row.get(6)?,
        password_changed_at: row.get(7)?,
        failed_logins: row.get(8)?,
        locked_until: row.get(9)?,
        admin_lock: admin_locked_at
            .map(|at| -> rusqlite::Result<AdminLock> {
                Ok(AdminLock {
                    at,
                    reason: row.get(11)?,
                })
            })
            .transpose()?,
        two_factor: row.get(12)?,
    })
}

impl Store {
    /// Creates an account on behalf of the session `by`, if any. The first
    /// account ever created is an admin, whatever `row` asks; any later one
    /// follows [`Registration::refusal`], judged inside the write
    /// transaction with the stored `registration` setting and the session's
    /// role as they are now (not as they were when the caller started), so
    /// two first registrations cannot both be first and a demoted admin
    /// cannot finish creating an admin.
    pub fn insert_user(
        &mut self,
        row: &NewUserRow<'_>,
        by: Option<i64>,
        event: &Event,
    ) -> Result<Account> {
        let now = event.at;
        let tx = self.write()?;
        let first = !has_users(&tx)?;
        if !first {
            let by_admin = match by {
                Some(session) => is_admin_session(&tx, session)?,
                None => false,
            };
            let registration = stored_settings(&tx)?.registration;
            if let Some(why) = registration.refusal(row.role, by_admin) {
                return Err(Error::PermissionDenied(why.to_string()));
            }
        }
        let role = if first { Role::Admin } else { row.role };
        let id = insert_user_row(&tx, &NewUserRow { role, ..*row }, now)?;
        insert_event(&tx, event)?;
        tx.commit()?;
        Ok(Account {
            id,
            username: row.username.clone(),
            name: row.name.map(str::to_string),
            email: row.email.map(str::to_string),
            role,
            created_at: now,
            last_login_at: None,
            password_changed_at: now,
            failed_logins: 0,
            locked_until: None,
            admin_lock: None,
            two_factor: false,
        })
    }

    /// Whether any account exists.
    pub fn has_users(&self) -> Result<bool> {
        has_users(&self.conn)
    }

    /// Finds an account by username.
    pub fn find_user(&self, username: &Username) -> Result<Option<Account>> {
        Ok(self
            .conn
            .query_row(
                &format!("SELECT {ACCOUNT_COLUMNS} FROM users WHERE username = ?1"),
                [username.as_str()],
                account_from_row,
            )
            .optional()?)
    }

    /// Finds an account and its stored password hash.
    pub fn find_credentials(&self, username: &Username) -> Result<Option<(Account, String)>> {
        Ok(self
            .conn
            .query_row(
                &format!("SELECT {ACCOUNT_COLUMNS}, password_hash FROM users WHERE username = ?1"),
                [username.as_str()],
                |row| Ok((account_from_row(row)?, row.get(ACCOUNT_COLUMN_COUNT)?)),
            )
            .optional()?)
    }

    /// Starts a password check: refuses it while the account is locked (or
    /// while the threshold's worth of checks are unresolved), otherwise
    /// counts it as a failure until [`Store::record_login_success`] resets
    /// the count. Counting first means checks run in parallel cannot get
    /// more guesses than the threshold allows.
    pub fn begin_password_check(
        &mut self,
        id: i64,
        settings: &Settings,
        now: Timestamp,
    ) -> Result<Option<Refusal>> {
        let tx = self.write()?;
        let before = read_failed_logins(&tx, id)?;
        if let Some(refusal) = before.refusal(settings, now) {
            return Ok(Some(refusal));
        }
        let started = before.started(now);
        tx.execute(
            "UPDATE users SET failed_logins = ?1, check_started_at = ?2 WHERE id = ?3",
            params![started.count, started.last_started, id],
        )?;
        tx.commit()?;
        Ok(None)
    }

    /// Takes back the count of a check that was started and then abandoned
    /// before its outcome (its second step never ran): neither a success
    /// nor a failure.
    pub fn release_password_check(&mut self, id: i64) -> Result<()> {
        self.conn.execute(
            "UPDATE users SET failed_logins = max(failed_logins - 1, 0) WHERE id = ?1",
            [id],
        )?;
        Ok(())
    }

    /// Records a successful password check: clears the failure record and,
    /// when the proof carries one, stores the upgraded hash.
    pub fn record_login_success(&mut self, proof: &PasswordProof<'_>) -> Result<()> {
        let tx = self.write()?;
        apply_success(&tx, proof)?;
        tx.commit()?;
        Ok(())
    }

    /// Records a failed password check (counted when it began) and returns
    /// the new record. When it locks the account, every session of the account is revoked and a
    /// `lockout` event is written beside `failure`.
    pub fn record_login_failure(
        &mut self,
        id: i64,
        settings: &Settings,
        failure: &Event,
        lockout: &Event,
    ) -> Result<FailedLogins> {
        let tx = self.write()?;
        let before = read_failed_logins(&tx, id)?;
        let after = before.after_failure(settings, failure.at);
        tx.execute(
            "UPDATE users SET failed_logins = ?1, lockouts = ?2, locked_until = ?3 WHERE id = ?4",
            params![after.count, after.locks, after.locked_until, id],
        )?;
        insert_event(&tx, failure)?;
        if after.locks > before.locks {
            tx.execute("DELETE FROM sessions WHERE user_id = ?1", [id])?;
            insert_event(&tx, lockout)?;
        }
        tx.commit()?;
        Ok(after)
    }

    /// Calls `f` with every account in username order, one row at a time,
    /// and its count of live sessions as [`Store::count_active_sessions`]
    /// counts them.
    pub fn for_each_user(
        &self,
        filter: &AccountFilter,
        now: Timestamp,
        idle_secs: i64,
        mut f: impl FnMut(Account, i64) -> Result<()>,
    ) -> Result<()> {
        // Each order is a fixed literal; no input reaches the SQL text.
        let order = match filter.sort {
            AccountSort::Username => "username",
            AccountSort::Created => "users.created_at, username",
            AccountSort::LastLogin => "last_login_at IS NULL, last_login_at DESC, username",
        };
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {ACCOUNT_COLUMNS},
                 (SELECT count(*) FROM sessions WHERE user_id = users.id AND {ACTIVE_SESSION})
             FROM users
             WHERE (:role IS NULL OR role = :role)
               AND (NOT :locked OR admin_locked_at IS NOT NULL OR locked_until > :now)
             ORDER BY {order} LIMIT :limit"
        ))?;
        let mut rows = stmt.query(named_params! {
            ":now": now,
            ":idle": idle_secs,
            ":role": filter.role.map(Role::as_str),
            ":locked": filter.locked_only,
            ":limit": filter.limit.map_or(-1, i64::from),
        })?;
        while let Some(row) = rows.next()? {
            f(account_from_row(row)?, row.get(ACCOUNT_COLUMN_COUNT)?)?;
        }
        Ok(())
    }

    /// Changes an account's email and name; returns the updated account.
    pub fn update_details(
        &mut self,
        id: i64,
        email: &DetailChange<Email>,
        name: &DetailChange<DisplayName>,
        event: &Event,
    ) -> Result<Account> {
        let tx = self.write()?;
        for (column, change) in [
            ("email", email.as_ref(Email::as_str)),
            ("name", name.as_ref(DisplayName::as_str)),
        ] {
            let value = match change {
                DetailChange::Keep => continue,
                DetailChange::Clear => None,
                DetailChange::Set(v) => Some(v),
            };
            // `column` is one of two literals above, never input.
            tx.execute(
                &format!("UPDATE users SET {column} = ?1 WHERE id = ?2"),
                params![value, id],
            )?;
        }
        let account = tx
            .query_row(
                &format!("SELECT {ACCOUNT_COLUMNS} FROM users WHERE id = ?1"),
                [id],
                account_from_row,
            )
            .optional()?
            .ok_or_else(|| Error::NoSuchUser(format!("#{id}")))?;
        insert_event(&tx, event)?;
        tx.commit()?;
        Ok(account)
    }

    /// Stores a new password hash and revokes every session of the account;
    /// `replacement` (the caller's rotated session) is created in the same
    /// transaction, and its id returned.
    pub fn set_password_hash(
        &mut self,
        id: i64,
        password_hash: &str,
        replacement: Option<NewSessionRow<'_>>,
        event: &Event,
    ) -> Result<Option<i64>> {
        let now = event.at;
        let tx = self.write()?;
        if replacement.is_some() {
            // The holder of a session is changing their own password: an
            // admin may have locked them since they were authenticated.
            ensure_not_admin_locked(&tx, id)?;
        }
        let changed = tx.execute(
            "UPDATE users SET password_hash = ?1, password_changed_at = ?2 WHERE id = ?3",
            params![password_hash, now, id],
        )?;
        if changed == 0 {
            return Err(Error::NoSuchUser(format!("#{id}")));
        }
        tx.execute("DELETE FROM sessions WHERE user_id = ?1", [id])?;
        let new_id = match replacement {
            Some(row) => Some(insert_session_row(&tx, id, row, now)?),
            None => None,
        };
        insert_event(&tx, event)?;
        tx.commit()?;
        Ok(new_id)
    }

    /// Deletes an account and its sessions. Refuses to delete the last admin.
    pub fn delete_user(&mut self, id: i64, event: &Event) -> Result<()> {
        let tx = self.write()?;
        ensure_other_admin(&tx, id, "delete")?;
        tx.execute("DELETE FROM users WHERE id = ?1", [id])?;
        insert_event(&tx, event)?;
        tx.commit()?;
        Ok(())
    }

    /// Changes an account's role; refuses to demote the last admin.
    pub fn set_role(&mut self, id: i64, role: Role, event: &Event) -> Result<()> {
        let tx = self.write()?;
        if role != Role::Admin {
            ensure_other_admin(&tx, id, "demote")?;
        }
        tx.execute(
            "UPDATE users SET role = ?1 WHERE id = ?2",
            params![role.as_str(), id],
        )?;
        insert_event(&tx, event)?;
        tx.commit()?;
        Ok(())
    }

    /// Locks an account until unlocked and revokes all its sessions; returns
    /// how many were revoked. Refuses to lock the last admin.
    pub fn lock_user(&mut self, id: i64, reason: Option<&str>, event: &Event) -> Result<usize> {
        let tx = self.write()?;
        ensure_other_admin(&tx, id, "lock")?;
        tx.execute(
            "UPDATE users SET admin_locked_at = coalesce(admin_locked_at, ?1), lock_reason = ?2
             WHERE id = ?3",
            params![event.at, reason, id],
        )?;
        let revoked = tx.execute("DELETE FROM sessions WHERE user_id = ?1", [id])?;
        insert_event(&tx, event)?;
        tx.commit()?;
        Ok(revoked)
    }

    /// Clears an admin lock, a timed lockout and the failure count.
    pub fn unlock_user(&mut self, id: i64, event: &Event) -> Result<()> {
        let tx = self.write()?;
        let changed = tx.execute(
            "UPDATE users SET admin_locked_at = NULL, lock_reason = NULL, locked_until = NULL,
                 failed_logins = 0, lockouts = 0
             WHERE id = ?1",
            [id],
        )?;
        if changed == 0 {
            return Err(Error::NoSuchUser(format!("#{id}")));
        }
        insert_event(&tx, event)?;
        tx.commit()?;
        Ok(())
    }
}

impl Store {
    /// Calls `f` with every account in username order and its password
    /// hash, one row at a time, for an export.
    pub fn for_each_credential(
        &self,
        mut f: impl FnMut(Account, String) -> Result<()>,
    ) -> Result<()> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {ACCOUNT_COLUMNS}, password_hash FROM users ORDER BY username"
        ))?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            f(account_from_row(row)?, row.get(ACCOUNT_COLUMN_COUNT)?)?;
        }
        Ok(())
    }

    /// Creates imported accounts in one transaction, on behalf of the admin
    /// session `by` (checked again here): all or none. A
    /// username that exists is skipped when `skip_existing` (its event is
    /// not written), otherwise the whole import fails with
    /// [`Error::UserExists`]. `summary(created, skipped)` is the event
    /// recorded for the import as a whole. Returns, per row, whether it was
    /// created.
    pub fn import_users(
        &mut self,
        rows: &[(NewUserRow<'_>, Event)],
        skip_existing: bool,
        by: i64,
        summary: impl FnOnce(usize, usize) -> Event,
    ) -> Result<Vec<bool>> {
        let tx = self.write()?;
        // Hashing took a while: the importer must still be an admin.
        if !is_admin_session(&tx, by)? {
            return Err(Error::PermissionDenied(
                "permission denied: your session is no longer an admin's; nothing was imported"
                    .to_string(),
            ));
        }
        let mut created = Vec::with_capacity(rows.len());
        for (row, event) in rows {
            match insert_user_row(&tx, row, event.at) {
                Ok(_) => {
                    insert_event(&tx, event)?;
                    created.push(true);
                }
                Err(Error::UserExists(_)) if skip_existing => created.push(false),
                Err(e) => return Err(e),
            }
        }
        let n = created.iter().filter(|c| **c).count();
        insert_event(&tx, &summary(n, created.len() - n))?;
        tx.commit()?;
        Ok(created)
    }
}

/// Refuses to `action` (delete, demote, lock) the account `id` if it is an
/// admin and no other unlocked admin would remain to manage the rest.
fn ensure_other_admin(tx: &Connection, id: i64, action: &str) -> Result<()> {
    let role: Option<String> = tx
        .query_row("SELECT role FROM users WHERE id = ?1", [id], |r| r.get(0))
        .optional()?;
    match role.as_deref() {
        None => Err(Error::NoSuchUser(format!("#{id}"))),
        Some("admin") => {
            let others: i64 = tx.query_row(
                "SELECT count(*) FROM users
                 WHERE role = 'admin' AND id != ?1 AND admin_locked_at IS NULL",
                [id],
                |r| r.get(0),
            )?;
            if others == 0 {
                return Err(Error::Invalid(format!(
                    "cannot {action} the last admin account: make another account an admin first"
                )));
            }
            Ok(())
        }
        Some(_) => Ok(()),
    }
}

/// An account to create.
#[derive(Debug, Clone, Copy)]
pub struct NewUserRow<'a> {
    /// Its username.
    pub username: &'a Username,
    /// Display name.
    pub name: Option<&'a str>,
    /// Email address.
    pub email: Option<&'a str>,
    /// Its role.
    pub role: Role,
    /// Its password hash (PHC string, or bcrypt for an import).
    pub password_hash: &'a str,
}

/// Whether `session` exists and belongs to an unlocked admin, now.
pub(super) fn is_admin_session(conn: &Connection, session: i64) -> Result<bool> {
    Ok(conn
        .query_row(
            "SELECT role = 'admin' AND admin_locked_at IS NULL
             FROM sessions JOIN users ON users.id = sessions.user_id WHERE sessions.id = ?1",
            [session],
            |r| r.get(0),
        )
        .optional()?
        .unwrap_or(false))
}

fn has_users(conn: &Connection) -> Result<bool> {
    Ok(conn.query_row("SELECT EXISTS (SELECT 1 FROM users)", [], |r| r.get(0))?)
}

/// Inserts an account row in `tx` at `now`; a taken username is
/// [`Error::UserExists`].
pub(super) fn insert_user_row(
    tx: &Connection,
    row: &NewUserRow<'_>,
    now: Timestamp,
) -> Result<i64> {
    let inserted = tx.execute(
        "INSERT INTO users (username, name, email, role, password_hash, created_at, password_changed_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
        params![
            row.username.as_str(),
            row.name,
            row.email,
            row.role.as_str(),
            row.password_hash,
            now
        ],
    );
    match inserted {
        Err(e) if e.sqlite_error_code() == Some(rusqlite::ErrorCode::ConstraintViolation) => {
            Err(Error::UserExists(row.username.to_string()))
        }
        other => {
            other?;
            Ok(tx.last_insert_rowid())
        }
    }
}

/// Proof that a password was just checked against `verified_hash`, with the
/// re-hash to store if that hash is outdated.
#[derive(Debug, Clone, Copy)]
pub struct PasswordProof<'a> {
    /// The account.
    pub user_id: i64,
    /// The stored hash the password matched.
    pub verified_hash: &'a str,
    /// The same password hashed with the current parameters, if needed.
    pub upgraded_hash: Option<&'a str>,
    /// The second factor given with it, on an account that has one.
    pub second_factor: SecondFactorProof<'a>,
}

/// The second factor that went with a password.
#[derive(Debug, Clone, Copy, Default)]
pub enum SecondFactorProof<'a> {
    /// None (the account has no second factor, or is enrolling one).
    #[default]
    None,
    /// An authenticator code, right for this time step.
    Totp(i64),
    /// A recovery code with this digest, to be used up.
    Recovery(&'a [u8]),
}

/// Clears the failure record and stores any upgraded hash, inside `tx`,
/// provided the account still has the hash the password was checked
/// against and is not locked by an admin. If the hash changed meanwhile (an
/// admin reset it, say), the password that was checked is no longer the
/// password; if an admin locked the account during the check, it must not
/// open. Either way the check fails and nothing is written, so neither an
/// old password nor an upgrade of it survives.
///
/// The second factor is spent here too: an authenticator code's step must
/// be later than the last one accepted (so a code works once, even for two
/// logins at the same moment), and a recovery code is deleted (so it works
/// once).
pub(super) fn apply_success(tx: &Connection, proof: &PasswordProof<'_>) -> Result<()> {
    let step = match proof.second_factor {
        SecondFactorProof::Totp(step) => Some(step),
        _ => None,
    };
    // Without a second factor the account must not have one now: 2FA may
    // have been turned on while this password was being checked.
    let has_factor = !matches!(proof.second_factor, SecondFactorProof::None);
    let changed = tx.execute(
        "UPDATE users SET failed_logins = 0, lockouts = 0, locked_until = NULL,
             password_hash = coalesce(?1, password_hash),
             totp_last_step = coalesce(?4, totp_last_step)
         WHERE id = ?2 AND password_hash = ?3 AND admin_locked_at IS NULL
           AND (?4 IS NULL OR totp_last_step IS NULL OR totp_last_step < ?4)
           AND (?5 OR totp_secret IS NULL)",
        params![
            proof.upgraded_hash,
            proof.user_id,
            proof.verified_hash,
            step,
            has_factor
        ],
    )?;
    if changed == 0 {
        // Locked by an admin during the check, the hash changed, or the
        // code's step was used meanwhile.
        ensure_not_admin_locked(tx, proof.user_id)?;
        return Err(Error::AuthenticationFailed);
    }
    if let SecondFactorProof::Recovery(digest) = proof.second_factor {
        let used = tx.execute(
            "DELETE FROM recovery_codes WHERE user_id = ?1 AND code_sha256 = ?2",
            params![proof.user_id, digest],
        )?;
        if used == 0 {
            return Err(Error::AuthenticationFailed);
        }
    }
    Ok(())
}

/// Fails with [`Error::Locked`] if an admin has locked the account.
fn ensure_not_admin_locked(tx: &Connection, id: i64) -> Result<()> {
    let locked: Option<bool> = tx
        .query_row(
            "SELECT admin_locked_at IS NOT NULL FROM users WHERE id = ?1",
            [id],
            |r| r.get(0),
        )
        .optional()?;
    match locked {
        Some(true) => Err(Error::Locked(
            "the account is locked by an administrator".to_string(),
        )),
        _ => Ok(()),
    }
}

fn read_failed_logins(tx: &Connection, id: i64) -> Result<FailedLogins> {
    Ok(tx.query_row(
        "SELECT failed_logins, lockouts, locked_until, admin_locked_at IS NOT NULL,
             check_started_at
         FROM users WHERE id = ?1",
        [id],
        |r| {
            Ok(FailedLogins {
                count: r.get(0)?,
                locks: r.get(1)?,
                locked_until: r.get(2)?,
                locked_by_admin: r.get(3)?,
                last_started: r.get(4)?,
            })
        },
    )?)
}
