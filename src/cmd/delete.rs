//! `authctl delete`: delete an account and its sessions.

use super::{Context, check_credentials, target};
use crate::cli::DeleteArgs;
use crate::exit::UsageError;
use crate::prompt::Input;
use anyhow::Result;
use authctl::Error;
use serde_json::json;
use std::io::{self, IsTerminal};

#[inline(never)]
pub fn run(ctx: &mut Context, args: &DeleteArgs) -> Result<()> {
    let session = ctx.session()?;
    let username = target(args.username.as_deref(), &session)?;
    ctx.accounts.ensure_may_delete(&session, &username)?;
    let input = Input::new(args.password_stdin);
    if !args.yes {
        if !io::stdin().is_terminal() {
            return Err(UsageError(format!(
                "refusing to delete {username} without confirmation: pass --yes"
            ))
            .into());
        }
        let typed = input.answer(
            &format!(
                "This deletes {username} and all its sessions. Type the username to confirm: "
            ),
            "no terminal to confirm on; pass --yes",
        )?;
        if typed.trim() != username.as_str() {
            return Err(Error::Invalid(format!(
                "confirmation did not match {username}; nothing was deleted"
            ))
            .into());
        }
    }
    if session.is_for(&username) {
        // Deleting yourself needs your password, not just a session.
        let password = input.password("Password: ")?;
        let checked = check_credentials(ctx, Some(&session), &input, &username, &password)?;
        ctx.accounts.delete_own(&session, checked, None)?;
        ctx.session_file.remove()?;
    } else {
        ctx.accounts.delete(&session, &username)?;
    }
    ctx.out.done(
        &json!({ "deleted": username.as_str() }),
        &format!("deleted account {username}"),
    )
}
