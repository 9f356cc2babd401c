//! `authctl pam auth|account`: the entry point for Linux-PAM's pam_exec.
//! Reads the request from the `PAM_*` variables pam_exec sets and the
//! password from stdin as expose_authtok writes it; prints nothing on
//! stdout (pam_exec's `stdout` option would show it to the person logging
//! in) and reports a refusal on stderr (pam_exec's `log=` file) and syslog.

use super::{open_sqlite, refuse_password_argument};
use crate::cli::{Cli, PamArgs, PamStep};
use crate::exit::UsageError;
use crate::output::sanitize;
use crate::syslog::{self, Severity};
use anyhow::Result;
use authctl::{Accounts, OpenMode, Password, ServiceRequest};
use std::ffi::OsStr;
use std::io::Read;
use zeroize::Zeroizing;

/// pam_exec copies the password into a buffer of PAM_MAX_RESP_SIZE (512)
/// bytes and passes at most 511 of them; Linux-PAM before 1.4 adds a NUL.
const MAX_AUTHTOK_BYTES: usize = 512;

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
/// pam_unix's `key=value` style (`rhost=` is what fail2ban's filters
/// look for).
fn syslog_line(step: PamStep, outcome: &str) -> String {
    let var = |name: &str| pam_var(name).ok().flatten().unwrap_or_default();
    format!(
        "{}: {outcome}; user={} service={} rhost={}",
        step.pam_type(),
        var("PAM_USER"),
        var("PAM_SERVICE"),
        var("PAM_RHOST")
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
        PamStep::Auth => Some(read_authtok(std::io::stdin().lock())?),
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
/// database of theirs. For the same reason PostgreSQL's `PG*` variables are
/// ignored, and `~/.pgpass` is that of the OS user authctl runs as.
fn open(cli: &Cli, db_given_as_argument: bool) -> Result<Accounts> {
    let Some(db) = cli.db.as_ref().filter(|_| db_given_as_argument) else {
        return Err(UsageError(
            "`authctl pam` needs --db on its command line (AUTHCTL_DB is ignored: the PAM environment can come from the user)".to_string(),
        )
        .into());
    };
    match db.to_str().filter(|s| authctl::is_postgres_url(s)) {
        Some(url) => {
            refuse_password_argument(url)?;
            Ok(Accounts::connect_with(url, &home_only)?)
        }
        None => open_sqlite(db, OpenMode::Existing),
    }
}

/// The only variable a PostgreSQL connection under PAM reads: `HOME`, from
/// the password database entry of the user authctl runs as.
fn home_only(name: &str) -> Option<String> {
    if name != "HOME" {
        return None;
    }
    let user = nix::unistd::User::from_uid(nix::unistd::getuid()).ok()??;
    user.dir.into_os_string().into_string().ok()
}

/// The variable `name` as pam_exec set it. pam_exec appends its own items
/// after the PAM environment, so a name set twice means the environment
/// tried to set it first (and `getenv` would return that one): refused.
fn pam_var(name: &str) -> Result<Option<String>> {
    let mut found = std::env::vars_os().filter(|(k, _)| k == OsStr::new(name));
    let Some((_, value)) = found.next() else {
        return Ok(None);
    };
    if found.next().is_some() {
        return Err(UsageError(format!("{name} is set more than once in the environment")).into());
    }
    match value.into_string() {
        Ok(value) => Ok(Some(value)),
        Err(_) => Err(UsageError(format!("{name} is not UTF-8")).into()),
    }
}

/// The password as pam_exec's expose_authtok writes it: the bytes of
/// PAM_AUTHTOK with no newline, followed by one NUL before Linux-PAM 1.4.
/// More than pam_exec can send, a NUL inside, or bytes that are not UTF-8
/// are refused as not coming from pam_exec.
fn read_authtok(input: impl Read) -> Result<Password> {
    let mut bytes = Zeroizing::new(Vec::with_capacity(MAX_AUTHTOK_BYTES + 1));
    input
        .take(MAX_AUTHTOK_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| anyhow::Error::new(e).context("cannot read the password from stdin"))?;
    let not_from_pam = |why: &str| -> anyhow::Error {
        UsageError(format!(
            "the password on stdin {why}: it is not as pam_exec sends it"
        ))
        .into()
    };
    if bytes.len() > MAX_AUTHTOK_BYTES {
        return Err(not_from_pam(&format!(
            "is longer than {MAX_AUTHTOK_BYTES} bytes"
        )));
    }
    if bytes.last() == Some(&0) {
        bytes.pop();
    }
    if bytes.contains(&0) {
        return Err(not_from_pam("has a NUL byte inside"));
    }
    let text = std::str::from_utf8(&bytes).map_err(|_| not_from_pam("is not UTF-8"))?;
    Ok(Password::new(Zeroizing::new(text.to_string())))
}

#[cfg(test)]
mod tests {
    use super::read_authtok;

    fn read(bytes: &[u8]) -> Option<String> {
        read_authtok(bytes).ok().map(|p| p.expose().to_string())
    }

    #[test]
    fn the_password_is_taken_as_sent_with_or_without_one_nul() {
        assert_eq!(read(b"pass word\n").as_deref(), Some("pass word\n"));
        assert_eq!(read(b"pass word").as_deref(), Some("pass word"));
        assert_eq!(read(b"pass word\0").as_deref(), Some("pass word"));
        assert_eq!(read(b"").as_deref(), Some(""));
        assert_eq!(read(b"\0").as_deref(), Some(""));
    }

    #[test]
    fn what_pam_exec_cannot_send_is_refused() {
        assert_eq!(read(b"pass\0word"), None);
        assert_eq!(read(b"pass\0\0"), None);
        assert_eq!(read(&[0xff, 0xfe]), None);
        assert!(read(&[b'x'; 511]).is_some());
        assert!(read(&[b'x'; 512]).is_some());
        assert_eq!(read(&[b'x'; 513]), None);
    }
}
