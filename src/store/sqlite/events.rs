//! Audit rows ([`AuditLog`]), written inside the transaction of the change
//! they describe.

use super::SqliteStore;
use crate::audit::{Event, EventRecord};
use crate::error::Result;
use crate::model::Username;
use crate::store::{AuditLog, StoreResult};
use rusqlite::{Connection, params};

/// Appends an event using `conn` (normally an open transaction).
pub(super) fn insert_event(conn: &Connection, e: &Event) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO events (at, event, outcome, actor, target, os_user, detail, host)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            e.at,
            e.kind.as_str(),
            e.outcome.as_str(),
            e.actor,
            e.target,
            e.os_user,
            e.detail,
            e.host
        ],
    )?;
    Ok(())
}

impl AuditLog for SqliteStore {
    fn record_event(&mut self, event: &Event) -> StoreResult<()> {
        let tx = self.write()?;
        insert_event(&tx, event)?;
        tx.commit()?;
        Ok(())
    }

    fn for_each_event(
        &self,
        user: Option<&Username>,
        limit: Option<u32>,
        f: &mut dyn FnMut(EventRecord) -> Result<()>,
    ) -> StoreResult<()> {
        let mut stmt = self.conn.prepare(
            "SELECT at, event, outcome, actor, target, os_user, detail, host FROM events
             WHERE ?1 IS NULL OR actor = ?1 OR target = ?1
             ORDER BY id DESC LIMIT ?2",
        )?;
        let limit = limit.map_or(-1, i64::from);
        let mut found = stmt.query(params![user.map(Username::as_str), limit])?;
        while let Some(row) = found.next()? {
            f(EventRecord {
                at: row.get("at")?,
                event: row.get("event")?,
                outcome: row.get("outcome")?,
                actor: row.get("actor")?,
                target: row.get("target")?,
                os_user: row.get("os_user")?,
                detail: row.get("detail")?,
                host: row.get("host")?,
            })?;
        }
        Ok(())
    }
}
