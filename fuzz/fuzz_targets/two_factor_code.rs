//! What a user types at "Authentication code: ": a TOTP code or a
//! recovery code.
#![no_main]
use authctl::fuzzing::{is_totp_code, recovery_digest};
use authctl::totp::TotpSecret;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &str| {
    let Ok(secret) = TotpSecret::from_base32("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ") else {
        return;
    };
    let step = secret.matching_step(input, 1_234_567_890);
    assert!(step.is_none() || is_totp_code(input));
    assert_eq!(recovery_digest(input).len(), 32);
});
