//! Setting rows ([`SettingRows`]): the values an admin changed from the
//! defaults, as text; the library parses and judges them.

use super::SqliteStore;
use super::events::insert_event;
use crate::audit::Event;
use crate::error::Result;
use crate::store::{SettingPairs, SettingRows, StoreResult};
use rusqlite::{Connection, params};

/// Every stored `(key, value)` pair, by key.
pub(super) fn stored_pairs(conn: &Connection) -> rusqlite::Result<Vec<(String, String)>> {
    let mut stmt = conn.prepare("SELECT key, value FROM settings ORDER BY key")?;
    let pairs = stmt.query_map([], |r| Ok((r.get("key")?, r.get("value")?)))?;
    pairs.collect()
}

impl SettingRows for SqliteStore {
    fn stored_settings(&self) -> StoreResult<SettingPairs> {
        Ok(stored_pairs(&self.conn)?)
    }

    fn change_setting(
        &mut self,
        key: &str,
        value: &str,
        check: &dyn Fn(&SettingPairs) -> Result<()>,
        event: &Event,
    ) -> StoreResult<SettingPairs> {
        let tx = self.write()?;
        let mut pairs = stored_pairs(&tx)?;
        match pairs.iter_mut().find(|(k, _)| k == key) {
            Some(pair) => pair.1 = value.to_string(),
            None => pairs.push((key.to_string(), value.to_string())),
        }
        check(&pairs)?;
        tx.execute(
            "INSERT INTO settings (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            params![key, value],
        )?;
        insert_event(&tx, event)?;
        tx.commit()?;
        Ok(pairs)
    }
}
