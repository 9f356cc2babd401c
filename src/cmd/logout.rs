//! `authctl logout`: revoke the current session (or all) and remove the token file.

use super::Context;
use crate::cli::LogoutArgs;
use anyhow::Result;
use authctl::Error;

pub fn run(ctx: &mut Context, args: &LogoutArgs) -> Result<()> {
    let Some(token) = ctx.session_file.read()? else {
        ctx.out.message("not logged in");
        return Ok(());
    };
    match ctx.accounts.authenticate(&token) {
        Ok(session) => {
            ctx.accounts.logout(&session, args.all)?;
            ctx.session_file.remove()?;
            let scope = if args.all { "all sessions of " } else { "" };
            ctx.out
                .message(&format!("logged out {scope}{}", session.account.username));
        }
        Err(Error::NotLoggedIn(_)) => {
            ctx.session_file.remove()?;
            ctx.out
                .message("the session had already ended; removed the session file");
        }
        Err(e) => return Err(e.into()),
    }
    Ok(())
}
