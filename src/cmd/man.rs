//! `authctl man [COMMAND]...`: print a manual page as roff, generated from
//! the same definitions as `--help` (so the two cannot disagree); with
//! `--out-dir DIR`, write every page there, one per command.

use crate::cli::{Cli, ManArgs};
use crate::exit::UsageError;
use crate::fsutil::replace_atomic;
use anyhow::{Context as _, Result};
use clap::CommandFactory;
use clap_mangen::Man;
use std::fs::{DirBuilder, Permissions};
use std::io::{self, Write};
use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
use std::path::Path;

#[inline(never)]
pub fn run(args: &ManArgs) -> Result<()> {
    let root = all_commands();
    match &args.out_dir {
        Some(dir) => write_all(&root, dir),
        None => {
            let page = render(find(&root, &args.command)?)?;
            io::stdout().lock().write_all(&page)?;
            Ok(())
        }
    }
}

/// The whole command tree, built: each subcommand then carries its page's
/// name (`authctl-db-status`). `help` is no command of ours to document.
fn all_commands() -> clap::Command {
    let mut root = Cli::command().disable_help_subcommand(true);
    root.build();
    root
}

/// The command at `path` (`["db", "status"]`); the root for none.
fn find<'a>(root: &'a clap::Command, path: &[String]) -> Result<&'a clap::Command> {
    path.iter().try_fold(root, |cmd, name| {
        cmd.find_subcommand(name).ok_or_else(|| {
            let asked = format!("authctl {}", path.join(" "));
            UsageError(format!(
                "no manual page for `{}`: not a command (see `authctl --help`)",
                crate::output::sanitize(&asked)
            ))
            .into()
        })
    })
}

/// `cmd`'s page as roff, in memory (so that a failed stdout is an error
/// of ours, not clap_mangen's).
fn render(cmd: &clap::Command) -> Result<Vec<u8>> {
    let mut page = Vec::new();
    self::page(cmd).render(&mut page)?;
    Ok(page)
}

/// Writes the page of `cmd` and of every command under it into `dir`
/// (created if missing), each replaced atomically. Pages are documentation,
/// readable by everyone.
fn write_all(cmd: &clap::Command, dir: &Path) -> Result<()> {
    if !dir.is_dir() {
        // 0755 whatever the umask, like the pages in it.
        DirBuilder::new()
            .recursive(true)
            .mode(0o755)
            .create(dir)
            .and_then(|()| std::fs::set_permissions(dir, Permissions::from_mode(0o755)))
            .with_context(|| format!("cannot create directory {}", dir.display()))?;
    }
    write_tree(cmd, dir)
}

fn write_tree(cmd: &clap::Command, dir: &Path) -> Result<()> {
    replace_atomic(&dir.join(page(cmd).get_filename()), &render(cmd)?, 0o644)?;
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        write_tree(sub, dir)?;
    }
    Ok(())
}

/// The page of `cmd`, its footer naming authctl and its version (a
/// subcommand has no version of its own).
fn page(cmd: &clap::Command) -> Man {
    Man::new(cmd.clone()).source(concat!("authctl ", env!("CARGO_PKG_VERSION")))
}
