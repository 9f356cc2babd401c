//! `authctl sessions`: list an account's sessions, or revoke some or all.

use super::{Context, target};
use crate::cli::{RevokeArgs, SessionsArgs, SessionsCommand};
use crate::exit::UsageError;
use anyhow::Result;
use authctl::echo::quoted;
use authctl::time::rfc3339;
use authctl::{Session, SessionId};
use serde_json::json;

#[inline(never)]
pub fn run(ctx: &mut Context, args: &SessionsArgs) -> Result<()> {
    let session = ctx.session()?;
    match &args.command {
        None => list(ctx, &session, args.username.as_deref(), args.wide),
        Some(SessionsCommand::Revoke(revoke)) => self::revoke(ctx, &session, revoke),
    }
}

fn list(ctx: &mut Context, session: &Session, named: Option<&str>, wide: bool) -> Result<()> {
    let username = target(named, session)?;
    let rows = ctx.accounts.sessions_of(session, &username)?;
    if ctx.out.is_json() {
        let list: Vec<_> = rows
            .iter()
            .map(|s| {
                json!({
                    "id": s.id,
                    "username": username.as_str(),
                    "created_at": rfc3339(s.created_at),
                    "expires_at": rfc3339(s.expires_at),
                    "last_used_at": rfc3339(s.last_used_at),
                    "current": s.id == session.id(),
                })
            })
            .collect();
        return ctx.out.json_value(&list);
    }
    ctx.out.sessions(&rows, session.id(), wide)
}

fn revoke(ctx: &mut Context, session: &Session, args: &RevokeArgs) -> Result<()> {
    let (revoked, own_current) = if args.all {
        if args.targets.len() > 1 {
            return Err(UsageError("--all takes at most one USER".to_string()).into());
        }
        let username = target(args.targets.first().map(String::as_str), session)?;
        let n = ctx.accounts.revoke_all_sessions(session, &username)?;
        (n, session.is_for(&username))
    } else {
        let ids = args
            .targets
            .iter()
            .map(|t| {
                t.parse::<SessionId>().map_err(|_| {
                    UsageError(format!(
                        "invalid session id {} (see `authctl sessions`)",
                        quoted(t)
                    ))
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let ids = {
            let mut unique = ids;
            unique.sort_unstable();
            unique.dedup();
            unique
        };
        let revoked = ctx.accounts.revoke_sessions(session, &ids)?;
        (revoked.len(), ids.contains(&session.id()))
    };
    if own_current {
        // This process's own token no longer opens anything.
        ctx.session_file.remove()?;
    }
    ctx.out.done(
        &json!({ "revoked": revoked }),
        &format!("revoked {revoked} session(s)"),
    )
}
