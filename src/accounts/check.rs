//! Password checks, the way into every account: counted toward a lockout
//! before their outcome is read, an unknown name costing what a wrong
//! password costs, a second factor for accounts that have one, and the
//! success recorded only if nothing changed meanwhile. `login` and `verify` finish a check.

use super::{Accounts, NewSession, Session};
use crate::audit::{Event, EventKind, Outcome};
use crate::error::{Error, Result};
use crate::lockout::Refusal;
use crate::model::{Account, Username, escaped_prefix};
use crate::password::{self, Password};
use crate::store::{NewSessionRow, PasswordProof, SecondFactorProof, StoreError};
use crate::time::rfc3339;
use crate::token::SessionToken;
use std::time::{Duration, Instant};

/// How long a password check waits for the checks already running on the
/// same account (at the lockout threshold) to end.
const IN_FLIGHT_WAIT: Duration = Duration::from_secs(20);
/// How often it looks.
const IN_FLIGHT_POLL: Duration = Duration::from_millis(20);

/// A password that matched: the hash it matched and, if that hash is
/// outdated, its replacement.
pub(super) struct Verified {
    hash: String,
    upgraded: Option<String>,
    pub(super) second_factor: Option<SecondFactor>,
}

/// A second factor that was right, to be spent with the success.
pub(super) enum SecondFactor {
    /// An authenticator code for this step.
    Totp(i64),
    /// A recovery code with this digest.
    Recovery(Vec<u8>),
}

