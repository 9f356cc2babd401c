//! Second factor: time-based one-time passwords (RFC 6238: HMAC-SHA-1, six
//! digits, 30-second steps, one step of clock drift either way, as every
//! authenticator app expects) and single-use recovery codes.

use crate::error::{Error, Result};
use crate::time::Timestamp;
use sha2::{Digest, Sha256};
use totp_rs::{Builder, Secret};
use zeroize::Zeroizing;

/// The issuer named in the app.
pub(crate) const ISSUER: &str = "authctl";
/// Bytes of a new secret: 160 bits, RFC 4226's recommendation.
const SECRET_BYTES: usize = 20;
/// How many recovery codes a set has.
pub(crate) const RECOVERY_CODES: usize = 10;
/// Characters of a recovery code, 5 bits each: 80 bits of randomness, so a
/// stolen database's SHA-256 digests cannot be reversed by guessing.
const RECOVERY_CHARS: usize = 16;
/// The recovery-code alphabet: 32 symbols without the look-alikes l, o, 0, 1.
const RECOVERY_ALPHABET: &[u8; 32] = b"abcdefghijkmnpqrstuvwxyz23456789";

/// A shared TOTP secret. Wiped on drop; never shown after enrolment.
pub struct TotpSecret(Zeroizing<Vec<u8>>);

impl TotpSecret {
    /// A new random secret from the OS CSPRNG.
    pub fn generate() -> Result<Self> {
        let mut bytes = Zeroizing::new(vec![0u8; SECRET_BYTES]);
        getrandom::fill(&mut bytes)
            .map_err(|e| Error::Internal(format!("no randomness for a secret: {e}")))?;
        Ok(TotpSecret(bytes))
    }

    /// Reads a stored secret (base32).
    pub fn from_base32(text: &str) -> Result<Self> {
        let secret = Secret::try_from_base32(text)
            .map_err(|_| Error::Internal("a stored two-factor secret is malformed".to_string()))?;
        Ok(TotpSecret(Zeroizing::new(secret.as_ref().to_vec())))
    }

    /// The secret in base32, as stored and as typed into an app by hand.
    pub fn to_base32(&self) -> Zeroizing<String> {
        Zeroizing::new(Secret::from(self.0.to_vec()).to_base32())
    }

    /// The `otpauth://` URI an app scans: issuer authctl, the account name,
    /// the secret; the defaults (SHA-1, 6 digits, 30 s) left implicit.
    pub fn uri(&self, username: &str) -> Zeroizing<String> {
        Zeroizing::new(format!(
            "otpauth://totp/{ISSUER}:{username}?secret={}&issuer={ISSUER}",
            self.to_base32().as_str()
        ))
    }

    fn totp(&self) -> Result<totp_rs::Totp> {
        Builder::new()
            .with_secret(self.0.to_vec())
            .build()
            .map_err(|e| Error::Internal(format!("two-factor secret unusable: {e}")))
    }

    /// The time step `code` is right for at `now`, allowing one step of
    /// drift either way; `None` if it is wrong (compared in constant time).
    pub fn matching_step(&self, code: &str, now: Timestamp) -> Option<i64> {
        if !is_totp_code(code) {
            return None;
        }
        let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
        let now = u64::try_from(now).ok()?;
        let step = self.totp().ok()?.check(&code, now)?;
        i64::try_from(step).ok()
    }

    /// The code for the step that contains `time` (for tests and tools).
    pub fn code_at(&self, time: Timestamp) -> Result<String> {
        Ok(self
            .totp()?
            .generate(u64::try_from(time).unwrap_or(0))
            .to_string())
    }
}

/// Whether `code` has the shape of an authenticator code (six digits, with
/// any spaces, as apps show `123 456`), as opposed to a recovery code.
pub(crate) fn is_totp_code(code: &str) -> bool {
    let mut digits = code.chars().filter(|c| !c.is_whitespace());
    digits.clone().count() == 6 && digits.all(|c| c.is_ascii_digit())
}

/// A new set of recovery codes, `xxxx-xxxx-xxxx-xxxx`.
pub(crate) fn generate_recovery_codes() -> Result<Vec<Zeroizing<String>>> {
    (0..RECOVERY_CODES)
        .map(|_| {
            let mut random = Zeroizing::new([0u8; RECOVERY_CHARS]);
            getrandom::fill(random.as_mut())
                .map_err(|e| Error::Internal(format!("no randomness for a code: {e}")))?;
            let mut code = Zeroizing::new(String::with_capacity(RECOVERY_CHARS + 3));
            for (i, b) in random.iter().enumerate() {
                if i > 0 && i % 4 == 0 {
                    code.push('-');
                }
                // 256 is a multiple of 32: every symbol is equally likely.
                code.push(char::from(RECOVERY_ALPHABET[usize::from(b % 32)]));
            }
            Ok(code)
        })
        .collect()
}

