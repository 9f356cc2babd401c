//! Exit codes: the contract scripts rely on, one per outcome.

use authctl::Error;

/// An error in how the command was called (exit 2), raised by the binary.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

/// The exit codes documented in the README and in `authctl --help`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Exit {
    Success = 0,
    Failure = 1,
    Usage = 2,
    AuthenticationFailed = 3,
    NotLoggedIn = 4,
    Busy = 5,
    NoSuchUser = 6,
    Locked = 7,
    PermissionDenied = 8,
    UserExists = 9,
    DatabaseUnusable = 10,
    InputRejected = 11,
}

impl Exit {
    /// The code for an error: that of the first error in its chain that we know.
    pub fn of(err: &anyhow::Error) -> Exit {
        for cause in err.chain() {
            if let Some(e) = cause.downcast_ref::<Error>() {
                return Exit::of_library(e);
            }
            if cause.downcast_ref::<UsageError>().is_some() {
                return Exit::Usage;
            }
        }
        Exit::Failure
    }

    /// The code for a library error.
    pub fn of_library(err: &Error) -> Exit {
        match err {
            Error::Invalid(_) => Exit::InputRejected,
            Error::AuthenticationFailed => Exit::AuthenticationFailed,
            Error::NotLoggedIn(_) => Exit::NotLoggedIn,
            Error::Busy => Exit::Busy,
            Error::NoSuchUser(_) | Error::NoSuchSession(_) => Exit::NoSuchUser,
            Error::Locked(_) => Exit::Locked,
            Error::PermissionDenied(_) => Exit::PermissionDenied,
            Error::UserExists(_) => Exit::UserExists,
            Error::DatabaseUnusable(_) => Exit::DatabaseUnusable,
            Error::Database(_) | Error::ReadOnly | Error::Io { .. } | Error::Internal(_) => {
                Exit::Failure
            }
        }
    }
}

impl From<Exit> for std::process::ExitCode {
    fn from(code: Exit) -> Self {
        std::process::ExitCode::from(code as u8)
    }
}
