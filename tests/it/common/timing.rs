//! Wall-clock helpers shared by the tests and the benchmark.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// The current Unix time in seconds, as authctl stores it.
pub fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// The median wall time of `runs` calls of `f`.
#[allow(dead_code, reason = "only benches/security.rs times things")]
pub fn median(runs: usize, mut f: impl FnMut()) -> Duration {
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .collect();
    times.sort();
    times[runs / 2]
}
