//! Password checks ([`PasswordChecks`]) on PostgreSQL, and recording a
//! check's success in whatever transaction acts on it ([`apply_success`]).

use super::accounts::is_admin_locked;
use super::rows::insert_event;
use super::{PgStore, begin_write};
use crate::audit::Event;
use crate::lockout::{FailedLogins, Refusal};
use crate::model::AccountId;
use crate::store::{PasswordChecks, PasswordProof, SecondFactorProof, StoreError, StoreResult};
use postgres::GenericClient;

impl PasswordChecks for PgStore {
    fn begin_password_check(
        &mut self,
        id: AccountId,
        step: &dyn Fn(FailedLogins) -> Result<FailedLogins, Refusal>,
    ) -> StoreResult<Option<Refusal>> {
        let mut client = self.client.borrow_mut();
        let mut tx = begin_write(&mut client)?;
        let started = match step(read_failed_logins(&mut tx, id)?) {
            Ok(started) => started,
            Err(refusal) => return Ok(Some(refusal)),
        };
        tx.execute(
            "UPDATE users SET failed_logins = $1, check_started_at = $2 WHERE id = $3",
            &[&stored(started.count), &started.last_started, &id.0],
        )?;
        tx.commit()?;
        Ok(None)
    }

    fn release_password_check(&mut self, id: AccountId) -> StoreResult<()> {
        let mut client = self.client.borrow_mut();
        let mut tx = begin_write(&mut client)?;
        tx.execute(
            "UPDATE users SET failed_logins = GREATEST(failed_logins - 1, 0) WHERE id = $1",
            &[&id.0],
        )?;
        tx.commit()?;
        Ok(())
    }

    fn record_check_failure(
        &mut self,
        id: AccountId,
        step: &dyn Fn(FailedLogins) -> FailedLogins,
        failure: &Event,
        lockout: &Event,
    ) -> StoreResult<FailedLogins> {
        let mut client = self.client.borrow_mut();
        let mut tx = begin_write(&mut client)?;
        let before = read_failed_logins(&mut tx, id)?;
        let after = step(before);
        tx.execute(
            "UPDATE users SET failed_logins = $1, lockouts = $2, locked_until = $3 WHERE id = $4",
            &[
                &stored(after.count),
                &stored(after.locks),
                &after.locked_until,
                &id.0,
            ],
        )?;
        insert_event(&mut tx, failure)?;
        if after.locks > before.locks {
            tx.execute("DELETE FROM sessions WHERE user_id = $1", &[&id.0])?;
            insert_event(&mut tx, lockout)?;
        }
        tx.commit()?;
        Ok(after)
    }

    fn record_check_success(&mut self, proof: &PasswordProof<'_>) -> StoreResult<()> {
        let mut client = self.client.borrow_mut();
        let mut tx = begin_write(&mut client)?;
        apply_success(&mut tx, proof)?;
        tx.commit()?;
        Ok(())
    }
}

/// A count as the `INTEGER` column holds it.
fn stored(n: u32) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

/// Records a check's success inside `tx`, exactly as [`PasswordProof`]
/// describes: one conditional update, so the conditions and the writes are
/// one step.
pub(super) fn apply_success(
    tx: &mut impl GenericClient,
    proof: &PasswordProof<'_>,
) -> StoreResult<()> {
    let step = match proof.second_factor {
        SecondFactorProof::Totp(step) => Some(step),
        _ => None,
    };
    // Without a second factor the account must not have one now: 2FA may
    // have been turned on while this password was being checked.
    let has_factor = !matches!(proof.second_factor, SecondFactorProof::None);
    let changed = tx.execute(
        "UPDATE users SET failed_logins = 0, lockouts = 0, locked_until = NULL,
             password_hash = coalesce($1, password_hash),
             totp_last_step = coalesce($4, totp_last_step)
         WHERE id = $2 AND password_hash = $3 AND admin_locked_at IS NULL
           AND ($4::bigint IS NULL OR totp_last_step IS NULL OR totp_last_step < $4)
           AND ($5 OR totp_secret IS NULL)",
        &[
            &proof.upgraded_hash,
            &proof.account.0,
            &proof.verified_hash,
            &step,
            &has_factor,
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
            "DELETE FROM recovery_codes WHERE user_id = $1 AND code_sha256 = $2",
            &[&proof.account.0, &digest],
        )?;
        if used == 0 {
            return Err(StoreError::Stale);
        }
    }
    Ok(())
}

fn read_failed_logins(tx: &mut impl GenericClient, id: AccountId) -> StoreResult<FailedLogins> {
    let row = tx
        .query_opt(
            "SELECT failed_logins, lockouts, locked_until, admin_locked_at IS NOT NULL,
                 check_started_at
             FROM users WHERE id = $1",
            &[&id.0],
        )?
        .ok_or(StoreError::NoSuchAccount(id))?;
    let count = |at: usize| -> StoreResult<u32> {
        let n: i32 = row.try_get(at)?;
        Ok(u32::try_from(n).unwrap_or(0))
    };
    Ok(FailedLogins {
        count: count(0)?,
        locks: count(1)?,
        locked_until: row.try_get(2)?,
        locked_by_admin: row.try_get(3)?,
        last_started: row.try_get(4)?,
    })
}
