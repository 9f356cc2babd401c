//! Every security threshold in one place, so that a later `config` command
//! can load them from the database instead of these defaults.

use crate::password::HashParams;
use crate::time::Timestamp;

/// Seconds in an hour.
const HOUR: i64 = 3600;

/// The thresholds authctl enforces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settings {
    /// Shortest new password, in characters (NIST SP 800-63B-4: 15 for a
    /// single-factor password; never below 8).
    pub password_min_chars: usize,
    /// Consecutive failed password checks that lock an account.
    pub lockout_threshold: u32,
    /// How long the first lock lasts, in seconds; each further lock doubles it.
    pub lockout_base_secs: i64,
    /// The longest a lock can last, in seconds.
    pub lockout_max_secs: i64,
    /// A session unused for this many seconds has ended.
    pub session_idle_secs: i64,
    /// Argon2id cost for new hashes.
    pub hash: HashParams,
}

impl Settings {
    /// The defaults: 15-character passwords, 5 failures lock for 15 minutes
    /// (doubling up to 24 hours), 12 hours of idleness end a session.
    pub const DEFAULT: Settings = Settings {
        password_min_chars: 15,
        lockout_threshold: 5,
        lockout_base_secs: 15 * 60,
        lockout_max_secs: 24 * HOUR,
        session_idle_secs: 12 * HOUR,
        hash: HashParams::DEFAULT,
    };

    /// How long lock number `nth` (1 for the first) lasts: the base duration
    /// doubled for each earlier lock, capped at the maximum.
    pub fn lock_duration(&self, nth: u32) -> i64 {
        let doublings = nth.saturating_sub(1).min(32);
        self.lockout_base_secs
            .saturating_mul(1i64 << doublings)
            .min(self.lockout_max_secs)
    }
}

impl Default for Settings {
    fn default() -> Self {
        Settings::DEFAULT
    }
}

/// An account's record of failed password checks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FailedLogins {
    /// Consecutive failures since the last success or lock.
    pub count: u32,
    /// Locks since the last success.
    pub locks: u32,
    /// The account is locked until then.
    pub locked_until: Option<Timestamp>,
}

impl FailedLogins {
    /// Whether the account is locked at `now`.
    pub fn locked_at(&self, now: Timestamp) -> Option<Timestamp> {
        self.locked_until.filter(|&until| until > now)
    }

    /// The record after one more failure at `now`: at the threshold the
    /// account locks and the count starts again.
    pub fn after_failure(self, settings: &Settings, now: Timestamp) -> FailedLogins {
        let count = self.count.saturating_add(1);
        if count < settings.lockout_threshold {
            return FailedLogins { count, ..self };
        }
        let locks = self.locks.saturating_add(1);
        FailedLogins {
            count: 0,
            locks,
            locked_until: Some(now.saturating_add(settings.lock_duration(locks))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_failures_lock_for_15_minutes_then_doubling_to_a_day() {
        let s = Settings::DEFAULT;
        let mut f = FailedLogins::default();
        for _ in 0..4 {
            f = f.after_failure(&s, 100);
            assert_eq!(f.locked_until, None);
        }
        f = f.after_failure(&s, 100);
        assert_eq!(f.locked_until, Some(100 + 900));
        assert_eq!(f.count, 0);
        assert_eq!(f.locked_at(500), Some(1000));
        assert_eq!(f.locked_at(1000), None);
        for _ in 0..5 {
            f = f.after_failure(&s, 2000);
        }
        assert_eq!(f.locked_until, Some(2000 + 1800));
        assert_eq!(s.lock_duration(3), 3600);
        assert_eq!(s.lock_duration(7), 15 * 60 * 64);
        assert_eq!(s.lock_duration(8), 86400, "capped at 24h");
        assert_eq!(s.lock_duration(100), 86400);
    }
}
