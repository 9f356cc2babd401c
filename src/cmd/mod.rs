//! One module per subcommand. Each reads its arguments, calls the library and
//! prints through the [`Printer`]; none does the work itself.

mod completions;
mod config;
mod db;
mod delete;
mod export;
mod import;
mod list;
mod lock;
mod log;
mod login;
mod logout;
mod man;
mod pam;
mod passwd;
mod register;
mod role;
mod sessions;
mod show;
mod two_factor;
mod unlock;
mod update;
mod verify;
mod whoami;

use crate::cli::{Cli, Command};
use crate::exit::{Cancelled, UsageError};
use crate::fsutil::create_private_dir_all;
use crate::output::Printer;
use crate::paths;
use crate::prompt::Input;
use crate::session_file::SessionFile;
use anyhow::Result;
use authctl::{Accounts, Error, OpenMode, Password, PasswordChecked, Session, Username};
use std::path::Path;

/// What every command that touches accounts needs.
pub struct Context {
    /// The account service over the open database.
    pub accounts: Accounts,
    /// The session token file.
    pub session_file: SessionFile,
    /// Output.
    pub out: Printer,
    /// Where the database is, for messages (never a password).
    db_name: String,
}

impl Context {
    fn open(cli: &Cli, db_given_as_argument: bool, mode: OpenMode) -> Result<Self> {
        let db = match &cli.db {
            Some(path) => path.clone(),
            None => paths::default_db_path()?,
        };
        let config_dir = match &cli.config_dir {
            Some(dir) => dir.clone(),
            None => paths::default_config_dir()?,
        };
        let (accounts, db_name) = match db.to_str().filter(|s| authctl::is_postgres_url(s)) {
            Some(url) => open_postgres(url, db_given_as_argument)?,
            None => (open_sqlite(&db, mode)?, db.display().to_string()),
        };
        Ok(Context {
            accounts,
            session_file: SessionFile::in_dir(&config_dir),
            out: Printer::new(cli.json),
            db_name,
        })
    }

    /// The caller's session, or exit 4 saying why there is none and what
    /// to do.
    pub fn session(&mut self) -> Result<Session> {
        let token = self.session_file.read()?.ok_or_else(|| {
            Error::NotLoggedIn("you are not logged in; run `authctl login`".to_string())
        })?;
        self.accounts
            .authenticate(&token)
            .map_err(|e| match e {
                Error::NotLoggedIn(why) => {
                    Error::NotLoggedIn(format!("{why}; run `authctl login`"))
                }
                other => other,
            })
            .map_err(Into::into)
    }

    /// The caller's session if there is a usable one. Other failures (a busy
    /// database) are still errors.
    pub fn optional_session(&mut self) -> Result<Option<Session>> {
        match self.session() {
            Ok(session) => Ok(Some(session)),
            Err(e) if matches!(e.downcast_ref::<Error>(), Some(Error::NotLoggedIn(_))) => Ok(None),
            Err(e) => Err(e),
        }
    }
}

/// Both steps of a password check: the password, then, only for an account
/// with two-factor login, a code read from the same input (the next stdin
/// line, or a hidden prompt). `by` is the caller's session, if the check is
/// made by a logged-in user. The check returned has its code checked.
///
/// At a terminal, a refused code gets one more prompt, with a hint (each
/// refusal counts toward a lockout). A prompt cancelled at the code still
/// counts as a failed attempt, or the password prompt would be a free way
/// to test passwords.
pub fn check_credentials(
    ctx: &mut Context,
    by: Option<&Session>,
    input: &Input,
    username: &Username,
    password: &Password,
) -> Result<PasswordChecked> {
    let mut checked = ctx.accounts.check_first_factor(by, username, password)?;
    if !checked.needs_code() {
        return Ok(checked);
    }
    let mut retried = false;
    loop {
        let code = match input.code("Authentication code: ") {
            Ok(code) => Some(code),
            Err(e) if e.downcast_ref::<Cancelled>().is_some() => {
                return Err(ctx.accounts.abandon_code(checked).map_or(e, Into::into));
            }
            // A code that cannot be read (no line left on stdin) is a
            // missing code: the check fails and is counted like a wrong one.
            Err(_) => None,
        };
        match ctx
            .accounts
            .check_code(checked, code.as_deref().map(|c| c.as_str()))
        {
            Ok(checked) => return Ok(checked),
            Err(refused) if input.is_interactive() && !retried && refused.can_retry() => {
                crate::output::to_stderr(
                    "That code was not accepted. Each code works once: if you have just used it, wait for the next one.\n",
                );
                checked = ctx.accounts.retry_code(refused)?;
                retried = true;
            }
            Err(refused) => return Err(Error::from(refused).into()),
        }
    }
}

/// The account a command acts on: the one named, else the caller's own.
pub fn target(named: Option<&str>, session: &Session) -> Result<Username> {
    match named {
        Some(name) => Ok(Username::parse(name)?),
        None => Ok(session.username().clone()),
    }
}

/// Opens the SQLite database at `db`; with [`OpenMode::CreateIfMissing`]
/// its folders and file are created first if missing.
pub(super) fn open_sqlite(db: &Path, mode: OpenMode) -> Result<Accounts> {
    let folders = match (mode, db.parent()) {
        (OpenMode::CreateIfMissing, Some(dir)) if !dir.as_os_str().is_empty() => {
            create_private_dir_all(dir)
        }
        _ => Ok(()),
    };
    match folders.and_then(|()| Accounts::open(db, mode)) {
        Ok(accounts) => Ok(accounts),
        Err(e @ Error::NoDatabase(_)) => {
            Err(Error::DatabaseUnusable(format!("{e} (`authctl register` creates one)")).into())
        }
        Err(e) => {
            Err(anyhow::Error::new(e).context(format!("cannot open database {}", db.display())))
        }
    }
}

