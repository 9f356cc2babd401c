//! `authctl 2fa`: turn two-factor login on or off, recovery codes, status,
//! and an admin's reset.

use super::{Context, check_credentials};
use crate::cli::TwoFactorCommand;
use crate::prompt::Input;
use anyhow::Result;
use authctl::totp::TotpSecret;
use authctl::{Error, PasswordChecked, Username};
use serde_json::json;
use zeroize::Zeroizing;

#[inline(never)]
pub fn run(ctx: &mut Context, command: &TwoFactorCommand) -> Result<()> {
    match command {
        TwoFactorCommand::Enable { password_stdin } => enable(ctx, *password_stdin),
        TwoFactorCommand::Disable { password_stdin } => {
            let checked = own_credentials(ctx, *password_stdin)?;
            ctx.accounts.disable_totp(checked, None)?;
            ctx.out.done(
                &json!({ "two_factor": false }),
                "two-factor authentication is off",
            )
        }
        TwoFactorCommand::RecoveryCodes { password_stdin } => {
            let checked = own_credentials(ctx, *password_stdin)?;
            let codes = ctx.accounts.regenerate_recovery_codes(checked, None)?;
            print_recovery_codes(
                ctx,
                &codes,
                "New recovery codes; the old ones no longer work.",
            )
        }
        TwoFactorCommand::Status => {
            let session = ctx.session()?;
            let on = session.account().two_factor;
            let left = ctx.accounts.recovery_codes_left(&session)?;
            if ctx.out.is_json() {
                ctx.out
                    .json_value(&json!({ "two_factor": on, "recovery_codes_left": left }))
            } else if on {
                ctx.out.line(&format!("on ({left} recovery codes left)"))
            } else {
                ctx.out.line("off")
            }
        }
        TwoFactorCommand::Reset { username } => {
            let session = ctx.session()?;
            let user = &Username::parse(username)?;
            ctx.accounts
                .reset_totp(&session, user)
                .map_err(|e| match e {
                    // Refused for the caller's own account: say what does it.
                    Error::Invalid(_) if session.is_for(user) => Error::Invalid(
                        "to turn off your own two-factor authentication use `authctl 2fa disable`"
                            .to_string(),
                    ),
                    other => other,
                })?;
            ctx.out.done(
                &json!({ "username": user.as_str(), "two_factor": false }),
                &format!("two-factor authentication is off for {user}"),
            )
        }
    }
}

/// The caller's own password and code, checked.
fn own_credentials(ctx: &mut Context, password_stdin: bool) -> Result<PasswordChecked> {
    let session = ctx.session()?;
    let input = Input::new(password_stdin);
    let password = input.password("Password: ")?;
    check_credentials(ctx, Some(&session), &input, session.username(), &password)
}

fn enable(ctx: &mut Context, password_stdin: bool) -> Result<()> {
    let session = ctx.session()?;
    ctx.accounts
        .ensure_may_enable_totp(&session)
        .map_err(already_on)?;
    let username = session.username().clone();
    let input = Input::new(password_stdin);
    let password = input.password("Password: ")?;
    let checked = ctx
        .accounts
        .check_first_factor(Some(&session), &username, &password)?;
    let secret = TotpSecret::generate()?;
    // An enrolment abandoned here (stdin closed, output gone) neither
    // succeeded nor failed: give the counted check back, as passwd does.
    let code = match show_secret_and_read_code(ctx, &input, &username, &secret) {
        Ok(code) => code,
        Err(e) => {
            ctx.accounts.release(checked);
            return Err(e);
        }
    };
    let codes = ctx
        .accounts
        .enable_totp(&session, checked, &secret, &code)
        .map_err(already_on)?;
    print_recovery_codes(
        ctx,
        &codes,
        "Two-factor authentication is on. Recovery codes (each works once, instead of a code; they are not shown again):",
    )
}

/// The library's "already on" refusal, with the command that helps. (Its
/// other refusals, a wrong code, are left as they are.)
fn already_on(e: Error) -> Error {
    match e {
        Error::Invalid(why) if why.ends_with("already on") => {
            Error::Invalid(format!("{why}; `authctl 2fa disable` first"))
        }
        other => other,
    }
}

/// Shows the new secret (a QR code, the URI and the base32 text, or a JSON
/// object) and reads the code that proves the app has it.
fn show_secret_and_read_code(
    ctx: &Context,
    input: &Input,
    username: &authctl::Username,
    secret: &TotpSecret,
) -> Result<Zeroizing<String>> {
    let uri = secret.uri(username.as_str());
    let base32 = secret.to_base32();
    if ctx.out.is_json() {
        #[derive(serde::Serialize)]
        struct Enrolment<'a> {
            uri: &'a str,
            secret: &'a str,
        }
        ctx.out.json_value(&Enrolment {
            uri: &uri,
            secret: &base32,
        })?;
    } else {
        ctx.out.qr_code(&uri)?;
        ctx.out
            .line(&Zeroizing::new(format!("URI:    {}", uri.as_str())))?;
        ctx.out
            .line(&Zeroizing::new(format!("Secret: {}", base32.as_str())))?;
        ctx.out
            .message("Scan the code (or type the secret) into an authenticator app.");
    }
    input.code("Code from the app: ")
}

fn print_recovery_codes(ctx: &Context, codes: &[Zeroizing<String>], heading: &str) -> Result<()> {
    if ctx.out.is_json() {
        #[derive(serde::Serialize)]
        struct Codes<'a> {
            recovery_codes: Vec<&'a str>,
        }
        let recovery_codes = codes.iter().map(|c| c.as_str()).collect();
        return ctx.out.json_value(&Codes { recovery_codes });
    }
    ctx.out.message(heading);
    for code in codes {
        ctx.out.line(code)?;
    }
    Ok(())
}
