//! Creating accounts: who may (the `registration` setting, admins only for
//! admins, the first account always, as an admin) and the password policy.

use super::{Accounts, Session};
use crate::audit::EventKind;
use crate::error::{Error, Result};
use crate::model::{Account, Details, DisplayName, Email, Role, Username};
use crate::password::Password;
use crate::policy::{self, PolicyContext};
use crate::settings::{Registration, Settings};
use crate::store::{Admission, NewAccount};

impl Accounts {
    /// Fails as [`Accounts::register`] would for reasons known before a
    /// password is asked for: the caller may not register an account of
    /// `role` ([`Error::NotLoggedIn`] without a session, [`Error::PermissionDenied`]
    /// with one), or the username is taken ([`Error::UserExists`]).
    pub fn ensure_may_register(
        &self,
        username: &Username,
        role: Role,
        by: Option<&Session>,
    ) -> Result<()> {
        let by = by.map(|s| self.acting(s)).transpose()?;
        let by_admin = by.as_ref().is_some_and(Session::is_admin);
        if let Some(why) = self.settings.registration.refusal(role, by_admin)
            && self.store.has_accounts()?
        {
            // Like every admin-only operation: no session is "log in",
            // a user's session is "not allowed".
            return Err(match by {
                None => Error::NotLoggedIn(format!("{why}; log in as an admin first")),
                Some(_) => Error::PermissionDenied(why.to_string()),
            });
        }
        match self.store.find_account(username)? {
            Some(_) => Err(Error::UserExists(username.to_string())),
            None => Ok(()),
        }
    }

    /// Checks a new password against the policy for this account.
    pub fn check_new_password(
        &self,
        password: &Password,
        username: &Username,
        email: Option<&str>,
        name: Option<&str>,
    ) -> Result<()> {
        let ctx = PolicyContext {
            username,
            email,
            name,
        };
        policy::check(password, self.settings.password_min_chars, ctx)
    }

    /// Creates an account of `role` on behalf of `by` (the caller's session,
    /// or `None` for anyone, as registration allows). The first account ever
    /// is an admin whoever creates it; after that, while the stored
    /// `registration` setting is `admin` only an admin creates accounts, and
    /// only an admin ever creates an admin. Both are judged when the account
    /// is written, on the roles and settings as they are then.
    pub fn register(
        &mut self,
        by: Option<&Session>,
        username: &Username,
        details: &Details,
        password: &Password,
        role: Role,
    ) -> Result<Account> {
        self.ensure_may_register(username, role, by)?;
        let by = by.map(|s| self.acting(s)).transpose()?;
        let by = by.as_ref();
        let email = details.email.as_ref().map(Email::as_str);
        let name = details.name.as_ref().map(DisplayName::as_str);
        self.check_new_password(password, username, email, name)?;
        let hash = self.settings.hash.hash(password)?;
        let account = NewAccount {
            username,
            name,
            email,
            role,
            password_hash: &hash,
            two_factor: None,
        };
        let actor = by.map(Session::username);
        let event = self.event(EventKind::Register, actor, username);
        let admit = |facts: &Admission| admit(facts, role);
        Ok(self
            .store
            .insert_account(&account, by.map(Session::id), &admit, &event)?)
    }
}

/// The role an account asked for as `role` is created with, judged on
/// `facts` read as it is written: the first account is an admin; any
/// other follows [`Registration::refusal`] with the stored setting.
fn admit(facts: &Admission, role: Role) -> Result<Role> {
    if facts.first {
        return Ok(Role::Admin);
    }
    let registration = stored_registration(facts)?;
    let by_admin = facts
        .actor
        .is_some_and(|a| a.role == Role::Admin && !a.admin_locked);
    match registration.refusal(role, by_admin) {
        Some(why) => Err(Error::PermissionDenied(why.to_string())),
        None => Ok(role),
    }
}

/// The `registration` setting among the stored settings.
fn stored_registration(facts: &Admission) -> Result<Registration> {
    let stored = facts.stored_settings.iter().cloned();
    Ok(Settings::DEFAULT.with_stored(stored)?.registration)
}
