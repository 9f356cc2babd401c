//! Two-factor rows: an account's TOTP secret and last step, and its
//! recovery-code digests.

use super::Store;
use super::events::insert_event;
use super::users::{PasswordProof, apply_success};
use crate::audit::Event;
use crate::error::{Error, Result};
use rusqlite::{Connection, OptionalExtension, params};
use zeroize::Zeroizing;

/// An account's second factor as stored. Its `Debug` hides the secret.
pub struct StoredTotp {
    /// The secret, base32; wiped on drop.
    pub secret: Zeroizing<String>,
    /// The last time step accepted.
    pub last_step: Option<i64>,
}

impl std::fmt::Debug for StoredTotp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoredTotp")
            .field("secret", &"<redacted>")
            .field("last_step", &self.last_step)
            .finish()
    }
}

fn insert_codes(tx: &Connection, user_id: i64, digests: &[Vec<u8>]) -> Result<()> {
    tx.execute("DELETE FROM recovery_codes WHERE user_id = ?1", [user_id])?;
    for digest in digests {
        tx.execute(
            "INSERT INTO recovery_codes (user_id, code_sha256) VALUES (?1, ?2)",
            params![user_id, digest],
        )?;
    }
    Ok(())
}

impl Store {
    /// An account's TOTP secret and last accepted step, if it has 2FA.
    pub fn totp_of(&self, user_id: i64) -> Result<Option<StoredTotp>> {
        Ok(self
            .conn
            .query_row(
                "SELECT totp_secret, totp_last_step FROM users
                 WHERE id = ?1 AND totp_secret IS NOT NULL",
                [user_id],
                |r| {
                    Ok(StoredTotp {
                        secret: Zeroizing::new(r.get(0)?),
                        last_step: r.get(1)?,
                    })
                },
            )
            .optional()?)
    }

    /// Whether the account has an unused recovery code with this digest.
    pub fn has_recovery_code(&self, user_id: i64, digest: &[u8]) -> Result<bool> {
        Ok(self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM recovery_codes WHERE user_id = ?1 AND code_sha256 = ?2)",
            params![user_id, digest],
            |r| r.get(0),
        )?)
    }

    /// How many unused recovery codes an account has.
    pub fn count_recovery_codes(&self, user_id: i64) -> Result<i64> {
        Ok(self.conn.query_row(
            "SELECT count(*) FROM recovery_codes WHERE user_id = ?1",
            [user_id],
            |r| r.get(0),
        )?)
    }

    /// Turns 2FA on with `secret` (its first code was for `step`) and a new
    /// set of recovery codes, in the transaction that records the password
    /// check that allowed it; every session but `keep_session` ends.
    /// Refused if 2FA was turned on meanwhile.
    pub fn enable_totp(
        &mut self,
        proof: &PasswordProof<'_>,
        secret: &str,
        step: i64,
        digests: &[Vec<u8>],
        keep_session: i64,
        event: &Event,
    ) -> Result<()> {
        let tx = self.write()?;
        apply_success(&tx, proof)?;
        tx.execute(
            "DELETE FROM sessions WHERE user_id = ?1 AND id != ?2",
            params![proof.user_id, keep_session],
        )?;
        let changed = tx.execute(
            "UPDATE users SET totp_secret = ?1, totp_last_step = ?2
             WHERE id = ?3 AND totp_secret IS NULL",
            params![secret, step, proof.user_id],
        )?;
        if changed == 0 {
            return Err(Error::Invalid(
                "two-factor authentication is already on for this account".to_string(),
            ));
        }
        insert_codes(&tx, proof.user_id, digests)?;
        insert_event(&tx, event)?;
        tx.commit()?;
        Ok(())
    }

    /// Replaces an account's recovery codes, after a password and code check.
    pub fn replace_recovery_codes(
        &mut self,
        proof: &PasswordProof<'_>,
        digests: &[Vec<u8>],
        event: &Event,
    ) -> Result<()> {
        let tx = self.write()?;
        apply_success(&tx, proof)?;
        insert_codes(&tx, proof.user_id, digests)?;
        insert_event(&tx, event)?;
        tx.commit()?;
        Ok(())
    }

    /// Turns 2FA off: after the owner's password and code check (`proof`),
    /// or with none for an admin's reset.
    pub fn disable_totp(
        &mut self,
        user_id: i64,
        proof: Option<&PasswordProof<'_>>,
        event: &Event,
    ) -> Result<()> {
        let tx = self.write()?;
        if let Some(proof) = proof {
            apply_success(&tx, proof)?;
        }
        tx.execute(
            "UPDATE users SET totp_secret = NULL, totp_last_step = NULL WHERE id = ?1",
            [user_id],
        )?;
        insert_codes(&tx, user_id, &[])?;
        insert_event(&tx, event)?;
        tx.commit()?;
        Ok(())
    }
}
