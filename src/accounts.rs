//! The account rules in one place: registering, checking passwords (with
//! lockout and hash upgrades), sessions, changing and deleting accounts, and
//! the audit event for each. Front ends call these, never the store.

use crate::account::{
    Account, AccountFilter, DetailChange, Details, DisplayName, Email, LockReason, Role, Username,
    escape_for_terminal,
};
use crate::audit::{self, Event, EventKind, EventRecord};
use crate::duration::{as_secs, format_secs};
use crate::error::{Error, Result};
use crate::password::{self, Password};
use crate::policy::{self, PolicyContext};
use crate::settings::{Refusal, SettingKey, SettingValue, Settings};
use crate::store::{
    NewSessionRow, NewUserRow, PasswordProof, SecondFactorProof, SessionRow, Store,
};
use crate::time::{self, Timestamp, rfc3339};
use crate::token::SessionToken;
use crate::totp::{self, TotpSecret};
use std::time::Duration;

/// How long a password check waits for the checks already running on the
/// same account (at the lockout threshold) to end.
const IN_FLIGHT_WAIT: Duration = Duration::from_secs(20);
/// How often it looks.
const IN_FLIGHT_POLL: Duration = Duration::from_millis(20);

/// A session used within this many seconds of its last recorded use is not
/// written again, so that commands which only read stay read-only.
const TOUCH_INTERVAL_SECS: i64 = 60;

/// How a password is being changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordChange {
    /// Whoever changes it gave the current password.
    WithCurrentPassword,
    /// An admin sets it without the current password.
    AdminReset,
}

/// A password that matched: the hash it matched and, if that hash is
/// outdated, its replacement.
struct Verified {
    hash: String,
    upgraded: Option<String>,
    second_factor: Option<SecondFactor>,
}

/// A second factor that was right, to be spent with the success.
enum SecondFactor {
    /// An authenticator code for this step.
    Totp(i64),
    /// A recovery code with this digest.
    Recovery(Vec<u8>),
}

impl Verified {
    fn proof<'a>(&'a self, account: &Account) -> PasswordProof<'a> {
        PasswordProof {
            user_id: account.id,
            verified_hash: &self.hash,
            upgraded_hash: self.upgraded.as_deref(),
            second_factor: match &self.second_factor {
                None => SecondFactorProof::None,
                Some(SecondFactor::Totp(step)) => SecondFactorProof::Totp(*step),
                Some(SecondFactor::Recovery(digest)) => SecondFactorProof::Recovery(digest),
            },
        }
    }
}

/// A password that was right, for an account whose second factor (if it
/// has one) is still to be checked: pass it with the code to
/// [`Accounts::login`], [`Accounts::verify`] or [`Accounts::check_password`].
/// Only [`Accounts::check_first_factor`] makes one.
pub struct PasswordChecked {
    account: Account,
    verified: Verified,
}

impl PasswordChecked {
    /// The account whose password it was.
    pub fn account(&self) -> &Account {
        &self.account
    }

    /// Whether the account needs a second factor: ask for a code.
    pub fn needs_code(&self) -> bool {
        self.account.two_factor
    }
}

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

/// A session just created, with its raw token (to be handed to the user once
/// and never stored).
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
    settings: Settings,
    clock: fn() -> Timestamp,
    os_user: String,
    /// The authenticated account acting in this process, for the audit log.
    actor: Option<Username>,
}

impl Accounts {
    /// A service with the default settings and the system clock.
    pub fn new(store: Store) -> Self {
        Accounts {
            store,
            settings: Settings::DEFAULT,
            clock: time::now,
            os_user: audit::current_os_user(),
            actor: None,
        }
    }

    /// A service with the settings stored in the database (see
    /// [`Accounts::set_setting`]) over the defaults.
    pub fn open(store: Store) -> Result<Self> {
        // A stored value this build refuses makes the file unusable; a busy
        // or unreadable database keeps its own kind (and exit code).
        let settings = store.load_settings().map_err(|e| match e {
            Error::Invalid(reason) => {
                Error::DatabaseUnusable(format!("the stored settings are not usable: {reason}"))
            }
            other => other,
        })?;
        Ok(Accounts {
            settings,
            ..Accounts::new(store)
        })
    }

