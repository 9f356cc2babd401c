//! The account rules in one place. Every operation that acts for someone
//! takes who is acting (their [`Session`], or the proof of a password check
//! for the entry points open to anyone), checks what that actor may do,
//! names them in its audit event, and only then asks the store, which
//! decides nothing. One file per area:
//!
//! - `register`: creating accounts and the password policy;
//! - `check`: password checks (lockout, second factor, hash upgrades),
//!   login and verify;
//! - `session`: sessions, authenticating a token, logout and revocation;
//! - `manage`: viewing, updating, re-passwording and deleting an account;
//! - `admin`: roles, locks, settings, the account list and the audit log;
//! - `two_factor`, `transfer`: 2FA enrolment; import and export;
//! - `service`: checks for other programs through PAM.

mod admin;
mod check;
mod copy;
mod manage;
mod register;
mod second_factor;
mod service;
mod session;
mod transfer;
mod two_factor;

pub use check::PasswordChecked;
pub use copy::CopyReport;
pub use manage::PasswordChanged;
pub use second_factor::RefusedCode;
pub use service::ServiceRequest;
pub use session::{NewSession, Session};
pub use transfer::ImportPlan;

use crate::audit::{self, Event, EventKind, Outcome};
use crate::duration::{as_secs, format_secs};
use crate::error::{Error, Result};
use crate::model::{DatabaseStatus, Username};
use crate::settings::Settings;
use crate::store::postgres::PgStore;
use crate::store::postgres::config::Target;
use crate::store::sqlite::{OpenMode, SqliteStore};
use crate::store::{Store, StoreError};
use crate::time::{self, Timestamp};
use std::cell::OnceCell;
use std::path::Path;
use std::time::Duration;

/// The account service over one store: the library's entry point.
pub struct Accounts {
    store: Box<dyn Store>,
    settings: Settings,
    clock: fn() -> Timestamp,
    /// Seconds to add to `clock` to read the store's clock (0 for a store
    /// on this machine), measured when the store was opened: a command
    /// lasts seconds, and clocks drift far slower.
    skew: i64,
    /// Who acted, for audit events: looked up on the first event, so that
    /// a command that records none (`whoami`) reads no user database.
    os_user: OnceCell<String>,
    host: OnceCell<String>,
    /// The PAM request this service answers, named in each audit event
    /// (see [`Accounts::answering`]).
    origin: Option<String>,
}

impl Accounts {
    /// Opens the SQLite database at `path` with the settings stored in it.
    /// A missing file is [`Error::NoDatabase`] with [`OpenMode::Existing`]
    /// and is created (mode 0600; its directory must exist) with
    /// [`OpenMode::CreateIfMissing`]. A file that is not an authctl database, or whose schema or
    /// settings this build cannot use, is [`Error::DatabaseUnusable`] and is
    /// left untouched. A database that cannot be written is opened for
    /// reading; writes then fail with [`Error::ReadOnly`].
    pub fn open(path: &Path, mode: OpenMode) -> Result<Accounts> {
        Accounts::over(Box::new(SqliteStore::open(path, mode)?))
    }

    /// Connects to the PostgreSQL database at `url` (`postgres://` or
    /// `postgresql://`, the syntax psql accepts), completed as psql would
    /// from the `PGHOST`, `PGPORT`, `PGUSER`, `PGDATABASE` and
    /// `PGCONNECT_TIMEOUT` variables and the password file (`PGPASSFILE` or
    /// `~/.pgpass`, refused if others may read it), with the settings stored
    /// there. Errors name the server and database, never a password; a
    /// server that cannot be reached within the connect timeout (10 s
    /// unless set), a failed login or a missing database is
    /// [`Error::DatabaseUnusable`].
    pub fn connect(url: &str) -> Result<Accounts> {
        let target = Target::from_url(url, &|name| std::env::var(name).ok())?;
        Accounts::over(Box::new(PgStore::connect(&target)?))
    }

