//! Account rows ([`AccountRows`]) on PostgreSQL.

use super::rows::{self, ACCOUNT_COLUMNS, AFTER_ACCOUNT, insert_event};
use super::{PgStore, begin_write};
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
use postgres::GenericClient;
use postgres::error::SqlState;
use postgres::fallible_iterator::FallibleIterator;
use postgres::types::ToSql;

impl AccountRows for PgStore {
    fn find_account(&self, username: &Username) -> StoreResult<Option<Account>> {
        let sql = format!("SELECT {ACCOUNT_COLUMNS} FROM users WHERE username = $1");
        let row = self
            .client
            .borrow_mut()
            .query_opt(&sql, &[&username.as_str()])?;
        row.as_ref().map(rows::account).transpose()
    }

    fn find_credentials(&self, username: &Username) -> StoreResult<Option<(Account, String)>> {
        let sql = format!("SELECT {ACCOUNT_COLUMNS}, password_hash FROM users WHERE username = $1");
        let row = self
            .client
            .borrow_mut()
            .query_opt(&sql, &[&username.as_str()])?;
        row.map(|r| Ok((rows::account(&r)?, r.try_get(AFTER_ACCOUNT)?)))
            .transpose()
    }

    fn has_accounts(&self) -> StoreResult<bool> {
        has_accounts(&mut *self.client.borrow_mut())
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
            AccountSort::Username => r#"username COLLATE "C""#,
            AccountSort::Created => r#"users.created_at, username COLLATE "C""#,
            AccountSort::LastLogin => {
                r#"last_login_at IS NULL, last_login_at DESC, username COLLATE "C""#
            }
        };
        let live = rows::live_session(1, 2);
        let sql = format!(
            "SELECT {ACCOUNT_COLUMNS},
                 (SELECT count(*) FROM sessions WHERE user_id = users.id AND {live})
             FROM users
             WHERE ($3::text IS NULL OR role = $3)
               AND (NOT $4 OR admin_locked_at IS NOT NULL OR locked_until > $1)
             ORDER BY {order} LIMIT $5"
        );
        let role = filter.role.map(Role::as_str);
        let limit = filter.limit.map(i64::from);
        let params: [&(dyn ToSql + Sync); 5] =
            [&now, &idle_secs, &role, &filter.locked_only, &limit];
        let mut client = self.client.borrow_mut();
        let mut found = client.query_raw(&sql, params)?;
        while let Some(row) = found.next()? {
            f((rows::account(&row)?, row.try_get(AFTER_ACCOUNT)?))?;
        }
        Ok(())
    }

    fn for_each_credential(
        &self,
        f: &mut dyn FnMut((Account, String)) -> Result<()>,
    ) -> StoreResult<()> {
        let sql = format!(
            r#"SELECT {ACCOUNT_COLUMNS}, password_hash FROM users ORDER BY username COLLATE "C""#
        );
        let mut client = self.client.borrow_mut();
        let no_params: [&(dyn ToSql + Sync); 0] = [];
        let mut found = client.query_raw(&sql, no_params)?;
        while let Some(row) = found.next()? {
            f((rows::account(&row)?, row.try_get(AFTER_ACCOUNT)?))?;
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
        let mut client = self.client.borrow_mut();
        let mut tx = begin_write(&mut client)?;
        let role = admit(&admission(&mut tx, by)?)?;
        let id = insert_account_row(&mut tx, &NewAccount { role, ..*account }, now)?;
        insert_event(&mut tx, event)?;
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
        let mut client = self.client.borrow_mut();
        let mut tx = begin_write(&mut client)?;
        admit(&admission(&mut tx, Some(by))?)?;
        let mut created = Vec::with_capacity(accounts.len());
        for (account, event) in accounts {
            // Under the write lock nobody else inserts: a name taken now
            // stays taken, and a failed INSERT would abort the transaction.
            if find_id(&mut tx, account.username)?.is_some() {
                match skip_existing {
                    true => created.push(false),
                    false => return Err(StoreError::UsernameTaken(account.username.clone())),
                }
                continue;
            }
            let id = insert_account_row(&mut tx, account, event.at)?;
            if let Some(backup) = account.two_factor {
                super::two_factor::restore(&mut tx, id, backup)?;
            }
            insert_event(&mut tx, event)?;
            created.push(true);
        }
        let n = created.iter().filter(|c| **c).count();
        insert_event(&mut tx, &summary(n, created.len() - n))?;
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
        let mut client = self.client.borrow_mut();
        let mut tx = begin_write(&mut client)?;
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
                &format!("UPDATE users SET {column} = $1 WHERE id = $2"),
                &[&value, &id.0],
            )?;
        }
        let sql = format!("SELECT {ACCOUNT_COLUMNS} FROM users WHERE id = $1");
        let row = tx
            .query_opt(&sql, &[&id.0])?
            .ok_or(StoreError::NoSuchAccount(id))?;
        let account = rows::account(&row)?;
        insert_event(&mut tx, event)?;
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
        let mut client = self.client.borrow_mut();
        let mut tx = begin_write(&mut client)?;
        if replacement.is_some() && is_admin_locked(&mut tx, id)? {
            // The holder of a session is changing their own password: an
            // admin may have locked them since they were authenticated.
            return Err(StoreError::AdminLocked);
        }
        let changed = tx.execute(
            "UPDATE users SET password_hash = $1, password_changed_at = $2 WHERE id = $3",
            &[&password_hash, &now, &id.0],
        )?;
        if changed == 0 {
            return Err(StoreError::NoSuchAccount(id));
        }
        let revoked = tx.execute("DELETE FROM sessions WHERE user_id = $1", &[&id.0])?;
        let new_id = match replacement {
            Some(row) => Some(rows::insert_session(&mut tx, id, row, now)?),
            None => None,
        };
        insert_event(&mut tx, event)?;
        tx.commit()?;
        Ok((new_id, usize::try_from(revoked).unwrap_or(usize::MAX)))
    }

    fn delete_account(&mut self, id: AccountId, event: &Event) -> StoreResult<()> {
        let mut client = self.client.borrow_mut();
        let mut tx = begin_write(&mut client)?;
        ensure_other_admin(&mut tx, id)?;
        tx.execute("DELETE FROM users WHERE id = $1", &[&id.0])?;
        insert_event(&mut tx, event)?;
        tx.commit()?;
        Ok(())
    }

    fn set_role(&mut self, id: AccountId, role: Role, event: &Event) -> StoreResult<()> {
        let mut client = self.client.borrow_mut();
        let mut tx = begin_write(&mut client)?;
        if role != Role::Admin {
            ensure_other_admin(&mut tx, id)?;
        }
        let changed = tx.execute(
            "UPDATE users SET role = $1 WHERE id = $2",
            &[&role.as_str(), &id.0],
        )?;
        if changed == 0 {
            return Err(StoreError::NoSuchAccount(id));
        }
        insert_event(&mut tx, event)?;
        tx.commit()?;
        Ok(())
    }

    fn lock_account(
        &mut self,
        id: AccountId,
        reason: Option<&str>,
        event: &Event,
    ) -> StoreResult<usize> {
        let mut client = self.client.borrow_mut();
        let mut tx = begin_write(&mut client)?;
        ensure_other_admin(&mut tx, id)?;
        tx.execute(
            "UPDATE users SET admin_locked_at = coalesce(admin_locked_at, $1), lock_reason = $2
             WHERE id = $3",
            &[&event.at, &reason, &id.0],
        )?;
        let revoked = tx.execute("DELETE FROM sessions WHERE user_id = $1", &[&id.0])?;
        insert_event(&mut tx, event)?;
        tx.commit()?;
        Ok(usize::try_from(revoked).unwrap_or(usize::MAX))
    }

    fn unlock_account(&mut self, id: AccountId, event: &Event) -> StoreResult<()> {
        let mut client = self.client.borrow_mut();
        let mut tx = begin_write(&mut client)?;
        let changed = tx.execute(
            "UPDATE users SET admin_locked_at = NULL, lock_reason = NULL, locked_until = NULL,
                 failed_logins = 0, lockouts = 0
             WHERE id = $1",
            &[&id.0],
        )?;
        if changed == 0 {
            return Err(StoreError::NoSuchAccount(id));
        }
        insert_event(&mut tx, event)?;
        tx.commit()?;
        Ok(())
    }
}

