//! `authctl logout`: revoke the current session (or all) and remove the token file.

use super::Context;
use crate::cli::LogoutArgs;
use anyhow::Result;
use authctl::Error;
use serde_json::json;

#[inline(never)]
pub fn run(ctx: &mut Context, args: &LogoutArgs) -> Result<()> {
    let token = match ctx.session_file.read() {
        Ok(Some(token)) => token,
        Ok(None) => return report(ctx, None, "not logged in"),
        // A file unfit to log in with (too open, say) may still name a live
        // session: revoke it all the same. Anything else stays an error.
        Err(e) => match ctx.session_file.read_for_revocation() {
            Some(token) => token,
            None => return Err(e.into()),
        },
    };
    match ctx.accounts.authenticate(&token) {
        Ok(session) => {
            ctx.accounts.logout(&session, args.all)?;
            ctx.session_file.remove()?;
            let scope = if args.all { "all sessions of " } else { "" };
            let user = session.username();
            report(
                ctx,
                Some(user.as_str()),
                &format!("logged out {scope}{user}"),
            )
        }
        Err(Error::NotLoggedIn(_)) => {
            ctx.session_file.remove()?;
            report(
                ctx,
                None,
                "the session had already ended; removed the session file",
            )
        }
        Err(e) => Err(e.into()),
    }
}

fn report(ctx: &Context, user: Option<&str>, message: &str) -> Result<()> {
    ctx.out.done(&json!({ "logged_out": user }), message)
}
