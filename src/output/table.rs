//! Tables that fit: the one place that decides which columns a terminal
//! shows, how wide, and draws every table (`list`, `sessions`, `log`,
//! `show`, `config list`, `db status`).
//!
//! On a terminal a table is one line per row, never wrapped: columns are
//! kept in priority order while they fit, the rest are left out whole, and
//! free-text columns are then cut with `…` to share the room left. Piped
//! (or with `--wide`) every column is shown in full.

use super::sanitize;
use comfy_table::{Attribute, Color, ContentArrangement, LineStyle, Table, TableStyle, presets};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// How a column gives way on a narrow terminal.
#[derive(Clone, Copy, Debug)]
pub enum Fit {
    /// Shown whole or not at all: usernames, dates, counts, ids, names of
    /// events. A cut one could be mistaken for another.
    Whole,
    /// Free text (names, emails, reasons): cut with `…`, to no fewer than
    /// this many columns.
    Cut(usize),
}

/// One column of a table.
#[derive(Clone, Copy, Debug)]
pub struct Column {
    /// The header (never cut: a column too narrow for it is left out).
    pub header: &'static str,
    /// 1 is the last to go: on a narrow terminal columns are kept in this
    /// order while they fit, and every later one is left out.
    pub priority: u8,
    /// Whether its values may be cut.
    pub fit: Fit,
}

/// What a cell's colour says, on a styled terminal.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Tone {
    /// The terminal's own colour.
    #[default]
    Plain,
    /// Green: all is well (an active account).
    Good,
    /// Yellow: look at this (a timed lockout, failed logins).
    Warning,
    /// Red: refused (an account locked by an admin).
    Bad,
}

/// One cell: its text, escaped when drawn, and its tone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cell {
    /// The value, in full.
    pub text: String,
    /// Its colour on a styled terminal.
    pub tone: Tone,
}

impl Cell {
    /// A cell of `text` with a colour.
    pub fn toned(text: impl Into<String>, tone: Tone) -> Self {
        Cell {
            text: text.into(),
            tone,
        }
    }
}

impl From<String> for Cell {
    fn from(text: String) -> Self {
        Cell::toned(text, Tone::Plain)
    }
}

/// Where a table goes.
#[derive(Clone, Copy, Debug)]
pub enum Target {
    /// Not a terminal: plain aligned columns, every value in full, no
    /// border or colour; the format scripts have always read.
    Pipe,
    /// A terminal: a rule under the header, bold and colour when `styled`;
    /// fitted to `width` columns, or everything in full with `None`
    /// (`--wide`, or a terminal that reports no width).
    Terminal { width: Option<usize>, styled: bool },
}

/// Spaces between two columns on a terminal.
const GAP: usize = 2;

/// No borders: only a rule under the header, which cannot be confused
/// with a value and costs no width.
const TERMINAL_STYLE: TableStyle = TableStyle::new().header_separator(LineStyle::none().fill('─'));

/// The table as text (no final newline). `header`: whether the column
/// headers are printed (a key-value table such as `show` has none).
pub fn render(columns: &[Column], header: bool, rows: &[Vec<Cell>], target: Target) -> String {
    // Escaped first, so widths are measured on what is printed.
    let rows: Vec<Vec<Cell>> = rows
        .iter()
        .map(|row| {
            row.iter()
                .map(|c| Cell::toned(sanitize(&c.text), c.tone))
                .collect()
        })
        .collect();
    let mut table = Table::new();
    table.set_content_arrangement(ContentArrangement::Disabled);
    let (widths, styled) = match target {
        Target::Pipe => {
            table.load_style(presets::NOTHING).force_no_tty();
            (vec![Some(usize::MAX); columns.len()], false)
        }
        Target::Terminal { width, styled } => {
            table.load_style(TERMINAL_STYLE).style_text_only();
            match styled {
                true => table.enforce_styling(),
                false => table.force_no_tty(),
            };
            let widths = match width {
                Some(room) => layout(columns, header, &rows, room),
                None => vec![Some(usize::MAX); columns.len()],
            };
            (widths, styled)
        }
    };
    let shown: Vec<(usize, usize)> = widths
        .iter()
        .enumerate()
        .filter_map(|(i, w)| w.map(|w| (i, w)))
        .collect();
    let cell = |text: &str, tone: Tone, bold: bool| {
        let mut cell = comfy_table::Cell::new(text);
        if styled {
            cell = match tone {
                Tone::Plain => cell,
                // The terminal's own palette entries, which its theme
                // keeps readable on its background (bright ones may not be).
                Tone::Good => cell.fg(Color::DarkGreen),
                Tone::Warning => cell.fg(Color::DarkYellow),
                Tone::Bad => cell.fg(Color::DarkRed),
            };
            if bold {
                cell = cell.add_attribute(Attribute::Bold);
            }
        }
        cell
    };
    if header {
        table.set_header(
            shown
                .iter()
                .map(|&(i, _)| cell(columns[i].header, Tone::Plain, true)),
        );
    }
    for row in &rows {
        table.add_row(shown.iter().map(|&(i, width)| match row.get(i) {
            Some(c) => cell(&cut(&c.text, width), c.tone, false),
            None => cell("", Tone::Plain, false),
        }));
    }
    if let Target::Terminal { .. } = target {
        // The gap after every column but the last, none before the first:
        // a line is exactly as wide as the layout says.
        let last = shown.len().saturating_sub(1);
        for k in 0..shown.len() {
            if let Some(column) = table.column_mut(k) {
                column.set_padding((0, if k == last { 0 } else { GAP as u16 }));
            }
        }
    }
    table.trim_fmt()
}

