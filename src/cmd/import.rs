//! `authctl import`: create accounts from an htpasswd, CSV or JSONL file.

use super::Context;
use crate::cli::{FileFormat, ImportArgs};
use anyhow::{Context as _, Result};
use authctl::import::{self, ImportFormat, ImportSecret};
use authctl::{Error, ImportPlan};
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::{Value, json};
use std::io::{self, IsTerminal, Read};
use zeroize::Zeroizing;

#[inline(never)]
pub fn run(ctx: &mut Context, args: &ImportArgs) -> Result<()> {
    let session = ctx.session()?;
    ctx.accounts.ensure_may_import(&session)?;
    let parsed = {
        // The file may hold plain-text passwords: wiped once parsed.
        let bytes = read_input(args)?;
        let text = std::str::from_utf8(&bytes).map_err(|e| {
            Error::Invalid(format!("{} is not UTF-8 text: {e}", args.file.display()))
        })?;
        import::parse(format(args.format), text)
    };
    let jobs = args.jobs.map(usize::from);
    let plan = ctx
        .accounts
        .plan_import(&session, parsed, args.skip_existing, jobs)?;
    report_lines(ctx, &plan);
    let stopped = if !plan.refused.is_empty() && !args.skip_invalid {
        Some(anyhow::Error::new(Error::Invalid(format!(
            "{} line(s) refused; nothing was imported (--skip-invalid imports the rest)",
            plan.refused.len()
        ))))
    } else {
        plan.existing.first().map(|(_, first)| {
            anyhow::Error::new(Error::UserExists(first.to_string())).context(format!(
                "nothing was imported: {} username(s) already exist (--skip-existing skips them)",
                plan.existing.len()
            ))
        })
    };
    if let Some(e) = stopped {
        // A script reads what was refused from the summary, even now.
        if ctx.out.is_json() {
            ctx.out.json_value(&summary(&plan, 0, 0, args.dry_run))?;
        }
        return Err(e);
    }
    let (imported, skipped) = if args.dry_run {
        (plan.accounts.len(), plan.skipped.len())
    } else {
        let bar = progress_bar(&plan);
        let (created, raced) =
            ctx.accounts
                .import(&session, &plan, args.skip_existing, jobs, &|| bar.inc(1))?;
        bar.finish_and_clear();
        (created.len(), plan.skipped.len() + raced.len())
    };
    let refused = plan.refused.len();
    let verb = if args.dry_run {
        "would import"
    } else {
        "imported"
    };
    ctx.out.done(
        &summary(&plan, imported, skipped, args.dry_run),
        &format!("{verb} {imported} account(s); {skipped} skipped, {refused} refused"),
    )
}

/// The `--json` summary: the counts, and each refused line with its
/// reason (never a value from it).
fn summary(plan: &ImportPlan, imported: usize, skipped: usize, dry_run: bool) -> Value {
    let refused_lines: Vec<Value> = plan
        .refused
        .iter()
        .map(|e| json!({ "line": e.line, "reason": e.reason }))
        .collect();
    json!({
        "imported": imported,
        "skipped": skipped,
        "refused": plan.refused.len(),
        "refused_lines": refused_lines,
        "dry_run": dry_run,
    })
}

fn format(f: FileFormat) -> ImportFormat {
    match f {
        FileFormat::Htpasswd => ImportFormat::Htpasswd,
        FileFormat::Csv => ImportFormat::Csv,
        FileFormat::Jsonl => ImportFormat::Jsonl,
    }
}

fn read_input(args: &ImportArgs) -> Result<Zeroizing<Vec<u8>>> {
    let mut bytes = Zeroizing::new(Vec::new());
    if args.file.as_os_str() == "-" {
        io::stdin()
            .lock()
            .read_to_end(&mut bytes)
            .context("cannot read standard input")?;
    } else {
        std::fs::File::open(&args.file)
            .and_then(|mut f| f.read_to_end(&mut bytes))
            .with_context(|| format!("cannot read {}", args.file.display()))?;
    }
    Ok(bytes)
}

/// Every line that will not be imported, in file order, as `line N: reason`.
fn report_lines(ctx: &Context, plan: &ImportPlan) {
    let mut lines: Vec<(usize, String)> = plan
        .refused
        .iter()
        .map(|e| (e.line, e.reason.clone()))
        .chain(
            plan.existing
                .iter()
                .map(|(n, u)| (*n, format!("user {u} already exists"))),
        )
        .chain(
            plan.skipped
                .iter()
                .map(|(n, u)| (*n, format!("skipped: user {u} already exists"))),
        )
        .collect();
    lines.sort_by_key(|(n, _)| *n);
    for (n, reason) in lines {
        ctx.out.message(&format!("line {n}: {reason}"));
    }
}

/// A bar on stderr while passwords are hashed, only on a terminal.
fn progress_bar(plan: &ImportPlan) -> ProgressBar {
    let to_hash = plan
        .accounts
        .iter()
        .filter(|r| matches!(r.secret, ImportSecret::Password(_)))
        .count();
    if to_hash == 0 || !io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(plan.accounts.len() as u64);
    if let Ok(style) = ProgressStyle::with_template("hashing {bar:30} {pos}/{len} {eta}") {
        bar.set_style(style);
    }
    bar
}
