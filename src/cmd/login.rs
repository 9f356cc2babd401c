//! `authctl login`: check a password, open a session, save its token.

use super::{Context, check_credentials};
use crate::cli::LoginArgs;
use crate::exit::UsageError;
use crate::prompt::Input;
use anyhow::Result;
use authctl::time::rfc3339;
use authctl::{Username, parse_duration};
use serde_json::json;

#[inline(never)]
pub fn run(ctx: &mut Context, args: &LoginArgs) -> Result<()> {
    let requested = args.ttl.as_deref().map(parse_duration).transpose()?;
    let ttl = ctx.accounts.session_ttl(requested)?;
    let input = Input::new(args.password_stdin);
    let typed = match (&args.username, args.password_stdin) {
        (Some(name), _) => name.clone(),
        (None, true) => {
            return Err(
                UsageError("a USERNAME is required with --password-stdin".to_string()).into(),
            );
        }
        (None, false) => input.answer(
            "Username: ",
            "no USERNAME and no terminal to ask for it; use `authctl login USERNAME --password-stdin`",
        )?,
    };
    // A config directory the token could not be kept in safely is refused
    // before anyone types a password.
    ctx.session_file.dir_is_safe()?;
    let password = input.password("Password: ")?;
    let Ok(username) = Username::parse(&typed) else {
        // No account can have this name: fail (and log it) like a wrong password.
        return Err(ctx.accounts.refuse_login(&typed, &password).into());
    };
    // The session this file held is revoked and replaced, even if the file
    // itself is no longer fit to use (say, its mode was widened).
    let previous = ctx.session_file.read_for_revocation();
    let checked = check_credentials(ctx, None, &input, &username, &password)?;
    let new = ctx.accounts.login(checked, None, ttl, previous.as_ref())?;
    if let Err(e) = ctx.session_file.write(&new.token) {
        // Do not leave a session behind that nobody holds the token for.
        let _ = ctx.accounts.logout(&new.session, false);
        return Err(e.into());
    }
    let expires = rfc3339(new.session.expires_at());
    ctx.out.done(
        &json!({
            "username": new.session.username().as_str(),
            "role": new.session.account().role.as_str(),
            "expires_at": expires,
        }),
        &format!("logged in as {username} until {expires}"),
    )
}
