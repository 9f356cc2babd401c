//! `authctl unlock`: clear an admin lock, a timed lockout and the failure count.

use super::{Context, admin_target};
use crate::cli::UnlockArgs;
use anyhow::Result;
use serde_json::json;

pub fn run(ctx: &mut Context, args: &UnlockArgs) -> Result<()> {
    let (_, account) = admin_target(ctx, &args.username, "unlock accounts")?;
    ctx.accounts.unlock(&account)?;
    let user = &account.username;
    ctx.out.done(
        &json!({ "unlocked": user.as_str() }),
        &format!("unlocked account {user}"),
    )
}
