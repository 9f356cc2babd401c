//! The password policy for new passwords (NIST SP 800-63B-4, OWASP ASVS 5.0
//! V6.2): a minimum length and no composition rules, no control characters,
//! no common or breached passwords, nothing built from the account's own
//! details, and a strength estimate (zxcvbn) of at least 3 out of 4.

use crate::error::{Error, Result};
use crate::model::Username;
use crate::password::Password;
use zeroize::Zeroizing;
use zxcvbn::feedback::Warning;

/// Longest password accepted, in characters after NFC normalisation.
pub const MAX_PASSWORD_CHARS: usize = 1024;
/// The lowest zxcvbn score accepted (3: about 10^10 guesses).
const MIN_SCORE: u8 = 3;
/// Shorter details are too likely to occur by chance to forbid inside a password.
const MIN_FORBIDDEN_LEN: usize = 3;

/// The account a new password is for: its details must not be in it.
#[derive(Debug, Clone, Copy)]
pub struct PolicyContext<'a> {
    /// The username.
    pub username: &'a Username,
    /// The email address, if any.
    pub email: Option<&'a str>,
    /// The display name, if any.
    pub name: Option<&'a str>,
}

/// Checks a new password. The error says why it was refused and, where the
/// strength estimator has one, how to do better.
pub fn check(password: &Password, min_chars: usize, ctx: PolicyContext<'_>) -> Result<()> {
    let text = password.expose();
    let reject = |why: String| Err(Error::Invalid(format!("password rejected: {why}")));
    let chars = text.chars().count();
    if chars < min_chars {
        return reject(format!(
            "too short ({chars} characters); use at least {min_chars}"
        ));
    }
    if chars > MAX_PASSWORD_CHARS {
        return reject(format!(
            "too long; use at most {MAX_PASSWORD_CHARS} characters"
        ));
    }
    if text.chars().any(char::is_control) {
        return reject("it contains control characters".to_string());
    }
    let lower = Zeroizing::new(text.to_lowercase());
    let local_part = ctx.email.and_then(|e| e.split('@').next());
    for (what, value) in [
        ("the username", Some(ctx.username.as_str())),
        ("the email address", local_part),
        ("the name of this program", Some("authctl")),
    ] {
        if let Some(v) = value.map(str::to_lowercase)
            && v.chars().count() >= MIN_FORBIDDEN_LEN
            && lower.contains(&v)
        {
            return reject(format!("it contains {what}"));
        }
    }
    let inputs: Vec<&str> = [Some(ctx.username.as_str()), ctx.email, ctx.name]
        .into_iter()
        .flatten()
        .collect();
    // zxcvbn judges the first 100 characters only, which keeps a 1024-character
    // password fast; a password whose first 100 characters are strong is strong.
    let estimate = zxcvbn::zxcvbn(text, &inputs);
    let feedback = estimate.feedback();
    let warning = feedback.and_then(|f| f.warning());
    let whole_is_common = estimate.sequence().len() == 1
        && matches!(
            warning,
            Some(
                Warning::ThisIsATop10Password
                    | Warning::ThisIsATop100Password
                    | Warning::ThisIsACommonPassword
            )
        );
    if whole_is_common {
        return reject("it is on a list of common or breached passwords".to_string());
    }
    if u8::from(estimate.score()) < MIN_SCORE {
        let mut why = "it is too easy to guess".to_string();
        if let Some(w) = warning {
            why.push_str(&format!(". {w}"));
        }
        for s in feedback.map(|f| f.suggestions()).unwrap_or_default() {
            why.push_str(&format!(" {s}"));
        }
        return reject(why);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_for(pw: &str, user: &str, email: Option<&str>) -> Result<()> {
        let username = Username::parse(user)?;
        let ctx = PolicyContext {
            username: &username,
            email,
            name: None,
        };
        check(&pw.into(), 15, ctx)
    }

    fn refused_because(pw: &str, user: &str, email: Option<&str>, needle: &str) {
        match check_for(pw, user, email) {
            Err(Error::Invalid(msg)) => assert!(msg.contains(needle), "{pw:?}: {msg}"),
            other => panic!("{pw:?} not refused: {other:?}"),
        }
    }

    #[test]
    fn strong_passphrases_pass() {
        for pw in [
            "violet tractor mangoes sing",
            "Tr0mbone-Galaxy-Pickle",
            "crème brûlée für Ærøskøbing",
        ] {
            if let Err(e) = check_for(pw, "alice", Some("alice@example.org")) {
                panic!("{pw:?}: {e}");
            }
        }
    }

    #[test]
    fn each_rule_refuses_with_its_reason() {
        refused_because("short but ok!", "alice", None, "too short (13 characters)");
        refused_because(&"x".repeat(1025), "alice", None, "too long");
        refused_because(
            "violet tractor\u{7}mangoes",
            "alice",
            None,
            "control characters",
        );
        refused_because(
            "violet alice tractor mangoes",
            "alice",
            None,
            "the username",
        );
        refused_because(
            "violet ALICE tractor mangoes",
            "alice",
            None,
            "the username",
        );
        refused_because(
            "violet a.smith tractor",
            "bob",
            Some("A.Smith@example.org"),
            "email",
        );
        refused_because(
            "violet AuthCtl tractor mangoes",
            "bob",
            None,
            "name of this program",
        );
        refused_because("hd764nw5d7e1vb1", "bob", None, "common or breached");
        refused_because("HD764NW5D7E1VB1", "bob", None, "common or breached");
        refused_because("aaaaaaaaaaaaaaaaaaaa", "bob", None, "too easy to guess");
        refused_because("passwordpassword", "bob", None, "too easy to guess");
    }

    #[test]
    fn short_usernames_are_not_forbidden_substrings() {
        assert!(check_for("violet tractor mangoes sing", "a", None).is_ok());
    }
}
