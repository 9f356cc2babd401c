//! Checks made for another program through PAM (`authctl pam`): the rules
//! of `verify` (lockout, an unknown name costing a wrong password's time,
//! hash upgrades), with the PAM service and remote host in each audit
//! event, and the account check PAM runs after whichever module checked
//! the password.

use super::Accounts;
use crate::error::{Error, Result};
use crate::lockout::Refusal;
use crate::model::{Account, AccountStatus, Username, escape_for_terminal, escaped_prefix};
use crate::password::Password;

/// Why a two-factor account's check failed, in its audit event.
const TWO_FACTOR_REFUSED: &str = "two-factor login is on, and PAM gives no second prompt";

/// Longest service or host name kept in an audit event, in characters.
const MAX_ORIGIN_CHARS: usize = 64;

/// The PAM request a check answers: which service asked, and for which
/// remote host if the service named one.
#[derive(Debug, Clone, Copy)]
pub struct ServiceRequest<'a> {
    /// `PAM_SERVICE`: the name of the service's file under `/etc/pam.d`.
    pub service: &'a str,
    /// `PAM_RHOST`: the remote host, as the service gives it.
    pub remote_host: Option<&'a str>,
}

impl ServiceRequest<'_> {
    /// The audit detail naming this request. Both names are escaped and cut:
    /// a host name can come from reverse DNS, which the remote side controls.
    fn detail(&self) -> String {
        let shown = |text: &str| escaped_prefix(text, MAX_ORIGIN_CHARS);
        match self.remote_host.filter(|host| !host.is_empty()) {
            Some(host) => format!(
                "pam service {}, remote host {}",
                shown(self.service),
                shown(host)
            ),
            None => format!("pam service {}", shown(self.service)),
        }
    }
}

/// `typed` if it is a username exactly as stored. authctl's names are
/// case-insensitive, but the service and the modules after this one go on
/// with PAM_USER as typed, and OS user names are not: `ALICE` must not log
/// in as whatever `ALICE` is to them with alice's password.
fn exact_username(typed: &str) -> Option<Username> {
    Username::parse(typed)
        .ok()
        .filter(|username| username.as_str() == typed)
}

impl Accounts {
    /// Names `request` in every audit event this service records from now on.
    pub fn answering(&mut self, request: &ServiceRequest<'_>) {
        self.origin = Some(request.detail());
    }

    /// PAM's authentication step: checks `typed`'s password with the rules
    /// of [`verify`](Accounts::verify); `typed` must be the username exactly
    /// (lowercase), or it is an unknown user. An account with two-factor login is
    /// refused, counted as a failed attempt like a check whose code is
    /// missing: pam_exec has no second prompt, and a code appended to the
    /// password would reach every other module of the PAM stack as part of
    /// the password.
    pub fn authenticate_for_service(
        &mut self,
        typed: &str,
        password: &Password,
    ) -> Result<Account> {
        let Some(username) = exact_username(typed) else {
            return Err(self.refuse_login(typed, password));
        };
        if let Some(account) = self.store.find_account(&username)?
            && account.two_factor
        {
            return Err(self.refuse_two_factor(&account, password));
        }
        let checked = self.check_first_factor(None, &username, password)?;
        if checked.needs_code() {
            // Two-factor login was turned on since the look above.
            return Err(self.fail_check(&checked.account, None, Some(TWO_FACTOR_REFUSED)));
        }
        self.verify(checked, None)
    }

    /// Refuses an account with two-factor login whatever the password: the
    /// attempt is counted (and may lock it) and costs one hash, as a wrong
    /// password does, but the password is never checked, so neither the
    /// answer nor the time (a right password against an outdated hash
    /// would cost an upgrade) says whether it was right.
    fn refuse_two_factor(&mut self, account: &Account, password: &Password) -> Error {
        match self.begin_check(account) {
            Ok(Some(refusal)) => self.refuse_check(&account.username, None, refusal),
            Ok(None) => {
                self.settings.hash.verify_dummy(password);
                self.fail_check(account, None, Some(TWO_FACTOR_REFUSED))
            }
            Err(e) => e,
        }
    }

    /// PAM's account step, run after any module's password check: the
    /// account must exist ([`Error::NoSuchUser`]) and not be locked, by an
    /// admin or after failed logins ([`Error::Locked`], recorded as a
    /// refused login).
    pub fn check_account_for_service(&mut self, typed: &str) -> Result<Account> {
        // Not echoed unless it could be a name: the message reaches syslog,
        // where a typed "x rhost=..." must not read as a field.
        let no_such_user = || {
            Error::NoSuchUser(match Username::parse(typed) {
                Ok(_) => escape_for_terminal(typed).into_owned(),
                Err(_) => "(not a valid username)".to_string(),
            })
        };
        let username = exact_username(typed).ok_or_else(no_such_user)?;
        let account = self
            .store
            .find_account(&username)?
            .ok_or_else(no_such_user)?;
        let refusal = match account.status(self.now()) {
            AccountStatus::Active => return Ok(account),
            AccountStatus::Locked => Refusal::LockedByAdmin,
            AccountStatus::LockedUntil(until) => Refusal::LockedUntil(until),
        };
        Err(self.refuse_check(&username, None, refusal))
    }

    /// `detail` for an event, followed by the request this service acts
    /// for, if any.
    pub(super) fn with_origin(&self, detail: Option<&str>) -> Option<String> {
        match (detail, &self.origin) {
            (Some(detail), Some(origin)) => Some(format!("{detail}; {origin}")),
            (Some(detail), None) => Some(detail.to_string()),
            (None, origin) => origin.clone(),
        }
    }
}
