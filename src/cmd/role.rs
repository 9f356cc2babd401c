//! `authctl role`: make an account an admin or a user.

use super::{Context, admin_target};
use crate::cli::RoleArgs;
use anyhow::Result;
use authctl::Role;
use serde_json::json;

pub fn run(ctx: &mut Context, args: &RoleArgs) -> Result<()> {
    let (_, account) = admin_target(ctx, &args.username, "change roles")?;
    let role = Role::from(args.role);
    let user = &account.username;
    let role_name = match role {
        Role::Admin => "an admin",
        Role::User => "a user",
    };
    let message = if account.role == role {
        format!("{user} is already {role_name}")
    } else {
        ctx.accounts.set_role(&account, role)?;
        format!("{user} is now {role_name}")
    };
    ctx.out.done(
        &json!({ "username": user.as_str(), "role": role.as_str() }),
        &message,
    )
}
