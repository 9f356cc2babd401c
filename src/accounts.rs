//! The account rules in one place: registering, checking passwords, logging
//! in, sessions, changing and deleting accounts. Front ends call these and
//! never the store directly.

use crate::account::{Account, DetailChange, Details, DisplayName, Email, Role, Username};
use crate::error::{Error, Result};
use crate::password::{self, HashParams, Password, check_policy};
use crate::store::Store;
use crate::time::{self, Timestamp, rfc3339};
use crate::token::SessionToken;
use std::time::Duration;

/// A session used within this many seconds of its last recorded use is not
/// written again, so that commands which only read stay read-only.
const TOUCH_INTERVAL_SECS: i64 = 60;

/// A valid, unexpired session and the account it belongs to.
#[derive(Debug, Clone)]
pub struct Session {
    /// The session's database id (not a secret).
    pub id: i64,
    /// The logged-in account.
    pub account: Account,
    /// When the session was created.
    pub created_at: Timestamp,
    /// When the session expires.
    pub expires_at: Timestamp,
}

impl Session {
    /// Whether the session belongs to an admin.
    pub fn is_admin(&self) -> bool {
        self.account.role == Role::Admin
    }

    /// Whether this session is the account `username`'s own.
    pub fn is_for(&self, username: &Username) -> bool {
        &self.account.username == username
    }

    /// Allows admins only.
    pub fn require_admin(&self, action: &str) -> Result<()> {
        if self.is_admin() {
            Ok(())
        } else {
            Err(Error::PermissionDenied(format!(
                "permission denied: only an admin can {action}"
            )))
        }
    }

    /// Allows the account itself or an admin.
    pub fn require_self_or_admin(&self, username: &Username, action: &str) -> Result<()> {
        if self.is_for(username) {
            Ok(())
        } else {
            self.require_admin(&format!("{action} another user's account"))
        }
    }
}

/// A session just created by [`Accounts::login`], with its raw token (to be
/// handed to the user once and never stored).
#[derive(Debug)]
pub struct NewSession {
    /// The raw token.
    pub token: SessionToken,
    /// The session it opens.
    pub session: Session,
}

/// The account service over one store.
pub struct Accounts {
    store: Store,
    params: HashParams,
    clock: fn() -> Timestamp,
}

impl Accounts {
    /// A service using the default hash cost and the system clock.
    pub fn new(store: Store) -> Self {
        Accounts {
            store,
            params: HashParams::DEFAULT,
            clock: time::now,
        }
    }

    /// Replaces the clock (for tests of expiry).
    pub fn with_clock(mut self, clock: fn() -> Timestamp) -> Self {
        self.clock = clock;
        self
    }

    fn now(&self) -> Timestamp {
        (self.clock)()
    }

    /// Fails with [`Error::UserExists`] if the username is taken, so a front
    /// end can say so before asking for a password.
    pub fn ensure_username_free(&self, username: &Username) -> Result<()> {
        match self.store.find_user(username)? {
            Some(_) => Err(Error::UserExists(username.to_string())),
            None => Ok(()),
        }
    }

    /// Creates an account (an admin if it is the first).
    pub fn register(
        &mut self,
        username: &Username,
        details: &Details,
        password: &Password,
    ) -> Result<Account> {
        check_policy(password, username)?;
        let hash = self.params.hash(password)?;
        let now = self.now();
        self.store.insert_user(username, details, &hash, now)
    }

    /// Checks a username and password. An unknown username costs the same
    /// time as a wrong password and fails the same way.
    pub fn check_password(&self, username: &Username, password: &Password) -> Result<Account> {
        match self.store.find_credentials(username)? {
            None => {
                self.params.verify_dummy(password);
                Err(Error::AuthenticationFailed)
            }
            Some((account, hash)) => match password::verify(password, &hash)? {
                true => Ok(account),
                false => Err(Error::AuthenticationFailed),
            },
        }
    }

    /// Checks the password and opens a session of `ttl`. `replacing` is the
    /// token the caller held before; that session is revoked.
    pub fn login(
        &mut self,
        username: &Username,
        password: &Password,
        ttl: Duration,
        replacing: Option<&SessionToken>,
    ) -> Result<NewSession> {
        let account = self.check_password(username, password)?;
        let token = SessionToken::generate()?;
        let now = self.now();
        let expires_at = now.saturating_add(i64::try_from(ttl.as_secs()).unwrap_or(i64::MAX));
        let old = replacing.map(SessionToken::digest);
        let id = self.store.insert_session(
            account.id,
            &token.digest(),
            now,
            expires_at,
            old.as_deref(),
        )?;
        Ok(NewSession {
            token,
            session: Session {
                id,
                account: Account {
                    last_login_at: Some(now),
                    ..account
                },
                created_at: now,
                expires_at,
            },
        })
    }

    /// Resolves a token to its session, or says why it cannot be used.
    pub fn authenticate(&mut self, token: &SessionToken) -> Result<Session> {
        let Some((row, account)) = self.store.find_session(&token.digest())? else {
            return Err(Error::NotLoggedIn(
                "your session is no longer valid (it was revoked or ended); run `authctl login`"
                    .to_string(),
            ));
        };
        let now = self.now();
        if row.expires_at <= now {
            return Err(Error::NotLoggedIn(format!(
                "your session expired at {}; run `authctl login`",
                rfc3339(row.expires_at)
            )));
        }
        if now - row.last_used_at >= TOUCH_INTERVAL_SECS {
            self.store.touch_session(row.id, now)?;
        }
        Ok(Session {
            id: row.id,
            account,
            created_at: row.created_at,
            expires_at: row.expires_at,
        })
    }

    /// Ends a session, or with `everywhere` every session of its account.
    pub fn logout(&mut self, session: &Session, everywhere: bool) -> Result<()> {
        if everywhere {
            self.store.delete_sessions_of(session.account.id)?;
        } else {
            self.store.delete_session(session.id)?;
        }
        Ok(())
    }

    /// Looks up an account by username.
    pub fn account(&self, username: &Username) -> Result<Account> {
        self.store
            .find_user(username)?
            .ok_or_else(|| Error::NoSuchUser(username.to_string()))
    }

    /// Counts an account's unexpired sessions.
    pub fn active_sessions(&self, account: &Account) -> Result<i64> {
        self.store.count_active_sessions(account.id, self.now())
    }

    /// Calls `f` with every account in username order, without loading them all.
    pub fn for_each_account(&self, f: impl FnMut(Account) -> Result<()>) -> Result<()> {
        self.store.for_each_user(f)
    }

    /// Changes an account's email and display name.
    pub fn update_details(
        &mut self,
        account: &Account,
        email: &DetailChange<Email>,
        name: &DetailChange<DisplayName>,
    ) -> Result<Account> {
        self.store.update_details(account.id, email, name)
    }

    /// Sets a new password (checked against the policy) and revokes every
    /// session of the account except `keep_session`.
    pub fn set_password(
        &mut self,
        account: &Account,
        new_password: &Password,
        keep_session: Option<i64>,
    ) -> Result<()> {
        check_policy(new_password, &account.username)?;
        let hash = self.params.hash(new_password)?;
        let now = self.now();
        self.store
            .set_password_hash(account.id, &hash, now, keep_session)
    }

    /// Deletes an account and its sessions; the last admin cannot be deleted.
    pub fn delete(&mut self, account: &Account) -> Result<()> {
        self.store.delete_user(account.id)
    }
}

#[cfg(test)]
mod tests;