    /// The settings in force.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// Changes a setting (see [`SettingKey`] for the keys and their
    /// limits); it applies to every later command. Returns the value as
    /// stored.
    pub fn set_setting(&mut self, key: &str, value: &str) -> Result<SettingValue> {
        let key = SettingKey::parse(key)?;
        let stored = self.settings.set(key, value)?.get(key).to_string();
        let event = Event {
            detail: Some(format!("{key}={stored}")),
            ..self.event_for(EventKind::SettingChanged, "success")
        };
        self.settings = self.store.change_setting(key, &stored, &event)?;
        Ok(self.settings.get(key))
    }

    /// The lifetime of a new session: `requested`, or `session.ttl`; at
    /// most `session.max_ttl`.
    pub fn session_ttl(&self, requested: Option<Duration>) -> Result<Duration> {
        let max = self.settings.session_max_ttl_secs;
        match requested {
            None => Ok(Duration::from_secs(
                self.settings.session_ttl_secs.unsigned_abs(),
            )),
            Some(ttl) if as_secs(ttl) <= max => Ok(ttl),
            Some(_) => Err(Error::Invalid(format!(
                "the longest session is {} (session.max_ttl)",
                format_secs(max)
            ))),
        }
    }

    /// Replaces the clock (for tests of expiry and lockout).
    pub fn with_clock(mut self, clock: fn() -> Timestamp) -> Self {
        self.clock = clock;
        self
    }

    /// Replaces the settings, refusing any below its floor (see
    /// [`Settings::validate`]).
    pub fn with_settings(mut self, settings: Settings) -> Result<Self> {
        self.settings = settings.validate()?;
        Ok(self)
    }

    fn now(&self) -> Timestamp {
        (self.clock)()
    }

    fn event(&self, kind: EventKind, outcome: &'static str, target: &Username) -> Event {
        Event {
            target: Some(target.to_string()),
            ..self.event_for(kind, outcome)
        }
    }

    /// An event now, by the current actor, with no target yet.
    fn event_for(&self, kind: EventKind, outcome: &'static str) -> Event {
        Event {
            at: self.now(),
            kind,
            outcome,
            actor: self.actor.as_ref().map(|a| a.to_string()),
            target: None,
            os_user: self.os_user.clone(),
            detail: None,
        }
    }

