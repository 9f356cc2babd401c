//! Property tests for every parser of untrusted text: whatever the input,
//! no panic, and what is accepted keeps its promises. (The same parsers
//! are fuzz targets under `fuzz/`.) Inside the crate, so the parsers that
//! are not public are tested too.

use crate::duration::{format_secs, parse_duration};
use crate::import::{ImportFormat, numbered_lines, parse};
use crate::model::{escape_for_terminal, is_unsafe_char};
use crate::settings::SettingKey;
use crate::totp::{TotpSecret, is_totp_code, recovery_digest};
use crate::{DisplayName, Email, SessionToken, Settings, Username};
use proptest::prelude::*;

proptest! {
    #[test]
    fn usernames_accepted_are_lowercase_short_and_stable(input in "\\PC{0,40}|[A-Za-z0-9._-]{0,40}") {
        if let Ok(name) = Username::parse(&input) {
            let s = name.as_str();
            prop_assert!(!s.is_empty() && s.len() <= 32);
            prop_assert!(s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || ".-_".contains(c)));
            prop_assert!(s.chars().next().is_some_and(|c| c.is_ascii_alphanumeric()));
            prop_assert_eq!(Username::parse(s).map(|u| u.as_str().to_string()).ok(), Some(s.to_string()));
            prop_assert_eq!(s, input.to_ascii_lowercase());
        }
    }

    #[test]
    fn emails_accepted_have_one_at_and_nothing_unsafe(input in "\\PC{0,60}|[a-z]{1,8}@[a-z.]{1,12}") {
        if let Ok(email) = Email::parse(&input) {
            let s = email.as_str();
            prop_assert_eq!(s.matches('@').count(), 1);
            prop_assert!(!s.starts_with('@') && !s.ends_with('@'));
            prop_assert!(!s.chars().any(|c| c.is_whitespace() || is_unsafe_char(c)));
            prop_assert!(s.chars().count() <= 254);
        }
    }

    #[test]
    fn names_accepted_are_short_and_safe_to_print(input in any::<String>()) {
        if let Ok(name) = DisplayName::parse(&input) {
            prop_assert!(name.as_str().chars().count() <= 128);
            prop_assert!(!name.as_str().chars().any(is_unsafe_char));
        }
    }

    #[test]
    fn anything_escaped_for_the_terminal_is_safe(input in any::<String>()) {
        prop_assert!(!escape_for_terminal(&input).chars().any(is_unsafe_char));
    }

    #[test]
    fn durations_are_positive_and_round_trip(input in "\\PC{0,12}|[0-9]{1,6}[smhd]", secs in 1i64..40_000_000) {
        if let Ok(d) = parse_duration(&input) {
            prop_assert!(d.as_secs() >= 1);
        }
        let shown = format_secs(secs);
        prop_assert_eq!(parse_duration(&shown).map(|d| d.as_secs() as i64).ok(), Some(secs));
    }

    #[test]
    fn session_file_contents_give_one_token_or_none(
        input in any::<String>(),
        token in "[0-9a-f]{64}",
        ending in "(\r?\n){0,2}|\\PC{1,3}",
    ) {
        if let Some(parsed) = SessionToken::parse_stored(&input) {
            prop_assert_eq!(parsed.expose(), input.trim_end_matches(['\n', '\r']));
        }
        // A real token with what an editor might leave after it: only line
        // endings are tolerated.
        let contents = format!("{token}{ending}");
        let parsed = SessionToken::parse_stored(&contents);
        let only_line_endings = ending.chars().all(|c| c == '\n' || c == '\r');
        prop_assert_eq!(parsed.is_some(), only_line_endings, "{:?}", contents);
    }

    #[test]
    fn setting_values_accepted_read_back_the_same(key in 0..SettingKey::ALL.len(), value in "\\PC{0,12}|[0-9]{1,8}|[0-9]{1,4}[smhd]|open|admin") {
        let key = SettingKey::ALL[key];
        if let Ok(settings) = Settings::DEFAULT.set(key, &value) {
            let shown = settings.get(key).to_string();
            prop_assert_eq!(Settings::DEFAULT.set(key, &shown).ok(), Some(settings));
        }
    }

    #[test]
    fn codes_match_within_one_step_however_spaced(t in 60i64..4_000_000_000, at in 0..7usize, drift in -3i64..=3, junk in "\\PC{0,10}") {
        let secret = TotpSecret::from_base32("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ").unwrap();
        let code = secret.code_at(t + drift * 30).unwrap();
        // Apps show `123 456`; a space anywhere is accepted.
        let spaced = format!("{} {}", &code[..at.min(6)], &code[at.min(6)..]);
        let matched = secret.matching_step(&spaced, t);
        let near = (-1..=1).any(|d| secret.code_at(t + d * 30).unwrap() == code);
        prop_assert_eq!(matched.is_some(), near, "drift {} code {}", drift, spaced);
        // Anything that is not six digits never matches.
        if !is_totp_code(&junk) {
            prop_assert!(secret.matching_step(&junk, t).is_none());
        }
        prop_assert_eq!(recovery_digest(&junk).len(), 32);
    }

    #[test]
    fn import_lines_are_numbered_within_the_file(input in "(\\PC{0,30}(\r?\n|\r)?){0,12}", format in 0..3usize) {
        let format = [ImportFormat::Htpasswd, ImportFormat::Csv, ImportFormat::Jsonl][format];
        let parsed = parse(format, &input);
        // Lines end in \r\n, \n or a lone \r (which `str::lines` does not know).
        let lines = numbered_lines(&input).count().max(1);
        for e in &parsed.refused {
            prop_assert!(e.line >= 1 && e.line <= lines, "line {} of {}", e.line, lines);
        }
        for r in &parsed.records {
            prop_assert!(r.line >= 1 && r.line <= lines);
        }
    }
}