impl Verified {
    /// What the store needs to record this check's success.
    pub(super) fn proof<'a>(&'a self, account: &Account) -> PasswordProof<'a> {
        PasswordProof {
            account: account.id,
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
/// has one) is still to be checked: pass it, with the code, to the
/// operation it was checked for ([`Accounts::login`], [`Accounts::verify`],
/// [`Accounts::change_password`], ...), or give it back with
/// [`Accounts::release`]. Only [`Accounts::check_first_factor`] makes one.
pub struct PasswordChecked {
    pub(super) account: Account,
    pub(super) verified: Verified,
    /// Who asked for the check, if a session did: named in the audit
    /// event if it fails.
    pub(super) actor: Option<Username>,
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

impl Accounts {
    /// Checks a username and password, the first step of every login,
    /// `verify` and password check: counted toward a lockout before its
    /// outcome is read (the count is committed while the password hashes);
    /// an unknown username costs the same time as a wrong password and
    /// fails the same way; an account found locked is refused without
    /// hashing. The success (with any hash upgrade) is recorded by the
    /// second step, in the transaction that acts on it.
    ///
    /// `by` is the caller's session when a logged-in user checks a password
    /// (their own, to change it, or another's); the audit log names them on
    /// a failure. Logins and `verify` pass `None`.
    pub fn check_first_factor(
        &mut self,
        by: Option<&Session>,
        username: &Username,
        password: &Password,
    ) -> Result<PasswordChecked> {
        let actor = by.map(|s| self.acting(s)).transpose()?;
        let actor = actor.as_ref().map(Session::username);
        let Some((account, hash)) = self.store.find_credentials(username)? else {
            self.settings.hash.verify_dummy(password);
            let event = Event {
                outcome: Outcome::Failure,
                ..self.event(EventKind::LoginFailed, actor, username)
            };
            self.store.record_event(&event)?;
            return Err(Error::AuthenticationFailed);
        };
        let now = self.now();
        let looks_locked =
            account.admin_lock.is_some() || account.locked_until.is_some_and(|until| until > now);
        let matched = match looks_locked {
            // Refused without hashing, as before.
            true => None,
            false => self.hash_while_counting(&account, password, &hash),
        };
        let matched = match matched {
            Some(Ok(Ok(matched))) => matched,
            Some(Ok(Err(refusal))) => return Err(self.refuse_check(username, actor, refusal)),
            Some(Err(e)) => return Err(e),
            None => {
                if let Some(refusal) = self.begin_check(&account)? {
                    return Err(self.refuse_check(username, actor, refusal));
                }
                password::verify(password, &hash)?
            }
        };
        if !matched {
            return Err(self.fail_check(&account, actor, None));
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
            actor: actor.cloned(),
        })
    }

    /// Counts a check of `account` ([`Accounts::begin_check`]) while
    /// `password` is checked against `hash` on a thread pool of one thread
    /// per lane of the hash, at most one per core (the lanes are computed
    /// in parallel; more threads than cores would only take turns): the
    /// count's commit waits on the disk, the hash on the CPU, so a login
    /// takes the longer of the two rather than their sum. The hash's
    /// outcome is looked at only once the count is in, so every check
    /// still counts toward a lockout before anyone learns whether it
    /// matched, and a refused check's outcome is dropped unread. `None` if
    /// no thread could be started: the caller then does both in turn.
    fn hash_while_counting(
        &mut self,
        account: &Account,
        password: &Password,
        hash: &str,
    ) -> Option<Result<std::result::Result<bool, Refusal>>> {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(password::lanes(hash).clamp(1, password::cores()))
            .build()
            .ok()?;
        let mut verified = None;
        let mut began = None;
        pool.in_place_scope(|scope| {
            scope.spawn(|_| verified = Some(password::verify(password, hash)));
            began = Some(self.begin_check(account));
        });
        // Both ran: the scope ends only when its spawned work has.
        let (began, verified) = (began?, verified?);
        Some(match began {
            Err(e) => Err(e),
            Ok(Some(refusal)) => Ok(Err(refusal)),
            Ok(None) => verified.map(Ok),
        })
    }

    /// Refuses a login for a name no account can have (not a valid
    /// username), exactly as for an unknown user: the same time, the same
    /// error, and a `login_failed` event naming what was typed (escaped,
    /// and cut to 64 characters). Returns the error to report.
    pub fn refuse_login(&mut self, typed: &str, password: &Password) -> Error {
        self.settings.hash.verify_dummy(password);
        let shown = escaped_prefix(typed, 64);
        let event = Event {
            target: Some(shown),
            outcome: Outcome::Failure,
            ..self.event_by(EventKind::LoginFailed, None)
        };
        match self.store.record_event(&event) {
            Ok(()) => Error::AuthenticationFailed,
            Err(e) => e.into(),
        }
    }

    /// Completes a login: checks the second factor, if any, and opens a
    /// session of `ttl` for the account. `replacing` is the token the
    /// caller held before; that session is revoked.
    pub fn login(
        &mut self,
        checked: PasswordChecked,
        code: Option<&str>,
        ttl: Duration,
        replacing: Option<&SessionToken>,
    ) -> Result<NewSession> {
        let checked = self.second_factor(checked, code)?;
        let username = &checked.account.username;
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
            detail: matches!(
                checked.verified.second_factor,
                Some(SecondFactor::Recovery(_))
            )
            .then(|| "with a recovery code".to_string()),
            ..self.event(EventKind::Login, Some(username), username)
        };
        let proof = checked.verified.proof(&checked.account);
        let opened = self.store.open_session(&proof, row, old.as_deref(), &event);
        let id = self.settle(&checked, opened)?;
        let account = checked.account;
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
                token_digest: digest,
            },
        })
    }

    /// Checks a password (and code) without opening a session (`htpasswd
    /// -v`): the same lockout, upgrade and audit rules as a login, recorded
    /// as `password_verified` when it matches.
    pub fn verify(&mut self, checked: PasswordChecked, code: Option<&str>) -> Result<Account> {
        let account = self.check_password(checked, code)?;
        let user = &account.username;
        let event = self.event(EventKind::PasswordVerified, Some(user), user);
        self.store.record_event(&event)?;
        Ok(account)
    }

    /// The second step of a check that opens nothing: the code, if the
    /// account needs one, and the success recorded.
    pub(super) fn check_password(
        &mut self,
        checked: PasswordChecked,
        code: Option<&str>,
    ) -> Result<Account> {
        let checked = self.second_factor(checked, code)?;
        let recorded = self
            .store
            .record_check_success(&checked.verified.proof(&checked.account));
        self.settle(&checked, recorded)?;
        Ok(checked.account)
    }

    /// Abandons a check after its first step (the caller stopped before
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

    /// Records a check refused before it ran (the account is locked) and
    /// returns the error to report.
    pub(super) fn refuse_check(
        &mut self,
        username: &Username,
        actor: Option<&Username>,
        refusal: Refusal,
    ) -> Error {
        let event = Event {
            outcome: Outcome::Locked,
            ..self.event(EventKind::LoginFailed, actor, username)
        };
        if let Err(e) = self.store.record_event(&event) {
            return e.into();
        }
        Error::Locked(match refusal {
            Refusal::LockedByAdmin => format!("account {username} is locked by an administrator"),
            Refusal::LockedUntil(until) => format!(
                "account {username} is locked until {} after too many failed password attempts",
                rfc3339(until)
            ),
            Refusal::TooManyAttempts => format!(
                "account {username} is locked: too many password attempts at once; try again shortly"
            ),
        })
    }

    /// Counts a password check of `account` as it starts, or says why it
    /// may not. While as many checks as the threshold are running at once,
    /// a new one waits for them to end (as for a busy database), up to
    /// [`IN_FLIGHT_WAIT`]: if they fail the account locks and this one is
    /// refused; if one succeeds the count resets and this one runs. So
    /// parallel guesses get no more than the threshold, and parallel right
    /// passwords all get in.
    pub(super) fn begin_check(&mut self, account: &Account) -> Result<Option<Refusal>> {
        let started = Instant::now();
        let settings = self.settings;
        let now = self.now();
        let step = |before: crate::lockout::FailedLogins| match before.refusal(&settings, now) {
            Some(refusal) => Err(refusal),
            None => Ok(before.started(now)),
        };
        loop {
            let refusal = self.store.begin_password_check(account.id, &step)?;
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
    pub(super) fn settle<T>(
        &mut self,
        checked: &PasswordChecked,
        written: std::result::Result<T, StoreError>,
    ) -> Result<T> {
        match written {
            Err(StoreError::Stale) => Err(self.fail_check(
                &checked.account,
                checked.actor.as_ref(),
                Some("code already used, or 2FA turned on meanwhile"),
            )),
            other => Ok(other?),
        }
    }

    /// Records a failed check of `account` (counted when it began; may
    /// lock it) and returns the error to report. `detail` says what was
    /// wrong when it was not the password.
    pub(super) fn fail_check(
        &mut self,
        account: &Account,
        actor: Option<&Username>,
        detail: Option<&str>,
    ) -> Error {
        let user = &account.username;
        let failure = Event {
            detail: self.with_origin(detail),
            outcome: Outcome::Failure,
            ..self.event(EventKind::LoginFailed, actor, user)
        };
        let lockout = self.event(EventKind::Lockout, actor, user);
        let settings = self.settings;
        let now = failure.at;
        let step = |before: crate::lockout::FailedLogins| before.after_failure(&settings, now);
        match self
            .store
            .record_check_failure(account.id, &step, &failure, &lockout)
        {
            Ok(_) => Error::AuthenticationFailed,
            Err(e) => e.into(),
        }
    }
}
