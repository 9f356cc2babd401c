//! `authctl log`: the audit log, newest first (admin).

use super::Context;
use crate::cli::LogArgs;
use anyhow::Result;
use authctl::Username;

#[inline(never)]
pub fn run(ctx: &mut Context, args: &LogArgs) -> Result<()> {
    let session = ctx.session()?;
    let user = args.user.as_deref().map(Username::parse).transpose()?;
    let accounts = &ctx.accounts;
    ctx.out.events(args.wide, |f| {
        accounts.audit_log(&session, user.as_ref(), args.limit, f)
    })
}
