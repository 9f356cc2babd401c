//! One account's life after registration: viewing it, changing its details
//! and password, deleting it. Each is for the account itself or an admin.

use super::{Accounts, NewSession, PasswordChecked, Session};
use crate::audit::EventKind;
use crate::error::{Error, Result};
use crate::model::{Account, DetailChange, DisplayName, Email, Username};
use crate::password::Password;
use crate::store::{NewSessionRow, StoreError};
use crate::token::SessionToken;

/// How a password was changed, as the audit log tells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PasswordChange {
    /// Whoever changed it gave the current password.
    WithCurrentPassword,
    /// An admin set it without the current password.
    AdminReset,
}

/// What a password change did to the account's sessions.
#[derive(Debug)]
pub struct PasswordChanged {
    /// The caller's own session, replaced by a new one (same expiry), when
    /// it was the account's own session that changed the password.
    pub session: Option<NewSession>,
    /// How many other sessions of the account were revoked (the replaced
    /// one is not counted).
    pub others_revoked: usize,
}

impl Accounts {
    /// The account `username`, with its count of live sessions: the
    /// caller's own, or anyone's for an admin.
    pub fn account(&self, by: &Session, username: &Username) -> Result<(Account, i64)> {
        self.acting_self_or_admin(by, username, "view")?;
        let account = self.find(username)?;
        let idle = self.settings.session_idle_secs;
        let live = self
            .store
            .count_live_sessions(account.id, self.now(), idle)?;
        Ok((account, live))
    }

    /// Changes the email and display name of `username` (the caller's own,
    /// or anyone's for an admin); returns the account as it now is.
    pub fn update_details(
        &mut self,
        by: &Session,
        username: &Username,
        email: &DetailChange<Email>,
        name: &DetailChange<DisplayName>,
    ) -> Result<Account> {
        let by = &self.acting_self_or_admin(by, username, "update")?;
        let account = self.find(username)?;
        let event = self.event(EventKind::DetailsUpdated, Some(by.username()), username);
        Ok(self.store.update_details(account.id, email, name, &event)?)
    }

    /// Changes the password of the account whose current password (and
    /// code) were just checked, to `new_password` (checked against the
    /// policy), and revokes every session of the account. When `by` is the
    /// account's own session, it is replaced by a new one (same expiry)
    /// whose token is returned with the count of the others; the audit
    /// event names `by` as the actor if given, else the account.
    pub fn change_password(
        &mut self,
        checked: PasswordChecked,
        code: Option<&str>,
        new_password: &Password,
        by: Option<&Session>,
    ) -> Result<PasswordChanged> {
        let account = &checked.account;
        if let Err(e) = self.check_new_password(
            new_password,
            &account.username,
            account.email.as_deref(),
            account.name.as_deref(),
        ) {
            self.release(checked);
            return Err(e);
        }
        let by = by.map(|s| self.acting(s)).transpose();
        let by = match by {
            Ok(by) => by,
            Err(e) => {
                self.release(checked);
                return Err(e);
            }
        };
        let account = self.check_password(checked, code)?;
        let by = by.as_ref();
        let own = by.filter(|s| s.is_for(&account.username));
        let actor = by.map_or(&account.username, Session::username);
        self.store_password(
            &account,
            new_password,
            PasswordChange::WithCurrentPassword,
            actor,
            own,
        )
    }

    /// An admin sets the password of another account without knowing the
    /// current one, and every session of that account ends (returns how
    /// many). An admin's own password is changed with
    /// [`Accounts::change_password`].
    pub fn reset_password(
        &mut self,
        by: &Session,
        username: &Username,
        new_password: &Password,
    ) -> Result<usize> {
        if by.is_for(username) {
            return Err(Error::PermissionDenied(
                "permission denied: your own password is changed with the current password"
                    .to_string(),
            ));
        }
        let by = &self.acting_admin(by, "reset another user's password")?;
        let account = self.find(username)?;
        self.check_new_password(
            new_password,
            username,
            account.email.as_deref(),
            account.name.as_deref(),
        )?;
        let how = PasswordChange::AdminReset;
        let changed = self.store_password(&account, new_password, how, by.username(), None)?;
        Ok(changed.others_revoked)
    }

