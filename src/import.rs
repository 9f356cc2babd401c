//! Reading accounts from other systems' files: Apache htpasswd (`user:hash`),
//! CSV (`username,password,email,name`) and JSON Lines. Parsing only: each
//! line becomes an [`ImportRecord`] or a [`LineError`] saying why not.

use crate::model::{DisplayName, Email, Role, Username};
use crate::password::{Password, check_importable_hash};
use crate::totp::TwoFactorBackup;
use serde::Deserialize;
use std::borrow::Cow;
use std::collections::HashMap;
use zeroize::Zeroize;

/// The file formats `import` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportFormat {
    /// `user:hash` lines as Apache's htpasswd writes them.
    Htpasswd,
    /// A header `username,password,email,name` (or `password_hash`; `role`
    /// may follow), then one account per row.
    Csv,
    /// One JSON object per line.
    Jsonl,
}

/// How an imported account proves its password.
#[derive(Debug)]
pub enum ImportSecret {
    /// A plain-text password, to be policy-checked and hashed.
    Password(Password),
    /// An Argon2id or bcrypt hash, kept as it is.
    Hash(String),
}

/// One account read from a file.
#[derive(Debug)]
pub struct ImportRecord {
    /// The line it came from (1-based).
    pub line: usize,
    /// Its username.
    pub username: Username,
    /// Email address.
    pub email: Option<Email>,
    /// Display name.
    pub name: Option<DisplayName>,
    /// Role (`user` unless the file says otherwise).
    pub role: Role,
    /// Password or hash.
    pub secret: ImportSecret,
    /// Two-factor login from a backup (JSON Lines only).
    pub two_factor: Option<TwoFactorBackup>,
}

/// A line that cannot be imported, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineError {
    /// The line (1-based).
    pub line: usize,
    /// Why, for a person (never the password).
    pub reason: String,
}

/// What a file held: the accounts it can give and the lines it cannot.
#[derive(Debug, Default)]
pub struct Parsed {
    /// Valid accounts, in file order.
    pub records: Vec<ImportRecord>,
    /// Refused lines, in file order.
    pub refused: Vec<LineError>,
}

/// The fields of one account before validation.
struct Fields<'a> {
    username: &'a str,
    email: Option<&'a str>,
    name: Option<&'a str>,
    role: Option<&'a str>,
    password: Option<&'a str>,
    password_hash: Option<&'a str>,
}

/// Parses a whole file. A username seen on an earlier line is refused.
pub fn parse(format: ImportFormat, text: &str) -> Parsed {
    // Editors on Windows may start a file with a byte-order mark.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut parsed = Parsed::default();
    let mut seen: HashMap<Username, usize> = HashMap::new();
    let mut add = |line: usize, result: Result<ImportRecord, String>| {
        let result = result.and_then(|record| match seen.get(&record.username) {
            Some(first) => Err(format!(
                "user {} appears again (first on line {first})",
                record.username
            )),
            None => {
                seen.insert(record.username.clone(), line);
                Ok(record)
            }
        });
        match result {
            Ok(record) => parsed.records.push(record),
            Err(reason) => parsed.refused.push(LineError { line, reason }),
        }
    };
    match format {
        ImportFormat::Htpasswd => parse_htpasswd(text, &mut add),
        ImportFormat::Jsonl => parse_jsonl(text, &mut add),
        ImportFormat::Csv => parse_csv(text, &mut add),
    }
    parsed
}

type Add<'a> = dyn FnMut(usize, Result<ImportRecord, String>) + 'a;

/// The lines of `text`, numbered from 1, without their endings: `\r\n`,
/// `\n` or a lone `\r` (old Mac files), so a file's line numbers are the
/// same whatever wrote it.
pub(crate) fn numbered_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut rest = Some(text);
    std::iter::from_fn(move || {
        let unread = rest.take()?;
        match unread.find(['\r', '\n']) {
            Some(at) => {
                let ending = if unread[at..].starts_with("\r\n") {
                    2
                } else {
                    1
                };
                rest = unread.get(at + ending..);
                Some(&unread[..at])
            }
            // The text after the last line ending, unless it is empty.
            None => (!unread.is_empty()).then_some(unread),
        }
    })
    .enumerate()
    .map(|(i, line)| (i + 1, line))
}

