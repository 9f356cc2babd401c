//! Two-factor rows ([`TwoFactorRows`]) on PostgreSQL.

use super::checks::apply_success;
use super::rows::insert_event;
use super::{PgStore, begin_write};
use crate::audit::Event;
use crate::model::{AccountId, SessionId};
use crate::store::{PasswordProof, StoreError, StoreResult, StoredTotp, TwoFactorRows};
use crate::totp::TwoFactorBackup;
use postgres::GenericClient;
use std::collections::HashMap;
use zeroize::Zeroizing;

/// Gives a just-imported account the two-factor login of its backup.
pub(super) fn restore(
    tx: &mut impl GenericClient,
    id: AccountId,
    backup: &TwoFactorBackup,
) -> StoreResult<()> {
    tx.execute(
        "UPDATE users SET totp_secret = $1, totp_last_step = $2 WHERE id = $3",
        &[&backup.secret.as_str(), &backup.last_step, &id.0],
    )?;
    replace_codes(tx, id, &backup.recovery_code_digests)
}

/// Makes `digests` the account's only recovery codes.
fn replace_codes(
    tx: &mut impl GenericClient,
    id: AccountId,
    digests: &[Vec<u8>],
) -> StoreResult<()> {
    tx.execute("DELETE FROM recovery_codes WHERE user_id = $1", &[&id.0])?;
    for digest in digests {
        tx.execute(
            "INSERT INTO recovery_codes (user_id, code_sha256) VALUES ($1, $2)",
            &[&id.0, digest],
        )?;
    }
    Ok(())
}

impl TwoFactorRows for PgStore {
    fn two_factor_backups(&self) -> StoreResult<HashMap<AccountId, TwoFactorBackup>> {
        let mut client = self.client.borrow_mut();
        let mut backups = HashMap::new();
        let secrets = client.query(
            "SELECT id, totp_secret, totp_last_step FROM users WHERE totp_secret IS NOT NULL",
            &[],
        )?;
        for r in secrets {
            let backup = TwoFactorBackup {
                secret: Zeroizing::new(r.try_get(1)?),
                last_step: r.try_get(2)?,
                recovery_code_digests: Vec::new(),
            };
            backups.insert(AccountId(r.try_get(0)?), backup);
        }
        let codes = client.query(
            "SELECT user_id, code_sha256 FROM recovery_codes ORDER BY code_sha256",
            &[],
        )?;
        for r in codes {
            if let Some(backup) = backups.get_mut(&AccountId(r.try_get(0)?)) {
                backup.recovery_code_digests.push(r.try_get(1)?);
            }
        }
        Ok(backups)
    }

    fn totp_of(&self, id: AccountId) -> StoreResult<Option<StoredTotp>> {
        let row = self.client.borrow_mut().query_opt(
            "SELECT totp_secret, totp_last_step FROM users
             WHERE id = $1 AND totp_secret IS NOT NULL",
            &[&id.0],
        )?;
        row.map(|r| {
            Ok(StoredTotp {
                secret: Zeroizing::new(r.try_get(0)?),
                last_step: r.try_get(1)?,
            })
        })
        .transpose()
    }

    fn has_recovery_code(&self, id: AccountId, digest: &[u8]) -> StoreResult<bool> {
        let row = self.client.borrow_mut().query_one(
            "SELECT EXISTS (SELECT 1 FROM recovery_codes WHERE user_id = $1 AND code_sha256 = $2)",
            &[&id.0, &digest],
        )?;
        Ok(row.try_get(0)?)
    }

    fn count_recovery_codes(&self, id: AccountId) -> StoreResult<i64> {
        let row = self.client.borrow_mut().query_one(
            "SELECT count(*) FROM recovery_codes WHERE user_id = $1",
            &[&id.0],
        )?;
        Ok(row.try_get(0)?)
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
        let mut client = self.client.borrow_mut();
        let mut tx = begin_write(&mut client)?;
        let on: Option<bool> = tx
            .query_opt(
                "SELECT totp_secret IS NOT NULL FROM users WHERE id = $1",
                &[&proof.account.0],
            )?
            .map(|r| r.try_get(0))
            .transpose()?;
        match on {
            None => return Err(StoreError::NoSuchAccount(proof.account)),
            Some(true) => return Err(StoreError::TwoFactorAlreadyOn),
            Some(false) => {}
        }
        apply_success(&mut tx, proof)?;
        tx.execute(
            "DELETE FROM sessions WHERE user_id = $1 AND id != $2",
            &[&proof.account.0, &keep_session.0],
        )?;
        tx.execute(
            "UPDATE users SET totp_secret = $1, totp_last_step = $2 WHERE id = $3",
            &[&secret, &step, &proof.account.0],
        )?;
        replace_codes(&mut tx, proof.account, digests)?;
        insert_event(&mut tx, event)?;
        tx.commit()?;
        Ok(())
    }

    fn replace_recovery_codes(
        &mut self,
        proof: &PasswordProof<'_>,
        digests: &[Vec<u8>],
        event: &Event,
    ) -> StoreResult<()> {
        let mut client = self.client.borrow_mut();
        let mut tx = begin_write(&mut client)?;
        apply_success(&mut tx, proof)?;
        replace_codes(&mut tx, proof.account, digests)?;
        insert_event(&mut tx, event)?;
        tx.commit()?;
        Ok(())
    }

    fn disable_totp(
        &mut self,
        id: AccountId,
        proof: Option<&PasswordProof<'_>>,
        event: &Event,
    ) -> StoreResult<()> {
        let mut client = self.client.borrow_mut();
        let mut tx = begin_write(&mut client)?;
        if let Some(proof) = proof {
            apply_success(&mut tx, proof)?;
        }
        tx.execute(
            "UPDATE users SET totp_secret = NULL, totp_last_step = NULL WHERE id = $1",
            &[&id.0],
        )?;
        replace_codes(&mut tx, id, &[])?;
        insert_event(&mut tx, event)?;
        tx.commit()?;
        Ok(())
    }
}
