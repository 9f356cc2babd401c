//! `authctl register`: create an account.

use super::Context;
use crate::cli::RegisterArgs;
use crate::output::AccountJson;
use crate::prompt::Input;
use anyhow::Result;
use authctl::{Details, DisplayName, Email, Username};

pub fn run(ctx: &mut Context, args: &RegisterArgs) -> Result<()> {
    let username = Username::parse(&args.username)?;
    let details = Details {
        email: args.email.as_deref().map(Email::parse).transpose()?,
        name: args.name.as_deref().map(DisplayName::parse).transpose()?,
    };
    // Say a name is taken before asking for a password.
    ctx.accounts.ensure_username_free(&username)?;
    let email = details.email.as_ref().map(Email::as_str);
    let name = details.name.as_ref().map(DisplayName::as_str);
    let password = Input::new(args.password_stdin).new_password("Password: ", |p| {
        ctx.accounts.check_new_password(p, &username, email, name)
    })?;
    let account = ctx.accounts.register(&username, &details, &password)?;
    ctx.out.done(
        &AccountJson::new(&account, None),
        &format!(
            "created account {} ({})",
            account.username,
            account.role.as_str()
        ),
    )
}
