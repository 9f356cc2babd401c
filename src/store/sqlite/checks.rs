//! Password checks ([`PasswordChecks`]): the lockout record, and recording a
//! check's success in whatever transaction acts on it ([`apply_success`]).

use super::SqliteStore;
use super::accounts::is_admin_locked;
use super::events::insert_event;
use crate::audit::Event;
use crate::lockout::{FailedLogins, Refusal};
use crate::model::AccountId;
use crate::store::{PasswordChecks, PasswordProof, SecondFactorProof, StoreError, StoreResult};
use rusqlite::{Connection, OptionalExtension, params};

impl PasswordChecks for SqliteStore {
    fn begin_password_check(
        &mut self,
        id: AccountId,
        step: &dyn Fn(FailedLogins) -> Result<FailedLogins, Refusal>,
    ) -> StoreResult<Option<Refusal>> {
        let tx = self.write()?;
        let started = match step(read_failed_logins(&tx, id)?) {
            Ok(started) => started,
            Err(refusal) => return Ok(Some(refusal)),
        };
        tx.execute(
            "UPDATE users SET failed_logins = ?1, check_started_at = ?2 WHERE id = ?3",
            params![started.count, started.last_started, id],
        )?;
        tx.commit()?;
        Ok(None)
    }

    fn release_password_check(&mut self, id: AccountId) -> StoreResult<()> {
        self.conn.execute(
            "UPDATE users SET failed_logins = max(failed_logins - 1, 0) WHERE id = ?1",
            [id],
        )?;
        Ok(())
    }

    fn record_check_failure(
        &mut self,
        id: AccountId,
        step: &dyn Fn(FailedLogins) -> FailedLogins,
        failure: &Event,
        lockout: &Event,
    ) -> StoreResult<FailedLogins> {
        let tx = self.write()?;
        let before = read_failed_logins(&tx, id)?;
        let after = step(before);
        tx.execute(
            "UPDATE users SET failed_logins = ?1, lockouts = ?2, locked_until = ?3 WHERE id = ?4",
            params![after.count, after.locks, after.locked_until, id],
        )?;
        insert_event(&tx, failure)?;
        if after.locks > before.locks {
            tx.execute("DELETE FROM sessions WHERE user_id = ?1", [id])?;
            insert_event(&tx, lockout)?;
        }
        tx.commit()?;
        Ok(after)
    }

    fn record_check_success(&mut self, proof: &PasswordProof<'_>) -> StoreResult<()> {
        let tx = self.write()?;
        apply_success(&tx, proof)?;
        tx.commit()?;
        Ok(())
    }
}

/// Records a check's success inside `tx`, exactly as [`PasswordProof`]
/// describes: one conditional update, so the conditions and the writes are
/// one step.
pub(super) fn apply_success(tx: &Connection, proof: &PasswordProof<'_>) -> StoreResult<()> {
    let step = match proof.second_factor {
        SecondFactorProof::Totp(step) => Some(step),
        _ => None,
    };
    // Without a second factor the account must not have one now: 2FA may
    // have been turned on while this password was being checked.
    let has_factor = !matches!(proof.second_factor, SecondFactorProof::None);
    let changed = tx.execute(
        "UPDATE users SET failed_logins = 0, lockouts = 0, locked_until = NULL,
             password_hash = coalesce(?1, password_hash),
             totp_last_step = coalesce(?4, totp_last_step)
         WHERE id = ?2 AND password_hash = ?3 AND admin_locked_at IS NULL
           AND (?4 IS NULL OR totp_last_step IS NULL OR totp_last_step < ?4)
           AND (?5 OR totp_secret IS NULL)",
        params![
            proof.upgraded_hash,
            proof.account,
            proof.verified_hash,
            step,
            has_factor
        ],
    )?;
    if changed == 0 {
        // Locked by an admin during the check, the hash changed, or the
        // code's step was used meanwhile.
        return Err(match is_admin_locked(tx, proof.account)? {
            true => StoreError::AdminLocked,
            false => StoreError::Stale,
        });
    }
    if let SecondFactorProof::Recovery(digest) = proof.second_factor {
        let used = tx.execute(
            "DELETE FROM recovery_codes WHERE user_id = ?1 AND code_sha256 = ?2",
            params![proof.account, digest],
        )?;
        if used == 0 {
            return Err(StoreError::Stale);
        }
    }
    Ok(())
}

fn read_failed_logins(tx: &Connection, id: AccountId) -> StoreResult<FailedLogins> {
    tx.query_row(
        "SELECT failed_logins, lockouts, locked_until, admin_locked_at IS NOT NULL AS admin_locked,
             check_started_at
         FROM users WHERE id = ?1",
        [id],
        |r| {
            Ok(FailedLogins {
                count: r.get("failed_logins")?,
                locks: r.get("lockouts")?,
                locked_until: r.get("locked_until")?,
                locked_by_admin: r.get("admin_locked")?,
                last_started: r.get("check_started_at")?,
            })
        },
    )
    .optional()?
    .ok_or(StoreError::NoSuchAccount(id))
}
