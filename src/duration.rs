//! Session lifetimes given on the command line (`90s`, `30m`, `8h`, `7d`).

use crate::error::{Error, Result};
use std::time::Duration;

/// The default session lifetime.
pub const DEFAULT_SESSION_TTL: Duration = Duration::from_secs(24 * 3600);
/// The longest lifetime a session may be given.
pub const MAX_SESSION_TTL: Duration = Duration::from_secs(30 * 24 * 3600);

/// Parses a session lifetime: a positive duration of at most 30 days.
pub fn parse_ttl(text: &str) -> Result<Duration> {
    let ttl = humantime::parse_duration(text.trim()).map_err(|e| {
        Error::Invalid(format!(
            "invalid duration {text:?}: {e} (use a number and a unit, like 90s, 30m, 8h or 7d)"
        ))
    })?;
    if ttl.as_secs() == 0 {
        return Err(Error::Invalid(format!(
            "invalid duration {text:?}: must be at least one second"
        )));
    }
    if ttl > MAX_SESSION_TTL {
        return Err(Error::Invalid(format!(
            "invalid duration {text:?}: the longest session is 30 days"
        )));
    }
    Ok(ttl)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_common_units() {
        assert_eq!(parse_ttl("90s").ok(), Some(Duration::from_secs(90)));
        assert_eq!(parse_ttl("30m").ok(), Some(Duration::from_secs(1800)));
        assert_eq!(parse_ttl("8h").ok(), Some(Duration::from_secs(8 * 3600)));
        assert_eq!(parse_ttl("7d").ok(), Some(Duration::from_secs(7 * 86400)));
        assert_eq!(parse_ttl("30d").ok(), Some(MAX_SESSION_TTL));
    }

    #[test]
    fn rejects_zero_garbage_and_too_long() {
        for bad in ["0s", "", "abc", "5", "-1h", "31d", "1y"] {
            assert!(
                matches!(parse_ttl(bad), Err(Error::Invalid(_))),
                "{bad:?} accepted"
            );
        }
    }
}
