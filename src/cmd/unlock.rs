//! `authctl unlock`: clear an admin lock, a timed lockout and the failure
//! count. Without a session, the owner of the database file (or root) may
//! still do it: the way back for a locked-out last admin.

use super::Context;
use crate::cli::UnlockArgs;
use anyhow::Result;
use authctl::{Error, Username};
use serde_json::json;

#[inline(never)]
pub fn run(ctx: &mut Context, args: &UnlockArgs) -> Result<()> {
    let user = Username::parse(&args.username)?;
    let how = match ctx.optional_session()? {
        Some(session) => {
            ctx.accounts.unlock(&session, &user)?;
            ""
        }
        None => {
            ctx.accounts
                .unlock_as_database_owner(&user)
                .map_err(|e| match e {
                    Error::PermissionDenied(why) => Error::NotLoggedIn(format!(
                        "you are not logged in (run `authctl login`), and {why}"
                    )),
                    other => other,
                })?;
            " (break-glass, as the database file's owner; recorded in the audit log)"
        }
    };
    ctx.out.done(
        &json!({ "unlocked": user.as_str(), "break_glass": !how.is_empty() }),
        &format!("unlocked account {user}{how}"),
    )
}
