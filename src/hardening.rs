//! Process hardening done before anything else: files we create are private
//! by default, and neither a crash (core dump) nor another process of the
//! same user (`/proc/PID/mem`) can read a password from our memory.

use anyhow::{Context, Result};
use nix::sys::prctl::set_dumpable;
use nix::sys::resource::{Resource, setrlimit};
use nix::sys::stat::{Mode, umask};

/// Sets the umask to 077 and the core-file size limit to 0, and makes the
/// process non-dumpable: other processes of the same user can then no
/// longer read its memory (`/proc/PID/mem`, ptrace) while it holds a typed
/// password, nor its environment.
pub fn harden_process() -> Result<()> {
    umask(Mode::from_bits_truncate(0o077));
    setrlimit(Resource::RLIMIT_CORE, 0, 0).context("cannot disable core dumps")?;
    set_dumpable(false).context("cannot make the process non-dumpable")?;
    Ok(())
}
