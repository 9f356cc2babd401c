//! Every security threshold in one place: compiled-in defaults, overridden
//! by the settings an admin stores in the database (`authctl config`), each
//! validated against its floor.

use crate::duration::{as_secs, format_secs, parse_duration};
use crate::echo::quoted;
use crate::error::{Error, Result};
use crate::model::Role;
use crate::password::HashParams;
use crate::policy::MAX_PASSWORD_CHARS;
use std::fmt;

/// Seconds in an hour.
const HOUR: i64 = 3600;
/// Seconds in a day.
const DAY: i64 = 24 * HOUR;

/// Who may create accounts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Registration {
    /// Anyone who can run authctl on the database.
    Open,
    /// Only an admin session (except the very first account).
    Admin,
}

impl Registration {
    /// Why a caller may not create an account of `role` (other than the
    /// very first), if they may not: only an admin creates admins, and
    /// while registration is `admin` only an admin creates anyone.
    pub fn refusal(self, role: Role, by_admin: bool) -> Option<&'static str> {
        if by_admin {
            None
        } else if role == Role::Admin {
            Some("permission denied: only an admin can create an admin account")
        } else if self == Registration::Admin {
            Some(
                "permission denied: registration is limited to admins (setting registration = admin)",
            )
        } else {
            None
        }
    }
}

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
    /// A session's lifetime when login is not given one.
    pub session_ttl_secs: i64,
    /// The longest lifetime a login may ask for.
    pub session_max_ttl_secs: i64,
    /// Who may create accounts.
    pub registration: Registration,
    /// Argon2id cost for new hashes.
    pub hash: HashParams,
}

impl Settings {
    /// The defaults: 15-character passwords, 5 failures lock for 15 minutes
    /// (doubling up to 24 hours), sessions of 24 hours (at most 30 days)
    /// that end after 12 hours of idleness, open registration.
    pub const DEFAULT: Settings = Settings {
        password_min_chars: 15,
        lockout_threshold: 5,
        lockout_base_secs: 15 * 60,
        lockout_max_secs: DAY,
        session_idle_secs: 12 * HOUR,
        session_ttl_secs: DAY,
        session_max_ttl_secs: 30 * DAY,
        registration: Registration::Open,
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
        if !(1..=100).contains(&self.lockout_threshold) {
            return Err(Error::Invalid(format!(
                "lockout threshold must be 1 to 100 failures, not {}",
                self.lockout_threshold
            )));
        }
        if !(1..=self.lockout_max_secs).contains(&self.lockout_base_secs) {
            return Err(Error::Invalid(format!(
                "lockout duration must be 1s to {}, not {}",
                format_secs(self.lockout_max_secs),
                format_secs(self.lockout_base_secs)
            )));
        }
        if self.session_idle_secs <= 0 || !(1..=365 * DAY).contains(&self.session_max_ttl_secs) {
            return Err(Error::Invalid(format!(
                "session.max_ttl must be 1s to 365d, not {}",
                format_secs(self.session_max_ttl_secs)
            )));
        }
        if !(1..=self.session_max_ttl_secs).contains(&self.session_ttl_secs) {
            return Err(Error::Invalid(format!(
                "session.ttl ({}) must be positive and at most session.max_ttl ({})",
                format_secs(self.session_ttl_secs),
                format_secs(self.session_max_ttl_secs)
            )));
        }
        self.hash.validate()?;
        Ok(self)
    }