/// The facts an account's creation is judged on, read under the write lock.
fn admission(tx: &mut impl GenericClient, by: Option<SessionId>) -> StoreResult<Admission> {
    let actor = match by {
        Some(session) => tx
            .query_opt(
                "SELECT role, admin_locked_at IS NOT NULL
                 FROM sessions JOIN users ON users.id = sessions.user_id WHERE sessions.id = $1",
                &[&session.0],
            )?
            .map(|r| -> StoreResult<ActorFacts> {
                let role: String = r.try_get(0)?;
                Ok(ActorFacts {
                    role: Role::parse(&role)?,
                    admin_locked: r.try_get(1)?,
                })
            })
            .transpose()?,
        None => None,
    };
    Ok(Admission {
        first: !has_accounts(tx)?,
        actor,
        stored_settings: super::settings::stored_pairs(tx)?,
    })
}

/// How many accounts but `$2` have the role `$1` (admin), and how many
/// of those are not locked by an admin.
const OTHER_ADMINS: &str = "SELECT count(*),
        coalesce(sum(CASE WHEN admin_locked_at IS NULL THEN 1 ELSE 0 END), 0)
    FROM users WHERE role = $1 AND id != $2";

/// Refuses with [`StoreError::LastAdmin`] if `id` is an admin and no other
/// admin without an admin lock exists.
fn ensure_other_admin(tx: &mut impl GenericClient, id: AccountId) -> StoreResult<()> {
    let admin = Role::Admin.as_str();
    let role: Option<String> = tx
        .query_opt("SELECT role FROM users WHERE id = $1", &[&id.0])?
        .map(|r| r.try_get(0))
        .transpose()?;
    match role {
        None => Err(StoreError::NoSuchAccount(id)),
        Some(role) if role == admin => {
            let counts = tx.query_one(OTHER_ADMINS, &[&admin, &id.0])?;
            let (others, unlocked): (i64, i64) = (counts.try_get(0)?, counts.try_get(1)?);
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
pub(super) fn is_admin_locked(tx: &mut impl GenericClient, id: AccountId) -> StoreResult<bool> {
    Ok(tx
        .query_opt(
            "SELECT admin_locked_at IS NOT NULL FROM users WHERE id = $1",
            &[&id.0],
        )?
        .map(|r| r.try_get(0))
        .transpose()?
        .unwrap_or(false))
}

fn has_accounts(client: &mut impl GenericClient) -> StoreResult<bool> {
    Ok(client
        .query_one("SELECT EXISTS (SELECT 1 FROM users)", &[])?
        .try_get(0)?)
}

fn find_id(tx: &mut impl GenericClient, username: &Username) -> StoreResult<Option<i64>> {
    Ok(tx
        .query_opt(
            "SELECT id FROM users WHERE username = $1",
            &[&username.as_str()],
        )?
        .map(|r| r.try_get(0))
        .transpose()?)
}

/// Inserts an account row at `now`; a taken username is
/// [`StoreError::UsernameTaken`].
fn insert_account_row(
    tx: &mut impl GenericClient,
    account: &NewAccount<'_>,
    now: Timestamp,
) -> StoreResult<AccountId> {
    let inserted = tx.query_one(
        "INSERT INTO users (username, name, email, role, password_hash, created_at, password_changed_at)
         VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
        &[
            &account.username.as_str(),
            &account.name,
            &account.email,
            &account.role.as_str(),
            &account.password_hash,
            &now,
        ],
    );
    match inserted {
        Err(e) if e.code() == Some(&SqlState::UNIQUE_VIOLATION) => {
            Err(StoreError::UsernameTaken(account.username.clone()))
        }
        other => Ok(AccountId(other?.try_get(0)?)),
    }
}
