//! The contents of a session token file.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &str| {
    let _ = authctl::SessionToken::parse(input);
});
