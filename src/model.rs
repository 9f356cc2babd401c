//! Accounts and the rules for their fields: usernames, emails, display names, roles.

use crate::echo::quoted;
use crate::error::{Error, Result};
use crate::time::Timestamp;
use std::borrow::Cow;
use std::fmt;

/// Longest username, in characters.
pub const MAX_USERNAME_LEN: usize = 32;
/// Longest email address, in characters (RFC 5321's path limit).
pub const MAX_EMAIL_LEN: usize = 254;
/// Longest display name, in characters.
pub const MAX_NAME_LEN: usize = 128;

/// Whether a character must never be stored in, or shown raw from, a text
/// field: C0 and C1 controls, and the characters that show as nothing, so
/// that two names could look the same or text could display as something
/// other than what it is: every Unicode format character (general category
/// Cf: zero-width spaces and joiners, direction marks, overrides and
/// isolates, the byte-order mark, tag characters, ...) and the other
/// invisible ones (the Hangul and halfwidth fillers, the combining grapheme
/// joiner, Mongolian and Khmer invisible marks, the Braille blank).
pub fn is_unsafe_char(c: char) -> bool {
    c.is_control() || is_format_char(c) || INVISIBLE.contains(&c)
}

/// Unicode 15's format characters (general category Cf).
fn is_format_char(c: char) -> bool {
    const CF: &[(char, char)] = &[
        ('\u{ad}', '\u{ad}'),
        ('\u{600}', '\u{605}'),
        ('\u{61c}', '\u{61c}'),
        ('\u{6dd}', '\u{6dd}'),
        ('\u{70f}', '\u{70f}'),
        ('\u{890}', '\u{891}'),
        ('\u{8e2}', '\u{8e2}'),
        ('\u{180e}', '\u{180e}'),
        ('\u{200b}', '\u{200f}'),
        ('\u{202a}', '\u{202e}'),
        ('\u{2060}', '\u{2064}'),
        ('\u{2066}', '\u{206f}'),
        ('\u{feff}', '\u{feff}'),
        ('\u{fff9}', '\u{fffb}'),
        ('\u{110bd}', '\u{110bd}'),
        ('\u{110cd}', '\u{110cd}'),
        ('\u{13430}', '\u{1343f}'),
        ('\u{1bca0}', '\u{1bca3}'),
        ('\u{1d173}', '\u{1d17a}'),
        ('\u{e0001}', '\u{e0001}'),
        ('\u{e0020}', '\u{e007f}'),
    ];
    CF.iter().any(|(first, last)| (*first..=*last).contains(&c))
}

/// Characters outside Cf that display as nothing (or as a blank that is
/// not a space).
const INVISIBLE: &[char] = &[
    '\u{34f}',  // combining grapheme joiner
    '\u{115f}', // Hangul choseong filler
    '\u{1160}', // Hangul jungseong filler
    '\u{17b4}', // Khmer vowel inherent aq
    '\u{17b5}', // Khmer vowel inherent aa
    '\u{180b}', // Mongolian free variation selectors, and vowel separator
    '\u{180c}', '\u{180d}', '\u{180f}', '\u{2800}', // Braille pattern blank
    '\u{3164}', // Hangul filler
    '\u{ffa0}', // halfwidth Hangul filler
];

/// `text` escaped as [`escape_for_terminal`] does and cut to its first
/// `max_chars` characters: a value someone else typed (a refused username,
/// a PAM service or host) as a log or an event keeps it.
pub fn escaped_prefix(text: &str, max_chars: usize) -> String {
    escape_for_terminal(text).chars().take(max_chars).collect()
}

/// Replaces control and bidirectional-override characters with visible
/// escapes (`\u{1b}`), so stored text cannot move the cursor, change
/// colours, fake output lines or display reversed.
pub fn escape_for_terminal(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe_char) {
        return Cow::Borrowed(text);
    }
    let mut clean = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_unsafe_char(c) {
            clean.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else {
            clean.push(c);
        }
    }
    Cow::Owned(clean)
}

/// A valid, lowercase username: 1 to 32 of `a-z 0-9 . _ -`, starting with a
/// letter or digit. Input is case-insensitive: `Alice` is the account `alice`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Username(String);

impl Username {
    /// Validates and lowercases a username.
    pub fn parse(input: &str) -> Result<Self> {
        let name = input.to_ascii_lowercase();
        let first_ok = name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
        let chars_ok = name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'));
        if !first_ok || !chars_ok || name.len() > MAX_USERNAME_LEN {
            return Err(Error::Invalid(format!(
                "invalid username {}: use 1 to {MAX_USERNAME_LEN} characters of a-z, 0-9, '.', '_' and '-', starting with a letter or digit",
                quoted(input)
            )));
        }
        Ok(Username(name))
    }

    /// Wraps a username read back from the database, where only valid ones are written.
    pub(crate) fn from_stored(name: String) -> Self {
        Username(name)
    }