    /// Connects to the PostgreSQL database at `url` for checks made for
    /// other programs (PAM), with the variables read from `var` instead of
    /// the environment (`HOME` locates `~/.pgpass`): the URL must name the
    /// user and the database, and a server reached over TCP must be
    /// verified (`sslmode=verify-full`), else [`Error::Invalid`].
    pub fn connect_for_service(
        url: &str,
        var: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Accounts> {
        let target = Target::for_service(url, var)?;
        Accounts::over(Box::new(PgStore::connect(&target)?))
    }

    /// A private database in memory, gone when dropped: for tests and tools.
    pub fn open_in_memory() -> Result<Accounts> {
        Accounts::over(Box::new(SqliteStore::open_in_memory()?))
    }

    /// The service over `store`, with the settings stored there applied
    /// over the defaults.
    fn over(store: Box<dyn Store>) -> Result<Accounts> {
        // A stored value this build refuses makes the file unusable; a busy
        // or unreadable database keeps its own kind (and exit code).
        let settings = Settings::DEFAULT
            .with_stored(store.stored_settings()?)
            .map_err(|e| match e {
                Error::Invalid(reason) => {
                    Error::DatabaseUnusable(format!("the stored settings are not usable: {reason}"))
                }
                other => other,
            })?;
        let clock: fn() -> Timestamp = time::now;
        let skew = skew(&*store, clock)?;
        Ok(Accounts {
            store,
            settings,
            clock,
            skew,
            os_user: OnceCell::new(),
            host: OnceCell::new(),
            origin: None,
        })
    }

    /// Replaces the clock, for this service only: a hook for tests of
    /// expiry, lockout and codes, not public (a program that could set the
    /// clock could bring sessions back and skip lockouts).
    #[cfg(test)]
    pub(crate) fn with_clock(mut self, clock: fn() -> Timestamp) -> Self {
        self.clock = clock;
        self.skew = skew(&*self.store, clock).unwrap_or_else(|e| panic!("{e}"));
        self
    }

    /// What the database is and holds: backend, location (never a
    /// password), schema version, counts. Open to anyone who can open it:
    /// it names no account.
    pub fn status(&self) -> Result<DatabaseStatus> {
        Ok(self.store.describe()?)
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

    /// Now, by the store's clock where it has one (see [`Clock`](crate::store::Clock)).
    fn now(&self) -> Timestamp {
        (self.clock)().saturating_add(self.skew)
    }

    /// A successful event now, by `actor`, on `target`.
    fn event(&self, kind: EventKind, actor: Option<&Username>, target: &Username) -> Event {
        Event {
            target: Some(target.to_string()),
            ..self.event_by(kind, actor)
        }
    }

    /// A successful event now, by `actor`, with no target yet.
    fn event_by(&self, kind: EventKind, actor: Option<&Username>) -> Event {
        Event {
            at: self.now(),
            kind,
            outcome: Outcome::Success,
            actor: actor.map(Username::to_string),
            target: None,
            os_user: self.os_user.get_or_init(audit::current_os_user).clone(),
            host: self.host.get_or_init(audit::current_host).clone(),
            detail: self.origin.clone(),
        }
    }
}

/// How far `store`'s clock is ahead of `clock`.
fn skew(store: &dyn Store, clock: fn() -> Timestamp) -> Result<i64> {
    Ok(match store.server_now()? {
        Some(server) => server.saturating_sub(clock()),
        None => 0,
    })
}

/// What each store outcome means to a person, where the operation had
/// nothing more specific to say.
impl From<StoreError> for Error {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::UsernameTaken(name) => Error::UserExists(name.to_string()),
            StoreError::NoSuchAccount(id) => Error::NoSuchUser(format!("#{id}")),
            StoreError::NoSuchSession(id) => Error::NoSuchSession(id.to_string()),
            e @ StoreError::LastAdmin { .. } => manage::last_admin(e, "change"),
            StoreError::Stale => Error::AuthenticationFailed,
            StoreError::AdminLocked => {
                Error::Locked("the account is locked by an administrator".to_string())
            }
            StoreError::TwoFactorAlreadyOn => Error::Invalid(
                "two-factor authentication is already on for this account".to_string(),
            ),
            StoreError::NotEmpty => Error::Invalid(
                "the target database already has accounts; copy only into an empty one".to_string(),
            ),
            StoreError::Failed(e) => e,
        }
    }
}

#[cfg(test)]
mod tests;
