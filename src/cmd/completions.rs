//! `authctl completions SHELL`: print a completion script.

use crate::cli::{Cli, CompletionsArgs};
use anyhow::Result;
use clap::CommandFactory;
use std::io::{self, Write};

pub fn run(args: &CompletionsArgs) -> Result<()> {
    let mut out = io::stdout().lock();
    clap_complete::generate(args.shell, &mut Cli::command(), "authctl", &mut out);
    out.flush()?;
    Ok(())
}
