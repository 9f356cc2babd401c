//! `authctl register`: create an account.

use super::Context;
use crate::cli::RegisterArgs;
use crate::output::AccountJson;
use crate::prompt::Input;
use anyhow::Result;
use authctl::{Details, DisplayName, Email, Role, Username};

#[inline(never)]
pub fn run(ctx: &mut Context, args: &RegisterArgs) -> Result<()> {
    let username = Username::parse(&args.username)?;
    let details = Details {
        email: args.email.as_deref().map(Email::parse).transpose()?,
        name: args.name.as_deref().map(DisplayName::parse).transpose()?,
    };
    let role = Role::from(args.role);
    let by = ctx.optional_session()?;
    // Say a name is taken, or registering is not allowed, before asking for a password.
    ctx.accounts
        .ensure_may_register(&username, role, by.as_ref())?;
    let email = details.email.as_ref().map(Email::as_str);
    let name = details.name.as_ref().map(DisplayName::as_str);
    let password = Input::new(args.password_stdin).new_password("Password: ", |p| {
        ctx.accounts.check_new_password(p, &username, email, name)
    })?;
    let account = ctx
        .accounts
        .register(by.as_ref(), &username, &details, &password, role)?;
    ctx.out.done(
        &AccountJson::new(&account, None),
        &format!(
            "created account {} ({})",
            account.username,
            account.role.as_str()
        ),
    )
}