    /// These settings with the stored `(key, value)` pairs applied, refused
    /// if any key is unknown or any value invalid.
    pub fn with_stored(
        self,
        entries: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Settings> {
        // Validated once at the end: the pairs come in any order, and one
        // may only make sense beside another (session.ttl, session.max_ttl).
        entries
            .into_iter()
            .try_fold(self, |settings, (key, value)| {
                settings.assign(SettingKey::parse(&key)?, &value)
            })
            .and_then(Settings::validate)
            .map_err(|e| Error::Invalid(format!("{e} (a stored setting)")))
    }

    /// These settings with `key` set from `value` as typed, validated as a
    /// whole (so `session.ttl` cannot exceed `session.max_ttl`).
    pub fn set(self, key: SettingKey, value: &str) -> Result<Settings> {
        self.assign(key, value)?.validate()
    }

    /// `key` set from `value`, which is checked only on its own.
    fn assign(self, key: SettingKey, value: &str) -> Result<Settings> {
        let bad = |why: String| {
            Error::Invalid(format!("invalid value {} for {key}: {why}", quoted(value)))
        };
        let number = |range: std::ops::RangeInclusive<u32>| -> Result<u32> {
            value
                .trim()
                .parse::<u32>()
                .ok()
                .filter(|n| range.contains(n))
                .ok_or_else(|| {
                    bad(format!(
                        "must be a whole number from {} to {}",
                        range.start(),
                        range.end()
                    ))
                })
        };
        let secs = || parse_duration(value).map(as_secs);
        let mut s = self;
        match key {
            SettingKey::PasswordMinLength => {
                s.password_min_chars = number(8..=MAX_PASSWORD_CHARS as u32)? as usize;
            }
            SettingKey::LockoutThreshold => s.lockout_threshold = number(1..=100)?,
            SettingKey::LockoutDuration => s.lockout_base_secs = secs()?,
            SettingKey::SessionTtl => s.session_ttl_secs = secs()?,
            SettingKey::SessionMaxTtl => s.session_max_ttl_secs = secs()?,
            SettingKey::Registration => {
                s.registration = match value.trim() {
                    "open" => Registration::Open,
                    "admin" => Registration::Admin,
                    _ => return Err(bad("must be open or admin".to_string())),
                }
            }
            SettingKey::HashMemoryKib => {
                s.hash.memory_kib =
                    number(HashParams::OWASP_MINIMUM.memory_kib..=HashParams::MAXIMUM.memory_kib)?;
            }
            SettingKey::HashIterations => {
                s.hash.iterations =
                    number(HashParams::OWASP_MINIMUM.iterations..=HashParams::MAXIMUM.iterations)?;
            }
            SettingKey::HashParallelism => {
                s.hash.parallelism = number(
                    HashParams::OWASP_MINIMUM.parallelism..=HashParams::MAXIMUM.parallelism,
                )?;
            }
        }
        Ok(s)
    }

    /// The value of `key`, as `set` accepts it back.
    pub fn get(&self, key: SettingKey) -> SettingValue {
        use SettingValue::{Number, Text};
        match key {
            SettingKey::PasswordMinLength => Number(self.password_min_chars as u64),
            SettingKey::LockoutThreshold => Number(self.lockout_threshold.into()),
            SettingKey::LockoutDuration => Text(format_secs(self.lockout_base_secs)),
            SettingKey::SessionTtl => Text(format_secs(self.session_ttl_secs)),
            SettingKey::SessionMaxTtl => Text(format_secs(self.session_max_ttl_secs)),
            SettingKey::Registration => Text(
                match self.registration {
                    Registration::Open => "open",
                    Registration::Admin => "admin",
                }
                .to_string(),
            ),
            SettingKey::HashMemoryKib => Number(self.hash.memory_kib.into()),
            SettingKey::HashIterations => Number(self.hash.iterations.into()),
            SettingKey::HashParallelism => Number(self.hash.parallelism.into()),
        }
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

/// A setting an admin can change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SettingKey {
    /// `password.min_length`
    PasswordMinLength,
    /// `lockout.threshold`
    LockoutThreshold,
    /// `lockout.duration`
    LockoutDuration,
    /// `session.ttl`
    SessionTtl,
    /// `session.max_ttl`
    SessionMaxTtl,
    /// `registration`
    Registration,
    /// `hash.memory_kib`
    HashMemoryKib,
    /// `hash.iterations`
    HashIterations,
    /// `hash.parallelism`
    HashParallelism,
}

impl SettingKey {
    /// Every key, in the order `config list` shows them.
    pub const ALL: [SettingKey; 9] = [
        SettingKey::PasswordMinLength,
        SettingKey::LockoutThreshold,
        SettingKey::LockoutDuration,
        SettingKey::SessionTtl,
        SettingKey::SessionMaxTtl,
        SettingKey::Registration,
        SettingKey::HashMemoryKib,
        SettingKey::HashIterations,
        SettingKey::HashParallelism,
    ];

    /// The key's name.
    pub fn as_str(self) -> &'static str {
        match self {
            SettingKey::PasswordMinLength => "password.min_length",
            SettingKey::LockoutThreshold => "lockout.threshold",
            SettingKey::LockoutDuration => "lockout.duration",
            SettingKey::SessionTtl => "session.ttl",
            SettingKey::SessionMaxTtl => "session.max_ttl",
            SettingKey::Registration => "registration",
            SettingKey::HashMemoryKib => "hash.memory_kib",
            SettingKey::HashIterations => "hash.iterations",
            SettingKey::HashParallelism => "hash.parallelism",
        }
    }

    /// Finds a key by name.
    pub fn parse(name: &str) -> Result<SettingKey> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == name)
            .ok_or_else(|| {
                let names: Vec<&str> = Self::ALL.iter().map(|k| k.as_str()).collect();
                Error::Invalid(format!(
                    "unknown setting {}: use one of {}",
                    quoted(name),
                    names.join(", ")
                ))
            })
    }
}

