//! `authctl whoami`: print the logged-in username.

use super::Context;
use anyhow::Result;
use authctl::time::rfc3339;
use serde_json::json;

#[inline(never)]
pub fn run(ctx: &mut Context) -> Result<()> {
    let session = ctx.session()?;
    let account = session.account();
    if ctx.out.is_json() {
        ctx.out.json_value(&json!({
            "username": account.username.as_str(),
            "role": account.role.as_str(),
            "session_expires_at": rfc3339(session.expires_at()),
        }))
    } else {
        ctx.out.line(account.username.as_str())
    }
}
