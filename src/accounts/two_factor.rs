//! Turning two-factor login on and off, and recovery codes. Checking a
//! code at login is the second step of every password check (`check`).

use super::{Accounts, PasswordChecked, Session};
use crate::audit::EventKind;
use crate::error::{Error, Result};
use crate::model::Username;
use crate::totp::{self, TotpSecret};
use zeroize::Zeroizing;

impl Accounts {
    /// Fails as [`Accounts::enable_totp`] would before a password is asked
    /// for: two-factor login is already on for the session's account.
    pub fn ensure_may_enable_totp(&self, by: &Session) -> Result<()> {
        match self.acting(by)?.account.two_factor {
            true => Err(Error::Invalid(
                "two-factor authentication is already on".to_string(),
            )),
            false => Ok(()),
        }
    }

    /// Turns on 2FA for the session's own account, whose password was just
    /// checked, with `secret` (shown to its owner), once `code` proves their
    /// app has it. Returns the recovery codes, to be shown once (only
    /// digests are kept). Every other session of the account ends: they
    /// were opened without a second factor. A wrong code leaves 2FA off
    /// ([`Error::Invalid`]); the password, which was right, resets the
    /// failure count.
    pub fn enable_totp(
        &mut self,
        by: &Session,
        checked: PasswordChecked,
        secret: &TotpSecret,
        code: &str,
    ) -> Result<Vec<Zeroizing<String>>> {
        let by =
            match self
                .acting_for(by, &checked)
                .and_then(|by| match checked.account.two_factor {
                    true => Err(Error::Invalid(
                        "two-factor authentication is already on".to_string(),
                    )),
                    false => Ok(by),
                }) {
                Ok(by) => by,
                Err(e) => {
                    self.release(checked);
                    return Err(e);
                }
            };
        let by = &by;
        let proof = checked.verified.proof(&checked.account);
        let Some(step) = secret.matching_step(code, self.now()) else {
            self.store.record_check_success(&proof)?;
            return Err(Error::Invalid(
                "that code is not right (is the phone's clock correct?); two-factor authentication stays off"
                    .to_string(),
            ));
        };
        let codes = totp::generate_recovery_codes()?;
        let digests: Vec<Vec<u8>> = codes.iter().map(|c| totp::recovery_digest(c)).collect();
        let user = by.username();
        let event = self.event(EventKind::TwoFactorEnabled, Some(user), user);
        let base32 = secret.to_base32();
        self.store
            .enable_totp(&proof, base32.as_str(), step, &digests, by.id, &event)?;
        Ok(codes)
    }

    /// Replaces the recovery codes of the account whose password and code
    /// were just checked; returns the new set, to be shown once.
    pub fn regenerate_recovery_codes(
        &mut self,
        checked: PasswordChecked,
        code: Option<&str>,
    ) -> Result<Vec<Zeroizing<String>>> {
        let checked = self.owner_with_second_factor(checked, code)?;
        let codes = totp::generate_recovery_codes()?;
        let digests: Vec<Vec<u8>> = codes.iter().map(|c| totp::recovery_digest(c)).collect();
        let user = &checked.account.username;
        let event = self.event(EventKind::RecoveryCodesRegenerated, Some(user), user);
        let proof = checked.verified.proof(&checked.account);
        let replaced = self.store.replace_recovery_codes(&proof, &digests, &event);
        self.settle(&checked, replaced)?;
        Ok(codes)
    }

    /// Turns 2FA off for the account whose password and code were just
    /// checked.
    pub fn disable_totp(&mut self, checked: PasswordChecked, code: Option<&str>) -> Result<()> {
        let checked = self.owner_with_second_factor(checked, code)?;
        let user = &checked.account.username;
        let event = self.event(EventKind::TwoFactorDisabled, Some(user), user);
        let proof = checked.verified.proof(&checked.account);
        let disabled = self
            .store
            .disable_totp(checked.account.id, Some(&proof), &event);
        self.settle(&checked, disabled)
    }

    /// An admin turns 2FA off for someone who lost their device. Not for
    /// the admin's own account: a session alone must not remove its own
    /// second factor ([`Accounts::disable_totp`] needs the password and a
    /// code).
    pub fn reset_totp(&mut self, by: &Session, username: &Username) -> Result<()> {
        let by = &self.acting_admin(by, "reset two-factor authentication")?;
        let account = self.find(username)?;
        if by.is_for(username) {
            return Err(Error::Invalid(
                "an admin cannot reset their own two-factor authentication".to_string(),
            ));
        }
        if !account.two_factor {
            return Err(Error::Invalid(format!(
                "two-factor authentication is not on for {username}"
            )));
        }
        let event = self.event(EventKind::TwoFactorReset, Some(by.username()), username);
        Ok(self.store.disable_totp(account.id, None, &event)?)
    }

    /// How many unused recovery codes the session's account has.
    pub fn recovery_codes_left(&self, by: &Session) -> Result<i64> {
        let by = self.acting(by)?;
        Ok(self.store.count_recovery_codes(by.account.id)?)
    }

    /// The second step for a change to 2FA itself: the account must have
    /// it, and the code must be right.
    fn owner_with_second_factor(
        &mut self,
        checked: PasswordChecked,
        code: Option<&str>,
    ) -> Result<PasswordChecked> {
        if !checked.account.two_factor {
            self.store
                .record_check_success(&checked.verified.proof(&checked.account))?;
            return Err(Error::Invalid(
                "two-factor authentication is not on for this account".to_string(),
            ));
        }
        self.second_factor(checked, code)
    }
}
