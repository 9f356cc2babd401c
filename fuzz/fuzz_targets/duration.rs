//! Durations: `login --ttl` and the `config` duration settings.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &str| {
    if let Ok(d) = authctl::parse_duration(input) {
        assert!(d.as_secs() >= 1);
    }
});
