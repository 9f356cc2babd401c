//! Timestamps: whole seconds since the Unix epoch, shown as RFC 3339 UTC.

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_utc() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_795_000_000), "2026-11-18T11:06:40Z");
    }
}
