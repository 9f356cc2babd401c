//! `authctl passwd`: change a password with the current one, or as an admin
//! reset another account's.

use super::Context;
use crate::cli::PasswdArgs;
use crate::prompt::Input;
use anyhow::Result;
use authctl::Username;
use authctl::password::check_policy;

pub fn run(ctx: &mut Context, args: &PasswdArgs) -> Result<()> {
    // Without a USERNAME the session decides whose password changes, so it
    // must be usable; with one, knowing the current password is enough.
    let (target, session) = match &args.username {
        None => {
            let session = ctx.session()?;
            (session.account.username.clone(), Some(session))
        }
        Some(name) => (Username::parse(name)?, ctx.optional_session()?),
    };
    let admin_reset = session
        .as_ref()
        .is_some_and(|s| s.is_admin() && !s.is_for(&target));
    let input = Input::new(args.password_stdin);
    let account = if admin_reset {
        ctx.accounts.account(&target)?
    } else {
        let current = input.password("Current password: ")?;
        ctx.accounts.check_password(&target, &current)?
    };
    let new_password =
        input.new_password("New password: ", |p| check_policy(p, &account.username))?;
    // The caller's own session survives; every other session of the account ends.
    let keep = session.filter(|s| s.is_for(&target)).map(|s| s.id);
    ctx.accounts.set_password(&account, &new_password, keep)?;
    ctx.out.message(&format!(
        "password changed for {target}; its other sessions were logged out"
    ));
    Ok(())
}
