//! Command-line interface: global flags and one subcommand enum. The `///`
//! comments are the help text.

use authctl::{AccountSort, Role, SettingKey};
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// The heading of the options every subcommand takes, in each one's help.
const GLOBAL: &str = "Global options";

/// Manage user accounts in a SQLite file or a shared PostgreSQL database.
///
/// Passwords are read from hidden prompts, or one per line from standard
/// input with --password-stdin; never from arguments or the environment.
#[derive(Debug, Parser)]
#[command(name = "authctl", version, after_help = crate::exit::HELP_TABLE)]
pub struct Cli {
    /// Account database [default: ~/.local/share/authctl/users.db]
    #[arg(long, global = true, env = "AUTHCTL_DB", value_name = "PATH", help_heading = GLOBAL)]
    pub db: Option<PathBuf>,

    /// Directory of the session token file [default: ~/.config/authctl]
    #[arg(long, global = true, env = "AUTHCTL_CONFIG_DIR", value_name = "DIR", help_heading = GLOBAL)]
    pub config_dir: Option<PathBuf>,

    /// Print machine-readable JSON on stdout
    #[arg(long, global = true, help_heading = GLOBAL)]
    pub json: bool,

    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands. Each one's arguments are defined only when it is the
/// one invoked (or when help, completions or man pages need them all): a
/// command does not pay at every start for building the other thirty.
/// So the structs of arguments below carry `//` comments, not doc
/// comments: a deferred struct's doc comment would replace the
/// subcommand's description in its help.
#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum Command {
    /// Create an account (the first account ever created is an admin)
    Register(RegisterArgs),
    /// Log in and save a session token in the config directory
    Login(LoginArgs),
    /// End the current session and remove the token file
    Logout(LogoutArgs),
    /// Print the logged-in username
    Whoami,
    /// Change a password (yours, or as an admin anyone's)
    Passwd(PasswdArgs),
    /// Show an account's details
    Show(ShowArgs),
    /// List accounts (admin)
    List(ListArgs),
    /// Change an account's email or display name
    Update(UpdateArgs),
    /// Delete an account and all its sessions
    Delete(DeleteArgs),
    /// Check a password without logging in (like `htpasswd -v`): exit 0, 3
    /// or 7
    #[command(after_help = "\
Exit codes:
  0  the password is right
  3  it is wrong (or there is no such user: the same answer)
  7  the account is locked (wrong passwords count toward the lock)")]
    Verify(VerifyArgs),
    /// Show the audit log, newest first (admin)
    Log(LogArgs),
    /// Make an account an admin or a user (admin)
    Role(RoleArgs),
    /// Lock an account until unlocked and revoke its sessions (admin)
    Lock(LockArgs),
    /// Clear an account's lock, timed lockout and failed-login count (admin)
    Unlock(UnlockArgs),
    /// Import accounts from an htpasswd, CSV or JSON Lines file (admin)
    Import(ImportArgs),
    /// Write every account to stdout as JSON Lines or CSV (admin)
    Export(ExportArgs),
    /// List sessions (yours, or as an admin anyone's), or revoke them
    Sessions(SessionsArgs),
    /// Two-factor login with an authenticator app (TOTP)
    #[command(name = "2fa", subcommand)]
    TwoFactor(TwoFactorCommand),
    /// Show or change settings stored in the database (admin)
    #[command(subcommand)]
    Config(ConfigCommand),
    /// The account database itself: where it is, its schema, its size
    #[command(subcommand)]
    Db(DbCommand),
    /// Check a login for another service, run by PAM's pam_exec module
    /// (see README, "Logging in to other services")
    #[command(after_help = "\
Reads the user from PAM_USER, the service from PAM_SERVICE and the remote
host from PAM_RHOST, as pam_exec sets them; `auth` reads the password from
standard input as pam_exec's expose_authtok writes it. The database must be
given with --db on the command line: the environment pam_exec passes can
come from the user logging in, so AUTHCTL_DB and PG* variables are ignored.
Prints nothing on stdout; a refusal is one line on stderr, and every check
is one line in syslog (facility authpriv).

Exit codes (pam_exec turns every code but 0 into a failure):
  0  the password is right / the account may log in
  2  not run as pam_exec runs it (no PAM_USER, no --db, wrong PAM_TYPE)
  3  wrong password, unknown user, or an account with two-factor login
  6  account step: no such user
  7  the account is locked
  10 the database is missing or unusable")]
    Pam(PamArgs),
    /// Print a shell completion script
    Completions(CompletionsArgs),
    /// Print a manual page (roff: `authctl man list | man -l -`)
    Man(ManArgs),
}

