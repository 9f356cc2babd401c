//! `config set KEY VALUE` values, and settings read back from a database.
#![no_main]
use authctl::Settings;
use authctl::SettingKey;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: (u8, &str)| {
    let (key, value) = input;
    let key = SettingKey::ALL[usize::from(key) % SettingKey::ALL.len()];
    if let Ok(settings) = Settings::DEFAULT.set(key, value) {
        // What is stored is shown by `get` and must be accepted again.
        let shown = settings.get(key).to_string();
        assert_eq!(Settings::DEFAULT.set(key, &shown).ok(), Some(settings));
    }
});
