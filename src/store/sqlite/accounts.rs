//! Account rows ([`AccountRows`]).

use super::SqliteStore;
use super::events::insert_event;
use super::rows::{self, ACCOUNT_COLUMNS, AFTER_ACCOUNT, LIVE_SESSION};
use super::settings::stored_pairs;
use crate::audit::Event;
use crate::error::Result;
use crate::model::{
    Account, AccountFilter, AccountId, AccountSort, DetailChange, DisplayName, Email, Role,
    SessionId, Username,
};
use crate::store::{
    AccountRows, ActorFacts, Admission, NewAccount, NewSessionRow, StoreError, StoreResult,
};
use crate::time::Timestamp;
use rusqlite::{Connection, OptionalExtension, named_params, params};

impl AccountRows for SqliteStore {
    fn find_account(&self, username: &Username) -> StoreResult<Option<Account>> {
        Ok(self
            .conn
            .query_row(
                &format!("SELECT {ACCOUNT_COLUMNS} FROM users WHERE username = ?1"),
                [username.as_str()],
                rows::account,
            )
            .optional()?)
    }

    fn find_credentials(&self, username: &Username) -> StoreResult<Option<(Account, String)>> {
        Ok(self
            .conn
            .query_row(
                &format!("SELECT {ACCOUNT_COLUMNS}, password_hash FROM users WHERE username = ?1"),
                [username.as_str()],
                |row| Ok((rows::account(row)?, row.get(AFTER_ACCOUNT)?)),
            )
            .optional()?)
    }

    fn has_accounts(&self) -> StoreResult<bool> {
        has_accounts(&self.conn)
    }

