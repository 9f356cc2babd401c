//! authctl's library: user accounts with Argon2id passwords, sessions,
//! lockout, two-factor login and an audit log, kept in a SQLite database.
//!
//! Nothing here prints, prompts or parses a command line; the `authctl`
//! binary is one front end and another Rust program can be the next. The
//! entry point is [`Accounts`]. Every operation that acts for someone takes
//! who is acting — their [`Session`], or the proof of a password check — and
//! enforces what that actor may do itself, so a program using this crate
//! cannot skip a rule the command line keeps.
//!
//! ```
//! use authctl::{Accounts, Details, Password, Role, Username};
//! use std::time::Duration;
//!
//! # fn main() -> authctl::Result<()> {
//! let mut accounts = Accounts::open_in_memory()?;
//! let alice = Username::parse("alice")?;
//! let password = Password::from("violet tractor mangoes sing");
//!
//! // Anyone may register while registration is open; the first account is
//! // the admin.
//! let account = accounts.register(None, &alice, &Details::default(), &password, Role::User)?;
//! assert_eq!(account.role, Role::Admin);
//!
//! // A login is two steps: the password, then (for an account with
//! // two-factor login) a code.
//! let checked = accounts.check_first_factor(None, &alice, &password)?;
//! assert!(!checked.needs_code());
//! let new = accounts.login(checked, None, Duration::from_secs(3600), None)?;
//!
//! // The token is handed to the user once; later it opens the session.
//! let session = accounts.authenticate(&new.token)?;
//! assert_eq!(session.username(), &alice);
//! assert!(session.is_admin());
//! # Ok(())
//! # }
//! ```

mod accounts;
mod audit;
mod duration;
pub mod echo;
mod error;
pub mod import;
mod lockout;
mod model;
mod password;
mod policy;
mod settings;
mod store;
pub mod time;
mod token;
pub mod totp;

pub use accounts::{
    Accounts, CopyReport, ImportPlan, NewSession, PasswordChanged, PasswordChecked, RefusedCode,
    ServiceRequest, Session,
};
pub use audit::{EventKind, EventRecord, Outcome};
pub use duration::parse_duration;
pub use error::{Error, Result};
pub use model::{
    Account, AccountFilter, AccountSort, AccountStatus, AdminLock, DatabaseStatus, DetailChange,
    Details, DisplayName, Email, LockReason, Role, SessionId, SessionInfo, Username,
    escape_for_terminal, escaped_prefix, is_unsafe_char,
};
pub use password::{HashParams, Password};
pub use settings::{Registration, SettingKey, SettingValue, Settings};
pub use store::postgres::config::{is_postgres_url, url_has_password};
pub use store::sqlite::OpenMode;
pub use token::SessionToken;

#[cfg(test)]
mod properties;

/// Parsers that are not public, for the fuzz targets under `fuzz/` only
/// (cargo-fuzz builds with `--cfg fuzzing`).
#[cfg(fuzzing)]
#[doc(hidden)]
pub mod fuzzing {
    /// Whether `code` looks like an authenticator code (six digits).
    pub fn is_totp_code(code: &str) -> bool {
        crate::totp::is_totp_code(code)
    }

    /// The digest a recovery code is stored as.
    pub fn recovery_digest(code: &str) -> Vec<u8> {
        crate::totp::recovery_digest(code)
    }

    /// Why an imported hash (an htpasswd, CSV or JSONL `password_hash`) is
    /// refused, if it is.
    pub fn check_importable_hash(hash: &str) -> Result<(), String> {
        crate::password::check_importable_hash(hash)
    }

    /// An import file's lines, numbered from 1, split as the importer
    /// splits them (at `\r\n`, `\n` or a lone `\r`).
    pub fn lines(text: &str) -> Vec<(usize, &str)> {
        crate::import::numbered_lines(text).collect()
    }

    /// Checks a password against a stored hash, as a login does.
    pub fn verify(password: &str, stored: &str) -> crate::Result<bool> {
        crate::password::verify(&password.into(), stored)
    }
}
