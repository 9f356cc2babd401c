//! The second step of a check, for accounts with two-factor login: a code
//! checked on its own (so that a person at a terminal may get one more
//! try), given up (still a failed attempt), or passed with the operation.

use super::Accounts;
use super::check::{PasswordChecked, SecondFactor};
use crate::error::{Error, Result};
use crate::totp::{self, TotpSecret};

/// A code [`Accounts::check_code`] refused. The refusal is already counted
/// toward a lockout and logged; [`Accounts::retry_code`] may start the
/// check again for one more code, as another counted attempt.
pub struct RefusedCode {
    error: Error,
    /// The check, when the code itself was wrong (not when the database
    /// failed while checking it); boxed, as errors travel best small.
    checked: Option<Box<PasswordChecked>>,
}

impl RefusedCode {
    /// Whether [`Accounts::retry_code`] can take it.
    pub fn can_retry(&self) -> bool {
        self.checked.is_some()
    }
}

impl From<RefusedCode> for Error {
    fn from(refused: RefusedCode) -> Error {
        refused.error
    }
}

impl Accounts {
    /// Checks the second factor of `checked` ahead of the operation it is
    /// for: an account with 2FA needs a right, unused authenticator code
    /// (one step of drift allowed) or one of its recovery codes; a wrong,
    /// reused or missing one fails like a wrong password. Spending it
    /// happens with the operation's success. An account without 2FA
    /// passes as it is, and so does a check whose code was already taken.
    pub fn check_code(
        &mut self,
        checked: PasswordChecked,
        code: Option<&str>,
    ) -> std::result::Result<PasswordChecked, RefusedCode> {
        if checked.verified.second_factor.is_some() {
            return Ok(checked);
        }
        let failed = |error: Error| RefusedCode {
            error,
            checked: None,
        };
        let Some(stored) = self
            .store
            .totp_of(checked.account.id)
            .map_err(|e| failed(e.into()))?
        else {
            return Ok(checked);
        };
        let factor = match code.map(str::trim) {
            Some(code) if totp::is_totp_code(code) => TotpSecret::from_base32(&stored.secret)
                .map_err(failed)?
                .matching_step(code, self.now())
                .filter(|step| stored.last_step.is_none_or(|last| *step > last))
                .map(SecondFactor::Totp),
            Some(code) => {
                let digest = totp::recovery_digest(code);
                self.store
                    .has_recovery_code(checked.account.id, &digest)
                    .map_err(|e| failed(e.into()))?
                    .then_some(SecondFactor::Recovery(digest))
            }
            None => None,
        };
        let Some(factor) = factor else {
            let error = self.fail_check(
                &checked.account,
                checked.actor.as_ref(),
                Some("wrong or reused code"),
            );
            let retry = matches!(error, Error::AuthenticationFailed).then(|| Box::new(checked));
            return Err(RefusedCode {
                error,
                checked: retry,
            });
        };
        let mut checked = checked;
        checked.verified.second_factor = Some(factor);
        Ok(checked)
    }

    /// Starts a refused check again for one more code, without the
    /// password (it was right): counted as a new attempt, so it is refused
    /// like any check once the refusals have locked the account.
    pub fn retry_code(&mut self, refused: RefusedCode) -> Result<PasswordChecked> {
        let Some(checked) = refused.checked else {
            return Err(refused.error);
        };
        if let Some(refusal) = self.begin_check(&checked.account)? {
            let actor = checked.actor.as_ref();
            return Err(self.refuse_check(&checked.account.username, actor, refusal));
        }
        Ok(*checked)
    }

    /// Gives up a check at its code (the person cancelled the prompt). It
    /// counts and is logged as a failed attempt: otherwise the password
    /// prompt, abandoned at the code, would be a free way to test
    /// passwords. Returns the error to report if recording it failed.
    pub fn abandon_code(&mut self, checked: PasswordChecked) -> Option<Error> {
        let detail = Some("abandoned at the code prompt");
        match self.fail_check(&checked.account, checked.actor.as_ref(), detail) {
            Error::AuthenticationFailed => None,
            other => Some(other),
        }
    }

    /// [`Accounts::check_code`] for the operations that take the code with
    /// the check.
    pub(super) fn second_factor(
        &mut self,
        checked: PasswordChecked,
        code: Option<&str>,
    ) -> Result<PasswordChecked> {
        self.check_code(checked, code).map_err(Error::from)
    }
}
