//! Account rows.

use super::Store;
use crate::account::{Account, DetailChange, Details, DisplayName, Email, Role, Username};
use crate::error::{Error, Result};
use crate::time::Timestamp;
use rusqlite::{OptionalExtension, Row, params};

/// Columns read into an [`Account`], in `account_from_row`'s order.
pub(super) const ACCOUNT_COLUMNS: &str =
    "users.id, username, name, email, role, users.created_at, last_login_at, password_changed_at";

pub(super) fn account_from_row(row: &Row<'_>) -> rusqlite::Result<Account> {
    let role: String = row.get(4)?;
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
    })
}

impl Store {
    /// Creates an account. The first account ever created is an admin.
    pub fn insert_user(
        &mut self,
        username: &Username,
        details: &Details,
        password_hash: &str,
        now: Timestamp,
    ) -> Result<Account> {
        let tx = self.write()?;
        let any: bool = tx.query_row("SELECT EXISTS (SELECT 1 FROM users)", [], |r| r.get(0))?;
        let role = if any { Role::User } else { Role::Admin };
        let inserted = tx.execute(
            "INSERT INTO users (username, name, email, role, password_hash, created_at, password_changed_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
            params![
                username.as_str(),
                details.name.as_ref().map(DisplayName::as_str),
                details.email.as_ref().map(Email::as_str),
                role.as_str(),
                password_hash,
                now
            ],
        );
        match inserted {
            Err(e) if e.sqlite_error_code() == Some(rusqlite::ErrorCode::ConstraintViolation) => {
                return Err(Error::UserExists(username.to_string()));
            }
            other => other?,
        };
        let id = tx.last_insert_rowid();
        tx.commit()?;
        Ok(Account {
            id,
            username: username.clone(),
            name: details.name.as_ref().map(|n| n.as_str().to_string()),
            email: details.email.as_ref().map(|e| e.as_str().to_string()),
            role,
            created_at: now,
            last_login_at: None,
            password_changed_at: now,
        })
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
                |row| Ok((account_from_row(row)?, row.get(8)?)),
            )
            .optional()?)
    }

    /// Calls `f` with every account in username order, one row at a time.
    pub fn for_each_user(&self, mut f: impl FnMut(Account) -> Result<()>) -> Result<()> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {ACCOUNT_COLUMNS} FROM users ORDER BY username"
        ))?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            f(account_from_row(row)?)?;
        }
        Ok(())
    }

    /// Changes an account's email and name; returns the updated account.
    pub fn update_details(
        &mut self,
        id: i64,
        email: &DetailChange<Email>,
        name: &DetailChange<DisplayName>,
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
        tx.commit()?;
        Ok(account)
    }

    /// Stores a new password hash and revokes every session of the account
    /// except `keep_session` (the caller's own), in one transaction.
    pub fn set_password_hash(
        &mut self,
        id: i64,
        password_hash: &str,
        now: Timestamp,
        keep_session: Option<i64>,
    ) -> Result<()> {
        let tx = self.write()?;
        let changed = tx.execute(
            "UPDATE users SET password_hash = ?1, password_changed_at = ?2 WHERE id = ?3",
            params![password_hash, now, id],
        )?;
        if changed == 0 {
            return Err(Error::NoSuchUser(format!("#{id}")));
        }
        tx.execute(
            "DELETE FROM sessions WHERE user_id = ?1 AND id IS NOT ?2",
            params![id, keep_session],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Deletes an account and its sessions. Refuses to delete the last admin.
    pub fn delete_user(&mut self, id: i64) -> Result<()> {
        let tx = self.write()?;
        let role: Option<String> = tx
            .query_row("SELECT role FROM users WHERE id = ?1", [id], |r| r.get(0))
            .optional()?;
        match role.as_deref() {
            None => return Err(Error::NoSuchUser(format!("#{id}"))),
            Some("admin") => {
                let admins: i64 =
                    tx.query_row("SELECT count(*) FROM users WHERE role = 'admin'", [], |r| {
                        r.get(0)
                    })?;
                if admins <= 1 {
                    return Err(Error::Invalid(
                        "cannot delete the last admin account: make another account an admin first"
                            .to_string(),
                    ));
                }
            }
            Some(_) => {}
        }
        tx.execute("DELETE FROM users WHERE id = ?1", [id])?;
        tx.commit()?;
        Ok(())
    }
}