    /// The username as stored.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Username {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A plausible email address: one `@` with text on both sides, at most 254
/// characters, no whitespace or control characters. (Deliverability is not
/// ours to judge.)
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    /// Validates an email address.
    pub fn parse(input: &str) -> Result<Self> {
        let invalid = |why: &str| Error::Invalid(format!("invalid email {}: {why}", quoted(input)));
        if input.chars().count() > MAX_EMAIL_LEN {
            return Err(invalid("at most 254 characters"));
        }
        if input
            .chars()
            .any(|c| is_unsafe_char(c) || c.is_whitespace())
        {
            return Err(invalid(
                "no spaces, control or bidirectional-override characters allowed",
            ));
        }
        match input.split_once('@') {
            Some((local, domain))
                if !local.is_empty() && !domain.is_empty() && !domain.contains('@') =>
            {
                Ok(Email(input.to_string()))
            }
            _ => Err(invalid("must be one '@' with text on both sides")),
        }
    }

    /// The address as given.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A display name: at most 128 characters, no control characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisplayName(String);

impl DisplayName {
    /// Validates a display name.
    pub fn parse(input: &str) -> Result<Self> {
        check_free_text("name", input, MAX_NAME_LEN).map(DisplayName)
    }

    /// The name as given.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Longest lock reason, in characters.
pub const MAX_REASON_LEN: usize = 200;

/// Why an admin locked an account: at most 200 characters, no control
/// characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LockReason(String);

impl LockReason {
    /// Validates a lock reason.
    pub fn parse(input: &str) -> Result<Self> {
        check_free_text("reason", input, MAX_REASON_LEN).map(LockReason)
    }

    /// The reason as given.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The rule for free text a person types (names, reasons): a length limit
/// and no control or bidirectional-override characters.
fn check_free_text(what: &str, input: &str, max: usize) -> Result<String> {
    if input.chars().count() > max {
        return Err(Error::Invalid(format!(
            "invalid {what}: at most {max} characters"
        )));
    }
    if input.chars().any(is_unsafe_char) {
        return Err(Error::Invalid(format!(
            "invalid {what}: control, direction and invisible characters (such as U+200B) are not allowed"
        )));
    }
    Ok(input.to_string())
}

/// What an account may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Manages every account.
    Admin,
    /// Manages only itself.
    User,
}

impl Role {
    /// The role's name as stored and shown.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::User => "user",
        }
    }

    /// Reads a stored role name.
    pub fn parse(text: &str) -> Result<Self> {
        match text {
            "admin" => Ok(Role::Admin),
            "user" => Ok(Role::User),
            other => Err(Error::Invalid(format!(
                "invalid role {}: use admin or user",
                quoted(other)
            ))),
        }
    }
}

/// An account's id in the store: stable for the account's life, never
/// reused while it exists, and meaningless outside its store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct AccountId(pub(crate) i64);

impl fmt::Display for AccountId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// A session's id: not a secret (the token is), shown by `sessions` and
/// used to revoke one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(transparent)]
pub struct SessionId(pub(crate) i64);

impl fmt::Display for SessionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl std::str::FromStr for SessionId {
    type Err = std::num::ParseIntError;

    /// A session id as `sessions` shows it (a decimal number).
    fn from_str(text: &str) -> std::result::Result<Self, Self::Err> {
        text.parse().map(SessionId)
    }
}

/// What an account database is and holds (`authctl db status`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DatabaseStatus {
    /// `sqlite` or `postgresql`.
    pub backend: &'static str,
    /// The file, or the server and database (never a password).
    pub location: String,
    /// The schema version it is at.
    pub schema_version: i64,
    /// How many accounts it holds.
    pub accounts: i64,
    /// How many sessions (live or not yet cleaned up).
    pub sessions: i64,
    /// How many audit events.
    pub events: i64,
}

/// A stored session, as its owner or an admin may see it (never its token).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionInfo {
    /// Its id.
    pub id: SessionId,
    /// When it was created.
    pub created_at: Timestamp,
    /// When it stops being valid.
    pub expires_at: Timestamp,
    /// When it was last used.
    pub last_used_at: Timestamp,
}

/// One account as stored, without its password hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    /// The store's id for it.
    pub(crate) id: AccountId,
    /// The lowercase username.
    pub username: Username,
    /// Display name, if set.
    pub name: Option<String>,
    /// Email address, if set.
    pub email: Option<String>,
    /// Admin or user.
    pub role: Role,
    /// When the account was created.
    pub created_at: Timestamp,
    /// The last successful login, if any.
    pub last_login_at: Option<Timestamp>,
    /// When the password was last set.
    pub password_changed_at: Timestamp,
    /// Failed password checks since the last success or lock.
    pub failed_logins: u32,
    /// Locked after failed logins until then (may be in the past).
    pub locked_until: Option<Timestamp>,
    /// Locked by an admin until unlocked.
    pub admin_lock: Option<AdminLock>,
    /// Whether login needs a code from an authenticator app.
    pub two_factor: bool,
}

/// An admin's lock on an account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdminLock {
    /// When it was locked.
    pub at: Timestamp,
    /// Why, if the admin said.
    pub reason: Option<String>,
}

