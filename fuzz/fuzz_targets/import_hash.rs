//! Password hashes as an import file gives them (`password_hash` in
//! htpasswd, CSV and JSONL): an Argon2id PHC string or a bcrypt hash is
//! kept, anything else refused in one line that does not quote it (it may
//! be a password). A kept hash must be one a login can check: verifying
//! against it, at the lowest cost, is not an error, and an Argon2id hash
//! has a salt and an output to compare, a bcrypt hash a two-digit cost.
#![no_main]
use authctl::fuzzing::{check_importable_hash, verify};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|hash: &str| {
    match check_importable_hash(hash) {
        Err(reason) => {
            assert!(!reason.contains('\n'), "{reason:?}");
            // (Unless the input is a piece of a message every input of its
            // kind gets.)
            let echoed = reason.contains(hash)
                && ![
                    "x",
                    "$x",
                    "$apr1$",
                    "{SHA}",
                    "$1$",
                    "DESDESDESDESD",
                    "$2y$",
                    "$argon2id$",
                ]
                .iter()
                .filter_map(|other| check_importable_hash(other).err())
                .any(|fixed| fixed.contains(hash));
            assert!(hash.len() < 8 || !echoed, "{reason:?}");
        }
        Ok(()) => {
            let cheap = cheapest(hash);
            assert!(verify("correct horse", &cheap).is_ok(), "{hash:?}");
            if hash.starts_with("$2") {
                // `$2y$05$` and 53 characters, as htpasswd writes it.
                let cost = &hash.as_bytes()[4..6];
                assert!(cost.iter().all(u8::is_ascii_digit), "{hash:?}");
            }
            if hash.starts_with("$argon2id$") {
                let fields: Vec<&str> = hash.split('$').collect();
                let salt_and_output = &fields[fields.len().saturating_sub(2)..];
                assert!(
                    fields.len() >= 5
                        && salt_and_output
                            .iter()
                            .all(|f| !f.is_empty() && !f.contains('=')),
                    "{hash:?}"
                );
            }
        }
    }
});

/// The same hash at the lowest cost (bcrypt 4; Argon2 m=8, t=1, p=1), so
/// that checking it takes microseconds, not a real login's time.
fn cheapest(hash: &str) -> String {
    if hash.starts_with("$2") {
        // A bcrypt hash that was kept is 60 ASCII bytes.
        return format!("{}04{}", &hash[..4], &hash[6..]);
    }
    let field = |f: &str| -> String {
        f.split(',')
            .map(|kv| match kv.split_once('=') {
                Some(("m", _)) => "m=8",
                Some(("t", _)) => "t=1",
                Some(("p", _)) => "p=1",
                _ => kv,
            })
            .collect::<Vec<_>>()
            .join(",")
    };
    hash.split('$').map(field).collect::<Vec<_>>().join("$")
}
