//! `authctl list`: every account, for admins.

use super::Context;
use anyhow::Result;

pub fn run(ctx: &mut Context) -> Result<()> {
    ctx.session()?.require_admin("list accounts")?;
    let accounts = &ctx.accounts;
    ctx.out
        .accounts(|f| accounts.for_each_account(|a, live| f((a, live))))
}
