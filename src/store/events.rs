//! Audit rows. Written inside the transaction of the change they describe.

use super::Store;
use crate::audit::{Event, EventRecord};
use crate::error::Result;
use rusqlite::{Connection, params};

/// Appends an event using `conn` (normally an open transaction).
pub(super) fn insert_event(conn: &Connection, e: &Event) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO events (at, event, outcome, actor, target, os_user, detail)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            e.at,
            e.kind.as_str(),
            e.outcome,
            e.actor,
            e.target,
            e.os_user,
            e.detail
        ],
    )?;
    Ok(())
}

impl Store {
    /// Records an event that goes with no other change (a failed login for
    /// an unknown username).
    pub fn record_event(&mut self, event: &Event) -> Result<()> {
        let tx = self.write()?;
        insert_event(&tx, event)?;
        tx.commit()?;
        Ok(())
    }

    /// Calls `f` with events newest first, optionally only those whose actor
    /// or target is `user`, at most `limit` of them.
    pub fn for_each_event(
        &self,
        user: Option<&str>,
        limit: Option<u32>,
        mut f: impl FnMut(EventRecord) -> Result<()>,
    ) -> Result<()> {
        let mut stmt = self.conn.prepare(
            "SELECT at, event, outcome, actor, target, os_user, detail FROM events
             WHERE ?1 IS NULL OR actor = ?1 OR target = ?1
             ORDER BY id DESC LIMIT ?2",
        )?;
        let limit = limit.map_or(-1, i64::from);
        let mut rows = stmt.query(params![user, limit])?;
        while let Some(row) = rows.next()? {
            f(EventRecord {
                at: row.get(0)?,
                event: row.get(1)?,
                outcome: row.get(2)?,
                actor: row.get(3)?,
                target: row.get(4)?,
                os_user: row.get(5)?,
                detail: row.get(6)?,
            })?;
        }
        Ok(())
    }
}
