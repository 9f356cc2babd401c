//! Import files in the htpasswd format: every line that is not blank or a
//! `#` comment becomes an account or a refusal with a line number inside
//! the file (lines end at `\r\n`, `\n` or a lone `\r`), and
//! an account keeps the text after the first colon as its hash, which is
//! one an import accepts (Argon2id or bcrypt: the seeds hold `$2y$`, `$2b$`
//! and `$2a$` lines).
#![no_main]
use authctl::fuzzing::check_importable_hash;
use authctl::import::{ImportFormat, ImportSecret, parse};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &str| {
    let parsed = parse(ImportFormat::Htpasswd, input);
    let text = input.strip_prefix('\u{feff}').unwrap_or(input);
    let lines: Vec<&str> = authctl::fuzzing::lines(text).into_iter().map(|(_, l)| l).collect();
    let nonblank = lines
        .iter()
        .filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
        .count();
    assert_eq!(parsed.records.len() + parsed.refused.len(), nonblank);
    assert!(
        parsed
            .refused
            .iter()
            .all(|e| e.line >= 1 && e.line <= lines.len() && !e.reason.contains('\n'))
    );
    for record in &parsed.records {
        let line = lines[record.line - 1];
        let ImportSecret::Hash(hash) = &record.secret else {
            panic!("htpasswd line {} gave a plain-text password", record.line);
        };
        assert_eq!(line.split_once(':').map(|(_, h)| h), Some(hash.as_str()));
        assert_eq!(check_importable_hash(hash), Ok(()));
    }
});
