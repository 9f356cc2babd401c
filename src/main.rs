//! authctl: parse the command line, run the subcommand, print any error once
//! and exit with its documented code.

mod cli;
mod cmd;
mod exit;
mod hardening;
mod output;
mod prompt;

use clap::Parser;
use clap::error::ErrorKind;
use exit::Exit;
use std::io;
use std::process::ExitCode;

fn main() -> ExitCode {
    // Before any argument is parsed or any secret read.
    if let Err(e) = hardening::harden_process() {
        eprintln!("authctl: {e:#}");
        return Exit::Failure.into();
    }
    let cli = match cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return clap_exit(&e),
    };
    match cmd::run(cli) {
        Ok(()) => Exit::Success.into(),
        Err(e) if is_broken_pipe(&e) => Exit::Success.into(),
        Err(e) => {
            eprintln!("authctl: {}", output::sanitize(&format!("{e:#}")));
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
            eprintln!("authctl: a subcommand is required (see `authctl --help`)");
            Exit::Usage.into()
        }
        _ => {
            let rendered = e.render().to_string();
            let first = rendered.lines().next().unwrap_or("invalid arguments");
            let message = first.strip_prefix("error: ").unwrap_or(first);
            eprintln!("authctl: {message} (see `authctl --help`)");
            Exit::Usage.into()
        }
    }
}

/// A reader that closed our stdout (`authctl list | head -1`) is not an error.
fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<io::Error>()
            .is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe)
    })
}
