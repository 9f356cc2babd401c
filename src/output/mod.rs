//! The one printer: data to stdout (tables or JSON), messages to stderr.
//! Every user-supplied value passes through [`sanitize`] before it reaches a
//! terminal. Tables fit the terminal (see [`table`]) and are plain
//! aligned columns, every value in full, when piped.

mod columns;
mod table;

use anyhow::Result;
use authctl::time::{now, rfc3339};
use authctl::{Account, AccountStatus, EventRecord, SessionId, SessionInfo};
use columns::Dates;
use serde::Serialize;
use std::io::{self, IsTerminal, Write};
use table::{Cell, Column, Target};

/// Every user-supplied string is escaped with this before it is printed.
pub use authctl::escape_for_terminal as sanitize;

/// Writes to stderr, ignoring failure: a closed stderr must not turn into a
/// panic, and there is nowhere left to report it.
pub fn to_stderr(text: &str) {
    let _ = io::stderr().lock().write_all(text.as_bytes());
}

/// An account as `--json` shows it.
#[derive(Serialize)]
pub struct AccountJson<'a> {
    username: &'a str,
    name: Option<&'a str>,
    email: Option<&'a str>,
    role: &'static str,
    created_at: String,
    last_login_at: Option<String>,
    password_changed_at: String,
    status: &'static str,
    locked_until: Option<String>,
    lock_reason: Option<&'a str>,
    failed_logins: u32,
    two_factor: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    active_sessions: Option<i64>,
}

impl<'a> AccountJson<'a> {
    /// The JSON view of an account; `active_sessions` only where shown.
    pub fn new(account: &'a Account, active_sessions: Option<i64>) -> Self {
        let status = account.status(now());
        AccountJson {
            username: account.username.as_str(),
            name: account.name.as_deref(),
            email: account.email.as_deref(),
            role: account.role.as_str(),
            created_at: rfc3339(account.created_at),
            last_login_at: account.last_login_at.map(rfc3339),
            password_changed_at: rfc3339(account.password_changed_at),
            status: status.as_str(),
            locked_until: match status {
                AccountStatus::LockedUntil(until) => Some(rfc3339(until)),
                _ => None,
            },
            lock_reason: account
                .admin_lock
                .as_ref()
                .and_then(|lock| lock.reason.as_deref()),
            failed_logins: account.failed_logins,
            two_factor: account.two_factor,
            active_sessions,
        }
    }
}

/// An audit event as `--json` shows it.
#[derive(Serialize)]
pub struct EventJson<'a> {
    at: String,
    event: &'a str,
    outcome: &'a str,
    actor: Option<&'a str>,
    target: Option<&'a str>,
    os_user: &'a str,
    host: Option<&'a str>,
    detail: Option<&'a str>,
}

impl<'a> EventJson<'a> {
    /// The JSON view of an audit event.
    pub fn new(e: &'a EventRecord) -> Self {
        EventJson {
            at: rfc3339(e.at),
            event: &e.event,
            outcome: &e.outcome,
            actor: e.actor.as_deref(),
            target: e.target.as_deref(),
            os_user: &e.os_user,
            host: e.host.as_deref(),
            detail: e.detail.as_deref(),
        }
    }
}

/// Where and how output goes.
pub struct Printer {
    json: bool,
    stdout_is_terminal: bool,
    styled: bool,
}

impl Printer {
    /// A printer for this process's stdout; `json` selects `--json` output.
    pub fn new(json: bool) -> Self {
        let stdout_is_terminal = io::stdout().is_terminal();
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Printer {
            json,
            stdout_is_terminal,
            styled: stdout_is_terminal && !no_color,
        }
    }

    /// Whether `--json` was asked for.
    pub fn is_json(&self) -> bool {
        self.json
    }

    /// A message for the person at the terminal, on stderr.
    pub fn message(&self, text: &str) {
        to_stderr(&format!("{}\n", sanitize(text)));
    }

    /// One line of data on stdout.
    pub fn line(&self, text: &str) -> Result<()> {
        writeln!(io::stdout().lock(), "{}", sanitize(text))?;
        Ok(())
    }

    /// One JSON document on stdout.
    pub fn json_value(&self, value: &impl Serialize) -> Result<()> {
        let mut out = io::stdout().lock();
        crate::json::write_pretty(&mut out, value)?;
        writeln!(out)?;
        Ok(())
    }