fn parse_htpasswd(text: &str, add: &mut Add<'_>) {
    for (n, line) in numbered_lines(text) {
        // Blank lines and `#` comments are skipped, as nginx does.
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        let result = match line.split_once(':') {
            Some((user, hash)) => record(
                n,
                Fields {
                    username: user,
                    email: None,
                    name: None,
                    role: None,
                    password: None,
                    password_hash: Some(hash),
                },
            ),
            None => Err("expected user:hash".to_string()),
        };
        add(n, result);
    }
}

/// One JSON Lines object. Unknown fields are refused so a misspelt one is
/// not silently dropped.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonAccount {
    username: String,
    email: Option<String>,
    name: Option<String>,
    role: Option<String>,
    password: Option<String>,
    password_hash: Option<String>,
    /// Two-factor login, as `export --with-hashes` writes it.
    totp_secret: Option<String>,
    totp_last_step: Option<i64>,
    recovery_code_sha256: Option<Vec<String>>,
}

impl JsonAccount {
    /// The two-factor backup the object carries, checked; messages name
    /// the field, never its value.
    fn two_factor(&mut self) -> Result<Option<TwoFactorBackup>, String> {
        let Some(secret) = self.totp_secret.take().map(zeroize::Zeroizing::new) else {
            if self.totp_last_step.is_some() || self.recovery_code_sha256.is_some() {
                return Err("totp_last_step and recovery_code_sha256 need a totp_secret".into());
            }
            return Ok(None);
        };
        crate::totp::TotpSecret::from_base32(&secret)
            .map_err(|_| "invalid totp_secret: not a base32 TOTP secret".to_string())?;
        let digests = self.recovery_code_sha256.take().unwrap_or_default();
        let recovery_code_digests = digests
            .iter()
            .map(|hex| from_hex_sha256(hex))
            .collect::<Option<Vec<_>>>()
            .ok_or("invalid recovery_code_sha256: each must be 64 hex digits")?;
        Ok(Some(TwoFactorBackup {
            secret,
            last_step: self.totp_last_step,
            recovery_code_digests,
        }))
    }
}

/// 32 bytes from 64 hex digits, or `None`.
fn from_hex_sha256(hex: &str) -> Option<Vec<u8>> {
    if hex.len() != 64 || !hex.is_ascii() {
        return None;
    }
    (0..64)
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).ok())
        .collect()
}

fn parse_jsonl(text: &str, add: &mut Add<'_>) {
    for (n, line) in numbered_lines(text) {
        if line.trim().is_empty() {
            continue;
        }
        let result = match serde_json::from_str::<JsonAccount>(line) {
            Ok(mut a) => {
                let r = record(
                    n,
                    Fields {
                        username: &a.username,
                        email: a.email.as_deref(),
                        name: a.name.as_deref(),
                        role: a.role.as_deref(),
                        password: a.password.as_deref(),
                        password_hash: a.password_hash.as_deref(),
                    },
                );
                a.password.zeroize();
                match (r, a.two_factor()) {
                    (Ok(record), Ok(two_factor)) => Ok(ImportRecord {
                        two_factor,
                        ..record
                    }),
                    (Err(e), _) | (_, Err(e)) => Err(e),
                }
            }
            Err(e) => Err(json_error(&e)),
        };
        add(n, result);
    }
}

/// Why a line is not an account object, without echoing any value from it
/// (serde_json's type errors quote the value, which may be a password).
fn json_error(e: &serde_json::Error) -> String {
    let message = e.to_string();
    if e.is_data() && (message.starts_with("unknown field") || message.starts_with("missing field"))
    {
        // These name a key, not a value.
        let key_part = message.split(", expected").next().unwrap_or(&message);
        let key_part = key_part.split(" at line").next().unwrap_or(key_part);
        format!("not a valid account object: {key_part}")
    } else if e.is_data() {
        format!(
            "not a valid account object: a field has the wrong type (column {})",
            e.column()
        )
    } else {
        format!("not valid JSON (column {})", e.column())
    }
}

