//! `authctl show`: one account's details.

use super::{Context, target};
use crate::cli::ShowArgs;
use anyhow::Result;

pub fn run(ctx: &mut Context, args: &ShowArgs) -> Result<()> {
    let session = ctx.session()?;
    let username = target(args.username.as_deref(), &session)?;
    session.require_self_or_admin(&username, "view")?;
    let account = ctx.accounts.account(&username)?;
    let sessions = ctx.accounts.active_sessions(&account)?;
    ctx.out.account(&account, sessions)
}
