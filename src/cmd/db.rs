//! `authctl db status`: which database this is and what it holds.

use super::Context;
use crate::cli::DbCommand;
use anyhow::Result;

pub fn run(ctx: &mut Context, command: &DbCommand) -> Result<()> {
    match command {
        DbCommand::Status => {
            let status = ctx.accounts.status()?;
            if ctx.out.is_json() {
                return ctx.out.json_value(&status);
            }
            let rows = [
                ("backend", status.backend.to_string()),
                ("location", status.location),
                ("schema version", status.schema_version.to_string()),
                ("accounts", status.accounts.to_string()),
                ("sessions", status.sessions.to_string()),
                ("audit events", status.events.to_string()),
            ];
            let rows = rows.into_iter().map(|(k, v)| vec![k.to_string(), v]);
            ctx.out.rows(&["key", "value"], rows)
        }
    }
}
