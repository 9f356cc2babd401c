//! What only an admin may do: roles, locks, settings, the account list and
//! the audit log.

use super::manage::last_admin;
use super::{Accounts, Session};
use crate::audit::{Event, EventKind, EventRecord};
use crate::error::{Error, Result};
use crate::model::{Account, AccountFilter, LockReason, Role, Username};
use crate::settings::{SettingKey, SettingValue, Settings};
use crate::store::SettingPairs;
use std::os::unix::fs::MetadataExt;

impl Accounts {
    /// Gives `username` a role; the last unlocked admin cannot be demoted.
    /// Returns the account as it was before (a role it already has is no
    /// change and is not logged).
    pub fn set_role(&mut self, by: &Session, username: &Username, role: Role) -> Result<Account> {
        let by = &self.acting_admin(by, "change roles")?;
        let account = self.find(username)?;
        if account.role != role {
            let event = Event {
                detail: Some(format!("{} -> {}", account.role.as_str(), role.as_str())),
                ..self.event(EventKind::RoleChanged, Some(by.username()), username)
            };
            self.store
                .set_role(account.id, role, &event)
                .map_err(|e| last_admin(e, "demote"))?;
        }
        Ok(account)
    }

    /// Locks `username` until an admin unlocks it and revokes its sessions
    /// (returns how many); the last unlocked admin cannot be locked.
    pub fn lock(
        &mut self,
        by: &Session,
        username: &Username,
        reason: Option<&LockReason>,
    ) -> Result<usize> {
        let by = &self.acting_admin(by, "lock accounts")?;
        let account = self.find(username)?;
        let reason = reason.map(LockReason::as_str);
        let event = Event {
            detail: reason.map(str::to_string),
            ..self.event(EventKind::AccountLocked, Some(by.username()), username)
        };
        self.store
            .lock_account(account.id, reason, &event)
            .map_err(|e| last_admin(e, "lock"))
    }

    /// Clears an admin lock, a timed lockout and the failure count of
    /// `username` (`faillock --reset`).
    pub fn unlock(&mut self, by: &Session, username: &Username) -> Result<()> {
        let by = &self.acting_admin(by, "unlock accounts")?;
        let account = self.find(username)?;
        let event = self.event(EventKind::AccountUnlocked, Some(by.username()), username);
        Ok(self.store.unlock_account(account.id, &event)?)
    }

    /// Break-glass: unlocks `username` without a session, so that a
    /// locked-out last admin has a way back. Only for the OS user who owns
    /// the SQLite database file, or root: they could edit the file anyway,
    /// so this gives them nothing new, and it is logged as a break-glass
    /// unlock naming them. Refused with [`Error::PermissionDenied`] for
    /// anyone else, and on a server database, where whoever holds the
    /// database role's rights can already change any row.
    pub fn unlock_as_database_owner(&mut self, username: &Username) -> Result<()> {
        let Some(file) = self.store.file() else {
            return Err(Error::PermissionDenied(
                "unlocking without a session is only for the owner of a SQLite database file"
                    .to_string(),
            ));
        };
        let owner = std::fs::metadata(&file)
            .map_err(|e| Error::io(format!("cannot read {}", file.display()), e))?
            .uid();
        let me = nix::unistd::getuid();
        if !me.is_root() && owner != me.as_raw() {
            return Err(Error::PermissionDenied(format!(
                "only the owner of the database file {} (uid {owner}) or root may unlock an account without a session",
                file.display()
            )));
        }
        let account = self.find(username)?;
        let event = Event {
            detail: Some("break-glass: by the database file's owner, without a session".into()),
            ..self.event(EventKind::AccountUnlocked, None, username)
        };
        Ok(self.store.unlock_account(account.id, &event)?)
    }

    /// Calls `f` with each account `filter` selects, in its order, with its
    /// count of live sessions, without loading them all (admins only).
    pub fn list_accounts(
        &self,
        by: &Session,
        filter: &AccountFilter,
        mut f: impl FnMut(Account, i64) -> Result<()>,
    ) -> Result<()> {
        self.acting_admin(by, "list accounts")?;
        let idle = self.settings.session_idle_secs;
        let mut each = |(account, live): (Account, i64)| f(account, live);
        Ok(self
            .store
            .for_each_account(filter, self.now(), idle, &mut each)?)
    }

    /// Calls `f` with audit events newest first, optionally only those
    /// involving `user`, at most `limit` (admins only).
    pub fn audit_log(
        &self,
        by: &Session,
        user: Option<&Username>,
        limit: Option<u32>,
        mut f: impl FnMut(EventRecord) -> Result<()>,
    ) -> Result<()> {
        self.acting_admin(by, "read the audit log")?;
        Ok(self.store.for_each_event(user, limit, &mut f)?)
    }

    /// The settings in force (admins only).
    pub fn settings(&self, by: &Session) -> Result<&Settings> {
        self.acting_admin(by, "view or change settings")?;
        Ok(&self.settings)
    }

    /// Changes a stored setting (see [`SettingKey`] for the keys and their
    /// limits), if the settings stay valid as a whole with the values
    /// stored when it is written; it applies to every later command.
    /// Returns the value as stored (admins only).
    pub fn set_setting(
        &mut self,
        by: &Session,
        key: SettingKey,
        value: &str,
    ) -> Result<SettingValue> {
        let by = &self.acting_admin(by, "view or change settings")?;
        // The value in its canonical form ("90m", not "1h 30m").
        let stored = self.settings.set(key, value)?.get(key).to_string();
        let event = Event {
            detail: Some(format!("{key}={stored}")),
            ..self.event_by(EventKind::SettingChanged, Some(by.username()))
        };
        let check = |pairs: &SettingPairs| {
            Settings::DEFAULT
                .with_stored(pairs.iter().cloned())
                .map(drop)
        };
        let pairs = self
            .store
            .change_setting(key.as_str(), &stored, &check, &event)?;
        self.settings = Settings::DEFAULT
            .with_stored(pairs)
            .map_err(|e| Error::Internal(format!("settings changed but unreadable: {e}")))?;
        Ok(self.settings.get(key))
    }
}
