//! Import files in the csv format: every line becomes an account or a
//! refusal with a line number inside the file.
#![no_main]
use authctl::import::{ImportFormat, parse};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &str| {
    let parsed = parse(ImportFormat::Csv, input);
    let lines = authctl::fuzzing::lines(input).len().max(1);
    assert!(
        parsed
            .refused
            .iter()
            .all(|e| e.line >= 1 && e.line <= lines)
    );
});
