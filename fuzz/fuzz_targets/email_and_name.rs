//! Emails and display names, and escaping anything for the terminal.
#![no_main]
use authctl::{escape_for_terminal, is_unsafe_char};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &str| {
    let _ = authctl::Email::parse(input);
    if let Ok(name) = authctl::DisplayName::parse(input) {
        assert!(!name.as_str().chars().any(is_unsafe_char));
    }
    assert!(!escape_for_terminal(input).chars().any(is_unsafe_char));
});
