//! Setting rows ([`SettingRows`]) and the audit log ([`AuditLog`]) on
//! PostgreSQL.

use super::rows::insert_event;
use super::{PgStore, begin_write};
use crate::audit::{Event, EventRecord};
use crate::error::Result;
use crate::model::Username;
use crate::store::{AuditLog, SettingPairs, SettingRows, StoreResult};
use postgres::GenericClient;
use postgres::fallible_iterator::FallibleIterator;
use postgres::types::ToSql;

/// Every stored `(key, value)` pair, by key.
pub(super) fn stored_pairs(client: &mut impl GenericClient) -> StoreResult<SettingPairs> {
    client
        .query(
            r#"SELECT key, value FROM settings ORDER BY key COLLATE "C""#,
            &[],
        )?
        .iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
        .collect()
}

impl SettingRows for PgStore {
    fn stored_settings(&self) -> StoreResult<SettingPairs> {
        stored_pairs(&mut *self.client.borrow_mut())
    }

    fn change_setting(
        &mut self,
        key: &str,
        value: &str,
        check: &dyn Fn(&SettingPairs) -> Result<()>,
        event: &Event,
    ) -> StoreResult<SettingPairs> {
        let mut client = self.client.borrow_mut();
        let mut tx = begin_write(&mut client)?;
        let mut pairs = stored_pairs(&mut tx)?;
        match pairs.iter_mut().find(|(k, _)| k == key) {
            Some(pair) => pair.1 = value.to_string(),
            None => pairs.push((key.to_string(), value.to_string())),
        }
        check(&pairs)?;
        tx.execute(
            "INSERT INTO settings (key, value) VALUES ($1, $2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            &[&key, &value],
        )?;
        insert_event(&mut tx, event)?;
        tx.commit()?;
        Ok(pairs)
    }
}

impl AuditLog for PgStore {
    fn record_event(&mut self, event: &Event) -> StoreResult<()> {
        let mut client = self.client.borrow_mut();
        let mut tx = begin_write(&mut client)?;
        insert_event(&mut tx, event)?;
        tx.commit()?;
        Ok(())
    }

    fn for_each_event(
        &self,
        user: Option<&Username>,
        limit: Option<u32>,
        f: &mut dyn FnMut(EventRecord) -> Result<()>,
    ) -> StoreResult<()> {
        let sql = "SELECT at, event, outcome, actor, target, os_user, detail, host FROM events
             WHERE $1::text IS NULL OR actor = $1 OR target = $1
             ORDER BY id DESC LIMIT $2";
        let user = user.map(Username::as_str);
        let limit = limit.map(i64::from);
        let params: [&(dyn ToSql + Sync); 2] = [&user, &limit];
        let mut client = self.client.borrow_mut();
        let mut found = client.query_raw(sql, params)?;
        while let Some(row) = found.next()? {
            f(EventRecord {
                at: row.try_get(0)?,
                event: row.try_get(1)?,
                outcome: row.try_get(2)?,
                actor: row.try_get(3)?,
                target: row.try_get(4)?,
                os_user: row.try_get(5)?,
                detail: row.try_get(6)?,
                host: row.try_get(7)?,
            })?;
        }
        Ok(())
    }
}
