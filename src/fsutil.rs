//! File-system helpers: private modes for secret files, atomic writes.

use authctl::{Error, Result};
use std::fs::{self, DirBuilder, File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

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

/// A new private file written in full before it appears: made as a 0600
/// temporary file beside its path, moved into place by
/// [`PrivateFile::commit`], and removed if dropped before that. So a failed
/// export leaves no partial file, and a reader never sees one.
pub struct PrivateFile {
    path: PathBuf,
    tmp: PathBuf,
    file: File,
    replace: bool,
    committed: bool,
}

impl PrivateFile {
    /// Starts the file at `path`; an existing one is refused (exit 2)
    /// unless `replace`.
    pub fn create(path: &Path, replace: bool) -> anyhow::Result<PrivateFile> {
        if !replace && fs::symlink_metadata(path).is_ok() {
            return Err(crate::exit::UsageError(format!(
                "{} exists; pass --force to replace it",
                path.display()
            ))
            .into());
        }
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let tmp = parent_dir(path).join(format!(".{name}.tmp.{}", std::process::id()));
        let _ = fs::remove_file(&tmp);
        let file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&tmp)
            .map_err(|e| Error::io(format!("cannot create {}", path.display()), e))?;
        Ok(PrivateFile {
            path: path.to_path_buf(),
            tmp,
            file,
            replace,
            committed: false,
        })
    }

    /// Where to write the contents.
    pub fn writer(&self) -> Result<File> {
        self.file
            .try_clone()
            .map_err(|e| Error::io(format!("cannot write {}", self.path.display()), e))
    }

    /// Syncs the contents and moves the file into place: over an existing
    /// file only if replacing, else failing if one appeared meanwhile.
    pub fn commit(mut self) -> Result<()> {
        let shown = self.path.display().to_string();
        self.file
            .sync_all()
            .and_then(|()| match self.replace {
                true => fs::rename(&self.tmp, &self.path),
                // A hard link fails if the name is taken, where a rename
                // would replace it.
                false => fs::hard_link(&self.tmp, &self.path),
            })
            .map_err(|e| Error::io(format!("cannot write {shown}"), e))?;
        self.committed = true;
        let _ = fs::remove_file(&self.tmp);
        Ok(())
    }
}

impl Drop for PrivateFile {
    /// An unfinished file is removed: nothing half-written is left behind.
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_file(&self.tmp);
        }
    }
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