/// The width of each column on a terminal `room` columns wide, `None` for
/// those left out. Columns are taken in priority order while each fits at
/// its least width (a `Fit::Whole` column's widest value, a `Fit::Cut`
/// one's minimum); the first to miss and every later one are left out, so
/// a column is never shown without those ranked above it. Then, while the
/// line is too wide, the widest cut-able column gives up a column.
pub fn layout(
    columns: &[Column],
    header: bool,
    rows: &[Vec<Cell>],
    room: usize,
) -> Vec<Option<usize>> {
    let natural: Vec<usize> = (0..columns.len())
        .map(|i| {
            let head = if header { columns[i].header.width() } else { 0 };
            rows.iter()
                .map(|row| row.get(i).map_or(0, |c| c.text.width()))
                .fold(head, usize::max)
        })
        .collect();
    let least = |i: usize| match columns[i].fit {
        Fit::Whole => natural[i],
        Fit::Cut(min) => {
            let head = if header { columns[i].header.width() } else { 0 };
            natural[i].min(min.max(head))
        }
    };
    let mut order: Vec<usize> = (0..columns.len()).collect();
    order.sort_by_key(|&i| columns[i].priority);
    let mut widths = vec![None; columns.len()];
    let mut used = 0;
    for (k, &i) in order.iter().enumerate() {
        let cost = least(i) + if k == 0 { 0 } else { GAP };
        // The first column is shown even on a terminal too narrow for it:
        // a row must say whose it is.
        if k > 0 && used + cost > room {
            break;
        }
        used += cost;
        widths[i] = Some(natural[i]);
    }
    let mut total = used
        + widths
            .iter()
            .enumerate()
            .filter_map(|(i, w)| w.map(|w| w - least(i)))
            .sum::<usize>();
    while total > room {
        let widest = (0..columns.len())
            .filter(|&i| widths[i].is_some_and(|w| w > least(i)))
            .max_by_key(|&i| widths[i]);
        let Some(i) = widest else { break };
        widths[i] = widths[i].map(|w| w - 1);
        total -= 1;
    }
    widths
}

/// `text` cut to at most `width` columns, ending in `…` when anything was
/// cut. Widths are display columns (a CJK character takes two), as the
/// terminal draws them.
pub fn cut(text: &str, width: usize) -> String {
    if text.width() <= width {
        return text.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        used += w;
        out.push(c);
    }
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const COLUMNS: [Column; 3] = [
        Column {
            header: "user",
            priority: 1,
            fit: Fit::Whole,
        },
        Column {
            header: "email",
            priority: 3,
            fit: Fit::Cut(8),
        },
        Column {
            header: "role",
            priority: 2,
            fit: Fit::Whole,
        },
    ];

    fn rows() -> Vec<Vec<Cell>> {
        vec![vec![
            "alice".to_string().into(),
            "alice@example.org".to_string().into(),
            "admin".to_string().into(),
        ]]
    }

    #[test]
    fn cut_marks_what_it_removed_and_counts_display_columns() {
        assert_eq!(cut("alice", 5), "alice");
        assert_eq!(cut("alice@example.org", 8), "alice@e…");
        assert_eq!(cut("日本語の名前", 7), "日本語…");
        assert_eq!(cut("日本語の名前", 7).width(), 7);
    }

    #[test]
    fn columns_go_lowest_priority_first_then_text_is_cut() {
        // Everything fits: natural widths.
        assert_eq!(
            layout(&COLUMNS, true, &rows(), 80),
            [Some(5), Some(17), Some(5)]
        );
        // The email is cut to what is left.
        assert_eq!(
            layout(&COLUMNS, true, &rows(), 22),
            [Some(5), Some(8), Some(5)]
        );
        assert_eq!(
            layout(&COLUMNS, true, &rows(), 25),
            [Some(5), Some(11), Some(5)]
        );
        // Below its minimum it goes; the role stays.
        assert_eq!(
            layout(&COLUMNS, true, &rows(), 21),
            [Some(5), None, Some(5)]
        );
        // The first column stays even when nothing fits.
        assert_eq!(layout(&COLUMNS, true, &rows(), 3), [Some(5), None, None]);
    }

    #[test]
    fn a_terminal_table_is_one_line_a_row_within_its_width() {
        let target = Target::Terminal {
            width: Some(22),
            styled: false,
        };
        let text = render(&COLUMNS, true, &rows(), target);
        assert_eq!(
            text,
            "user   email     role\n──────────────────────\nalice  alice@e…  admin"
        );
        let wide = Target::Terminal {
            width: None,
            styled: false,
        };
        let text = render(&COLUMNS, true, &rows(), wide);
        assert!(text.contains("alice@example.org"), "{text}");
    }

    #[test]
    fn piped_tables_keep_every_column_in_full_with_no_rule() {
        let text = render(&COLUMNS, true, &rows(), Target::Pipe);
        assert_eq!(
            text,
            " user   email              role\n alice  alice@example.org  admin"
        );
    }
}