    /// Hashes and stores a password that passed the policy, revoking every
    /// session of the account and rotating `rotate`, the holder's own.
    fn store_password(
        &mut self,
        account: &Account,
        new_password: &Password,
        how: PasswordChange,
        actor: &Username,
        rotate: Option<&Session>,
    ) -> Result<PasswordChanged> {
        let hash = self.settings.hash.hash(new_password)?;
        let kind = match how {
            PasswordChange::WithCurrentPassword => EventKind::PasswordChanged,
            PasswordChange::AdminReset => EventKind::PasswordReset,
        };
        let event = self.event(kind, Some(actor), &account.username);
        let token = rotate.map(|_| SessionToken::generate()).transpose()?;
        let digest = token.as_ref().map(SessionToken::digest);
        let replacement = rotate.zip(digest.as_deref()).map(|(s, d)| NewSessionRow {
            token_digest: d,
            expires_at: s.expires_at,
        });
        let (new_id, revoked) =
            self.store
                .set_password_hash(account.id, &hash, replacement, &event)?;
        // The rotated session was among those deleted, unless it had been
        // revoked meanwhile (then the count can be one short, never long).
        let others_revoked = revoked.saturating_sub(usize::from(rotate.is_some()));
        let session = match (token, new_id, rotate, digest) {
            (Some(token), Some(id), Some(old), Some(token_digest)) => Some(NewSession {
                token,
                session: Session {
                    id,
                    created_at: event.at,
                    token_digest,
                    ..old.clone()
                },
            }),
            _ => None,
        };
        Ok(PasswordChanged {
            session,
            others_revoked,
        })
    }

    /// Deletes another account and its sessions, as an admin; the last
    /// unlocked admin cannot be deleted. The account's audit history is
    /// kept. Deleting one's own account needs the password:
    /// [`Accounts::delete_own`].
    pub fn delete(&mut self, by: &Session, username: &Username) -> Result<()> {
        if by.is_for(username) {
            return Err(Error::PermissionDenied(
                "permission denied: deleting your own account needs your password".to_string(),
            ));
        }
        let by = &self.acting_admin(by, "delete another user's account")?;
        let account = self.find(username)?;
        self.delete_account(&account, by.username())
    }

    /// Fails as [`Accounts::delete`] or [`Accounts::delete_own`] would
    /// before any confirmation is asked for: the caller may not delete
    /// `username`, or there is no such account.
    pub fn ensure_may_delete(&self, by: &Session, username: &Username) -> Result<()> {
        self.acting_self_or_admin(by, username, "delete")?;
        self.find(username).map(drop)
    }

    /// Deletes the caller's own account, whose password (and code) were
    /// just checked; the last unlocked admin cannot be deleted.
    pub fn delete_own(
        &mut self,
        by: &Session,
        checked: PasswordChecked,
        code: Option<&str>,
    ) -> Result<()> {
        let by = match self.acting_for(by, &checked) {
            Ok(by) => by,
            Err(e) => {
                self.release(checked);
                return Err(e);
            }
        };
        let account = self.check_password(checked, code)?;
        self.delete_account(&account, by.username())
    }

    fn delete_account(&mut self, account: &Account, actor: &Username) -> Result<()> {
        let event = self.event(EventKind::AccountDeleted, Some(actor), &account.username);
        self.store
            .delete_account(account.id, &event)
            .map_err(|e| last_admin(e, "delete"))
    }
}

/// The error for a store outcome, saying what could not be done to the
/// last admin, and which rule refused it: the only admin, or the only one
/// not locked (the others count again once unlocked).
pub(super) fn last_admin(e: StoreError, action: &str) -> Error {
    match e {
        StoreError::LastAdmin {
            others_locked: false,
        } => Error::Invalid(format!(
            "cannot {action} the last admin account: make another account an admin first"
        )),
        StoreError::LastAdmin {
            others_locked: true,
        } => Error::Invalid(format!(
            "cannot {action} the last unlocked admin account: the other admins are locked; unlock one, or make another account an admin, first"
        )),
        other => other.into(),
    }
}
