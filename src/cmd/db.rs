//! `authctl db status` and `db copy`: which database this is and what it
//! holds, and moving all of it to another.

use super::{Context, PASSWORD_PLACES, refuse_password_argument};
use crate::cli::DbCommand;
use crate::fsutil::create_private_dir_all;
use anyhow::Result;
use serde_json::json;
use std::path::Path;

#[inline(never)]
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
            ctx.out
                .key_values(rows.into_iter().map(|(k, v)| (k.to_string(), v)))
        }
        DbCommand::Copy { to } => {
            let session = ctx.session()?;
            if authctl::is_postgres_url(to) {
                refuse_password_argument(to, PASSWORD_PLACES)?;
            } else if let Some(dir) = Path::new(to).parent().filter(|d| !d.as_os_str().is_empty()) {
                create_private_dir_all(dir)?;
            }
            let r = ctx.accounts.copy_to(&session, to)?;
            ctx.out.done(
                &json!(r),
                &format!(
                    "copied to {}: {} accounts, {} recovery codes, {} settings, {} audit events (counted again in the copy)",
                    r.target, r.accounts, r.recovery_codes, r.settings, r.events
                ),
            )
        }
    }
}
