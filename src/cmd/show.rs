//! `authctl show`: one account's details.

use super::{Context, target};
use crate::cli::ShowArgs;
use anyhow::Result;

#[inline(never)]
pub fn run(ctx: &mut Context, args: &ShowArgs) -> Result<()> {
    let session = ctx.session()?;
    let username = target(args.username.as_deref(), &session)?;
    let (account, sessions) = ctx.accounts.account(&session, &username)?;
    ctx.out.account(&account, sessions, args.wide)
}
