//! Two-factor rows ([`TwoFactorRows`]): an account's TOTP secret and last
//! step, and its recovery-code digests.

use super::SqliteStore;
use super::checks::apply_success;
use super::events::insert_event;
use crate::audit::Event;
use crate::model::{AccountId, SessionId};
use crate::store::{PasswordProof, StoreError, StoreResult, StoredTotp, TwoFactorRows};
use crate::totp::TwoFactorBackup;
use rusqlite::{Connection, OptionalExtension, params};
use std::collections::HashMap;
use zeroize::Zeroizing;

/// Gives a just-imported account the two-factor login of its backup.
pub(super) fn restore(tx: &Connection, id: AccountId, backup: &TwoFactorBackup) -> StoreResult<()> {
    tx.execute(
        "UPDATE users SET totp_secret = ?1, totp_last_step = ?2 WHERE id = ?3",
        params![backup.secret.as_str(), backup.last_step, id],
    )?;
    replace_codes(tx, id, &backup.recovery_code_digests)?;
    Ok(())
}

/// Makes `digests` the account's only recovery codes.
fn replace_codes(tx: &Connection, id: AccountId, digests: &[Vec<u8>]) -> rusqlite::Result<()> {
    tx.execute("DELETE FROM recovery_codes WHERE user_id = ?1", [id])?;
    for digest in digests {
        tx.execute(
            "INSERT INTO recovery_codes (user_id, code_sha256) VALUES (?1, ?2)",
            params![id, digest],
        )?;
    }
    Ok(())
}

impl TwoFactorRows for SqliteStore {
    fn two_factor_backups(&self) -> StoreResult<HashMap<AccountId, TwoFactorBackup>> {
        let mut backups = HashMap::new();
        let mut secrets = self.conn.prepare(
            "SELECT id, totp_secret, totp_last_step FROM users WHERE totp_secret IS NOT NULL",
        )?;
        let rows = secrets.query_map([], |r| {
            Ok((
                AccountId(r.get("id")?),
                TwoFactorBackup {
                    secret: Zeroizing::new(r.get("totp_secret")?),
                    last_step: r.get("totp_last_step")?,
                    recovery_code_digests: Vec::new(),
                },
            ))
        })?;
        for row in rows {
            let (id, backup) = row?;
            backups.insert(id, backup);
        }
        let mut codes = self
            .conn
            .prepare("SELECT user_id, code_sha256 FROM recovery_codes ORDER BY code_sha256")?;
        let rows = codes.query_map([], |r| Ok((AccountId(r.get(0)?), r.get::<_, Vec<u8>>(1)?)))?;
        for row in rows {
            let (id, digest) = row?;
            if let Some(backup) = backups.get_mut(&id) {
                backup.recovery_code_digests.push(digest);
            }
        }
        Ok(backups)
    }

    fn totp_of(&self, id: AccountId) -> StoreResult<Option<StoredTotp>> {
        Ok(self
            .conn
            .query_row(
                "SELECT totp_secret, totp_last_step FROM users
                 WHERE id = ?1 AND totp_secret IS NOT NULL",
                [id],
                |r| {
                    Ok(StoredTotp {
                        secret: Zeroizing::new(r.get("totp_secret")?),
                        last_step: r.get("totp_last_step")?,
                    })
                },
            )
            .optional()?)
    }

    fn has_recovery_code(&self, id: AccountId, digest: &[u8]) -> StoreResult<bool> {
        Ok(self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM recovery_codes WHERE user_id = ?1 AND code_sha256 = ?2)",
            params![id, digest],
            |r| r.get(0),
        )?)
    }

    fn count_recovery_codes(&self, id: AccountId) -> StoreResult<i64> {
        Ok(self.conn.query_row(
            "SELECT count(*) FROM recovery_codes WHERE user_id = ?1",
            [id],
            |r| r.get(0),
        )?)
    }

    fn enable_totp(
        &mut self,
        proof: &PasswordProof<'_>,
        secret: &str,
        step: i64,
        digests: &[Vec<u8>],
        keep_session: SessionId,
        event: &Event,
    ) -> StoreResult<()> {
        let tx = self.write()?;
        let on: Option<bool> = tx
            .query_row(
                "SELECT totp_secret IS NOT NULL FROM users WHERE id = ?1",
                [proof.account],
                |r| r.get(0),
            )
            .optional()?;
        match on {
            None => return Err(StoreError::NoSuchAccount(proof.account)),
            Some(true) => return Err(StoreError::TwoFactorAlreadyOn),
            Some(false) => {}
        }
        apply_success(&tx, proof)?;
        tx.execute(
            "DELETE FROM sessions WHERE user_id = ?1 AND id != ?2",
            params![proof.account, keep_session.0],
        )?;
        tx.execute(
            "UPDATE users SET totp_secret = ?1, totp_last_step = ?2 WHERE id = ?3",
            params![secret, step, proof.account],
        )?;
        replace_codes(&tx, proof.account, digests)?;
        insert_event(&tx, event)?;
        tx.commit()?;
        Ok(())
    }

    fn replace_recovery_codes(
        &mut self,
        proof: &PasswordProof<'_>,
        digests: &[Vec<u8>],
        event: &Event,
    ) -> StoreResult<()> {
        let tx = self.write()?;
        apply_success(&tx, proof)?;
        replace_codes(&tx, proof.account, digests)?;
        insert_event(&tx, event)?;
        tx.commit()?;
        Ok(())
    }

    fn disable_totp(
        &mut self,
        id: AccountId,
        proof: Option<&PasswordProof<'_>>,
        event: &Event,
    ) -> StoreResult<()> {
        let tx = self.write()?;
        if let Some(proof) = proof {
            apply_success(&tx, proof)?;
        }
        tx.execute(
            "UPDATE users SET totp_secret = NULL, totp_last_step = NULL WHERE id = ?1",
            [id],
        )?;
        replace_codes(&tx, id, &[])?;
        insert_event(&tx, event)?;
        tx.commit()?;
        Ok(())
    }
}
