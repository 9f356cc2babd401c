//! The library's error type: one variant per outcome a caller may branch on.

use std::io;
use std::path::PathBuf;

/// Result with the library's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in the library. The variants are kinds a
/// caller acts on differently (the binary maps each to an exit code); the
/// message is meant for a person and never contains a secret.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Input that breaks a rule: a bad username, email, name or duration, a
    /// weak or mismatched password, removing the last admin.
    #[error("{0}")]
    Invalid(String),
    /// Wrong username or password. Deliberately does not say which.
    #[error("incorrect username or password")]
    AuthenticationFailed,
    /// No usable session: missing, unreadable, insecure, expired or revoked.
    #[error("{0}")]
    NotLoggedIn(String),
    /// The account is locked; the message says until when.
    #[error("{0}")]
    Locked(String),
    /// The database stayed locked by another process past the busy timeout.
    #[error("the database is busy (another authctl is writing to it); try again")]
    Busy,
    /// The named account does not exist.
    #[error("no such user: {0}")]
    NoSuchUser(String),
    /// No such session (or not one the caller may see).
    #[error("no such session: {0}")]
    NoSuchSession(String),
    /// The caller's session may not do this.
    #[error("{0}")]
    PermissionDenied(String),
    /// The username is taken.
    #[error("user {0} already exists")]
    UserExists(String),
    /// There is no database file at this path (and it was not to be
    /// created): a mistyped path, or no account registered yet.
    #[error("no account database at {}", .0.display())]
    NoDatabase(PathBuf),
    /// The database file cannot be used: not ours, newer schema, or corrupt.
    #[error("{0}")]
    DatabaseUnusable(String),
    /// The database file (or its directory) cannot be written.
    #[error("the database is read-only (check the permissions of the file and its directory)")]
    ReadOnly,
    /// Any other failure of the database.
    #[error("database error: {0}")]
    Database(Box<dyn std::error::Error + Send + Sync>),
    /// A file-system failure; the message names the file. The OS error is
    /// its [`source`](std::error::Error::source), not repeated in the
    /// message: printed with its chain (anyhow's `{:#}`) it appears once.
    #[error("{context}")]
    Io {
        /// What was being done, naming the file.
        context: String,
        /// The underlying error.
        source: io::Error,
    },
    /// A bug or an environment failure that a user cannot fix by changing input.
    #[error("internal error: {0}")]
    Internal(String),
}

impl Error {
    /// Wraps an I/O error with a description of what was being done.
    pub fn io(context: impl Into<String>, source: io::Error) -> Self {
        Error::Io {
            context: context.into(),
            source,
        }
    }
}
