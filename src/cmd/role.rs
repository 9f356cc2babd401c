//! `authctl role`: make an account an admin or a user.

use super::Context;
use crate::cli::RoleArgs;
use anyhow::Result;
use authctl::{Role, Username};
use serde_json::json;

#[inline(never)]
pub fn run(ctx: &mut Context, args: &RoleArgs) -> Result<()> {
    let session = ctx.session()?;
    let user = Username::parse(&args.username)?;
    let role = Role::from(args.role);
    let before = ctx.accounts.set_role(&session, &user, role)?;
    let role_name = match role {
        Role::Admin => "an admin",
        Role::User => "a user",
    };
    let message = if before.role == role {
        format!("{user} is already {role_name}")
    } else {
        format!("{user} is now {role_name}")
    };
    ctx.out.done(
        &json!({ "username": user.as_str(), "role": role.as_str() }),
        &message,
    )
}
