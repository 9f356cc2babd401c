//! `authctl register`: create an account.

use super::Context;
use crate::cli::RegisterArgs;
use crate::output::AccountJson;
use crate::prompt::Input;
use anyhow::Result;
use authctl::password::check_policy;
use authctl::{Details, DisplayName, Email, Username};

pub fn run(ctx: &mut Context, args: &RegisterArgs) -> Result<()> {
    let username = Username::parse(&args.username)?;
    let details = Details {
        email: args.email.as_deref().map(Email::parse).transpose()?,
        name: args.name.as_deref().map(DisplayName::parse).transpose()?,
    };
    // Say a name is taken before asking for a password.
    ctx.accounts.ensure_username_free(&username)?;
    let password = Input::new(args.password_stdin)
        .new_password("Password: ", |p| check_policy(p, &username))?;
    let account = ctx.accounts.register(&username, &details, &password)?;
    if ctx.out.is_json() {
        ctx.out.json_value(&AccountJson::new(&account, None))?;
    } else {
        ctx.out.message(&format!(
            "created account {} ({})",
            account.username,
            account.role.as_str()
        ));
    }
    Ok(())
}
