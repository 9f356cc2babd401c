//! `authctl unlock`: clear an admin lock, a timed lockout and the failure count.

use super::Context;
use crate::cli::UnlockArgs;
use anyhow::Result;
use authctl::Username;
use serde_json::json;

pub fn run(ctx: &mut Context, args: &UnlockArgs) -> Result<()> {
    let session = ctx.session()?;
    let user = Username::parse(&args.username)?;
    ctx.accounts.unlock(&session, &user)?;
    ctx.out.done(
        &json!({ "unlocked": user.as_str() }),
        &format!("unlocked account {user}"),
    )
}
