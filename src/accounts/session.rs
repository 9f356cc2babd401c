//! Sessions: who is acting. A [`Session`] can only come from a login or
//! from authenticating a token, so holding one proves who the caller is;
//! every operation that needs more than that checks it here.

use super::{Accounts, PasswordChecked};
use crate::audit::{Event, EventKind};
use crate::error::{Error, Result};
use crate::model::{Account, Role, SessionId, SessionInfo, Username};
use crate::time::{Timestamp, rfc3339};
use crate::token::SessionToken;

/// A session used within this many seconds of its last recorded use is not
/// written again, so that commands which only read stay read-only.
const TOUCH_INTERVAL_SECS: i64 = 60;

/// A valid, unexpired session and the account it belongs to, as it was
/// when the session was authenticated. Only [`Accounts::authenticate`] and
/// a login make one, and every operation it is passed to finds it again in
/// the store by its token's digest, so a session that was revoked, has
/// expired, or comes from another database acts for nobody, and a demoted
/// admin's session no longer acts as an admin's.
#[derive(Clone)]
pub struct Session {
    pub(super) id: SessionId,
    pub(super) account: Account,
    pub(super) created_at: Timestamp,
    pub(super) expires_at: Timestamp,
    /// SHA-256 of the session's token: what binds this value to the row.
    pub(super) token_digest: Vec<u8>,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("id", &self.id)
            .field("account", &self.account)
            .field("created_at", &self.created_at)
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

impl Session {
    /// The session's id (not a secret).
    pub fn id(&self) -> SessionId {
        self.id
    }

    /// The logged-in account.
    pub fn account(&self) -> &Account {
        &self.account
    }

    /// The logged-in account's username.
    pub fn username(&self) -> &Username {
        &self.account.username
    }

    /// When the session was created.
    pub fn created_at(&self) -> Timestamp {
        self.created_at
    }

    /// When the session expires.
    pub fn expires_at(&self) -> Timestamp {
        self.expires_at
    }

    /// Whether the session belongs to an admin.
    pub fn is_admin(&self) -> bool {
        self.account.role == Role::Admin
    }

    /// Whether this session is the account `username`'s own.
    pub fn is_for(&self, username: &Username) -> bool {
        &self.account.username == username
    }

