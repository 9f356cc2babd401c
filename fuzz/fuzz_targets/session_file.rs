//! The contents of a session token file, as `SessionFile::read` parses
//! them (any bytes: a file need not be UTF-8).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &[u8]| {
    if let Some(token) = std::str::from_utf8(input)
        .ok()
        .and_then(authctl::SessionToken::parse_stored)
    {
        assert_eq!(token.expose().len(), 64);
    }
});
