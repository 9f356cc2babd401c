//! Reading tables off a pseudo-terminal: the lines a command printed, how
//! wide each is on screen, and a line's cells.

use super::{TestEnv, pty_exit_code};

/// What one command printed on a pseudo-terminal of a given width.
pub struct Screen {
    /// The terminal's width.
    pub cols: usize,
    /// Every line printed, escapes included, without the line ends.
    pub lines: Vec<String>,
}

impl Screen {
    /// Runs `authctl ARGS` on a pseudo-terminal `cols` wide (with `NO_COLOR`
    /// set when `no_color`), checks it exits 0 and keeps what it printed.
    pub fn run(env: &TestEnv, cols: u16, args: &[&str], no_color: bool) -> Screen {
        let vars: &[(&str, &str)] = if no_color { &[("NO_COLOR", "1")] } else { &[] };
        let mut p = env.pty_sized_with(cols, args, vars);
        let raw = p.exp_eof().expect("output until exit");
        assert_eq!(pty_exit_code(&p), 0, "{raw}");
        // rexpect hands back one char per byte; the output is UTF-8.
        let bytes: Vec<u8> = raw.chars().map(|c| c as u32 as u8).collect();
        let text = String::from_utf8(bytes).expect("UTF-8 output");
        Screen {
            cols: usize::from(cols),
            lines: text.lines().map(str::to_string).collect(),
        }
    }

    /// The whole output, for messages.
    pub fn text(&self) -> String {
        self.lines.join("\n")
    }

    /// Asserts the table has exactly `rows` rows under `header_lines`
    /// lines (nothing wrapped onto a line of its own) and that no line is
    /// wider than the terminal.
    pub fn assert_fits(&self, header_lines: usize, rows: usize) {
        assert_eq!(
            self.lines.len(),
            header_lines + rows,
            "{} columns: one line per row expected:\n{}",
            self.cols,
            self.text()
        );
        for line in &self.lines {
            let width = without_escapes(line).chars().count();
            assert!(
                width <= self.cols,
                "{width} > {} columns: {line:?}\n{}",
                self.cols,
                self.text()
            );
        }
    }

    /// The headers of the columns shown (first line, escapes removed).
    pub fn headers(&self) -> Vec<String> {
        cells(&self.lines[0])
    }

    /// The row whose first cell is `first`, as cells by header.
    pub fn row(&self, first: &str) -> Vec<(String, String)> {
        let line = self
            .lines
            .iter()
            .find(|l| cells(l).first().is_some_and(|c| c == first))
            .unwrap_or_else(|| panic!("no row for {first}:\n{}", self.text()));
        self.headers().into_iter().zip(cells(line)).collect()
    }
}

/// Whether `text` is a UTC time to the minute, as tables on a terminal
/// write them: `2026-12-02 03:41`.
pub fn is_utc_minutes(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() == 16
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            10 => *c == b' ',
            13 => *c == b':',
            _ => c.is_ascii_digit(),
        })
}

/// `line` without its SGR escapes (`ESC [ ... m`), which take no width.
pub fn without_escapes(line: &str) -> String {
    let mut out = String::new();
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            chars.by_ref().find(|&c| c == 'm');
        } else {
            out.push(c);
        }
    }
    out
}

/// A table line's cells: text separated by two spaces or more (values
/// in these tests have no double spaces), escapes removed.
pub fn cells(line: &str) -> Vec<String> {
    without_escapes(line)
        .split("  ")
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_string)
        .collect()
}
