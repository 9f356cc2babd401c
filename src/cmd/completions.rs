//! `authctl completions SHELL`: print a completion script.

use crate::cli::{Cli, CompletionsArgs};
use anyhow::Result;
use clap::CommandFactory;
use std::io::{self, Write};

#[inline(never)]
pub fn run(args: &CompletionsArgs) -> Result<()> {
    // Generate into memory: clap_complete panics if its writer fails, and a
    // closed pipe on stdout must not be a panic.
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "authctl", &mut script);
    io::stdout().lock().write_all(&script)?;
    Ok(())
}
