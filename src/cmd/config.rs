//! `authctl config`: show and change the settings stored in the database.

use super::Context;
use crate::cli::ConfigCommand;
use anyhow::Result;
use authctl::SettingKey;
use serde_json::{Map, Value, json};

#[inline(never)]
pub fn run(ctx: &mut Context, command: &ConfigCommand) -> Result<()> {
    let session = ctx.session()?;
    match command {
        ConfigCommand::List => {
            let settings = ctx.accounts.settings(&session)?;
            let entries = SettingKey::ALL.map(|k| (k.as_str(), settings.get(k)));
            if ctx.out.is_json() {
                let object: Map<String, Value> = entries
                    .iter()
                    .map(|(k, v)| Ok((k.to_string(), serde_json::to_value(v)?)))
                    .collect::<serde_json::Result<_>>()?;
                ctx.out.json_value(&object)
            } else {
                let pairs = entries.iter().map(|(k, v)| (k.to_string(), v.to_string()));
                ctx.out.key_values(pairs)
            }
        }
        ConfigCommand::Get { key } => {
            let value = ctx.accounts.settings(&session)?.get(*key);
            if ctx.out.is_json() {
                ctx.out
                    .json_value(&json!({ "key": key.as_str(), "value": value }))
            } else {
                ctx.out.line(&value.to_string())
            }
        }
        ConfigCommand::Set { key, value } => {
            let stored = ctx.accounts.set_setting(&session, *key, value)?;
            ctx.out.done(
                &json!({ "key": key.as_str(), "value": stored }),
                &format!("{key} = {stored}"),
            )
        }
    }
}