    fn for_each_account(
        &self,
        filter: &AccountFilter,
        now: Timestamp,
        idle_secs: i64,
        f: &mut dyn FnMut((Account, i64)) -> Result<()>,
    ) -> StoreResult<()> {
        // Each order is a fixed literal; no input reaches the SQL text.
        let order = match filter.sort {
            AccountSort::Username => "username",
            AccountSort::Created => "users.created_at, username",
            AccountSort::LastLogin => "last_login_at IS NULL, last_login_at DESC, username",
        };
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {ACCOUNT_COLUMNS},
                 (SELECT count(*) FROM sessions WHERE user_id = users.id AND {LIVE_SESSION})
                 AS live_sessions
             FROM users
             WHERE (:role IS NULL OR role = :role)
               AND (NOT :locked OR admin_locked_at IS NOT NULL OR locked_until > :now)
             ORDER BY {order} LIMIT :limit"
        ))?;
        let mut found = stmt.query(named_params! {
            ":now": now,
            ":idle": idle_secs,
            ":role": filter.role.map(Role::as_str),
            ":locked": filter.locked_only,
            ":limit": filter.limit.map_or(-1, i64::from),
        })?;
        while let Some(row) = found.next()? {
            f((rows::account(row)?, row.get(AFTER_ACCOUNT)?))?;
        }
        Ok(())
    }

    fn for_each_credential(
        &self,
        f: &mut dyn FnMut((Account, String)) -> Result<()>,
    ) -> StoreResult<()> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {ACCOUNT_COLUMNS}, password_hash FROM users ORDER BY username"
        ))?;
        let mut found = stmt.query([])?;
        while let Some(row) = found.next()? {
            f((rows::account(row)?, row.get(AFTER_ACCOUNT)?))?;
        }
        Ok(())
    }

    fn insert_account(
        &mut self,
        account: &NewAccount<'_>,
        by: Option<SessionId>,
        admit: &dyn Fn(&Admission) -> Result<Role>,
        event: &Event,
    ) -> StoreResult<Account> {
        let now = event.at;
        let tx = self.write()?;
        let role = admit(&admission(&tx, by)?)?;
        let id = insert_account_row(&tx, &NewAccount { role, ..*account }, now)?;
        insert_event(&tx, event)?;
        tx.commit()?;
        Ok(account.created(id, role, now))
    }

    fn import_accounts(
        &mut self,
        accounts: &[(NewAccount<'_>, Event)],
        skip_existing: bool,
        by: SessionId,
        admit: &dyn Fn(&Admission) -> Result<()>,
        summary: &dyn Fn(usize, usize) -> Event,
    ) -> StoreResult<Vec<bool>> {
        let tx = self.write()?;
        admit(&admission(&tx, Some(by))?)?;
        let mut created = Vec::with_capacity(accounts.len());
        for (account, event) in accounts {
            match insert_account_row(&tx, account, event.at) {
                Ok(id) => {
                    if let Some(backup) = account.two_factor {
                        super::two_factor::restore(&tx, id, backup)?;
                    }
                    insert_event(&tx, event)?;
                    created.push(true);
                }
                Err(StoreError::UsernameTaken(_)) if skip_existing => created.push(false),
                Err(e) => return Err(e),
            }
        }
        let n = created.iter().filter(|c| **c).count();
        insert_event(&tx, &summary(n, created.len() - n))?;
        tx.commit()?;
        Ok(created)
    }

    fn update_details(
        &mut self,
        id: AccountId,
        email: &DetailChange<Email>,
        name: &DetailChange<DisplayName>,
        event: &Event,
    ) -> StoreResult<Account> {
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
                rows::account,
            )
            .optional()?
            .ok_or(StoreError::NoSuchAccount(id))?;
        insert_event(&tx, event)?;
        tx.commit()?;
        Ok(account)
    }

    fn set_password_hash(
        &mut self,
        id: AccountId,
        password_hash: &str,
        replacement: Option<NewSessionRow<'_>>,
        event: &Event,
    ) -> StoreResult<(Option<SessionId>, usize)> {
        let now = event.at;
        let tx = self.write()?;
        if replacement.is_some() && is_admin_locked(&tx, id)? {
            // The holder of a session is changing their own password: an
            // admin may have locked them since they were authenticated.
            return Err(StoreError::AdminLocked);
        }
        let changed = tx.execute(
            "UPDATE users SET password_hash = ?1, password_changed_at = ?2 WHERE id = ?3",
            params![password_hash, now, id],
        )?;
        if changed == 0 {
            return Err(StoreError::NoSuchAccount(id));
        }
        let revoked = tx.execute("DELETE FROM sessions WHERE user_id = ?1", [id])?;
        let new_id = match replacement {
            Some(row) => Some(rows::insert_session(&tx, id, row, now)?),
            None => None,
        };
        insert_event(&tx, event)?;
        tx.commit()?;
        Ok((new_id, revoked))
    }

    fn delete_account(&mut self, id: AccountId, event: &Event) -> StoreResult<()> {
        let tx = self.write()?;
        ensure_other_admin(&tx, id)?;
        tx.execute("DELETE FROM users WHERE id = ?1", [id])?;
        insert_event(&tx, event)?;
        tx.commit()?;
        Ok(())
    }

    fn set_role(&mut self, id: AccountId, role: Role, event: &Event) -> StoreResult<()> {
        let tx = self.write()?;
        if role != Role::Admin {
            ensure_other_admin(&tx, id)?;
        }
        let changed = tx.execute(
            "UPDATE users SET role = ?1 WHERE id = ?2",
            params![role.as_str(), id],
        )?;
        if changed == 0 {
            return Err(StoreError::NoSuchAccount(id));
        }
        insert_event(&tx, event)?;
        tx.commit()?;
        Ok(())
    }

    fn lock_account(
        &mut self,
        id: AccountId,
        reason: Option<&str>,
        event: &Event,
    ) -> StoreResult<usize> {
        let tx = self.write()?;
        ensure_other_admin(&tx, id)?;
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

    fn unlock_account(&mut self, id: AccountId, event: &Event) -> StoreResult<()> {
        let tx = self.write()?;
        let changed = tx.execute(
            "UPDATE users SET admin_locked_at = NULL, lock_reason = NULL, locked_until = NULL,
                 failed_logins = 0, lockouts = 0
             WHERE id = ?1",
            [id],
        )?;
        if changed == 0 {
            return Err(StoreError::NoSuchAccount(id));
        }
        insert_event(&tx, event)?;
        tx.commit()?;
        Ok(())
    }
}

/// The facts an account's creation is judged on, read in `tx`.
fn admission(tx: &Connection, by: Option<SessionId>) -> StoreResult<Admission> {
    let actor = match by {
        Some(session) => tx
            .query_row(
                "SELECT role, admin_locked_at IS NOT NULL AS admin_locked
                 FROM sessions JOIN users ON users.id = sessions.user_id WHERE sessions.id = ?1",
                [session.0],
                |r| Ok((r.get::<_, String>("role")?, r.get("admin_locked")?)),
            )
            .optional()?
            .map(|(role, admin_locked)| {
                Role::parse(&role).map(|role| ActorFacts { role, admin_locked })
            })
            .transpose()?,
        None => None,
    };
    Ok(Admission {
        first: !has_accounts(tx)?,
        actor,
        stored_settings: stored_pairs(tx)?,
    })
}

/// How many accounts but `?2` have the role `?1` (admin), and how many
/// of those are not locked by an admin.
const OTHER_ADMINS: &str = "SELECT count(*),
        coalesce(sum(CASE WHEN admin_locked_at IS NULL THEN 1 ELSE 0 END), 0)
    FROM users WHERE role = ?1 AND id != ?2";

/// Refuses with [`StoreError::LastAdmin`] if `id` is an admin and no other
/// admin without an admin lock exists; [`StoreError::NoSuchAccount`] if
/// there is no such account.
fn ensure_other_admin(tx: &Connection, id: AccountId) -> StoreResult<()> {
    let admin = Role::Admin.as_str();
    let role: Option<String> = tx
        .query_row("SELECT role FROM users WHERE id = ?1", [id], |r| r.get(0))
        .optional()?;
    match role {
        None => Err(StoreError::NoSuchAccount(id)),
        Some(role) if role == admin => {
            let (others, unlocked): (i64, i64) =
                tx.query_row(OTHER_ADMINS, params![admin, id], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })?;
            match unlocked {
                0 => Err(StoreError::LastAdmin {
                    others_locked: others > 0,
                }),
                _ => Ok(()),
            }
        }
        Some(_) => Ok(()),
    }
}

