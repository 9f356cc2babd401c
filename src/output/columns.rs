//! The columns of every table, with the priority that decides which stay
//! on a narrow terminal, and the rows that fill them. The order of the
//! columns is the order piped output has always had (new ones at the end).

use super::table::{Cell, Column, Fit, Tone};
use authctl::time::{Timestamp, now, rfc3339, utc_minutes};
use authctl::{Account, AccountStatus, EventRecord, SessionInfo};

const fn column(header: &'static str, priority: u8, fit: Fit) -> Column {
    Column {
        header,
        priority,
        fit,
    }
}

/// `list`. Who, then the state an admin acts on (role, status, 2FA,
/// failed logins: each a few columns wide), then when they last came,
/// then the free text that can be cut, then the creation date.
pub const ACCOUNTS: &[Column] = &[
    column("username", 1, Fit::Whole),
    column("name", 8, Fit::Cut(20)),
    column("email", 7, Fit::Cut(24)),
    column("role", 2, Fit::Whole),
    column("status", 3, Fit::Cut(16)),
    column("2fa", 4, Fit::Whole),
    column("created", 9, Fit::Whole),
    column("last login", 6, Fit::Whole),
    column("failed", 5, Fit::Whole),
];

/// `log`. When and what happened and whether it worked, to whom and by
/// whom, then the detail, then where from. Names as typed at a failed
/// login can be anything: cut only past the 32 a username can have.
pub const EVENTS: &[Column] = &[
    column("at", 1, Fit::Whole),
    column("event", 2, Fit::Whole),
    column("outcome", 3, Fit::Whole),
    column("actor", 5, Fit::Cut(32)),
    column("target", 4, Fit::Cut(32)),
    column("os user", 8, Fit::Cut(12)),
    column("host", 7, Fit::Cut(16)),
    column("detail", 6, Fit::Cut(16)),
];

/// `sessions`. The id (what `sessions revoke` takes) and which is this
/// one, then how long each has left, then its age.
pub const SESSIONS: &[Column] = &[
    column("id", 1, Fit::Whole),
    column("created", 5, Fit::Whole),
    column("expires", 4, Fit::Whole),
    column("last used", 3, Fit::Whole),
    column("current", 2, Fit::Whole),
];

/// `show`, `config list`, `db status`: a name and its value, which is cut
/// when long (a name, a reason, a path).
pub const KEY_VALUE: &[Column] = &[
    column("key", 1, Fit::Whole),
    column("value", 2, Fit::Cut(20)),
];

/// How times are written: to the minute on a terminal, exactly (RFC 3339)
/// where a script may read them.
#[derive(Clone, Copy, Debug)]
pub enum Dates {
    /// `2026-12-02 03:41` (UTC).
    Minutes,
    /// `2026-12-02T03:41:07Z`.
    Exact,
}

impl Dates {
    fn show(self, ts: Timestamp) -> String {
        match self {
            Dates::Minutes => utc_minutes(ts),
            Dates::Exact => rfc3339(ts),
        }
    }

    fn or_dash(self, ts: Option<Timestamp>) -> String {
        ts.map_or_else(|| "-".to_string(), |ts| self.show(ts))
    }
}

/// A row of [`ACCOUNTS`].
pub fn account_row(a: &Account, dates: Dates) -> Vec<Cell> {
    vec![
        a.username.to_string().into(),
        or_dash(a.name.as_deref()),
        or_dash(a.email.as_deref()),
        a.role.as_str().to_string().into(),
        status(a, dates),
        on_off(a.two_factor),
        dates.show(a.created_at).into(),
        dates.or_dash(a.last_login_at).into(),
        failed(a.failed_logins),
    ]
}

/// The rows of `show` ([`KEY_VALUE`], no header).
pub fn account_fields(a: &Account, active_sessions: i64, dates: Dates) -> Vec<Vec<Cell>> {
    let fields = [
        ("username", a.username.to_string().into()),
        ("name", or_dash(a.name.as_deref())),
        ("email", or_dash(a.email.as_deref())),
        ("role", a.role.as_str().to_string().into()),
        ("created", dates.show(a.created_at).into()),
        ("last login", dates.or_dash(a.last_login_at).into()),
        ("password changed", dates.show(a.password_changed_at).into()),
        ("status", status(a, dates)),
        ("failed logins", failed(a.failed_logins)),
        ("two-factor", on_off(a.two_factor)),
        ("active sessions", active_sessions.to_string().into()),
    ];
    fields
        .into_iter()
        .map(|(key, value)| vec![key.to_string().into(), value])
        .collect()
}

/// A row of [`EVENTS`].
pub fn event_row(e: &EventRecord, dates: Dates) -> Vec<Cell> {
    vec![
        dates.show(e.at).into(),
        e.event.clone().into(),
        e.outcome.clone().into(),
        or_dash(e.actor.as_deref()),
        or_dash(e.target.as_deref()),
        e.os_user.clone().into(),
        or_dash(e.host.as_deref()),
        or_dash(e.detail.as_deref()),
    ]
}

/// A row of [`SESSIONS`]; `current`: the caller's own session.
pub fn session_row(s: &SessionInfo, current: bool, dates: Dates) -> Vec<Cell> {
    vec![
        s.id.to_string().into(),
        dates.show(s.created_at).into(),
        dates.show(s.expires_at).into(),
        dates.show(s.last_used_at).into(),
        if current { "*" } else { "" }.to_string().into(),
    ]
}

/// `active` (green), `locked`, `locked: REASON` (red: an admin's lock) or
/// `locked until TIME` (yellow: it ends by itself).
fn status(account: &Account, dates: Dates) -> Cell {
    match account.status(now()) {
        AccountStatus::Active => Cell::toned("active", Tone::Good),
        AccountStatus::Locked => {
            let reason = account
                .admin_lock
                .as_ref()
                .and_then(|l| l.reason.as_deref());
            let text = match reason {
                Some(reason) => format!("locked: {reason}"),
                None => "locked".to_string(),
            };
            Cell::toned(text, Tone::Bad)
        }
        AccountStatus::LockedUntil(until) => {
            Cell::toned(format!("locked until {}", dates.show(until)), Tone::Warning)
        }
    }
}

/// Failed logins since the last success; yellow when there are any.
fn failed(count: u32) -> Cell {
    let tone = if count > 0 {
        Tone::Warning
    } else {
        Tone::Plain
    };
    Cell::toned(count.to_string(), tone)
}

fn on_off(on: bool) -> Cell {
    if on { "on" } else { "off" }.to_string().into()
}

fn or_dash(value: Option<&str>) -> Cell {
    value.unwrap_or("-").to_string().into()
}
