//! `authctl verify`: check a password without opening a session.

use super::{Context, check_credentials};
use crate::cli::VerifyArgs;
use crate::prompt::Input;
use anyhow::Result;
use authctl::Username;
use serde_json::json;

#[inline(never)]
pub fn run(ctx: &mut Context, args: &VerifyArgs) -> Result<()> {
    let input = Input::new(args.password_stdin);
    let password = input.password("Password: ")?;
    let Ok(username) = Username::parse(&args.username) else {
        return Err(ctx.accounts.refuse_login(&args.username, &password).into());
    };
    let checked = check_credentials(ctx, None, &input, &username, &password)?;
    ctx.accounts.verify(checked, None)?;
    ctx.out.done(
        &json!({ "verified": username.as_str() }),
        &format!("password for {username} is correct"),
    )
}
