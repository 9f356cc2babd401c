//! Usernames typed on the command line or read from import files.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &str| {
    if let Ok(name) = authctl::Username::parse(input) {
        assert!(name.as_str().len() <= 32);
        assert!(authctl::Username::parse(name.as_str()).is_ok());
    }
});