// Arguments of `register`.
#[derive(Debug, Args)]
pub struct RegisterArgs {
    /// Username: 1-32 of a-z 0-9 . _ - (case-insensitive)
    pub username: String,
    /// Email address
    #[arg(long)]
    pub email: Option<String>,
    /// Display name
    #[arg(long)]
    pub name: Option<String>,
    /// Read the password from the first line of standard input
    #[arg(long)]
    pub password_stdin: bool,
    /// Role of the new account (admin needs an admin session)
    #[arg(long, value_name = "ROLE", default_value = "user")]
    pub role: RoleName,
}

// Arguments of `login`.
#[derive(Debug, Args)]
pub struct LoginArgs {
    /// Username (prompted for when missing; required with --password-stdin)
    pub username: Option<String>,
    /// Read the password from the first line of standard input
    #[arg(long)]
    pub password_stdin: bool,
    /// Session lifetime, like 90s, 30m, 8h or 7d [default: the session.ttl
    /// setting, 24h; at most session.max_ttl, 30d]
    // Hyphen values are taken so that `--ttl -5m` is told durations are
    // positive, not that `-5` is an unknown option.
    #[arg(long, value_name = "DURATION", allow_hyphen_values = true)]
    pub ttl: Option<String>,
}

// Arguments of `verify`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// Username
    pub username: String,
    /// Read the password from the first line of standard input
    #[arg(long)]
    pub password_stdin: bool,
}

// Arguments of `pam`.
#[derive(Debug, Args)]
pub struct PamArgs {
    /// The PAM step this line of the service's file runs: `auth` checks the
    /// password, `account` refuses a locked or deleted account
    #[arg(value_name = "STEP")]
    pub step: PamStep,
}

/// The PAM management groups `authctl pam` answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PamStep {
    /// Check the password (an `auth` line, with expose_authtok)
    Auth,
    /// Check the account may log in now (an `account` line)
    Account,
}

impl PamStep {
    /// The name pam_exec gives this group in `PAM_TYPE`.
    pub fn pam_type(self) -> &'static str {
        match self {
            PamStep::Auth => "auth",
            PamStep::Account => "account",
        }
    }
}

// Arguments of `logout`.
#[derive(Debug, Args)]
pub struct LogoutArgs {
    /// Revoke every session of your account, not just this one
    #[arg(long)]
    pub all: bool,
}

// Arguments of `passwd`.
#[derive(Debug, Args)]
pub struct PasswdArgs {
    /// Account to change [default: the logged-in user]
    pub username: Option<String>,
    /// Read passwords from standard input: the current password on line 1
    /// and the new one on line 2 (an admin resetting another account gives
    /// only the new one)
    #[arg(long, verbatim_doc_comment)]
    pub password_stdin: bool,
}

// Arguments of `show`.
#[derive(Debug, Args)]
pub struct ShowArgs {
    /// Account to show [default: the logged-in user]
    pub username: Option<String>,
    /// On a terminal, every column in full even if lines get wider than it
    #[arg(long)]
    pub wide: bool,
}

// Arguments of `list`.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only accounts with this role
    #[arg(long, value_name = "ROLE")]
    pub role: Option<RoleName>,
    /// Only accounts locked now (by an admin or by failed logins)
    #[arg(long)]
    pub locked: bool,
    /// Order: username, created (oldest first) or last-login (most recent
    /// first, never last)
    #[arg(long, value_name = "KEY", default_value = "username")]
    pub sort: SortKey,
    /// Show at most this many accounts
    #[arg(long, value_name = "N")]
    pub limit: Option<u32>,
    /// On a terminal, every column in full even if lines get wider than it
    #[arg(long)]
    pub wide: bool,
}

/// The orders `list --sort` offers.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum SortKey {
    /// By username
    Username,
    /// Oldest account first
    Created,
    /// Most recent login first
    LastLogin,
}

impl From<SortKey> for AccountSort {
    fn from(key: SortKey) -> AccountSort {
        match key {
            SortKey::Username => AccountSort::Username,
            SortKey::Created => AccountSort::Created,
            SortKey::LastLogin => AccountSort::LastLogin,
        }
    }
}

