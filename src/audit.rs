//! The audit log: who did what to which account, when, from which OS user,
//! and whether it worked. Never a password, a token or a token hash.

use crate::time::Timestamp;

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    /// An account was created.
    Register,
    /// A password check succeeded and a session was opened.
    Login,
    /// A password check failed (or was refused while locked).
    LoginFailed,
    /// `verify` found the password correct (no session was opened).
    PasswordVerified,
    /// Too many failures locked the account.
    Lockout,
    /// A session was ended by its holder.
    Logout,
    /// Sessions were revoked (all of an account's, or one by an admin).
    SessionRevoked,
    /// A password was changed with the current password.
    PasswordChanged,
    /// An admin set another account's password.
    PasswordReset,
    /// Email or name changed.
    DetailsUpdated,
    /// An account was deleted.
    AccountDeleted,
    /// An admin changed an account's role.
    RoleChanged,
    /// An admin locked an account.
    AccountLocked,
    /// An admin cleared an account's locks and failure count.
    AccountUnlocked,
    /// An admin changed a setting.
    SettingChanged,
    /// Accounts were imported from a file.
    Import,
    /// Accounts were exported (the detail says whether with hashes).
    Export,
    /// Two-factor login was turned on.
    TwoFactorEnabled,
    /// Two-factor login was turned off by the account's owner.
    TwoFactorDisabled,
    /// An admin turned someone's two-factor login off.
    TwoFactorReset,
    /// A new set of recovery codes replaced the old.
    RecoveryCodesRegenerated,
    /// The whole database was copied to another (the detail says where).
    DatabaseCopied,
}

impl EventKind {
    /// The name stored and shown.
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Register => "register",
            EventKind::Login => "login",
            EventKind::LoginFailed => "login_failed",
            EventKind::PasswordVerified => "password_verified",
            EventKind::Lockout => "lockout",
            EventKind::Logout => "logout",
            EventKind::SessionRevoked => "session_revoked",
            EventKind::PasswordChanged => "password_changed",
            EventKind::PasswordReset => "password_reset",
            EventKind::DetailsUpdated => "details_updated",
            EventKind::AccountDeleted => "account_deleted",
            EventKind::RoleChanged => "role_changed",
            EventKind::AccountLocked => "account_locked",
            EventKind::AccountUnlocked => "account_unlocked",
            EventKind::SettingChanged => "setting_changed",
            EventKind::Import => "import",
            EventKind::Export => "export",
            EventKind::TwoFactorEnabled => "two_factor_enabled",
            EventKind::TwoFactorDisabled => "two_factor_disabled",
            EventKind::TwoFactorReset => "two_factor_reset",
            EventKind::RecoveryCodesRegenerated => "recovery_codes_regenerated",
            EventKind::DatabaseCopied => "database_copied",
        }
    }
}

/// How the action an event records ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// It was done.
    Success,
    /// It was tried and failed (a wrong password or code).
    Failure,
    /// It was refused without checking: the account is locked.
    Locked,
}

impl Outcome {
    /// The name stored and shown.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Success => "success",
            Outcome::Failure => "failure",
            Outcome::Locked => "locked",
        }
    }
}

/// One audit record, as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Event {
    /// When.
    pub at: Timestamp,
    /// What.
    pub kind: EventKind,
    /// How it ended.
    pub outcome: Outcome,
    /// The account that acted, if one was authenticated.
    pub actor: Option<String>,
    /// The account acted on (kept as text so history survives deletion).
    pub target: Option<String>,
    /// The operating-system user that ran authctl.
    pub os_user: String,
    /// The host it ran on (several share a PostgreSQL database).
    pub host: String,
    /// What changed, where the event alone does not say: a setting's new
    /// value, a new role, a lock's reason. Never a secret.
    pub detail: Option<String>,
}

/// One audit record, as read back. The event and outcome stay text: the
/// log keeps what any version of authctl wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventRecord {
    /// When.
    pub at: Timestamp,
    /// What (see [`EventKind::as_str`]).
    pub event: String,
    /// How it ended (see [`Outcome::as_str`]).
    pub outcome: String,
    /// Who acted.
    pub actor: Option<String>,
    /// On whom.
    pub target: Option<String>,
    /// Which OS user ran authctl.
    pub os_user: String,
    /// On which host (none for events written before hosts were recorded).
    pub host: Option<String>,
    /// What changed, where the event alone does not say: a setting's new
    /// value, a new role, a lock's reason. Never a secret.
    pub detail: Option<String>,
}

/// This machine's host name, as `hostname` prints it (`unknown` if it
/// has none that is text).
pub(crate) fn current_host() -> String {
    nix::unistd::gethostname()
        .ok()
        .and_then(|name| name.into_string().ok())
        .unwrap_or_else(|| "unknown".to_string())
}

/// The name of the operating-system user running this process, from the
/// password database by real uid (not from `$USER`, which anyone can set);
/// `uid N` when the uid has no entry.
pub(crate) fn current_os_user() -> String {
    let uid = nix::unistd::getuid();
    match nix::unistd::User::from_uid(uid) {
        Ok(Some(user)) => user.name,
        _ => format!("uid {uid}"),
    }
}
