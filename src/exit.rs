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

/// The exit codes, listed: the one source of the table in `authctl --help`
/// (which a test compares with the README's).
impl Exit {
    /// Every code, in order.
    pub const ALL: [Exit; 12] = [
        Exit::Success,
        Exit::Failure,
        Exit::Usage,
        Exit::AuthenticationFailed,
        Exit::NotLoggedIn,
        Exit::Busy,
        Exit::NoSuchUser,
        Exit::Locked,
        Exit::PermissionDenied,
        Exit::UserExists,
        Exit::DatabaseUnusable,
        Exit::InputRejected,
    ];

    /// What the code means, in a few words.
    pub fn meaning(self) -> &'static str {
        match self {
            Exit::Success => "success",
            Exit::Failure => "unexpected error (I/O, internal)",
            Exit::Usage => "usage (bad arguments, or a password needed with no terminal)",
            Exit::AuthenticationFailed => "authentication failed",
            Exit::NotLoggedIn => "not logged in / session expired, revoked or unusable",
            Exit::Busy => "database busy",
            Exit::NoSuchUser => "no such user or session",
            Exit::Locked => "account locked or disabled",
            Exit::PermissionDenied => "permission denied",
            Exit::UserExists => "user already exists",
            Exit::DatabaseUnusable => {
                "database unusable (not an authctl database, newer schema, corrupt)"
            }
            Exit::InputRejected => {
                "input rejected (invalid username, email, name or duration; \
                 weak or mismatched password; last admin)"
            }
        }
    }
}

/// The "Exit codes:" section of `authctl --help`: a line per code, a long
/// meaning wrapped under itself to fit 80 columns.
pub fn help_table() -> String {
    const WIDTH: usize = 80;
    let mut table = String::from("Exit codes:");
    for exit in Exit::ALL {
        let mut line = format!("  {:<2}", exit as u8);
        for word in exit.meaning().split(' ') {
            if line.len() + 1 + word.len() > WIDTH {
                table.push('\n');
                table.push_str(&line);
                line = " ".repeat(4);
            }
            line.push(' ');
            line.push_str(word);
        }
        table.push('\n');
        table.push_str(&line);
    }
    table
}