/// Whether an account can log in now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountStatus {
    /// It can.
    Active,
    /// An admin locked it until unlocked.
    Locked,
    /// Failed logins locked it until then.
    LockedUntil(Timestamp),
}

impl AccountStatus {
    /// `active`, `locked` or `locked_until`.
    pub fn as_str(self) -> &'static str {
        match self {
            AccountStatus::Active => "active",
            AccountStatus::Locked => "locked",
            AccountStatus::LockedUntil(_) => "locked_until",
        }
    }
}

impl Account {
    /// The account's status at `now`; an admin lock outranks a timed one.
    pub fn status(&self, now: Timestamp) -> AccountStatus {
        match (&self.admin_lock, self.locked_until) {
            (Some(_), _) => AccountStatus::Locked,
            (None, Some(until)) if until > now => AccountStatus::LockedUntil(until),
            _ => AccountStatus::Active,
        }
    }
}

/// Which accounts a listing shows, in what order, how many.
#[derive(Debug, Clone, Copy, Default)]
pub struct AccountFilter {
    /// Only accounts with this role.
    pub role: Option<Role>,
    /// Only accounts locked now (by an admin or by failed logins).
    pub locked_only: bool,
    /// The order.
    pub sort: AccountSort,
    /// At most this many.
    pub limit: Option<u32>,
}

/// The order of a listing.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum AccountSort {
    /// By username.
    #[default]
    Username,
    /// Oldest account first; ties by username.
    Created,
    /// Most recent login first; accounts never logged in last; ties by
    /// username.
    LastLogin,
}

/// Optional details given when an account is created.
#[derive(Debug, Clone, Default)]
pub struct Details {
    /// Email address.
    pub email: Option<Email>,
    /// Display name.
    pub name: Option<DisplayName>,
}

/// A change to one optional field: leave it, set it, or clear it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DetailChange<T> {
    /// Keep the current value.
    Keep,
    /// Remove the value.
    Clear,
    /// Replace the value.
    Set(T),
}

impl<T> DetailChange<T> {
    /// Builds a change from a command-line value: absent keeps, empty clears.
    pub fn from_input(input: Option<&str>, parse: impl Fn(&str) -> Result<T>) -> Result<Self> {
        match input {
            None => Ok(DetailChange::Keep),
            Some("") => Ok(DetailChange::Clear),
            Some(text) => parse(text).map(DetailChange::Set),
        }
    }

    /// Whether this leaves the field as it is.
    pub fn is_keep(&self) -> bool {
        matches!(self, DetailChange::Keep)
    }

    /// Borrows the new value, if any, through `f`.
    pub fn as_ref<'a, U: ?Sized>(&'a self, f: impl Fn(&'a T) -> &'a U) -> DetailChange<&'a U> {
        match self {
            DetailChange::Keep => DetailChange::Keep,
            DetailChange::Clear => DetailChange::Clear,
            DetailChange::Set(v) => DetailChange::Set(f(v)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_are_lowercased_and_validated() {
        assert_eq!(
            Username::parse("Alice").map(|u| u.0).ok(),
            Some("alice".into())
        );
        for ok in ["a", "0day", "j.doe_2-x", &"a".repeat(32)] {
            assert!(Username::parse(ok).is_ok(), "{ok:?} refused");
        }
        for bad in [
            "",
            ".a",
            "_a",
            "-a",
            "a b",
            "a@b",
            "é",
            &"a".repeat(33),
            "a\n",
        ] {
            assert!(Username::parse(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn emails_need_one_at_with_text_around_it() {
        assert!(Email::parse("a@b").is_ok());
        for bad in ["", "a", "@b", "a@", "a@b@c", "a @b", "a\t@b"] {
            assert!(Email::parse(bad).is_err(), "{bad:?} accepted");
        }
        let long = format!("{}@b.c", "a".repeat(251));
        assert!(Email::parse(&long).is_err());
        assert!(Email::parse(&long[1..]).is_ok());
    }

    #[test]
    fn names_refuse_control_characters_and_length() {
        assert!(DisplayName::parse("Ada Lovelace ✓").is_ok());
        assert!(DisplayName::parse("a\u{1b}[31m").is_err());
        assert!(DisplayName::parse("a\u{85}b").is_err(), "C1 control");
        assert!(
            DisplayName::parse("admin\u{202e}nimda").is_err(),
            "bidi override"
        );
        assert!(DisplayName::parse("x\u{2066}y").is_err(), "bidi isolate");
        assert!(DisplayName::parse(&"é".repeat(128)).is_ok());
        assert!(DisplayName::parse(&"é".repeat(129)).is_err());
    }

    #[test]
    fn detail_change_from_input() {
        let parse = |s: &str| Email::parse(s);
        assert!(DetailChange::from_input(None, parse).is_ok_and(|c| c.is_keep()));
        assert!(matches!(
            DetailChange::from_input(Some(""), parse),
            Ok(DetailChange::Clear)
        ));
        assert!(matches!(
            DetailChange::from_input(Some("a@b"), parse),
            Ok(DetailChange::Set(_))
        ));
        assert!(DetailChange::from_input(Some("nope"), parse).is_err());
    }
}
