//! `authctl lock`: lock an account until an admin unlocks it.

use super::Context;
use crate::cli::LockArgs;
use anyhow::Result;
use authctl::{LockReason, Username};
use serde_json::json;

#[inline(never)]
pub fn run(ctx: &mut Context, args: &LockArgs) -> Result<()> {
    let session = ctx.session()?;
    let user = Username::parse(&args.username)?;
    let reason = args.reason.as_deref().map(LockReason::parse).transpose()?;
    let revoked = ctx.accounts.lock(&session, &user, reason.as_ref())?;
    if session.is_for(&user) {
        // Our own session was among those revoked.
        ctx.session_file.remove()?;
    }
    ctx.out.done(
        &json!({ "locked": user.as_str(), "sessions_revoked": revoked }),
        &format!("locked account {user} ({revoked} session(s) revoked)"),
    )
}
