//! Exit codes: the contract scripts rely on, one per outcome.

use authctl::Error;

/// An error in how the command was called (exit 2), raised by the binary.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

/// The person cancelled a prompt (Ctrl-C or Ctrl-D): exit 130, as a shell
/// reports a command stopped by Ctrl-C.
#[derive(Debug, thiserror::Error)]
#[error("cancelled")]
pub struct Cancelled;

/// Declares [`Exit`] and the help text listing it from one list, so the
/// two cannot disagree. The text is made at compile time: `--help`'s table
/// costs nothing on any other run.
macro_rules! exit_codes {
    ($($name:ident = $code:literal $pad:literal $meaning:literal,)*) => {
        /// The exit codes documented in the README and in `authctl --help`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        #[repr(u8)]
        pub enum Exit {
            $($name = $code,)*
        }

        /// The "Exit codes:" section of `authctl --help`: a line per code
        /// (a long meaning wrapped under itself to fit 80 columns).
        pub const HELP_TABLE: &str =
            concat!("Exit codes:", $("\n  ", stringify!($code), $pad, $meaning,)*);
    };
}

exit_codes! {
    Success = 0 "   " "success",
    Failure = 1 "   " "unexpected error (I/O, internal)",
    Usage = 2 "   " "usage (bad arguments, or a password needed with no terminal)",
    AuthenticationFailed = 3 "   " "authentication failed",
    NotLoggedIn = 4 "   " "not logged in / session expired, revoked or unusable",
    Busy = 5 "   " "database busy",
    NoSuchUser = 6 "   " "no such user or session",
    Locked = 7 "   " "account locked or disabled",
    PermissionDenied = 8 "   " "permission denied",
    UserExists = 9 "   " "user already exists",
    DatabaseUnusable = 10 "  " "database missing or unusable (not authctl's, a newer schema, corrupt)",
    InputRejected = 11 "  " "input rejected (invalid username, email, name or duration; weak or\n      mismatched password; last admin)",
    Cancelled = 130 " " "cancelled at a prompt (Ctrl-C or Ctrl-D); nothing was changed",
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
            if cause.downcast_ref::<Cancelled>().is_some() {
                return Exit::Cancelled;
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
            Error::DatabaseUnusable(_) | Error::NoDatabase(_) => Exit::DatabaseUnusable,
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
