//! `authctl update`: change an account's email or display name.

use super::{Context, target};
use crate::cli::UpdateArgs;
use crate::exit::UsageError;
use crate::output::AccountJson;
use anyhow::Result;
use authctl::{DetailChange, DisplayName, Email};

#[inline(never)]
pub fn run(ctx: &mut Context, args: &UpdateArgs) -> Result<()> {
    let email = DetailChange::from_input(args.email.as_deref(), Email::parse)?;
    let name = DetailChange::from_input(args.name.as_deref(), DisplayName::parse)?;
    if email.is_keep() && name.is_keep() {
        return Err(UsageError(
            "nothing to update: give --email and/or --name (an empty value clears the field)"
                .to_string(),
        )
        .into());
    }
    let session = ctx.session()?;
    let username = target(args.username.as_deref(), &session)?;
    let updated = ctx
        .accounts
        .update_details(&session, &username, &email, &name)?;
    ctx.out.done(
        &AccountJson::new(&updated, None),
        &format!("updated {username}"),
    )
}
