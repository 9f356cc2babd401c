//! Durations typed by people (`90s`, `30m`, `8h`, `7d`) and shown back the
//! same way.

use crate::echo::quoted;
use crate::error::{Error, Result};
use std::time::Duration;

/// Parses a positive duration: a number and a unit, like `90s` or `7d`.
pub fn parse_duration(text: &str) -> Result<Duration> {
    let invalid = |why: String| Error::Invalid(format!("invalid duration {}: {why}", quoted(text)));
    const UNITS: &str = "use a number and a unit, like 90s, 30m, 8h or 7d";
    // humantime would only say it expected a number.
    let negative = text.trim().strip_prefix('-');
    if negative.is_some_and(|n| n.starts_with(|c: char| c.is_ascii_digit())) {
        return Err(invalid(format!("durations are positive ({UNITS})")));
    }
    let parsed =
        humantime::parse_duration(text.trim()).map_err(|e| invalid(format!("{e} ({UNITS})")))?;
    if parsed.as_secs() == 0 {
        return Err(invalid("must be at least one second".to_string()));
    }
    Ok(parsed)
}

/// Seconds as the largest unit that divides them exactly: `15m`, `24h`,
/// `30d` (days from two days up, so a day reads as `24h`).
pub fn format_secs(secs: i64) -> String {
    for (unit, size) in [("d", 86_400), ("h", 3600), ("m", 60)] {
        if secs != 0 && secs % size == 0 && (unit != "d" || secs >= 2 * size) {
            return format!("{}{unit}", secs / size);
        }
    }
    format!("{secs}s")
}

/// A duration in whole seconds, as stored.
pub fn as_secs(d: Duration) -> i64 {
    i64::try_from(d.as_secs()).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_common_units() {
        assert_eq!(parse_duration("90s").ok(), Some(Duration::from_secs(90)));
        assert_eq!(parse_duration("30m").ok(), Some(Duration::from_secs(1800)));
        assert_eq!(
            parse_duration("8h").ok(),
            Some(Duration::from_secs(8 * 3600))
        );
        assert_eq!(
            parse_duration("7d").ok(),
            Some(Duration::from_secs(7 * 86400))
        );
    }

    #[test]
    fn rejects_zero_and_garbage() {
        for bad in ["0s", "", "abc", "5", "-1h", " -5m"] {
            assert!(
                matches!(parse_duration(bad), Err(Error::Invalid(_))),
                "{bad:?} accepted"
            );
        }
    }

    #[test]
    fn a_negative_duration_is_told_durations_are_positive() {
        let Err(Error::Invalid(why)) = parse_duration("-5m") else {
            panic!("-5m accepted")
        };
        assert!(why.contains("durations are positive"), "{why}");
    }

    #[test]
    fn formats_in_the_largest_exact_unit() {
        assert_eq!(format_secs(900), "15m");
        assert_eq!(format_secs(86_400), "24h");
        assert_eq!(format_secs(2 * 86_400), "2d");
        assert_eq!(format_secs(90), "90s");
        assert_eq!(format_secs(5400), "90m");
        assert_eq!(format_secs(0), "0s");
    }
}
