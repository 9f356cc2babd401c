//! Settings: the `(key, value)` rows read back from a database (any key,
//! any text: a database file can be edited) and a `config set KEY VALUE`
//! on top of them, as `Accounts::set_setting` does it: the value is stored
//! in its canonical form (what `get` shows), and the rows with it stored
//! must read back as the settings that were set. Every refusal is one line.
//!
//! The input is text: a line `key=value` is a stored row (the first one
//! for a key, as the table's primary key keeps one), a line
//! `set key=value` is the `config set`.
#![no_main]
use authctl::{SettingKey, Settings};
use libfuzzer_sys::fuzz_target;
use std::collections::BTreeMap;

fuzz_target!(|input: &str| {
    let mut stored: BTreeMap<&str, String> = BTreeMap::new();
    let mut set = None;
    for line in input.split('\n').filter(|l| !l.is_empty()) {
        match line.strip_prefix("set ") {
            Some(typed) => set = set.or(typed.split_once('=')),
            None => {
                let (key, value) = line.split_once('=').unwrap_or((line, ""));
                stored.entry(key).or_insert_with(|| value.to_string());
            }
        }
    }
    let rows = |m: &BTreeMap<&str, String>| {
        m.iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect::<Vec<_>>()
    };
    let one_line = |e: authctl::Error| assert!(!e.to_string().contains('\n'), "{e}");
    let settings = match Settings::DEFAULT.with_stored(rows(&stored)) {
        Ok(settings) => settings,
        Err(e) => return one_line(e),
    };
    assert_eq!(settings.validate().ok(), Some(settings));
    let Some((key, value)) = set else { return };
    let key = match SettingKey::parse(key) {
        Ok(key) => key,
        Err(e) => return one_line(e),
    };
    match settings.set(key, value) {
        Ok(changed) => {
            let shown = changed.get(key).to_string();
            assert_eq!(changed.set(key, &shown).ok(), Some(changed));
            stored.insert(key.as_str(), shown);
            assert_eq!(
                Settings::DEFAULT.with_stored(rows(&stored)).ok(),
                Some(changed)
            );
        }
        Err(e) => one_line(e),
    }
});
