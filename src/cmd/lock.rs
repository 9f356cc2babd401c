//! `authctl lock`: lock an account until an admin unlocks it.

use super::{Context, admin_target};
use crate::cli::LockArgs;
use anyhow::Result;
use authctl::LockReason;
use serde_json::json;

pub fn run(ctx: &mut Context, args: &LockArgs) -> Result<()> {
    let (session, account) = admin_target(ctx, &args.username, "lock accounts")?;
    let reason = args.reason.as_deref().map(LockReason::parse).transpose()?;
    let revoked = ctx.accounts.lock(&account, reason.as_ref())?;
    let user = &account.username;
    if session.is_for(user) {
        // Our own session was among those revoked.
        ctx.session_file.remove()?;
    }
    ctx.out.done(
        &json!({ "locked": user.as_str(), "sessions_revoked": revoked }),
        &format!("locked account {user} ({revoked} session(s) revoked)"),
    )
}
