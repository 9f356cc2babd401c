//! Session tokens: 256 random bits from the OS, shown as hex; only a SHA-256
//! of a token is ever stored.

use crate::error::{Error, Result};
use sha2::{Digest, Sha256};
use std::fmt;
use zeroize::Zeroizing;

/// Random bytes in a token.
const TOKEN_BYTES: usize = 32;

/// A raw session token. Wiped on drop; `Debug` is redacted.
pub struct SessionToken(Zeroizing<String>);

impl SessionToken {
    /// Makes a new token from the OS CSPRNG.
    pub fn generate() -> Result<Self> {
        let mut bytes = Zeroizing::new([0u8; TOKEN_BYTES]);
        getrandom::fill(bytes.as_mut())
            .map_err(|e| Error::Internal(format!("the OS random generator failed: {e}")))?;
        let mut text = Zeroizing::new(String::with_capacity(TOKEN_BYTES * 2));
        for b in bytes.iter() {
            text.push(hex_digit(b >> 4));
            text.push(hex_digit(b & 0xf));
        }
        Ok(SessionToken(text))
    }

    /// Reads a token from text as it is kept (in a file, say): the token,
    /// optionally followed by line endings; `None` for anything else.
    pub fn parse_stored(text: &str) -> Option<Self> {
        Self::parse(text.trim_end_matches(['\n', '\r']))
    }

    /// Reads a token from exactly its text form.
    pub fn parse(text: &str) -> Option<Self> {
        let well_formed = text.len() == TOKEN_BYTES * 2
            && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
        well_formed.then(|| SessionToken(Zeroizing::new(text.to_string())))
    }

    /// The token's text, for writing to the session file.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The SHA-256 of the token: what the database stores and looks up.
    pub fn digest(&self) -> Vec<u8> {
        Sha256::digest(self.0.as_bytes()).to_vec()
    }
}

fn hex_digit(nibble: u8) -> char {
    char::from_digit(u32::from(nibble), 16).unwrap_or('0')
}

impl fmt::Debug for SessionToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SessionToken(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_hex_and_parse_back() {
        let (Ok(a), Ok(b)) = (SessionToken::generate(), SessionToken::generate()) else {
            panic!("generate failed");
        };
        assert_eq!(a.expose().len(), 64);
        assert_ne!(a.expose(), b.expose());
        let parsed = SessionToken::parse(a.expose()).map(|t| t.digest());
        assert_eq!(parsed, Some(a.digest()));
        assert_eq!(a.digest().len(), 32);
    }

    #[test]
    fn malformed_tokens_are_refused() {
        for bad in ["", "abc", &"g".repeat(64), &"A".repeat(64), &"a".repeat(65)] {
            assert!(SessionToken::parse(bad).is_none(), "{bad:?}");
        }
    }

    #[test]
    fn debug_is_redacted() {
        let t = SessionToken::generate().unwrap_or_else(|e| panic!("{e}"));
        assert!(!format!("{t:?}").contains(t.expose()));
    }
}