    /// A QR code of `data` on stdout, only when stdout is a terminal (a
    /// script gets the URI as text instead) wide enough to draw it whole
    /// (else a note on stderr says so). Styled, it is drawn black on
    /// white whatever the terminal's colours, so it scans on dark and light
    /// backgrounds alike; with NO_COLOR, dark modules are the blocks.
    pub fn qr_code(&self, data: &str) -> Result<()> {
        if !self.stdout_is_terminal {
            return Ok(());
        }
        let lines = qr_lines(data)?;
        let needs = lines.first().map_or(0, |l| l.chars().count());
        if let Some(has) = terminal_width().filter(|has| *has < needs) {
            // Wrapped, the code would not scan; the URI and secret follow.
            self.message(&format!(
                "The QR code needs {needs} columns and this terminal has {has}: widen it and run this again to scan, or type the secret below."
            ));
            return Ok(());
        }
        let mut out = io::stdout().lock();
        for line in lines {
            if self.styled {
                writeln!(out, "\u{1b}[30;47m{line}\u{1b}[0m")?;
            } else {
                writeln!(out, "{line}")?;
            }
        }
        Ok(())
    }

    /// The outcome of a change: `value` as JSON on stdout with `--json`,
    /// otherwise `message` for the person on stderr (stdout stays empty).
    pub fn done(&self, value: &impl Serialize, message: &str) -> Result<()> {
        if self.json {
            self.json_value(value)
        } else {
            self.message(message);
            Ok(())
        }
    }

    /// One account: a table of fields (no header), or a JSON object.
    pub fn account(&self, account: &Account, active_sessions: i64, wide: bool) -> Result<()> {
        if self.json {
            return self.json_value(&AccountJson::new(account, Some(active_sessions)));
        }
        let rows = columns::account_fields(account, active_sessions, self.dates());
        self.table(columns::KEY_VALUE, false, &rows, wide)
    }

