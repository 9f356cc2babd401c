//! Timestamps: whole seconds since the Unix epoch, shown as RFC 3339 UTC
//! (or to the minute in terminal tables).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Seconds since the Unix epoch, as stored in the database.
pub type Timestamp = i64;

/// The current time from the system clock.
pub fn now() -> Timestamp {
    match SystemTime::now().duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
        // A clock set before 1970 is not something we can fix; treat it as the epoch.
        Err(_) => 0,
    }
}

/// Formats a timestamp as RFC 3339 UTC, e.g. `2026-11-25T09:00:00Z`.
pub fn rfc3339(ts: Timestamp) -> String {
    let secs = u64::try_from(ts).unwrap_or(0);
    humantime::format_rfc3339_seconds(UNIX_EPOCH + Duration::from_secs(secs)).to_string()
}

/// Formats a timestamp to the minute in UTC for a table on a terminal,
/// e.g. `2026-11-25 09:00`: 16 columns instead of 20, still unambiguous
/// (the exact time is in `--json` and in piped output).
pub fn utc_minutes(ts: Timestamp) -> String {
    let exact = rfc3339(ts);
    // `YYYY-MM-DDTHH:MM:SSZ`: the date, a space, hours and minutes.
    match (exact.get(..10), exact.get(11..16)) {
        (Some(date), Some(time)) => format!("{date} {time}"),
        _ => exact,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_utc() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_795_000_000), "2026-11-18T11:06:40Z");
        assert_eq!(utc_minutes(0), "1970-01-01 00:00");
        assert_eq!(utc_minutes(1_795_000_000), "2026-11-18 11:06");
    }
}
