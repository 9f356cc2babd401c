//! The database file and its side files hold password hashes and two-factor
//! secrets: they are the caller's alone. Files the caller owns lose their
//! group and other bits on open (0644 becomes 0600) (one created under a loose umask, or by `touch`, would
//! otherwise stay readable by every local user); a file of someone else's
//! that others may read is refused rather than used.

use crate::error::{Error, Result};
use std::fs;
use std::io;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// The files SQLite keeps for the database at `path`: the file itself and
/// the write-ahead log, its index and the rollback journal.
fn database_files(path: &Path) -> [PathBuf; 4] {
    let with = |suffix: &str| {
        let mut name = path.as_os_str().to_owned();
        name.push(suffix);
        PathBuf::from(name)
    };
    [
        path.to_path_buf(),
        with("-wal"),
        with("-shm"),
        with("-journal"),
    ]
}

/// Takes group and other bits off every existing file of the database at
/// `path` that we own, and refuses (exit 10) one owned by someone else that group
/// or others may read. A symbolic link is judged, and changed, by the file
/// it points to.
pub(super) fn make_private(path: &Path) -> Result<()> {
    let me = nix::unistd::geteuid().as_raw();
    for file in database_files(path) {
        let meta = match fs::metadata(&file) {
            Ok(meta) => meta,
            Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
            Err(e) => return Err(Error::io(format!("cannot open {}", file.display()), e)),
        };
        let mode = meta.mode() & 0o777;
        if mode & 0o077 == 0 {
            continue;
        }
        let shown = file.display();
        if meta.uid() != me {
            if mode & 0o044 == 0 {
                continue;
            }
            return Err(Error::DatabaseUnusable(format!(
                "{shown} holds password hashes and is readable by group or others (mode {mode:04o}); its owner (uid {}) should run `chmod 600 {shown}`",
                meta.uid()
            )));
        }
        // The owner's own bits stay: a file made read-only stays read-only.
        fs::set_permissions(&file, fs::Permissions::from_mode(mode & 0o700))
            .map_err(|e| Error::io(format!("cannot make {shown} private (chmod 600)"), e))?;
    }
    Ok(())
}
