//! Setting rows: the values an admin changed from the defaults.

use super::Store;
use super::events::insert_event;
use crate::audit::Event;
use crate::error::Result;
use crate::settings::{SettingKey, Settings};
use rusqlite::{Connection, params};

/// Every stored `(key, value)` pair.
fn stored(conn: &Connection) -> Result<Vec<(String, String)>> {
    let mut stmt = conn.prepare("SELECT key, value FROM settings ORDER BY key")?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The defaults with the settings stored in `conn` applied.
pub(super) fn stored_settings(conn: &Connection) -> Result<Settings> {
    Settings::DEFAULT.with_stored(stored(conn)?)
}

impl Store {
    /// The defaults with the stored settings applied.
    pub fn load_settings(&self) -> Result<Settings> {
        stored_settings(&self.conn)
    }

    /// Sets `key` to `value` if the settings stay valid as a whole, checked
    /// against what is stored at the moment of writing (not what this
    /// process read earlier); returns the new settings.
    pub fn change_setting(
        &mut self,
        key: SettingKey,
        value: &str,
        event: &Event,
    ) -> Result<Settings> {
        let tx = self.write()?;
        let settings = stored_settings(&tx)?.set(key, value)?;
        tx.execute(
            "INSERT INTO settings (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            params![key.as_str(), value],
        )?;
        insert_event(&tx, event)?;
        tx.commit()?;
        Ok(settings)
    }
}
