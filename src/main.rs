//! authctl: parse the command line, run the subcommand, print any error once
//! and exit with its documented code.

mod cli;
mod cmd;
mod exit;
mod fsutil;
mod hardening;
mod json;
#[cfg(all(target_os = "linux", target_env = "gnu"))]
mod math;
mod output;
mod pam_request;
mod paths;
mod prompt;
mod session_file;
mod syslog;
mod terminal;

use authctl::echo;
use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::parser::ValueSource;
use clap::{CommandFactory, FromArgMatches};
use exit::Exit;
use std::io;
use std::process::ExitCode;

// The unwinder linked in from GCC's static libgcc_eh rather than loaded from
// libgcc_s.so.1: one shared library fewer to open, map and relocate at every
// start, and no run of libgcc_s's constructor, whose dozen CPUID instructions
// each trap to the hypervisor on a VM (about 5% of a `whoami` there). Panics
// unwind as before: it is the same code. Named here, in the binary, so that
// the library's other users (the fuzz targets) link as they always did.
#[cfg_attr(
    all(target_os = "linux", target_env = "gnu"),
    link(name = "gcc_eh", kind = "static")
)]
unsafe extern "C" {}

fn main() -> ExitCode {
    // Before any argument is parsed or any secret read.
    if let Err(e) = hardening::harden_process() {
        output::to_stderr(&format!("authctl: {e:#}\n"));
        return Exit::Failure.into();
    }
    let matches = match cli::Cli::command().try_get_matches() {
        Ok(matches) => matches,
        Err(e) => return clap_exit(&e),
    };
    let cli = match cli::Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => return clap_exit(&e),
    };
    let db_given_as_argument = matches.value_source("db") == Some(ValueSource::CommandLine);
    match cmd::run(cli, db_given_as_argument) {
        Ok(()) => Exit::Success.into(),
        Err(e) if is_broken_pipe(&e) => Exit::Success.into(),
        Err(e) => {
            output::to_stderr(&format!(
                "authctl: {}\n",
                output::sanitize(&format!("{e:#}"))
            ));
            Exit::of(&e).into()
        }
    }
}

/// Help and version go to stdout with success; usage errors become one
/// `authctl: ` line on stderr and exit 2.
fn clap_exit(e: &clap::Error) -> ExitCode {
    match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let _ = e.print();
            Exit::Success.into()
        }
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            output::to_stderr("authctl: a subcommand is required (see `authctl --help`)\n");
            Exit::Usage.into()
        }
        _ => {
            // A value the library refused keeps the library's exit code.
            let refused = std::error::Error::source(e)
                .and_then(|s| s.downcast_ref::<authctl::Error>())
                .map_or(Exit::Usage, Exit::of_library);
            // clap's message may span lines before its tips and usage
            // ("required arguments were not provided:\n  <USERNAME>"): one line.
            let rendered = e.render().to_string();
            let mut message = rendered
                .lines()
                .take_while(|l| !l.is_empty() && !l.starts_with("Usage:"))
                .map(str::trim)
                .collect::<Vec<_>>()
                .join(" ");
            // The value clap repeats, at most 60 characters of it.
            for kind in [
                ContextKind::InvalidArg,
                ContextKind::InvalidSubcommand,
                ContextKind::InvalidValue,
            ] {
                if let Some(ContextValue::String(typed)) = e.get(kind) {
                    message = message.replace(typed.as_str(), &echo::shorten(typed));
                }
            }
            let message = message.strip_prefix("error: ").unwrap_or(&message);
            let hint = clap_tip(e).unwrap_or_else(|| "see `authctl --help`".to_string());
            output::to_stderr(&format!(
                "authctl: {} ({})\n",
                output::sanitize(message),
                output::sanitize(&hint)
            ));
            refused.into()
        }
    }
}

/// clap's tip, which its rendering puts on lines of their own: a similar
/// subcommand, argument or value ("did you mean 'list'?"), else its other
/// advice ("to pass '-x' as a value, use '-- -x'").
fn clap_tip(e: &clap::Error) -> Option<String> {
    for kind in [
        ContextKind::SuggestedSubcommand,
        ContextKind::SuggestedArg,
        ContextKind::SuggestedValue,
    ] {
        let similar = match e.get(kind) {
            Some(ContextValue::String(one)) => vec![one.clone()],
            Some(ContextValue::Strings(some)) => some.clone(),
            _ => continue,
        };
        if !similar.is_empty() {
            let quoted: Vec<String> = similar.iter().map(|s| format!("'{s}'")).collect();
            return Some(format!("did you mean {}?", quoted.join(" or ")));
        }
    }
    match e.get(ContextKind::Suggested) {
        Some(ContextValue::StyledStrs(tips)) => tips.first().map(|tip| format!("tip: {tip}")),
        _ => None,
    }
}

/// A reader that closed our stdout (`authctl list | head -1`) is not an error.
fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<io::Error>()
            .is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe)
    })
}
