//! Lockout: each account's record of failed password checks and the rules
//! that count, refuse and lock from it. The store keeps the record; these
//! functions decide, inside the store's write transaction.

use crate::settings::Settings;
use crate::time::Timestamp;

/// An account's record of failed password checks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct FailedLogins {
    /// Consecutive failures since the last success or lock.
    pub(crate) count: u32,
    /// Locks since the last success.
    pub(crate) locks: u32,
    /// The account is locked until then.
    pub(crate) locked_until: Option<Timestamp>,
    /// An admin locked the account until unlocked.
    pub(crate) locked_by_admin: bool,
    /// When the last check was counted.
    pub(crate) last_started: Option<Timestamp>,
}

/// How long a counted check may still be running. A count at the
/// threshold refuses new checks only while its last check is this recent;
/// after that it was left by a check that never finished (a killed process)
/// or by a threshold lowered since, and the next check may run (and lock
/// the account if it fails).
pub(crate) const CHECK_IN_FLIGHT_SECS: i64 = 60;

/// Why a password check may not start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refusal {
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
    pub(crate) fn locked_at(&self, now: Timestamp) -> Option<Timestamp> {
        self.locked_until.filter(|&until| until > now)
    }

    /// Why a password check may not start at `now`, if it may not. Every
    /// check is counted as a failure when it starts (see [`started`]), so
    /// checks running in parallel cannot exceed the threshold either.
    ///
    /// [`started`]: FailedLogins::started
    pub(crate) fn refusal(&self, settings: &Settings, now: Timestamp) -> Option<Refusal> {
        if self.locked_by_admin {
            return Some(Refusal::LockedByAdmin);
        }
        if let Some(until) = self.locked_at(now) {
            return Some(Refusal::LockedUntil(until));
        }
        let in_flight = self
            .last_started
            .is_some_and(|at| now.saturating_sub(at) < CHECK_IN_FLIGHT_SECS);
        (self.count >= settings.lockout_threshold && in_flight).then_some(Refusal::TooManyAttempts)
    }

    /// The record once a check starts at `now`: it counts as a failure
    /// until a success resets the count.
    pub(crate) fn started(self, now: Timestamp) -> FailedLogins {
        FailedLogins {
            count: self.count.saturating_add(1),
            last_started: Some(now),
            ..self
        }
    }

    /// The record after a check (already counted) failed at `now`: at the
    /// threshold the account locks, for longer after each earlier lock, and
    /// the count starts again. An account that is already locked (by a check
    /// that ran at the same time) is not locked again.
    pub(crate) fn after_failure(self, settings: &Settings, now: Timestamp) -> FailedLogins {
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
        f.started(now).after_failure(s, now)
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
    fn checks_at_the_same_moment_stop_at_the_threshold_and_lock_once() {
        let s = Settings::DEFAULT;
        let mut f = FailedLogins::default();
        for _ in 0..5 {
            assert_eq!(f.refusal(&s, 100), None);
            f = f.started(100);
        }
        assert_eq!(f.refusal(&s, 100), Some(Refusal::TooManyAttempts));
        // A count nobody resolved for a minute no longer blocks a check.
        assert_eq!(f.refusal(&s, 160), None);
        let lowered = Settings {
            lockout_threshold: 3,
            ..s
        };
        assert_eq!(f.refusal(&lowered, 200), None);
        let failed = f.started(200).after_failure(&lowered, 200);
        assert!(failed.locked_until.is_some(), "the next failure locks");
        // The five fail one after another: one lock, not five.
        for _ in 0..5 {
            f = f.after_failure(&s, 100);
        }
        assert_eq!((f.locks, f.locked_until), (1, Some(1000)));
    }
}
