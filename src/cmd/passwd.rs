//! `authctl passwd`: change a password with the current one, or as an admin
//! reset another account's.

use super::{Context, check_credentials};
use crate::cli::PasswdArgs;
use crate::prompt::Input;
use anyhow::Result;
use authctl::{Account, Password, Username};
use serde_json::json;

#[inline(never)]
pub fn run(ctx: &mut Context, args: &PasswdArgs) -> Result<()> {
    // Without a USERNAME the session decides whose password changes, so it
    // must be usable; with one, knowing the current password is enough.
    let (target, session) = match &args.username {
        None => {
            let session = ctx.session()?;
            (session.username().clone(), Some(session))
        }
        Some(name) => (Username::parse(name)?, ctx.optional_session()?),
    };
    let input = Input::new(args.password_stdin);
    let (revoked, others) = match session
        .as_ref()
        .filter(|s| s.is_admin() && !s.is_for(&target))
    {
        Some(admin) => {
            let (account, _) = ctx.accounts.account(admin, &target)?;
            let new_password = read_new_password(ctx, &input, &account)?;
            let revoked = ctx.accounts.reset_password(admin, &target, &new_password)?;
            (revoked, "")
        }
        None => {
            let current = input.password("Current password: ")?;
            let checked = check_credentials(ctx, session.as_ref(), &input, &target, &current)?;
            // The new password is read and checked before the code is
            // spent, so a rejected one does not burn a recovery code.
            let new_password = match read_new_password(ctx, &input, checked.account()) {
                Ok(p) => p,
                Err(e) => {
                    ctx.accounts.release(checked);
                    return Err(e);
                }
            };
            // Every session of the account ends; the caller's own is
            // replaced by a new one with a new token (ASVS 7.2.4).
            let changed =
                ctx.accounts
                    .change_password(checked, None, &new_password, session.as_ref())?;
            match changed.session {
                Some(rotated) => {
                    ctx.session_file.write(&rotated.token)?;
                    (changed.others_revoked, "other ")
                }
                None => (changed.others_revoked, ""),
            }
        }
    };
    // Sessions are mentioned only when some ended.
    let ended = match revoked {
        0 => String::new(),
        n => format!("; its {n} {others}session(s) were logged out"),
    };
    ctx.out.done(
        &json!({ "password_changed": target.as_str(), "sessions_revoked": revoked }),
        &format!("password changed for {target}{ended}"),
    )
}

/// Reads a new password for `account`, checked against the policy.
fn read_new_password(ctx: &Context, input: &Input, account: &Account) -> Result<Password> {
    input.new_password("New password: ", |p| {
        let (email, name) = (account.email.as_deref(), account.name.as_deref());
        ctx.accounts
            .check_new_password(p, &account.username, email, name)
    })
}
