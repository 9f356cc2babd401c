//! Process hardening done before anything else: files we create are private
//! by default, and a crash cannot leave a core dump holding a password.

use anyhow::{Context, Result};
use nix::sys::resource::{Resource, setrlimit};
use nix::sys::stat::{Mode, umask};

/// Sets the umask to 077 and the core-file size limit to 0.
pub fn harden_process() -> Result<()> {
    umask(Mode::from_bits_truncate(0o077));
    setrlimit(Resource::RLIMIT_CORE, 0, 0).context("cannot disable core dumps")?;
    Ok(())
}
