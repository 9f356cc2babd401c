//! The one printer: data to stdout (tables or JSON), messages to stderr.
//! Every user-supplied value passes through [`sanitize`] before it reaches a
//! terminal, and tables lose their borders and styling when piped.

use anyhow::Result;
use authctl::EventRecord;
use authctl::time::{Timestamp, now, rfc3339};
use authctl::{Account, AccountStatus};
use comfy_table::{Attribute, Cell, ContentArrangement, Table, presets};
use serde::Serialize;
use std::io::{self, IsTerminal, Write};

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

    /// One JSON document on one line of stdout (JSON Lines).
    pub fn json_line(&self, value: &impl Serialize) -> authctl::Result<()> {
        let mut out = io::stdout().lock();
        crate::json::write_compact(&mut out, value)
            .map_err(io::Error::from)
            .and_then(|()| writeln!(out))
            .map_err(|e| authctl::Error::io("cannot write output", e))
    }

    /// A CSV writer on stdout.
    pub fn csv(&self) -> csv::Writer<io::Stdout> {
        csv::Writer::from_writer(io::stdout())
    }

    /// A QR code of `data` on stdout, only when stdout is a terminal (a
    /// script gets the URI as text instead). Styled, it is drawn black on
    /// white whatever the terminal's colours, so it scans on dark and light
    /// backgrounds alike; with NO_COLOR, dark modules are the blocks.
    pub fn qr_code(&self, data: &str) -> Result<()> {
        if !self.stdout_is_terminal {
            return Ok(());
        }
        let mut out = io::stdout().lock();
        for line in qr_lines(data)? {
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

    /// One account: a two-column table, or a JSON object.
    pub fn account(&self, account: &Account, active_sessions: i64) -> Result<()> {
        if self.json {
            return self.json_value(&AccountJson::new(account, Some(active_sessions)));
        }
        let mut table = self.table();
        let field = |t: &mut Table, k: &str, v: String| {
            t.add_row(vec![self.header_cell(k), Cell::new(sanitize(&v))]);
        };
        field(&mut table, "username", account.username.to_string());
        field(&mut table, "name", or_dash(account.name.as_deref()));
        field(&mut table, "email", or_dash(account.email.as_deref()));
        field(&mut table, "role", account.role.as_str().to_string());
        field(&mut table, "created", rfc3339(account.created_at));
        field(
            &mut table,
            "last login",
            time_or_dash(account.last_login_at),
        );
        field(
            &mut table,
            "password changed",
            rfc3339(account.password_changed_at),
        );
        field(&mut table, "status", status_text(account));
        field(
            &mut table,
            "failed logins",
            account.failed_logins.to_string(),
        );
        field(&mut table, "two-factor", on_off(account.two_factor));
        field(&mut table, "active sessions", active_sessions.to_string());
        self.table_out(&table)
    }

    /// Many accounts: a table, or a JSON array.
    pub fn accounts(
        &self,
        for_each: impl FnOnce(&mut Visit<'_, (Account, i64)>) -> authctl::Result<()>,
    ) -> Result<()> {
        let header = [
            "username",
            "name",
            "email",
            "role",
            "status",
            "2fa",
            "created",
            "last login",
        ];
        let json = |w: &mut dyn Write, (a, live): &(Account, i64)| {
            crate::json::write_compact(w, &AccountJson::new(a, Some(*live)))
        };
        self.records(&header, json, account_row, for_each)
    }

    /// Audit events: a table, or a JSON array.
    pub fn events(
        &self,
        for_each: impl FnOnce(&mut Visit<'_, EventRecord>) -> authctl::Result<()>,
    ) -> Result<()> {
        let header = [
            "at", "event", "outcome", "actor", "target", "os user", "host", "detail",
        ];
        let json =
            |w: &mut dyn Write, e: &EventRecord| crate::json::write_compact(w, &EventJson::new(e));
        self.records(&header, json, event_row, for_each)
    }

    /// Rows from a visitor: as a JSON array written as each arrives (never
    /// all held in memory), or as a table with `header`. Every cell passes
    /// through [`sanitize`].
    fn records<R>(
        &self,
        header: &[&str],
        write_json: impl Fn(&mut dyn Write, &R) -> serde_json::Result<()>,
        to_row: impl Fn(&R) -> Vec<String>,
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
        let mut table = self.table_with_header(header);
        for_each(&mut |record| {
            add_sanitized_row(&mut table, &to_row(&record));
            Ok(())
        })?;
        self.table_out(&table)
    }

    /// A table of text rows under `header` (always a table: the caller
    /// handles `--json`).
    pub fn rows(&self, header: &[&str], rows: impl IntoIterator<Item = Vec<String>>) -> Result<()> {
        let mut table = self.table_with_header(header);
        for row in rows {
            add_sanitized_row(&mut table, &row);
        }
        self.table_out(&table)
    }

    fn table_with_header(&self, header: &[&str]) -> Table {
        let mut table = self.table();
        table.set_header(
            header
                .iter()
                .map(|h| self.header_cell(h))
                .collect::<Vec<_>>(),
        );
        table
    }

    /// Writes a table whose cells were sanitized as they were added.
    fn table_out(&self, table: &Table) -> Result<()> {
        writeln!(io::stdout().lock(), "{}", table.trim_fmt())?;
        Ok(())
    }

    fn table(&self) -> Table {
        let mut table = Table::new();
        if self.stdout_is_terminal {
            table.load_style(presets::UTF8_FULL_CONDENSED);
            // Fit the terminal's width, wrapping long cells within their
            // row; a terminal that reports no width (0) is left unconstrained.
            if table.width().is_some_and(|w| w > 0) {
                table.set_content_arrangement(ContentArrangement::Dynamic);
            }
        } else {
            // Plain aligned columns: no border characters to trip up a script.
            table.load_style(presets::NOTHING);
            table.force_no_tty();
        }
        table
    }

    fn header_cell(&self, text: &str) -> Cell {
        let cell = Cell::new(text);
        if self.styled {
            cell.add_attribute(Attribute::Bold)
        } else {
            cell
        }
    }
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

fn add_sanitized_row(table: &mut Table, cells: &[String]) {
    table.add_row(
        cells
            .iter()
            .map(|c| sanitize(c).into_owned())
            .collect::<Vec<_>>(),
    );
}

/// A visitor over records, as the library's `for_each_*` methods take it.
pub type Visit<'a, R> = dyn FnMut(R) -> authctl::Result<()> + 'a;

fn account_row((a, _): &(Account, i64)) -> Vec<String> {
    vec![
        a.username.to_string(),
        or_dash(a.name.as_deref()),
        or_dash(a.email.as_deref()),
        a.role.as_str().to_string(),
        with_failures(status_text(a), a.failed_logins),
        on_off(a.two_factor),
        rfc3339(a.created_at),
        time_or_dash(a.last_login_at),
    ]
}

fn event_row(e: &EventRecord) -> Vec<String> {
    vec![
        rfc3339(e.at),
        e.event.clone(),
        e.outcome.clone(),
        or_dash(e.actor.as_deref()),
        or_dash(e.target.as_deref()),
        e.os_user.clone(),
        or_dash(e.host.as_deref()),
        or_dash(e.detail.as_deref()),
    ]
}

/// `active`, `locked`, `locked: REASON` or `locked until TIME`.
fn status_text(account: &Account) -> String {
    match account.status(now()) {
        AccountStatus::Active => "active".to_string(),
        AccountStatus::Locked => match account
            .admin_lock
            .as_ref()
            .and_then(|l| l.reason.as_deref())
        {
            Some(reason) => format!("locked: {reason}"),
            None => "locked".to_string(),
        },
        AccountStatus::LockedUntil(until) => format!("locked until {}", rfc3339(until)),
    }
}

/// A list's status cell: the status, and failed logins since the last
/// success when there are any (`active (2 failed)`).
fn with_failures(status: String, failed: u32) -> String {
    match failed {
        0 => status,
        n => format!("{status} ({n} failed)"),
    }
}

fn on_off(on: bool) -> String {
    if on { "on" } else { "off" }.to_string()
}

fn or_dash(value: Option<&str>) -> String {
    value.unwrap_or("-").to_string()
}

fn time_or_dash(ts: Option<Timestamp>) -> String {
    ts.map(rfc3339).unwrap_or_else(|| "-".to_string())
}

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