/// The columns a CSV header may name: the expected header first, then the
/// optional others.
const CSV_COLUMNS: [&str; 6] = [
    "username",
    "password",
    "email",
    "name",
    "password_hash",
    "role",
];

fn parse_csv(text: &str, add: &mut Add<'_>) {
    let mut reader = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    let header = match reader.headers() {
        Ok(h) => h.clone(),
        Err(e) => return add(1, Err(format!("unreadable CSV header: {e}"))),
    };
    let column = |name: &str| header.iter().position(|h| h.trim() == name);
    // Neither message repeats a cell: in a file without a header, the first
    // line is an account, and one of its cells may be a password.
    let is_known = |h: &str| CSV_COLUMNS.contains(&h.trim());
    if !header.iter().any(is_known) {
        return add(
            1,
            Err(format!(
                "no CSV header: the first line must name the columns, like {} ({} are accepted too)",
                CSV_COLUMNS[..4].join(","),
                CSV_COLUMNS[4..].join(" and ")
            )),
        );
    }
    if let Some(at) = header.iter().position(|h| !is_known(h)) {
        return add(
            1,
            Err(format!(
                "column {} of the CSV header is not one of {}",
                at + 1,
                CSV_COLUMNS.join(", ")
            )),
        );
    }
    let Some(user_col) = column("username") else {
        return add(1, Err("the CSV header has no username column".to_string()));
    };
    let cols = [
        column("email"),
        column("name"),
        column("role"),
        column("password"),
        column("password_hash"),
    ];
    for row in reader.records() {
        let row = match row {
            Ok(row) => row,
            Err(e) => {
                let line = e.position().map_or(0, |p| line_at(text, p));
                add(line, Err(format!("unreadable CSV row: {e}")));
                continue;
            }
        };
        let line = row.position().map_or(0, |p| line_at(text, p));
        let get = |c: Option<usize>| c.and_then(|c| row.get(c)).filter(|v| !v.is_empty());
        // Text fields as exported (see `csv_cell`); never a password.
        let text = |c: Option<usize>| get(c).map(csv_cell_unescaped);
        let result = record(
            line,
            Fields {
                username: csv_cell_unescaped(row.get(user_col).unwrap_or_default()),
                email: text(cols[0]),
                name: text(cols[1]),
                role: text(cols[2]),
                password: get(cols[3]),
                password_hash: get(cols[4]),
            },
        );
        add(line, result);
    }
}

/// The first characters that make a spreadsheet read a cell as a formula
/// (OWASP's CSV injection list).
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// Whether `cell`, past any leading `'`, starts like a formula.
fn looks_like_formula(cell: &str) -> bool {
    cell.trim_start_matches('\'').starts_with(FORMULA_STARTS)
}

/// A text cell for a CSV export: one a spreadsheet would run as a formula
/// (`=HYPERLINK(...)`) gets a leading `'`, which spreadsheets show as text.
/// A cell that already starts with `'`s before such a character gets one
/// more, so that unquoting it on import gives back exactly the original.
pub fn csv_cell(cell: &str) -> Cow<'_, str> {
    match looks_like_formula(cell) {
        true => Cow::Owned(format!("'{cell}")),
        false => Cow::Borrowed(cell),
    }
}

/// The original of a text cell written by [`csv_cell`].
fn csv_cell_unescaped(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if looks_like_formula(rest) => rest,
        _ => cell,
    }
}

/// The line a CSV record starts on. The csv crate's own line number is off
/// after `\r\n` or lone `\r` endings and blank lines (its position is where
/// the previous record ended), so count the lines before the record's first
/// byte instead, as [`numbered_lines`] numbers them.
fn line_at(text: &str, position: &csv::Position) -> usize {
    let bytes = text.as_bytes();
    let mut start = usize::try_from(position.byte())
        .unwrap_or(usize::MAX)
        .min(bytes.len());
    while start < bytes.len() && matches!(bytes[start], b'\r' | b'\n') {
        start += 1;
    }
    // `start` follows a line ending or is the start of the text, so
    // `before` ends where a line does.
    let before = text.get(..start).unwrap_or(text);
    1 + numbered_lines(before).count()
}

