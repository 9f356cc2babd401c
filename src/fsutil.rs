//! File-system helpers: private modes for secret files, atomic writes.

use authctl::{Error, Result};
use std::fs::{self, DirBuilder, File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::Path;

/// Creates a directory and any missing parents with mode 0700. Existing
/// directories are left as they are.
pub fn create_private_dir_all(dir: &Path) -> Result<()> {
    DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .map_err(|e| Error::io(format!("cannot create directory {}", dir.display()), e))
}

/// Replaces `path` with `contents` atomically, as a 0600 file in a 0700
/// directory (created if missing); see [`replace_atomic`].
pub fn write_private_atomic(path: &Path, contents: &[u8]) -> Result<()> {
    create_private_dir_all(parent_dir(path))?;
    replace_atomic(path, contents, 0o600)
}

/// Replaces `path` with `contents` atomically: a temporary file of `mode`
/// in the same, existing directory is written, synced and
/// renamed over it, then the directory is synced. A reader sees the old
/// file or the new one, never a mix.
pub fn replace_atomic(path: &Path, contents: &[u8], mode: u32) -> Result<()> {
    let dir = parent_dir(path);
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.tmp.{}", std::process::id()));
    let result = write_new(&tmp, contents, mode)
        .and_then(|()| fs::rename(&tmp, path))
        .and_then(|()| File::open(dir)?.sync_all());
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result.map_err(|e| Error::io(format!("cannot write {}", path.display()), e))
}

/// The directory `path` is in (`.` for a bare file name).
fn parent_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

fn write_new(path: &Path, contents: &[u8], mode: u32) -> io::Result<()> {
    // A leftover from a killed process has our pid only by reuse; replace it.
    let _ = fs::remove_file(path);
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(mode)
        .open(path)?;
    // Exactly `mode`, whatever the umask (authctl's own is 077).
    file.set_permissions(fs::Permissions::from_mode(mode))?;
    file.write_all(contents)?;
    file.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(p: &Path) -> u32 {
        fs::metadata(p)
            .map(|m| m.permissions().mode() & 0o777)
            .unwrap_or(0)
    }

    #[test]
    fn atomic_write_creates_private_dirs_and_file() -> Result<()> {
        let tmp = tempfile::tempdir().map_err(|e| Error::io("tempdir", e))?;
        let path = tmp.path().join("a/b/secret");
        write_private_atomic(&path, b"one")?;
        write_private_atomic(&path, b"two")?;
        assert_eq!(fs::read(&path).ok().as_deref(), Some(&b"two"[..]));
        assert_eq!(mode(&path), 0o600);
        assert_eq!(mode(&tmp.path().join("a/b")), 0o700);
        assert_eq!(mode(&tmp.path().join("a")), 0o700);
        // No temporary file is left behind.
        let entries = fs::read_dir(tmp.path().join("a/b"))
            .map(|d| d.count())
            .unwrap_or(0);
        assert_eq!(entries, 1);
        Ok(())
    }
}