// Arguments of `update`.
#[derive(Debug, Args)]
pub struct UpdateArgs {
    /// Account to change [default: the logged-in user]
    pub username: Option<String>,
    /// New email address ("" clears it)
    #[arg(long)]
    pub email: Option<String>,
    /// New display name ("" clears it)
    #[arg(long)]
    pub name: Option<String>,
}

// Arguments of `delete`.
#[derive(Debug, Args)]
pub struct DeleteArgs {
    /// Account to delete [default: the logged-in user]
    pub username: Option<String>,
    /// Do not ask to type the username to confirm
    #[arg(long)]
    pub yes: bool,
    /// Read your password (needed to delete your own account) from standard input
    #[arg(long)]
    pub password_stdin: bool,
}

// Arguments of `log`.
#[derive(Debug, Args)]
pub struct LogArgs {
    /// Only events where this user acted or was acted on
    #[arg(long, value_name = "NAME")]
    pub user: Option<String>,
    /// Show at most this many events
    #[arg(long, value_name = "N")]
    pub limit: Option<u32>,
    /// On a terminal, every column in full even if lines get wider than it
    #[arg(long)]
    pub wide: bool,
}

/// A role, as typed.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum RoleName {
    /// Manages every account
    Admin,
    /// Manages only itself
    User,
}

impl From<RoleName> for Role {
    fn from(role: RoleName) -> Role {
        match role {
            RoleName::Admin => Role::Admin,
            RoleName::User => Role::User,
        }
    }
}

// Arguments of `role`.
#[derive(Debug, Args)]
pub struct RoleArgs {
    /// Account to change
    pub username: String,
    /// Its new role
    pub role: RoleName,
}

// Arguments of `lock`.
#[derive(Debug, Args)]
pub struct LockArgs {
    /// Account to lock
    pub username: String,
    /// Why (kept with the lock and in the audit log)
    #[arg(long, value_name = "TEXT")]
    pub reason: Option<String>,
}

// Arguments of `unlock`.
#[derive(Debug, Args)]
pub struct UnlockArgs {
    /// Account to unlock
    pub username: String,
}

// Arguments of `sessions`.
#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct SessionsArgs {
    #[command(subcommand)]
    pub command: Option<SessionsCommand>,
    /// Whose sessions to list [default: yours]
    pub username: Option<String>,
    /// On a terminal, every column in full even if lines get wider than it
    #[arg(long)]
    pub wide: bool,
}

// `sessions` subcommands.
#[derive(Debug, Subcommand)]
pub enum SessionsCommand {
    /// Revoke sessions by id (as `authctl sessions` shows them), or with
    /// --all every session of an account
    Revoke(RevokeArgs),
}

// Arguments of `sessions revoke`.
#[derive(Debug, Args)]
pub struct RevokeArgs {
    /// Session ids; with --all, the account whose sessions to revoke
    /// [default: yours]
    #[arg(value_name = "ID|USER", required_unless_present = "all")]
    pub targets: Vec<String>,
    /// Revoke every session of the account
    #[arg(long)]
    pub all: bool,
}

// Arguments of `import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// File to read, or - for standard input
    #[arg(default_value = "-")]
    pub file: PathBuf,
    /// htpasswd: user:hash lines (bcrypt kept, weak formats refused;
    ///   blank lines and # comments skipped);
    /// csv: a header first, username,password,email,name (or password_hash, role);
    /// jsonl: one object per line with username, email, name, role and
    /// password or password_hash
    #[arg(long, value_name = "FORMAT", verbatim_doc_comment)]
    pub format: FileFormat,
    /// Check and report without writing anything
    #[arg(long)]
    pub dry_run: bool,
    /// Skip usernames that already exist instead of stopping (exit 9)
    #[arg(long)]
    pub skip_existing: bool,
    /// Import the valid lines even if others are refused
    #[arg(long)]
    pub skip_invalid: bool,
    /// Threads for checking and hashing passwords [default: one per core]
    #[arg(long, short = 'j', value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: Option<u16>,
}

/// Formats `import` reads.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum FileFormat {
    /// Apache htpasswd
    Htpasswd,
    /// Comma-separated values with a header
    Csv,
    /// JSON Lines
    Jsonl,
}