    /// Allows admins only: "only an admin can `action`".
    fn require_admin(&self, action: &str) -> Result<()> {
        if self.is_admin() {
            Ok(())
        } else {
            Err(Error::PermissionDenied(format!(
                "permission denied: only an admin can {action}"
            )))
        }
    }
}

/// A session just created, with its raw token (to be handed to the user once
/// and never stored).
#[derive(Debug)]
pub struct NewSession {
    /// The raw token.
    pub token: SessionToken,
    /// The session it opens.
    pub session: Session,
}

/// A session found live, and when it was last used.
struct LiveSession {
    session: Session,
    last_used: Timestamp,
}

impl Accounts {
    /// Resolves a token to its session, or says why it cannot be used
    /// ([`Error::NotLoggedIn`], or [`Error::Locked`] if an admin locked the
    /// account).
    pub fn authenticate(&mut self, token: &SessionToken) -> Result<Session> {
        let session = self.live_session(token.digest())?;
        let now = self.now();
        if now - session.last_used >= TOUCH_INTERVAL_SECS {
            // A read-only database cannot record the use; reads must still
            // work there, so the idle clock simply keeps its last mark.
            match self
                .store
                .touch_session(session.session.id, now)
                .map_err(Error::from)
            {
                Ok(()) | Err(Error::ReadOnly) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(session.session)
    }

    /// `by` as it stands in the store now, with its account's current
    /// role: refused like [`Accounts::authenticate`] if it no longer opens
    /// anything. Every operation acting for a session starts here.
    pub(super) fn acting(&self, by: &Session) -> Result<Session> {
        let now = self.live_session(by.token_digest.clone())?.session;
        match now.id == by.id {
            true => Ok(now),
            false => Err(Error::NotLoggedIn(
                "your session is no longer valid (it was revoked or ended)".to_string(),
            )),
        }
    }

    /// [`Accounts::acting`], for an admin only.
    pub(super) fn acting_admin(&self, by: &Session, action: &str) -> Result<Session> {
        let now = self.acting(by)?;
        now.require_admin(action)?;
        Ok(now)
    }

    /// [`Accounts::acting`], for the account `username` itself or an admin.
    pub(super) fn acting_self_or_admin(
        &self,
        by: &Session,
        username: &Username,
        action: &str,
    ) -> Result<Session> {
        let now = self.acting(by)?;
        if !now.is_for(username) {
            now.require_admin(&format!("{action} another user's account"))?;
        }
        Ok(now)
    }

    /// [`Accounts::acting`], for the account whose password was just
    /// `checked`.
    pub(super) fn acting_for(&self, by: &Session, checked: &PasswordChecked) -> Result<Session> {
        let now = self.acting(by)?;
        match now.is_for(&checked.account.username) {
            true => Ok(now),
            false => Err(Error::PermissionDenied(
                "permission denied: the password checked is not the session's".to_string(),
            )),
        }
    }

    /// The session whose token has `token_digest`, if it is live now: not
    /// revoked, expired or idle too long, its account not locked by an
    /// admin.
    fn live_session(&self, token_digest: Vec<u8>) -> Result<LiveSession> {
        let Some((row, account)) = self.store.find_session(&token_digest)? else {
            return Err(Error::NotLoggedIn(
                "your session is no longer valid (it was revoked or ended)".to_string(),
            ));
        };
        if account.admin_lock.is_some() {
            // Locking revokes every session; this guards any made since.
            return Err(Error::Locked(format!(
                "account {} is locked by an administrator",
                account.username
            )));
        }
        let now = self.now();
        if row.expires_at <= now {
            return Err(Error::NotLoggedIn(format!(
                "your session expired at {}",
                rfc3339(row.expires_at)
            )));
        }
        let idle_limit = row
            .last_used_at
            .saturating_add(self.settings.session_idle_secs);
        if idle_limit <= now {
            return Err(Error::NotLoggedIn(format!(
                "your session ended at {} after {}h without use",
                rfc3339(idle_limit),
                self.settings.session_idle_secs / 3600
            )));
        }
        Ok(LiveSession {
            session: Session {
                id: row.id,
                account,
                created_at: row.created_at,
                expires_at: row.expires_at,
                token_digest,
            },
            last_used: row.last_used_at,
        })
    }

    /// Ends a session, or with `everywhere` every session of its account.
    pub fn logout(&mut self, session: &Session, everywhere: bool) -> Result<()> {
        if everywhere {
            self.revoke_all_sessions(session, session.username())?;
        } else {
            let session = self.acting(session)?;
            let user = session.username();
            let event = self.event(EventKind::Logout, Some(user), user);
            self.store.delete_session(session.id, &event)?;
        }
        Ok(())
    }

    /// The live sessions of `username`, oldest first: the caller's own, or
    /// anyone's for an admin.
    pub fn sessions_of(&self, by: &Session, username: &Username) -> Result<Vec<SessionInfo>> {
        self.acting_self_or_admin(by, username, "list the sessions of")?;
        let account = self.find(username)?;
        let idle = self.settings.session_idle_secs;
        Ok(self.store.live_sessions_of(account.id, self.now(), idle)?)
    }

    /// Revokes sessions by id, all or none: an admin may revoke anyone's,
    /// anyone else only their own (another account's session is reported as
    /// missing). Returns each revoked id's account.
    pub fn revoke_sessions(
        &mut self,
        by: &Session,
        ids: &[SessionId],
    ) -> Result<Vec<(SessionId, String)>> {
        let by = &self.acting(by)?;
        let owner = (!by.is_admin()).then_some(by.account.id);
        let template = self.event_by(EventKind::SessionRevoked, Some(by.username()));
        let event_for = |id: SessionId, username: &str| Event {
            target: Some(username.to_string()),
            detail: Some(format!("session {id}")),
            ..template.clone()
        };
        Ok(self.store.delete_sessions(ids, owner, &event_for)?)
    }

    /// Revokes every session of `username` (the caller's own, or anyone's
    /// for an admin); returns how many there were.
    pub fn revoke_all_sessions(&mut self, by: &Session, username: &Username) -> Result<usize> {
        let by = &self.acting_self_or_admin(by, username, "revoke the sessions of")?;
        let account = self.find(username)?;
        let event = Event {
            detail: Some("all sessions".to_string()),
            ..self.event(EventKind::SessionRevoked, Some(by.username()), username)
        };
        Ok(self.store.delete_sessions_of(account.id, &event)?)
    }

    /// The account named `username` ([`Error::NoSuchUser`] if none), for an
    /// operation whose permission was checked.
    pub(super) fn find(&self, username: &Username) -> Result<Account> {
        self.store
            .find_account(username)?
            .ok_or_else(|| Error::NoSuchUser(username.to_string()))
    }
}
