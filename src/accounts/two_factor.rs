//! Turning two-factor login on and off, and recovery codes. Checking a
//! code at login is [`Accounts::check_password`]'s second step.

use super::{Accounts, PasswordChecked, Session, Verified};
use crate::account::Account;
use crate::audit::EventKind;
use crate::error::{Error, Result};
use crate::totp::{self, TotpSecret};
use zeroize::Zeroizing;

impl Accounts {
    /// Turns on 2FA for the account whose password was just checked, with
    /// `secret` (shown to its owner), once `code` proves their app has it.
    /// Returns the recovery codes, to be shown once (only digests are kept).
    /// Every other session of the account (`by` is the caller's) ends: they
    /// were opened without a second factor.
    /// A wrong code leaves 2FA off ([`Error::Invalid`]); the password, which
    /// was right, resets the failure count.
    pub fn enable_totp(
        &mut self,
        checked: PasswordChecked,
        secret: &TotpSecret,
        code: &str,
        by: &Session,
    ) -> Result<Vec<Zeroizing<String>>> {
        if checked.account.two_factor {
            return Err(Error::Invalid(
                "two-factor authentication is already on; `authctl 2fa disable` first".to_string(),
            ));
        }
        let proof = checked.verified.proof(&checked.account);
        let Some(step) = secret.matching_step(code, self.now()) else {
            self.store.record_login_success(&proof)?;
            return Err(Error::Invalid(
                "that code is not right (is the phone's clock correct?); two-factor authentication stays off"
                    .to_string(),
            ));
        };
        let codes = totp::generate_recovery_codes()?;
        let digests: Vec<Vec<u8>> = codes.iter().map(|c| totp::recovery_digest(c)).collect();
        let event = self.event(
            EventKind::TwoFactorEnabled,
            "success",
            &checked.account.username,
        );
        self.store.enable_totp(
            &proof,
            secret.to_base32().as_str(),
            step,
            &digests,
            by.id,
            &event,
        )?;
        Ok(codes)
    }

    /// Replaces the recovery codes after a password and code check;
    /// returns the new set, to be shown once.
    pub fn regenerate_recovery_codes(
        &mut self,
        checked: PasswordChecked,
        code: Option<&str>,
    ) -> Result<Vec<Zeroizing<String>>> {
        let (account, verified) = self.owner_with_second_factor(checked, code)?;
        let codes = totp::generate_recovery_codes()?;
        let digests: Vec<Vec<u8>> = codes.iter().map(|c| totp::recovery_digest(c)).collect();
        let event = self.event(
            EventKind::RecoveryCodesRegenerated,
            "success",
            &account.username,
        );
        self.store
            .replace_recovery_codes(&verified.proof(&account), &digests, &event)?;
        Ok(codes)
    }

    /// Turns 2FA off after a password and code check by its owner.
    pub fn disable_totp(&mut self, checked: PasswordChecked, code: Option<&str>) -> Result<()> {
        let (account, verified) = self.owner_with_second_factor(checked, code)?;
        let event = self.event(EventKind::TwoFactorDisabled, "success", &account.username);
        self.store
            .disable_totp(account.id, Some(&verified.proof(&account)), &event)
    }

    /// An admin turns 2FA off for someone who lost their device.
    pub fn reset_totp(&mut self, account: &Account) -> Result<()> {
        if !account.two_factor {
            return Err(Error::Invalid(format!(
                "two-factor authentication is not on for {}",
                account.username
            )));
        }
        let event = self.event(EventKind::TwoFactorReset, "success", &account.username);
        self.store.disable_totp(account.id, None, &event)
    }

    /// How many unused recovery codes an account has.
    pub fn recovery_codes_left(&self, account: &Account) -> Result<i64> {
        self.store.count_recovery_codes(account.id)
    }

    /// The second step for a change to 2FA itself: the account must have
    /// it, and the code must be right.
    fn owner_with_second_factor(
        &mut self,
        checked: PasswordChecked,
        code: Option<&str>,
    ) -> Result<(Account, Verified)> {
        if !checked.account.two_factor {
            self.store
                .record_login_success(&checked.verified.proof(&checked.account))?;
            return Err(Error::Invalid(
                "two-factor authentication is not on for this account".to_string(),
            ));
        }
        self.second_factor(checked, code)
    }
}
