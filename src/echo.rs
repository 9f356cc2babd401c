//! A value someone typed, repeated in a message about it: at most 60
//! characters, so a pasted file or a runaway argument stays one readable
//! line.

use std::borrow::Cow;

/// The most characters of a rejected value a message repeats: enough to
/// recognise it.
pub const MAX_ECHO_CHARS: usize = 60;

/// `value` as it may be repeated in a message: whole if short enough, else
/// its first characters and `…`, [`MAX_ECHO_CHARS`] in all.
pub fn shorten(value: &str) -> Cow<'_, str> {
    match value.char_indices().nth(MAX_ECHO_CHARS) {
        None => Cow::Borrowed(value),
        Some(_) => {
            let mut cut: String = value.chars().take(MAX_ECHO_CHARS - 1).collect();
            cut.push('…');
            Cow::Owned(cut)
        }
    }
}

/// `value` shortened and in double quotes, with any control character
/// escaped (`"ab\n…"`): how the library's messages show a rejected value.
pub fn quoted(value: &str) -> String {
    format!("{:?}", shorten(value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_values_are_whole_and_long_ones_cut_to_sixty_characters() {
        assert_eq!(shorten("alice"), "alice");
        let sixty = "é".repeat(60);
        assert_eq!(shorten(&sixty), sixty);
        let cut = shorten(&"é".repeat(61)).into_owned();
        assert_eq!(cut.chars().count(), 60);
        assert!(cut.ends_with("é…"), "{cut}");
        assert_eq!(quoted("a\nb"), "\"a\\nb\"");
    }
}
