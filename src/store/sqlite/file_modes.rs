//! The database file and its side files hold password hashes and two-factor
//! secrets: they are the caller's alone. Files the caller owns lose their
//! group and other bits on open (0644 becomes 0600) (one created under a loose umask, or by `touch`, would
//! otherwise stay readable by every local user); a file of someone else's
//! that others may read is refused rather than used.
//!
//! One exception, which takes two deliberate acts: a database in a setgid
//! directory is shared with that directory's group (as `/etc/shadow` is
//! with `shadow`), so that a service whose PAM stack runs as a member can
//! use it. Its files of that group keep group read and write (never
//! other): an admin makes the directory `2770` and the file `0660`.

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
/// it points to. In a directory shared with a group (setgid), files of
/// that group keep, and may have, group read and write.
pub(super) fn make_private(path: &Path) -> Result<()> {
    let me = nix::unistd::geteuid().as_raw();
    let shared_with = shared_group(path);
    for file in database_files(path) {
        let meta = match fs::metadata(&file) {
            Ok(meta) => meta,
            Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
            Err(e) => return Err(Error::io(format!("cannot open {}", file.display()), e)),
        };
        let mode = meta.mode() & 0o777;
        let group_may = match shared_with == Some(meta.gid()) {
            true => 0o060,
            false => 0,
        };
        let shown = file.display();
        if meta.uid() != me && file == path {
            refuse_unreadable(&file, meta.uid(), mode)?;
        }
        if mode & 0o077 & !group_may == 0 {
            continue;
        }
        if meta.uid() != me {
            if mode & 0o044 & !group_may == 0 {
                continue;
            }
            return Err(Error::DatabaseUnusable(format!(
                "{shown} holds password hashes and is readable by group or others (mode {mode:04o}); its owner (uid {}) should run `chmod 600 {shown}`",
                meta.uid()
            )));
        }
        // The owner's own bits stay: a file made read-only stays read-only.
        fs::set_permissions(
            &file,
            fs::Permissions::from_mode(mode & (0o700 | group_may)),
        )
        .map_err(|e| Error::io(format!("cannot make {shown} private (chmod 600)"), e))?;
    }
    Ok(())
}

/// Refuses (exit 10, saying why) a database file of someone else's that
/// we may not read, rather than leave SQLite to say "unable to open
/// database file". (One we may read but not write opens read-only.)
fn refuse_unreadable(file: &Path, owner: u32, mode: u32) -> Result<()> {
    use nix::unistd::{AccessFlags, access};
    match access(file, AccessFlags::R_OK) {
        Ok(()) => Ok(()),
        Err(_) => Err(Error::DatabaseUnusable(format!(
            "{} belongs to uid {owner} (mode {mode:04o}) and uid {} may not read it",
            file.display(),
            nix::unistd::getuid()
        ))),
    }
}

/// The group the database at `path` is shared with: that of its directory
/// (the real one, past a symbolic link) when the directory is setgid, so
/// that every file created in it takes that group.
fn shared_group(path: &Path) -> Option<u32> {
    let real = fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let dir = match real.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let meta = fs::metadata(dir).ok()?;
    (meta.mode() & 0o2000 != 0).then(|| meta.gid())
}