impl fmt::Display for SettingKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A setting's value: a number, or text (a duration, a choice).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(untagged)]
pub enum SettingValue {
    /// A count or a size.
    Number(u64),
    /// A duration like `15m`, or a choice like `open`.
    Text(String),
}

impl fmt::Display for SettingValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SettingValue::Number(n) => write!(f, "{n}"),
            SettingValue::Text(t) => f.write_str(t),
        }
    }
}

impl Default for Settings {
    fn default() -> Self {
        Settings::DEFAULT
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn every_key_reads_back_what_it_was_set_to() -> Result<()> {
        let d = Settings::DEFAULT;
        for key in SettingKey::ALL {
            let value = d.get(key).to_string();
            assert_eq!(d.set(key, &value)?, d, "{key}");
            assert_eq!(SettingKey::parse(key.as_str())?, key);
        }
        let s = d
            .set(SettingKey::LockoutDuration, "1h 30m")?
            .set(SettingKey::Registration, "admin")?;
        assert_eq!(s.get(SettingKey::LockoutDuration).to_string(), "90m");
        assert_eq!(s.registration, Registration::Admin);
        let stored = vec![("session.ttl".to_string(), "2h".to_string())];
        assert_eq!(d.with_stored(stored)?.session_ttl_secs, 2 * HOUR);
        Ok(())
    }

    #[test]
    fn values_outside_their_limits_are_refused() {
        let d = Settings::DEFAULT;
        for (key, bad) in [
            (SettingKey::PasswordMinLength, "7"),
            (SettingKey::PasswordMinLength, "1025"),
            (SettingKey::LockoutThreshold, "0"),
            (SettingKey::LockoutThreshold, "101"),
            (SettingKey::LockoutThreshold, "five"),
            (SettingKey::LockoutDuration, "25h"),
            (SettingKey::SessionTtl, "31d"),
            (SettingKey::SessionMaxTtl, "366d"),
            (SettingKey::Registration, "closed"),
            (SettingKey::HashMemoryKib, "19455"),
            (SettingKey::HashIterations, "1"),
            (SettingKey::HashParallelism, "0"),
            (SettingKey::HashParallelism, "65"),
        ] {
            assert!(
                matches!(d.set(key, bad), Err(Error::Invalid(_))),
                "{key}={bad} accepted"
            );
        }
        assert!(SettingKey::parse("lockout.thresh").is_err());
        let stored = vec![("nonsense".to_string(), "1".to_string())];
        assert!(d.with_stored(stored).is_err());
    }
}