    /// Many accounts: a table, or a JSON array.
    pub fn accounts(
        &self,
        wide: bool,
        for_each: impl FnOnce(&mut Visit<'_, (Account, i64)>) -> authctl::Result<()>,
    ) -> Result<()> {
        let json = |w: &mut dyn Write, (a, live): &(Account, i64)| {
            crate::json::write_compact(w, &AccountJson::new(a, Some(*live)))
        };
        let dates = self.dates();
        let row = |(a, _): &(Account, i64)| columns::account_row(a, dates);
        self.records(columns::ACCOUNTS, wide, json, row, for_each)
    }

    /// Audit events: a table, or a JSON array.
    pub fn events(
        &self,
        wide: bool,
        for_each: impl FnOnce(&mut Visit<'_, EventRecord>) -> authctl::Result<()>,
    ) -> Result<()> {
        let json =
            |w: &mut dyn Write, e: &EventRecord| crate::json::write_compact(w, &EventJson::new(e));
        let dates = self.dates();
        let row = |e: &EventRecord| columns::event_row(e, dates);
        self.records(columns::EVENTS, wide, json, row, for_each)
    }

    /// An account's sessions as a table; `current` is the caller's own.
    pub fn sessions(&self, sessions: &[SessionInfo], current: SessionId, wide: bool) -> Result<()> {
        let dates = self.dates();
        let rows: Vec<_> = sessions
            .iter()
            .map(|s| columns::session_row(s, s.id == current, dates))
            .collect();
        self.table(columns::SESSIONS, true, &rows, wide)
    }

    /// Names and their values as a table under a `key`, `value` header.
    pub fn key_values(&self, pairs: impl IntoIterator<Item = (String, String)>) -> Result<()> {
        let rows: Vec<Vec<Cell>> = pairs
            .into_iter()
            .map(|(k, v)| vec![k.into(), v.into()])
            .collect();
        self.table(columns::KEY_VALUE, true, &rows, false)
    }

    /// Rows from a visitor: as a JSON array written as each arrives (never
    /// all held in memory), or as a table of `columns`.
    fn records<R>(
        &self,
        columns: &[Column],
        wide: bool,
        write_json: impl Fn(&mut dyn Write, &R) -> serde_json::Result<()>,
        to_row: impl Fn(&R) -> Vec<Cell>,
        for_each: impl FnOnce(&mut Visit<'_, R>) -> authctl::Result<()>,
    ) -> Result<()> {
        if self.json {
            // Stdout is line-buffered: without this, one write per row.
            let mut out = io::BufWriter::new(io::stdout().lock());
            // Nothing is written before the first record, so a refusal
            // (not an admin) leaves stdout empty.
            let mut first = true;
            for_each(&mut |record| {
                let sep: &[u8] = if first { b"[\n  " } else { b",\n  " };
                first = false;
                out.write_all(sep)
                    .and_then(|()| write_json(&mut out, &record).map_err(io::Error::from))
                    .map_err(|e| authctl::Error::io("cannot write output", e))
            })?;
            out.write_all(if first { b"[]\n" } else { b"\n]\n" })?;
            out.flush()?;
            return Ok(());
        }
        // A table is laid out from all its rows, so they are gathered first.
        let mut rows = Vec::new();
        for_each(&mut |record| {
            rows.push(to_row(&record));
            Ok(())
        })?;
        self.table(columns, true, &rows, wide)
    }

    /// Writes a table: fitted to the terminal (all of it with `wide`), or
    /// in full when stdout is not a terminal. Every cell is escaped.
    fn table(
        &self,
        columns: &[Column],
        header: bool,
        rows: &[Vec<Cell>],
        wide: bool,
    ) -> Result<()> {
        let target = match self.stdout_is_terminal {
            false => Target::Pipe,
            true => Target::Terminal {
                width: if wide { None } else { terminal_width() },
                styled: self.styled,
            },
        };
        let text = table::render(columns, header, rows, target);
        writeln!(io::stdout().lock(), "{text}")?;
        Ok(())
    }

    /// How tables write times: to the minute on a terminal, exactly when
    /// piped (as scripts have always read them).
    fn dates(&self) -> Dates {
        match self.stdout_is_terminal {
            true => Dates::Minutes,
            false => Dates::Exact,
        }
    }
}

/// The terminal's width in columns; `None` when it reports none (a bare
/// pseudo-terminal says 0), and the table is then drawn in full.
fn terminal_width() -> Option<usize> {
    // comfy-table asks the terminal (TIOCGWINSZ on /dev/tty, else stdout,
    // else `tput cols`).
    comfy_table::Table::new()
        .width()
        .map(usize::from)
        .filter(|&w| w > 0)
}

/// A QR code as text, two rows of modules per line (`▀`, `▄`, `█`, space),
/// dark modules drawn, with the standard four-module quiet zone.
pub fn qr_lines(data: &str) -> Result<Vec<String>> {
    const QUIET: usize = 4;
    let code = qrcode::QrCode::new(data.as_bytes())?;
    let width = code.width();
    let colors = code.to_colors();
    let dark = |x: usize, y: usize| {
        x >= QUIET
            && y >= QUIET
            && x < width + QUIET
            && y < width + QUIET
            && colors[(y - QUIET) * width + (x - QUIET)] == qrcode::Color::Dark
    };
    let size = width + 2 * QUIET;
    Ok((0..size)
        .step_by(2)
        .map(|y| {
            (0..size)
                .map(|x| match (dark(x, y), dark(x, y + 1)) {
                    (true, true) => '█',
                    (true, false) => '▀',
                    (false, true) => '▄',
                    (false, false) => ' ',
                })
                .collect()
        })
        .collect())
}

/// A visitor over records, as the library's `for_each_*` methods take it.
pub type Visit<'a, R> = dyn FnMut(R) -> authctl::Result<()> + 'a;

#[cfg(test)]
mod tests {
    use super::sanitize;

    /// Reads text drawn by [`super::qr_lines`] back into an image (4 pixels
    /// a module) and decodes it with rqrr, as a phone would.
    fn decode(lines: &[String]) -> String {
        let grid: Vec<Vec<char>> = lines.iter().map(|l| l.chars().collect()).collect();
        let (cols, rows) = (grid[0].len(), grid.len() * 2);
        let scale = 4;
        let mut img =
            rqrr::PreparedImage::prepare_from_greyscale(cols * scale, rows * scale, |x, y| {
                let (mx, my) = (x / scale, y / scale);
                let c = grid[my / 2][mx];
                let dark = if my % 2 == 0 {
                    matches!(c, '█' | '▀')
                } else {
                    matches!(c, '█' | '▄')
                };
                if dark { 0 } else { 255 }
            });
        let grids = img.detect_grids();
        assert_eq!(grids.len(), 1, "one QR code found");
        let (_, content) = grids[0].decode().expect("decodes");
        content
    }

    #[test]
    fn the_qr_code_decodes_back_to_the_uri() {
        let uri =
            "otpauth://totp/authctl:alice?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=authctl";
        let lines = super::qr_lines(uri).expect("renders");
        assert!(
            lines
                .iter()
                .all(|l| l.chars().count() == lines[0].chars().count())
        );
        assert_eq!(decode(&lines), uri);
    }

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(sanitize("plain ✓"), "plain ✓");
        assert_eq!(sanitize("a\u{1b}[31mb\n"), "a\\u{1b}[31mb\\u{a}");
        assert_eq!(sanitize("x\u{202e}y"), "x\\u{202e}y");
    }
}
