//! `authctl pam auth|account`: the entry point for Linux-PAM's pam_exec.
//! Reads the request from the `PAM_*` variables pam_exec sets and the
//! password from stdin as expose_authtok writes it; prints nothing on
//! stdout (pam_exec's `stdout` option would show it to the person logging
//! in) and reports a refusal on stderr (pam_exec's `log=` file) and syslog.

use super::{open_sqlite, refuse_password_argument};
use crate::cli::{Cli, PamArgs, PamStep};
use crate::exit::UsageError;
use crate::output::sanitize;
use crate::pam_request::{pam_var, read_authtok_from_stdin};
use crate::syslog::{self, Severity};
use anyhow::Result;
use authctl::{Accounts, Error, OpenMode, ServiceRequest, escaped_prefix};

/// Longest value of a field in the syslog line, in characters.
const MAX_FIELD_CHARS: usize = 64;

#[inline(never)]
pub fn run(cli: &Cli, args: &PamArgs, db_given_as_argument: bool) -> Result<()> {
    let step = args.step;
    let result = check(cli, step, db_given_as_argument);
    let (severity, outcome) = match &result {
        Ok(()) => (Severity::Info, "accepted".to_string()),
        Err(e) => (Severity::Notice, format!("{e:#}")),
    };
    syslog::log(severity, &sanitize(&syslog_line(step, &outcome)));
    result
}

/// The syslog line for a check: the step, the outcome, then the request in
/// pam_unix's `key=value` style, `user=` last as pam_unix puts it (`rhost=`
/// is what fail2ban's filters look for). Each value is one token of at
/// most 64 characters: a space in a name typed at a login prompt must not
/// make a second `rhost=` for a filter to ban.
fn syslog_line(step: PamStep, outcome: &str) -> String {
    let field = |name: &str| -> String {
        let value = pam_var(name).ok().flatten().unwrap_or_default();
        escaped_prefix(&value, MAX_FIELD_CHARS)
            .chars()
            .map(|c| match c {
                ' ' => "\\x20".to_string(),
                c => c.to_string(),
            })
            .collect()
    };
    format!(
        "{}: {outcome}; service={} rhost={} user={}",
        step.pam_type(),
        field("PAM_SERVICE"),
        field("PAM_RHOST"),
        field("PAM_USER")
    )
}

/// The check itself; its error is the one reported.
fn check(cli: &Cli, step: PamStep, db_given_as_argument: bool) -> Result<()> {
    if let Some(pam_type) = pam_var("PAM_TYPE")?
        && pam_type != step.pam_type()
    {
        return Err(UsageError(format!(
            "pam_exec runs this line for PAM_TYPE {}, but it says `pam {}`",
            sanitize(&pam_type),
            step.pam_type()
        ))
        .into());
    }
    let user = pam_var("PAM_USER")?.ok_or_else(|| {
        UsageError("PAM_USER is not set: `authctl pam` is run by pam_exec".to_string())
    })?;
    let service = pam_var("PAM_SERVICE")?.unwrap_or_default();
    let remote_host = pam_var("PAM_RHOST")?;
    // Read before the database is opened: pam_exec writes it at once and
    // a failure to open must not leave it unread in a pipe buffer.
    let password = match step {
        PamStep::Auth => Some(read_authtok_from_stdin()?),
        PamStep::Account => None,
    };
    let mut accounts = open(cli, db_given_as_argument)?;
    accounts.answering(&ServiceRequest {
        service: &service,
        remote_host: remote_host.as_deref(),
    });
    match password {
        Some(password) => accounts.authenticate_for_service(&user, &password)?,
        None => accounts.check_account_for_service(&user)?,
    };
    Ok(())
}

/// Opens the database named by `--db`, which must be on the command line:
/// pam_exec's environment is the PAM environment, which `pam_env` can fill
/// from files the user logging in writes, so `AUTHCTL_DB` could point at a
/// database of theirs. A SQLite path must be absolute (the working
/// directory is the service's, or under su the caller's). PostgreSQL's
/// `PG*` variables are ignored and `~/.pgpass` is that of the effective
/// user; the URL must name the user and database, and TCP be verified.
fn open(cli: &Cli, db_given_as_argument: bool) -> Result<Accounts> {
    let Some(db) = cli.db.as_ref().filter(|_| db_given_as_argument) else {
        return Err(UsageError(
            "`authctl pam` needs --db on its command line (AUTHCTL_DB is ignored: the PAM environment can come from the user)".to_string(),
        )
        .into());
    };
    match db.to_str().filter(|s| authctl::is_postgres_url(s)) {
        Some(url) => {
            // Not PASSWORD_PLACES: only --db and the effective user's
            // ~/.pgpass are read here.
            refuse_password_argument(
                url,
                "the ~/.pgpass of the user authctl runs as (root under sshd, login and su)",
            )?;
            Accounts::connect_for_service(url, &effective_home).map_err(|e| match e {
                Error::Invalid(why) => UsageError(why).into(),
                other => other.into(),
            })
        }
        None if db.is_relative() => Err(UsageError(format!(
            "`authctl pam` needs an absolute --db path, not {}",
            sanitize(&db.display().to_string())
        ))
        .into()),
        None => open_sqlite(db, OpenMode::Existing),
    }
}

/// The only variable a PostgreSQL connection under PAM reads: `HOME`, from
/// the password database entry of the effective user (root under su, not
/// the person calling it).
fn effective_home(name: &str) -> Option<String> {
    if name != "HOME" {
        return None;
    }
    let user = nix::unistd::User::from_uid(nix::unistd::geteuid()).ok()??;
    user.dir.into_os_string().into_string().ok()
}