    /// Fails with [`Error::UserExists`] if the username is taken, so a front
    /// end can say so before asking for a password.
    pub fn ensure_username_free(&self, username: &Username) -> Result<()> {
        match self.store.find_user(username)? {
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

    /// Creates an account with the role `user` (an admin if it is the
    /// first), as anyone may while registration is open.
    pub fn register(
        &mut self,
        username: &Username,
        details: &Details,
        password: &Password,
    ) -> Result<Account> {
        self.register_as(username, details, password, Role::User, None)
    }

    /// Fails as [`Accounts::register_as`] would for reasons known before a
    /// password is asked for: the caller may not register, or the username
    /// is taken.
    pub fn ensure_may_register(
        &self,
        username: &Username,
        role: Role,
        by: Option<&Session>,
    ) -> Result<()> {
        let by_admin = by.is_some_and(Session::is_admin);
        if let Some(why) = self.settings.registration.refusal(role, by_admin)
            && self.store.has_users()?
        {
            // Like every admin-only command: no session is "log in" (exit 4),
            // a user's session is "not allowed" (exit 8).
            return Err(match by {
                None => Error::NotLoggedIn(format!("{why}; log in as an admin first")),
                Some(_) => Error::PermissionDenied(why.to_string()),
            });
        }
        self.ensure_username_free(username)
    }

    /// Creates an account of `role` on behalf of `by` (the caller's session,
    /// if any). The first account ever is an admin whoever creates it.
    pub fn register_as(
        &mut self,
        username: &Username,
        details: &Details,
        password: &Password,
        role: Role,
        by: Option<&Session>,
    ) -> Result<Account> {
        self.ensure_may_register(username, role, by)?;
        let email = details.email.as_ref().map(Email::as_str);
        let name = details.name.as_ref().map(DisplayName::as_str);
        self.check_new_password(password, username, email, name)?;
        let hash = self.settings.hash.hash(password)?;
        let row = NewUserRow {
            username,
            name,
            email,
            role,
            password_hash: &hash,
        };
        let event = self.event(EventKind::Register, "success", username);
        self.store.insert_user(&row, by.map(|s| s.id), &event)
    }

    /// Checks a username and password, counting failures toward a lockout.
    /// An unknown username costs the same time as a wrong password and fails
    /// the same way; a locked account is refused without checking.
    ///
    /// `code` is the second factor (an authenticator code or a recovery
    /// code), needed when [`PasswordChecked::needs_code`]; a wrong or
    /// missing one fails and counts like a wrong password.
    pub fn check_password(
        &mut self,
        checked: PasswordChecked,
        code: Option<&str>,
    ) -> Result<Account> {
        let (account, verified) = self.second_factor(checked, code)?;
        let recorded = self.store.record_login_success(&verified.proof(&account));
        self.settle(&account, recorded)?;
        Ok(account)
    }

    /// Checks a password (and code) without opening a session (`htpasswd
    /// -v`): the same lockout, upgrade and audit rules as a login, recorded
    /// as `password_verified` when it matches.
    pub fn verify(&mut self, checked: PasswordChecked, code: Option<&str>) -> Result<Account> {
        let account = self.check_password(checked, code)?;
        let event = self.event(EventKind::PasswordVerified, "success", &account.username);
        self.store.record_event(&event)?;
        Ok(account)
    }

    /// Completes a login: checks the second factor, if any, and opens a
    /// session of `ttl`. `replacing` is the token the caller held before;
    /// that session is revoked.
    pub fn login(
        &mut self,
        checked: PasswordChecked,
        code: Option<&str>,
        ttl: Duration,
        replacing: Option<&SessionToken>,
    ) -> Result<NewSession> {
        let (account, verified) = self.second_factor(checked, code)?;
        let username = &account.username.clone();
        let ttl = self.session_ttl(Some(ttl))?;
        let token = SessionToken::generate()?;
        let now = self.now();
        let expires_at = now.saturating_add(i64::try_from(ttl.as_secs()).unwrap_or(i64::MAX));
        let old = replacing.map(SessionToken::digest);
        let digest = token.digest();
        let row = NewSessionRow {
            token_digest: &digest,
            expires_at,
        };
        let event = Event {
            detail: matches!(verified.second_factor, Some(SecondFactor::Recovery(_)))
                .then(|| "with a recovery code".to_string()),
            ..self.event(EventKind::Login, "success", username)
        };
        let inserted =
            self.store
                .insert_session(&verified.proof(&account), row, old.as_deref(), &event);
        let id = self.settle(&account, inserted)?;
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

    /// Refuses a login for a name no account can have (not a valid
    /// username), exactly as for an unknown user: the same time, the same
    /// error, and a `login_failed` event naming what was typed (escaped,
    /// and cut to 64 characters). Returns the error to report.
    pub fn refuse_login(&mut self, typed: &str, password: &Password) -> Error {
        self.settings.hash.verify_dummy(password);
        let shown: String = escape_for_terminal(typed).chars().take(64).collect();
        let event = Event {
            target: Some(shown),
            ..self.event_for(EventKind::LoginFailed, "failure")
        };
        match self.store.record_event(&event) {
            Ok(()) => Error::AuthenticationFailed,
            Err(e) => e,
        }
    }

    /// Checks a username and password, the first step of every login,
    /// `verify` and password check: counted toward a lockout before hashing;
    /// an unknown username costs the same time as a wrong password and
    /// fails the same way; a locked account is refused without checking.
    /// The success (with any hash upgrade) is recorded by the second step,
    /// in the transaction that acts on it.
    pub fn check_first_factor(
        &mut self,
        username: &Username,
        password: &Password,
    ) -> Result<PasswordChecked> {
        let Some((account, hash)) = self.store.find_credentials(username)? else {
            self.settings.hash.verify_dummy(password);
            let event = self.event(EventKind::LoginFailed, "failure", username);
            self.store.record_event(&event)?;
            return Err(Error::AuthenticationFailed);
        };
        if let Some(refusal) = self.begin_check(&account)? {
            let event = self.event(EventKind::LoginFailed, "locked", username);
            self.store.record_event(&event)?;
            return Err(Error::Locked(match refusal {
                Refusal::LockedByAdmin => {
                    format!("account {username} is locked by an administrator")
                }
                Refusal::LockedUntil(until) => format!(
                    "account {username} is locked until {} after too many failed password attempts",
                    rfc3339(until)
                ),
                Refusal::TooManyAttempts => format!(
                    "account {username} is locked: too many password attempts at once; try again shortly"
                ),
            }));
        }
        if !password::verify(password, &hash)? {
            return Err(self.fail_check(&account, None));
        }
        // Hashing happens here, before the write transaction takes its lock.
        let upgraded = match self.settings.hash.is_current(&hash) {
            true => None,
            false => Some(self.settings.hash.hash(password)?),
        };
        Ok(PasswordChecked {
            account,
            verified: Verified {
                hash,
                upgraded,
                second_factor: None,
            },
        })
    }

    /// Counts a password check of `account` as it starts, or says why it
    /// may not. While as many checks as the threshold are running at once,
    /// a new one waits for them to end (as for a busy database), up to
    /// [`IN_FLIGHT_WAIT`]: if they fail the account locks and this one is
    /// refused; if one succeeds the count resets and this one runs. So
    /// parallel guesses get no more than the threshold, and parallel right
    /// passwords all get in.
    fn begin_check(&mut self, account: &Account) -> Result<Option<Refusal>> {
        let started = std::time::Instant::now();
        loop {
            let refusal =
                self.store
                    .begin_password_check(account.id, &self.settings, self.now())?;
            if refusal != Some(Refusal::TooManyAttempts) || started.elapsed() >= IN_FLIGHT_WAIT {
                return Ok(refusal);
            }
            std::thread::sleep(IN_FLIGHT_POLL);
        }
    }

    /// The outcome of writing a check's success: if the store found the
    /// check no longer holds (its code was spent by a login at the same
    /// moment, or 2FA was turned on meanwhile), it is recorded as a failure
    /// like any other.
    fn settle<T>(&mut self, account: &Account, written: Result<T>) -> Result<T> {
        match written {
            Err(Error::AuthenticationFailed) => Err(self.fail_check(
                account,
                Some("code already used, or 2FA turned on meanwhile"),
            )),
            other => other,
        }
    }

    /// Abandons a check after its first step (the command stopped before
    /// the second, say because the new password was refused): its count is
    /// taken back, and nothing is reset, so abandoning cannot be used to
    /// clear failures on an account with a second factor.
    ///
    /// Best effort: it runs on the way out of a failed command, whose own
    /// error is the one to report, and a count it fails to take back stops
    /// blocking the account on its own after a minute.
    pub fn release(&mut self, checked: PasswordChecked) {
        let _ = self.store.release_password_check(checked.account.id);
    }

    /// Records a failed check of `account` (counted when it began; may
    /// lock it) and returns the error to report. `detail` says what was
    /// wrong when it was not the password.
    fn fail_check(&mut self, account: &Account, detail: Option<&str>) -> Error {
        let failure = Event {
            detail: detail.map(str::to_string),
            ..self.event(EventKind::LoginFailed, "failure", &account.username)
        };
        let lockout = self.event(EventKind::Lockout, "success", &account.username);
        match self
            .store
            .record_login_failure(account.id, &self.settings, &failure, &lockout)
        {
            Ok(_) => Error::AuthenticationFailed,
            Err(e) => e,
        }
    }

    /// The second step of a check: an account with 2FA needs a right,
    /// unused authenticator code (one step of drift allowed) or one of its
    /// recovery codes; a wrong, reused or missing one fails like a wrong
    /// password. Spending it happens with the success.
    fn second_factor(
        &mut self,
        checked: PasswordChecked,
        code: Option<&str>,
    ) -> Result<(Account, Verified)> {
        let PasswordChecked {
            account,
            mut verified,
        } = checked;
        let Some(stored) = self.store.totp_of(account.id)? else {
            self.actor.get_or_insert_with(|| account.username.clone());
            return Ok((account, verified));
        };
        let factor = match code.map(str::trim) {
            Some(code) if totp::is_totp_code(code) => TotpSecret::from_base32(&stored.secret)?
                .matching_step(code, self.now())
                .filter(|step| stored.last_step.is_none_or(|last| *step > last))
                .map(SecondFactor::Totp),
            Some(code) => {
                let digest = totp::recovery_digest(code);
                self.store
                    .has_recovery_code(account.id, &digest)?
                    .then_some(SecondFactor::Recovery(digest))
            }
            None => None,
        };
        let Some(factor) = factor else {
            return Err(self.fail_check(&account, Some("wrong or reused code")));
        };
        verified.second_factor = Some(factor);
        self.actor.get_or_insert_with(|| account.username.clone());
        Ok((account, verified))
    }

    /// Resolves a token to its session, or says why it cannot be used.
    pub fn authenticate(&mut self, token: &SessionToken) -> Result<Session> {
        let Some((row, account)) = self.store.find_session(&token.digest())? else {
            return Err(Error::NotLoggedIn(
                "your session is no longer valid (it was revoked or ended); run `authctl login`"
                    .to_string(),
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
                "your session expired at {}; run `authctl login`",
                rfc3339(row.expires_at)
            )));
        }
        let idle_limit = row
            .last_used_at
            .saturating_add(self.settings.session_idle_secs);
        if idle_limit <= now {
            return Err(Error::NotLoggedIn(format!(
                "your session ended at {} after {}h without use; run `authctl login`",
                rfc3339(idle_limit),
                self.settings.session_idle_secs / 3600
            )));
        }
        if now - row.last_used_at >= TOUCH_INTERVAL_SECS {
            // A read-only database cannot record the use; reads must still
            // work there, so the idle clock simply keeps its last mark.
            match self.store.touch_session(row.id, now) {
                Ok(()) | Err(Error::ReadOnly) => {}
                Err(e) => return Err(e),
            }
        }
        self.actor = Some(account.username.clone());
        Ok(Session {
            id: row.id,
            account,
            created_at: row.created_at,
            expires_at: row.expires_at,
        })
    }

    /// Ends a session, or with `everywhere` every session of its account.
    pub fn logout(&mut self, session: &Session, everywhere: bool) -> Result<()> {
        let user = &session.account.username;
        if everywhere {
            self.revoke_all_sessions(&session.account)?;
        } else {
            let event = self.event(EventKind::Logout, "success", user);
            self.store.delete_session(session.id, &event)?;
        }
        Ok(())
    }

    /// Looks up an account by username.
    pub fn account(&self, username: &Username) -> Result<Account> {
        self.store
            .find_user(username)?
            .ok_or_else(|| Error::NoSuchUser(username.to_string()))
    }

    /// Counts an account's live sessions: not expired, not idle too long.
    pub fn active_sessions(&self, account: &Account) -> Result<i64> {
        self.store
            .count_active_sessions(account.id, self.now(), self.settings.session_idle_secs)
    }

    /// An account's live sessions, oldest first.
    pub fn sessions_of(&self, account: &Account) -> Result<Vec<SessionRow>> {
        self.store
            .active_sessions_of(account.id, self.now(), self.settings.session_idle_secs)
    }

    /// Revokes sessions by id, all or none, on behalf of `by`: an admin may
    /// revoke anyone's, anyone else only their own (another account's
    /// session is reported as missing). Returns each revoked id's account.
    pub fn revoke_sessions(&mut self, by: &Session, ids: &[i64]) -> Result<Vec<(i64, String)>> {
        let owner = (!by.is_admin()).then_some(by.account.id);
        let template = self.event_for(EventKind::SessionRevoked, "success");
        self.store
            .delete_sessions(ids, owner, |id, username| Event {
                target: Some(username.to_string()),
                detail: Some(format!("session {id}")),
                ..template.clone()
            })
    }

    /// Revokes every session of an account; returns how many there were.
    pub fn revoke_all_sessions(&mut self, account: &Account) -> Result<usize> {
        let event = Event {
            detail: Some("all sessions".to_string()),
            ..self.event(EventKind::SessionRevoked, "success", &account.username)
        };
        self.store.delete_sessions_of(account.id, &event)
    }

    /// Calls `f` with each account `filter` selects, in its order, with its
    /// count of live sessions, without loading them all.
    pub fn for_each_account(
        &self,
        filter: &AccountFilter,
        f: impl FnMut(Account, i64) -> Result<()>,
    ) -> Result<()> {
        self.store
            .for_each_user(filter, self.now(), self.settings.session_idle_secs, f)
    }

    /// Calls `f` with audit events newest first, optionally only those
    /// involving `user`, at most `limit`.
    pub fn for_each_event(
        &self,
        user: Option<&Username>,
        limit: Option<u32>,
        f: impl FnMut(EventRecord) -> Result<()>,
    ) -> Result<()> {
        self.store
            .for_each_event(user.map(Username::as_str), limit, f)
    }

    /// Changes an account's email and display name.
    pub fn update_details(
        &mut self,
        account: &Account,
        email: &DetailChange<Email>,
        name: &DetailChange<DisplayName>,
    ) -> Result<Account> {
        let event = self.event(EventKind::DetailsUpdated, "success", &account.username);
        self.store.update_details(account.id, email, name, &event)
    }

    /// Sets a new password (checked against the policy) and revokes every
    /// session of the account. `how` says whether the current password was
    /// given or an admin reset it (the audit event differs). When `rotate`
    /// is the caller's own session, it is replaced by a new one (same
    /// expiry) whose token is returned.
    pub fn set_password(
        &mut self,
        account: &Account,
        new_password: &Password,
        how: PasswordChange,
        rotate: Option<&Session>,
    ) -> Result<Option<NewSession>> {
        self.check_new_password(
            new_password,
            &account.username,
            account.email.as_deref(),
            account.name.as_deref(),
        )?;
        let hash = self.settings.hash.hash(new_password)?;
        let kind = match how {
            PasswordChange::WithCurrentPassword => EventKind::PasswordChanged,
            PasswordChange::AdminReset => EventKind::PasswordReset,
        };
        let event = self.event(kind, "success", &account.username);
        let token = rotate.map(|_| SessionToken::generate()).transpose()?;
        let digest = token.as_ref().map(SessionToken::digest);
        let replacement = rotate.zip(digest.as_deref()).map(|(s, d)| NewSessionRow {
            token_digest: d,
            expires_at: s.expires_at,
        });
        let new_id = self
            .store
            .set_password_hash(account.id, &hash, replacement, &event)?;
        Ok(match (token, new_id, rotate) {
            (Some(token), Some(id), Some(old)) => Some(NewSession {
                token,
                session: Session {
                    id,
                    created_at: event.at,
                    ..old.clone()
                },
            }),
            _ => None,
        })
    }

    /// Deletes an account and its sessions; the last admin cannot be deleted.
    /// The account's audit history is kept.
    pub fn delete(&mut self, account: &Account) -> Result<()> {
        let event = self.event(EventKind::AccountDeleted, "success", &account.username);
        self.store.delete_user(account.id, &event)
    }

    /// Gives an account a role; the last admin cannot be demoted.
    pub fn set_role(&mut self, account: &Account, role: Role) -> Result<()> {
        let event = Event {
            detail: Some(format!("{} -> {}", account.role.as_str(), role.as_str())),
            ..self.event(EventKind::RoleChanged, "success", &account.username)
        };
        self.store.set_role(account.id, role, &event)
    }

    /// Locks an account until an admin unlocks it and revokes its sessions
    /// (returns how many); the last admin cannot be locked.
    pub fn lock(&mut self, account: &Account, reason: Option<&LockReason>) -> Result<usize> {
        let reason = reason.map(LockReason::as_str);
        let event = Event {
            detail: reason.map(str::to_string),
            ..self.event(EventKind::AccountLocked, "success", &account.username)
        };
        self.store.lock_user(account.id, reason, &event)
    }

    /// Clears an admin lock, a timed lockout and the failure count
    /// (`faillock --reset`).
    pub fn unlock(&mut self, account: &Account) -> Result<()> {
        let event = self.event(EventKind::AccountUnlocked, "success", &account.username);
        self.store.unlock_user(account.id, &event)
    }
}

mod transfer;
mod two_factor;
pub use transfer::ImportPlan;

#[cfg(test)]
mod tests;