/// Whether `command` may create the SQLite database: only those that create
/// accounts do. Any other on a missing file is exit 10 and creates nothing,
/// so a mistyped `--db` is noticed instead of answered from an empty
/// database. `logout` too: the session its token file names lives in the
/// database meant, so the file is kept for a `logout` with the right path.
/// (`db copy` creates its target, not its source.)
fn open_mode(command: &Command) -> OpenMode {
    match command {
        Command::Register(_) | Command::Import(_) => OpenMode::CreateIfMissing,
        Command::Login(_)
        | Command::Logout(_)
        | Command::Whoami
        | Command::Passwd(_)
        | Command::Show(_)
        | Command::List(_)
        | Command::Update(_)
        | Command::Delete(_)
        | Command::Verify(_)
        | Command::Log(_)
        | Command::Role(_)
        | Command::Lock(_)
        | Command::Unlock(_)
        | Command::Export(_)
        | Command::Sessions(_)
        | Command::TwoFactor(_)
        | Command::Config(_)
        | Command::Db(_)
        | Command::Pam(_)
        | Command::Completions(_)
        | Command::Man(_) => OpenMode::Existing,
    }
}

/// Connects to the PostgreSQL database at `url`; returns it and its name
/// for messages. A password in a URL typed on the command line is refused:
/// other users can read a process's arguments.
fn open_postgres(url: &str, given_as_argument: bool) -> Result<(Accounts, String)> {
    if given_as_argument {
        refuse_password_argument(url, PASSWORD_PLACES)?;
    }
    let accounts = Accounts::connect(url)?;
    Ok((accounts, "the PostgreSQL database".to_string()))
}

/// Where a command that reads `AUTHCTL_DB` and libpq's password file can
/// take a database password from instead of its arguments.
pub const PASSWORD_PLACES: &str =
    "~/.pgpass or the file PGPASSFILE names, or pass the URL in AUTHCTL_DB";

/// Refuses a database URL typed on the command line that carries a
/// password: other users can read a process's arguments. `instead` says
/// where the password can go.
pub fn refuse_password_argument(url: &str, instead: &str) -> Result<()> {
    match authctl::url_has_password(url) {
        true => Err(UsageError(format!(
            "a database password must not be on the command line: put it in {instead}"
        ))
        .into()),
        false => Ok(()),
    }
}

/// Runs the parsed command. `db_given_as_argument`: `--db` was typed on
/// the command line (not taken from `AUTHCTL_DB`).
#[inline(never)]
pub fn run(cli: Cli, db_given_as_argument: bool) -> Result<()> {
    // What needs no database.
    match &cli.command {
        Command::Completions(args) => return completions::run(args),
        Command::Man(args) => return man::run(args),
        Command::Pam(args) => return pam::run(&cli, args, db_given_as_argument),
        _ => {}
    }
    let mut ctx = Context::open(&cli, db_given_as_argument, open_mode(&cli.command))?;
    dispatch(&mut ctx, &cli.command).map_err(|e| {
        // SQLite knows a write failed, not which file: say which.
        let read_only = e
            .chain()
            .any(|c| matches!(c.downcast_ref::<Error>(), Some(Error::ReadOnly)));
        match read_only {
            true => e.context(format!("cannot write to {}", ctx.db_name)),
            false => e,
        }
    })
}

/// Runs the subcommand. Each subcommand's `run` is `#[inline(never)]`: the
/// compiler would otherwise inline every one of them, each called only
/// here, into one 83 KiB function, whose pages every command then maps in
/// (the kernel maps code 64 KiB at a time); kept apart, a command maps its
/// own code, which the release link places with the rest of what the
/// common commands run (`src/link/order.txt`). A login's resident memory
/// is about 100 KiB smaller for it.
fn dispatch(ctx: &mut Context, command: &Command) -> Result<()> {
    match command {
        Command::Register(args) => register::run(ctx, args),
        Command::Login(args) => login::run(ctx, args),
        Command::Logout(args) => logout::run(ctx, args),
        Command::Whoami => whoami::run(ctx),
        Command::Passwd(args) => passwd::run(ctx, args),
        Command::Show(args) => show::run(ctx, args),
        Command::List(args) => list::run(ctx, args),
        Command::Update(args) => update::run(ctx, args),
        Command::Delete(args) => delete::run(ctx, args),
        Command::Verify(args) => verify::run(ctx, args),
        Command::Log(args) => log::run(ctx, args),
        Command::Role(args) => role::run(ctx, args),
        Command::Lock(args) => lock::run(ctx, args),
        Command::Unlock(args) => unlock::run(ctx, args),
        Command::Config(command) => config::run(ctx, command),
        Command::Db(command) => db::run(ctx, command),
        Command::Sessions(args) => sessions::run(ctx, args),
        Command::TwoFactor(command) => two_factor::run(ctx, command),
        Command::Import(args) => import::run(ctx, args),
        Command::Export(args) => export::run(ctx, args),
        Command::Completions(_) | Command::Man(_) | Command::Pam(_) => Ok(()),
    }
}