/// Validates one account's fields.
///
/// Messages name the field, never its value: in a file with its columns in
/// the wrong order the value could be someone's password.
fn record(line: usize, f: Fields<'_>) -> Result<ImportRecord, String> {
    let username = Username::parse(f.username).map_err(|_| {
        "invalid username: use 1 to 32 characters of a-z, 0-9, '.', '_' and '-', starting with a letter or digit"
            .to_string()
    })?;
    let secret = match (f.password, f.password_hash) {
        (Some(_), Some(_)) => return Err("give password or password_hash, not both".to_string()),
        (Some(p), None) => ImportSecret::Password(Password::from(p)),
        (None, Some(h)) => {
            check_importable_hash(h)?;
            ImportSecret::Hash(h.to_string())
        }
        (None, None) => return Err("no password or password_hash".to_string()),
    };
    Ok(ImportRecord {
        line,
        username,
        email: f
            .email
            .map(Email::parse)
            .transpose()
            .map_err(|_| "invalid email address".to_string())?,
        // The name's own messages never quote it.
        name: f
            .name
            .map(DisplayName::parse)
            .transpose()
            .map_err(|e| e.to_string())?,
        role: f
            .role
            .map(Role::parse)
            .transpose()
            .map_err(|_| "invalid role: use admin or user".to_string())?
            .unwrap_or(Role::User),
        secret,
        two_factor: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const BCRYPT: &str = "$2y$05$AnP/AXeQl6ArBCz7mWYMaOw0wb7Jkzy.tmpAtKPBbJ3GzbX1TI8GO";

    fn reasons(p: &Parsed) -> Vec<(usize, String)> {
        p.refused
            .iter()
            .map(|e| (e.line, e.reason.clone()))
            .collect()
    }

    #[test]
    fn htpasswd_lines_keep_bcrypt_and_refuse_weak_formats() {
        let text = format!(
            "\u{feff}alice:{BCRYPT}\n\nbob:{{SHA}}Y4mWo/k6M6Ssl6fElL2QLTZ2rPk=\nnocolon\nAlice:{BCRYPT}\n"
        );
        let p = parse(ImportFormat::Htpasswd, &text);
        assert_eq!(p.records.len(), 1);
        assert_eq!(p.records[0].username.as_str(), "alice");
        assert!(matches!(&p.records[0].secret, ImportSecret::Hash(h) if h == BCRYPT));
        let r = reasons(&p);
        assert_eq!(r.len(), 3);
        assert_eq!(r[0].0, 3);
        assert!(r[0].1.contains("SHA-1"));
        assert_eq!(r[1], (4, "expected user:hash".to_string()));
        assert_eq!(
            r[2],
            (5, "user alice appears again (first on line 1)".to_string())
        );
    }

    #[test]
    fn csv_rows_are_numbered_by_line_and_validated() {
        let text = "username,password,email,name\n\
                    carol,a long password here,carol@example.com,Carol\n\
                    dave,,,\n\
                    eve,correct horse battery,not-an-email,\n\
                    \"quoted\nname\",x,,\n";
        let p = parse(ImportFormat::Csv, text);
        assert_eq!(p.records.len(), 1);
        let carol = &p.records[0];
        assert_eq!((carol.line, carol.username.as_str()), (2, "carol"));
        assert_eq!(
            carol.email.as_ref().map(Email::as_str),
            Some("carol@example.com")
        );
        let r = reasons(&p);
        assert_eq!(r[0], (3, "no password or password_hash".to_string()));
        assert_eq!(r[1].0, 4);
        assert_eq!(r[1].1, "invalid email address");
        assert_eq!(r[2].0, 5);
        assert!(r[2].1.contains("invalid username"));
        let bad = parse(ImportFormat::Csv, "user,password\nx,y\n");
        assert_eq!(reasons(&bad)[0].0, 1);
        // Windows line endings and blank lines do not shift the numbers.
        let crlf = parse(
            ImportFormat::Csv,
            "username,password\r\nbob,\r\n\r\ncarol,\r\n",
        );
        assert_eq!(
            reasons(&crlf).iter().map(|e| e.0).collect::<Vec<_>>(),
            [2, 4]
        );
    }

    #[test]
    fn lines_end_in_crlf_lf_or_a_lone_cr_and_are_numbered_alike() {
        fn lines(text: &str) -> Vec<(usize, &str)> {
            numbered_lines(text).collect()
        }
        let expected = [(1, "a"), (2, ""), (3, "b")];
        for text in ["a\n\nb", "a\r\n\r\nb\r\n", "a\r\rb\r", "a\n\r\nb\n"] {
            assert_eq!(lines(text), expected, "{text:?}");
        }
        assert!(lines("").is_empty());
        // Every format numbers the same lines the same way.
        for ending in ["\n", "\r\n", "\r"] {
            let ht = [format!("alice:{BCRYPT}"), String::new(), "nocolon".into()].join(ending);
            assert_eq!(reasons(&parse(ImportFormat::Htpasswd, &ht))[0].0, 3);
            let js = ["{\"username\":\"a\",\"password_hash\":\"x\"}", "", "{"].join(ending);
            let refused = reasons(&parse(ImportFormat::Jsonl, &js));
            assert_eq!(refused.iter().map(|e| e.0).collect::<Vec<_>>(), [1, 3]);
            let csv = ["username,password", "bob,", "", "carol,"].join(ending);
            let refused = reasons(&parse(ImportFormat::Csv, &csv));
            assert_eq!(refused.iter().map(|e| e.0).collect::<Vec<_>>(), [2, 4]);
        }
    }

    #[test]
    fn htpasswd_comments_and_blank_lines_are_skipped() {
        let text = format!("# accounts\n  # indented\n\n   \nalice:{BCRYPT}\n#bob:{BCRYPT}\n");
        let p = parse(ImportFormat::Htpasswd, &text);
        assert!(p.refused.is_empty(), "{:?}", reasons(&p));
        assert_eq!(p.records.len(), 1);
        assert_eq!(p.records[0].line, 5);
    }

    #[test]
    fn a_csv_without_a_header_is_refused_naming_the_header_not_a_cell() {
        let p = parse(
            ImportFormat::Csv,
            "alice,Secret-Password-1234,alice@example.org\n",
        );
        assert!(p.records.is_empty());
        let r = reasons(&p);
        assert_eq!(r.len(), 1);
        assert_eq!(
            r[0],
            (
                1,
                "no CSV header: the first line must name the columns, like username,password,email,name (password_hash and role are accepted too)"
                    .to_string()
            )
        );
        let typo = reasons(&parse(ImportFormat::Csv, "username,Secret-pw\nx,y\n"));
        assert_eq!(
            typo,
            [(
                1,
                "column 2 of the CSV header is not one of username, password, email, name, password_hash, role"
                    .to_string()
            )]
        );
    }

    #[test]
    fn jsonl_objects_refuse_unknown_fields_and_bad_roles() {
        let text = format!(
            "{{\"username\":\"ops\",\"role\":\"admin\",\"password_hash\":\"{BCRYPT}\"}}\n\
             {{\"username\":\"x\",\"pasword\":\"typo\"}}\n\
             {{\"username\":\"y\",\"role\":\"root\",\"password\":\"z\"}}\n\
             not json\n\
             {{\"username\":\"z\",\"password\":12345678901}}\n"
        );
        let p = parse(ImportFormat::Jsonl, &text);
        assert_eq!(p.records.len(), 1);
        assert_eq!(p.records[0].role, Role::Admin);
        let r = reasons(&p);
        assert_eq!(r.iter().map(|e| e.0).collect::<Vec<_>>(), [2, 3, 4, 5]);
        assert_eq!(
            r[0].1,
            "not a valid account object: unknown field `pasword`"
        );
        assert!(r[3].1.contains("wrong type"), "{}", r[3].1);
        assert!(!r[3].1.contains("12345678901"), "{}", r[3].1);
        assert!(r[1].1.contains("invalid role"));
        assert!(
            !r.iter().any(|e| e.1.contains("typo")),
            "no value is echoed"
        );
    }
}
