//! `authctl list`: accounts, for admins, filtered, sorted and limited.

use super::Context;
use crate::cli::ListArgs;
use anyhow::Result;
use authctl::{AccountFilter, Role};

#[inline(never)]
pub fn run(ctx: &mut Context, args: &ListArgs) -> Result<()> {
    let session = ctx.session()?;
    let filter = AccountFilter {
        role: args.role.map(Role::from),
        locked_only: args.locked,
        sort: args.sort.into(),
        limit: args.limit,
    };
    let accounts = &ctx.accounts;
    ctx.out.accounts(args.wide, |f| {
        accounts.list_accounts(&session, &filter, |a, live| f((a, live)))
    })
}