/// The stored form of a recovery code: SHA-256 of it lowercased without
/// dashes or spaces, so `ABCD-efgh …` and `abcdefgh…` are the same code.
pub(crate) fn recovery_digest(code: &str) -> Vec<u8> {
    let normal: Zeroizing<String> = Zeroizing::new(
        code.chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .flat_map(char::to_lowercase)
            .collect(),
    );
    Sha256::digest(normal.as_bytes()).to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 appendix B's SHA-1 secret.
    fn rfc_secret() -> TotpSecret {
        TotpSecret(Zeroizing::new(b"12345678901234567890".to_vec()))
    }

    #[test]
    fn rfc_6238_test_vectors_in_six_digits() -> Result<()> {
        // The appendix lists eight digits; an app shows the last six.
        for (time, eight) in [
            (59, "94287082"),
            (1_111_111_109, "07081804"),
            (1_111_111_111, "14050471"),
            (1_234_567_890, "89005924"),
            (2_000_000_000, "69279037"),
            (20_000_000_000, "65353130"),
        ] {
            assert_eq!(rfc_secret().code_at(time)?, eight[2..], "T={time}");
        }
        Ok(())
    }

    #[test]
    fn one_step_of_drift_is_accepted_two_are_not() -> Result<()> {
        let s = rfc_secret();
        let now = 1_234_567_890; // step 41152263
        let step = now / 30;
        for (offset, expected) in [
            (-2, None),
            (-1, Some(step - 1)),
            (0, Some(step)),
            (1, Some(step + 1)),
            (2, None),
        ] {
            let code = s.code_at(now + offset * 30)?;
            assert_eq!(s.matching_step(&code, now), expected, "offset {offset}");
        }
        let current = s.code_at(now)?;
        let spaced = format!("{} {}", &current[..3], &current[3..]);
        assert_eq!(s.matching_step(&spaced, now), Some(step));
        assert_eq!(s.matching_step("12345", now), None);
        assert_eq!(s.matching_step("abcdef", now), None);
        Ok(())
    }

    #[test]
    fn secrets_round_trip_through_base32_into_the_uri() -> Result<()> {
        let s = TotpSecret::generate()?;
        assert_eq!(s.0.len(), 20);
        let b32 = s.to_base32();
        assert_eq!(b32.len(), 32);
        let again = TotpSecret::from_base32(&b32)?;
        assert_eq!(again.code_at(1000)?, s.code_at(1000)?);
        assert_eq!(
            s.uri("alice").as_str(),
            format!(
                "otpauth://totp/authctl:alice?secret={}&issuer=authctl",
                b32.as_str()
            )
        );
        Ok(())
    }

    #[test]
    fn recovery_codes_are_distinct_and_match_however_typed() -> Result<()> {
        let codes = generate_recovery_codes()?;
        assert_eq!(codes.len(), 10);
        let first = &codes[0];
        assert_eq!(first.len(), 19);
        assert!(!is_totp_code(first));
        let digests: std::collections::HashSet<_> =
            codes.iter().map(|c| recovery_digest(c)).collect();
        assert_eq!(digests.len(), 10);
        let shouted = first.replace('-', " ").to_uppercase();
        assert_eq!(recovery_digest(&shouted), recovery_digest(first));
        Ok(())
    }
}

/// An account's two-factor login as a backup carries it (`export
/// --with-hashes`, then `import`): the secret (base32, wiped on drop), the
/// last time step accepted (so that a code used before the backup is not
/// accepted again after it), and the SHA-256 digests of its unused
/// recovery codes (the codes themselves are never stored).
#[derive(Clone, PartialEq, Eq)]
pub struct TwoFactorBackup {
    /// The TOTP secret, base32.
    pub secret: zeroize::Zeroizing<String>,
    /// The last time step accepted, if any.
    pub last_step: Option<i64>,
    /// SHA-256 digests of the unused recovery codes.
    pub recovery_code_digests: Vec<Vec<u8>>,
}

impl std::fmt::Debug for TwoFactorBackup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TwoFactorBackup")
            .field("secret", &"<redacted>")
            .field("last_step", &self.last_step)
            .field("recovery_codes", &self.recovery_code_digests.len())
            .finish()
    }
}