/// Whether an admin has locked the account (false if it does not exist).
pub(super) fn is_admin_locked(tx: &Connection, id: AccountId) -> StoreResult<bool> {
    Ok(tx
        .query_row(
            "SELECT admin_locked_at IS NOT NULL FROM users WHERE id = ?1",
            [id],
            |r| r.get(0),
        )
        .optional()?
        .unwrap_or(false))
}

fn has_accounts(conn: &Connection) -> StoreResult<bool> {
    Ok(conn.query_row("SELECT EXISTS (SELECT 1 FROM users)", [], |r| r.get(0))?)
}

/// Inserts an account row in `tx` at `now`; a taken username is
/// [`StoreError::UsernameTaken`].
fn insert_account_row(
    tx: &Connection,
    account: &NewAccount<'_>,
    now: Timestamp,
) -> StoreResult<AccountId> {
    let inserted = tx.execute(
        "INSERT INTO users (username, name, email, role, password_hash, created_at, password_changed_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
        params![
            account.username.as_str(),
            account.name,
            account.email,
            account.role.as_str(),
            account.password_hash,
            now
        ],
    );
    match inserted {
        Err(e) if e.sqlite_error_code() == Some(rusqlite::ErrorCode::ConstraintViolation) => {
            Err(StoreError::UsernameTaken(account.username.clone()))
        }
        other => {
            other?;
            Ok(AccountId(tx.last_insert_rowid()))
        }
    }
}
