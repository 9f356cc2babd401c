//! Import files in the htpasswd format: every line becomes an account or a
//! refusal with a line number inside the file.
#![no_main]
use authctl::import::{ImportFormat, parse};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &str| {
    let parsed = parse(ImportFormat::Htpasswd, input);
    let lines = input.lines().count().max(1);
    assert!(
        parsed
            .refused
            .iter()
            .all(|e| e.line >= 1 && e.line <= lines)
    );
});
