//! Moving a whole database to another, in either direction between SQLite
//! and PostgreSQL: everything but the sessions, checked after the copy.

use super::{Accounts, Session};
use crate::audit::{Event, EventKind};
use crate::error::{Error, Result};
use crate::store::Store;
use crate::store::postgres::PgStore;
use crate::store::postgres::config::{Target, is_postgres_url};
use crate::store::sqlite::{OpenMode, SqliteStore};
use std::path::Path;

/// What a copy carried, counted again in the target after it committed.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CopyReport {
    /// Where it went (never a password).
    pub target: String,
    /// Accounts, with their hashes, lockout and two-factor state.
    pub accounts: usize,
    /// Unused recovery codes.
    pub recovery_codes: usize,
    /// Stored settings.
    pub settings: usize,
    /// Audit events (the copy's own event on the target included).
    pub events: usize,
}

impl Accounts {
    /// Copies this whole database (accounts with their hashes, lockout and
    /// two-factor state, recovery codes, settings and the audit log; not
    /// sessions) into the empty database at `target` (a `postgres://` URL,
    /// else a SQLite file), in one transaction on the target, as an admin.
    /// A target with accounts is refused and left as it was. The counts in
    /// the report are read back from the target after the copy.
    pub fn copy_to(&mut self, by: &Session, target: &str) -> Result<CopyReport> {
        let by = self.acting_admin(by, "copy the database")?;
        let mut into = open_store(target)?;
        let from = self.store.describe()?.location;
        let to = into.describe()?.location;
        let dump = self.store.dump()?;
        let event = |detail: String| Event {
            detail: Some(detail),
            ..self.event_by(EventKind::DatabaseCopied, Some(by.username()))
        };
        into.load(&dump, &event(format!("from {from}")))?;
        let copied = into.describe()?;
        let report = CopyReport {
            target: to.clone(),
            accounts: dump.accounts.len(),
            recovery_codes: dump.recovery_codes.len(),
            settings: dump.settings.len(),
            events: dump.events.len() + 1,
        };
        let counted = (copied.accounts, copied.events);
        let expected = (report.accounts as i64, report.events as i64);
        if counted != expected {
            return Err(Error::Internal(format!(
                "the copy in {to} holds {} accounts and {} events, not {} and {}",
                counted.0, counted.1, expected.0, expected.1
            )));
        }
        self.store.record_event(&event(format!("to {to}")))?;
        Ok(report)
    }
}

/// The store at `location`: a PostgreSQL URL, else a SQLite file, created
/// if missing (a copy is the other way, besides registering, to make one).
fn open_store(location: &str) -> Result<Box<dyn Store>> {
    Ok(match is_postgres_url(location) {
        true => {
            let target = Target::from_url(location, &|name| std::env::var(name).ok())?;
            Box::new(PgStore::connect(&target)?)
        }
        false => Box::new(SqliteStore::open(
            Path::new(location),
            OpenMode::CreateIfMissing,
        )?),
    })
}
