//! Every security threshold in one place, so that a later `config` command
//! can load them from the database instead of these defaults.

use crate::error::{Error, Result};
use crate::password::HashParams;
use crate::policy::MAX_PASSWORD_CHARS;
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

    /// Checks every limit against its floor: passwords of at least 8
    /// characters (NIST's absolute minimum) and at most the policy's maximum,
    /// a lockout threshold of at least 1, positive durations, and hash costs
    /// at or above OWASP's minimum.
    pub fn validate(self) -> Result<Self> {
        if !(8..=MAX_PASSWORD_CHARS).contains(&self.password_min_chars) {
            return Err(Error::Invalid(format!(
                "minimum password length must be 8 to {MAX_PASSWORD_CHARS} characters, not {}",
                self.password_min_chars
            )));
        }
        if self.lockout_threshold == 0
            || self.lockout_base_secs <= 0
            || self.lockout_max_secs < self.lockout_base_secs
            || self.session_idle_secs <= 0
        {
            return Err(Error::Invalid(
                "lockout threshold, lock durations and idle time must be positive".to_string(),
            ));
        }
        self.hash.validate()?;
        Ok(self)
    }

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
    /// An admin locked the account until unlocked.
    pub locked_by_admin: bool,
}

/// Why a password check may not start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// An admin locked the account.
    LockedByAdmin,
    /// The account is locked until then.
    LockedUntil(Timestamp),
    /// As many checks as the threshold are already counted and unresolved
    /// (running at the same moment); the lock they may cause is pending.
    TooManyAttempts,
}

impl FailedLogins {
    /// Whether the account is locked at `now`.
    pub fn locked_at(&self, now: Timestamp) -> Option<Timestamp> {
        self.locked_until.filter(|&until| until > now)
    }

    /// Why a password check may not start at `now`, if it may not. Every
    /// check is counted as a failure when it starts (see [`started`]), so
    /// checks running in parallel cannot exceed the threshold either.
    ///
    /// [`started`]: FailedLogins::started
    pub fn refusal(&self, settings: &Settings, now: Timestamp) -> Option<Refusal> {
        if self.locked_by_admin {
            return Some(Refusal::LockedByAdmin);
        }
        if let Some(until) = self.locked_at(now) {
            return Some(Refusal::LockedUntil(until));
        }
        (self.count >= settings.lockout_threshold).then_some(Refusal::TooManyAttempts)
    }

    /// The record once a check starts: it counts as a failure until a
    /// success resets the count.
    pub fn started(self) -> FailedLogins {
        FailedLogins {
            count: self.count.saturating_add(1),
            ..self
        }
    }

    /// The record after a check (already counted) failed at `now`: at the
    /// threshold the account locks, for longer after each earlier lock, and
    /// the count starts again. An account that is already locked (by a check
    /// that ran at the same time) is not locked again.
    pub fn after_failure(self, settings: &Settings, now: Timestamp) -> FailedLogins {
        if self.locked_at(now).is_some() || self.count < settings.lockout_threshold {
            return self;
        }
        let locks = self.locks.saturating_add(1);
        FailedLogins {
            count: 0,
            locks,
            locked_until: Some(now.saturating_add(settings.lock_duration(locks))),
            ..self
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One failed check: started, then failed.
    fn fail(f: FailedLogins, s: &Settings, now: Timestamp) -> FailedLogins {
        assert_eq!(f.refusal(s, now), None);
        f.started().after_failure(s, now)
    }

    #[test]
    fn five_failures_lock_for_15_minutes_then_doubling_to_a_day() {
        let s = Settings::DEFAULT;
        let mut f = FailedLogins::default();
        for _ in 0..4 {
            f = fail(f, &s, 100);
            assert_eq!(f.locked_until, None);
        }
        f = fail(f, &s, 100);
        assert_eq!(f.locked_until, Some(100 + 900));
        assert_eq!(f.count, 0);
        assert_eq!(f.refusal(&s, 500), Some(Refusal::LockedUntil(1000)));
        assert_eq!(f.refusal(&s, 1000), None);
        for _ in 0..5 {
            f = fail(f, &s, 2000);
        }
        assert_eq!(f.locked_until, Some(2000 + 1800));
        assert_eq!(s.lock_duration(3), 3600);
        assert_eq!(s.lock_duration(7), 15 * 60 * 64);
        assert_eq!(s.lock_duration(8), 86400, "capped at 24h");
        assert_eq!(s.lock_duration(100), 86400);
    }

    #[test]
    fn limits_below_their_floor_are_refused() {
        let d = Settings::DEFAULT;
        assert!(d.validate().is_ok());
        let short = Settings {
            password_min_chars: 7,
            ..d
        };
        assert!(short.validate().is_err());
        let no_lock = Settings {
            lockout_threshold: 0,
            ..d
        };
        assert!(no_lock.validate().is_err());
        let weak = Settings {
            hash: HashParams {
                memory_kib: 8192,
                ..HashParams::OWASP_MINIMUM
            },
            ..d
        };
        assert!(weak.validate().is_err());
    }

    #[test]
    fn checks_at_the_same_moment_stop_at_the_threshold_and_lock_once() {
        let s = Settings::DEFAULT;
        let mut f = FailedLogins::default();
        for _ in 0..5 {
            assert_eq!(f.refusal(&s, 100), None);
            f = f.started();
        }
        assert_eq!(f.refusal(&s, 100), Some(Refusal::TooManyAttempts));
        // The five fail one after another: one lock, not five.
        for _ in 0..5 {
            f = f.after_failure(&s, 100);
        }
        assert_eq!((f.locks, f.locked_until), (1, Some(1000)));
    }
}