// Arguments of `export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Output format
    #[arg(long, value_name = "FORMAT", default_value = "jsonl")]
    pub format: ExportFormat,
    /// Include password hashes and two-factor secrets, so that `import`
    /// recreates the accounts as they were (keep the output secret)
    #[arg(long)]
    pub with_hashes: bool,
    /// Write to FILE (created 0600, as it may hold secrets) instead of
    /// standard output
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Replace FILE if it exists
    #[arg(long, requires = "output")]
    pub force: bool,
}

/// Formats `export` writes.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ExportFormat {
    /// JSON Lines
    Jsonl,
    /// Comma-separated values with a header
    Csv,
}

/// `2fa` subcommands.
#[derive(Debug, Subcommand)]
pub enum TwoFactorCommand {
    /// Turn on two-factor login for your account: scan the QR code (or
    /// type the secret) into an authenticator app, then enter its code
    Enable {
        /// Read the password, then the app's code, from standard input
        /// lines (the URI and secret are printed between the two)
        #[arg(long)]
        password_stdin: bool,
    },
    /// Turn off two-factor login for your account (password and a code)
    Disable {
        /// Read the password, then a code, from standard input lines
        #[arg(long)]
        password_stdin: bool,
    },
    /// Make new recovery codes, replacing the old (password and a code)
    RecoveryCodes {
        /// Read the password, then a code, from standard input lines
        #[arg(long)]
        password_stdin: bool,
    },
    /// Whether two-factor login is on for your account
    Status,
    /// Turn off someone's two-factor login, e.g. after a lost phone (admin)
    Reset {
        /// The account
        username: String,
    },
}

/// `db` subcommands.
#[derive(Debug, Subcommand)]
pub enum DbCommand {
    /// The backend (sqlite or postgresql), its location (never a
    /// password), the schema version, and how many accounts, sessions and
    /// audit events it holds
    Status,
    /// Copy the whole database (accounts with their hashes and two-factor
    /// state, settings, audit log; not sessions) into an empty one: a
    /// postgres:// URL or a SQLite file, either direction (admin)
    Copy {
        /// The target database (a password belongs in ~/.pgpass, not here)
        #[arg(long, value_name = "URL_OR_PATH")]
        to: String,
    },
}

/// `config` subcommands.
#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Every setting and its value
    List,
    /// One setting's value
    Get {
        /// password.min_length, lockout.threshold, lockout.duration,
        /// session.ttl, session.max_ttl, registration, hash.memory_kib,
        /// hash.iterations or hash.parallelism
        #[arg(value_parser = setting_key)]
        key: SettingKey,
    },
    /// Change a setting (applies to every later command)
    #[command(after_help = "\
Keys and limits:
  password.min_length  8-1024 characters (default 15)
  lockout.threshold    1-100 failed logins (default 5)
  lockout.duration     first lock, 1s-24h; doubles per lock up to 24h (default 15m)
  session.ttl          session lifetime when login has no --ttl (default 24h)
  session.max_ttl      longest --ttl, up to 365d (default 30d)
  registration         open, or admin: only admins create accounts (default open)
  hash.memory_kib      Argon2id memory, 19456-4194304 KiB (default 65536)
  hash.iterations      Argon2id passes, 2-100 (default 3)
  hash.parallelism     Argon2id lanes, 1-64 (default 4)")]
    Set {
        /// The setting's name
        #[arg(value_parser = setting_key)]
        key: SettingKey,
        /// Its new value
        // A negative number or duration is refused by the setting's own
        // rule, which says why.
        #[arg(allow_hyphen_values = true)]
        value: String,
    },
}

// Arguments of `completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// Shell to generate for
    pub shell: clap_complete::Shell,
}

// Arguments of `man`.
#[derive(Debug, Args)]
pub struct ManArgs {
    /// The command whose page to print, e.g. `list` or `db status`
    /// [default: authctl's own page]
    pub command: Vec<String>,
    /// Write every page (authctl.1, authctl-list.1, ...) into DIR instead
    #[arg(long, value_name = "DIR", conflicts_with = "command")]
    pub out_dir: Option<std::path::PathBuf>,
}

/// A setting's name, parsed by the library (an unknown one is refused
/// with the library's exit code, 11, like a bad value).
fn setting_key(name: &str) -> authctl::Result<SettingKey> {
    SettingKey::parse(name)
}
