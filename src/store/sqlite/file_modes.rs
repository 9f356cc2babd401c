//! The database file and its side files hold password hashes and two-factor
//! secrets: they are the caller's alone. Files the caller owns lose their
//! group and other bits on open (0644 becomes 0600) (one created under a loose umask, or by `touch`, would
//! otherwise stay readable by every local user); a file of someone else's
//! that others may read is refused rather than used.
//!
//! The side files (`-wal`, `-shm`, `-journal`) are names anyone who may
//! write to the directory can create: one that is a symbolic link, not a
//! regular file, or a hard link is refused, and modes are changed through
//! a descriptor opened without following links, so that a link planted
//! there cannot make authctl (perhaps root) change some other file.

use crate::error::{Error, Result};
use std::fs::{self, File, Metadata, OpenOptions};
use std::io;
use std::os::unix::fs::{MetadataExt, OpenOptionsExt, PermissionsExt};
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
/// `path` that we own, and refuses (exit 10) one owned by someone else that
/// group or others may read, or that we may not read at all. The database
/// path itself may be a symbolic link (judged, and changed, by the file it
/// points to); a side file may not.
pub(super) fn make_private(path: &Path) -> Result<()> {
    let me = nix::unistd::geteuid().as_raw();
    for (i, file) in database_files(path).iter().enumerate() {
        let side_file = i > 0;
        let looked = match side_file {
            true => fs::symlink_metadata(file),
            false => fs::metadata(file),
        };
        let meta = match looked {
            Ok(meta) => meta,
            Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
            Err(e) => return Err(Error::io(format!("cannot open {}", file.display()), e)),
        };
        let shown = file.display();
        if side_file && (!meta.file_type().is_file() || meta.nlink() > 1) {
            return Err(Error::DatabaseUnusable(format!(
                "{shown} is not a regular file of its own (a symbolic or hard link?): remove it"
            )));
        }
        let mode = meta.mode() & 0o777;
        if meta.uid() != me && !side_file {
            refuse_unreadable(file, meta.uid(), mode)?;
        }
        if mode & 0o077 == 0 {
            continue;
        }
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
        let private = fs::Permissions::from_mode(meta.mode() & 0o7700);
        let changed = match side_file {
            true => same_file_no_follow(file, &meta).and_then(|f| f.set_permissions(private)),
            false => fs::set_permissions(file, private),
        };
        changed.map_err(|e| Error::io(format!("cannot make {shown} private (chmod 600)"), e))?;
    }
    Ok(())
}

/// Opens `file` without following a symbolic link (or blocking on a FIFO),
/// as the file `seen` describes: one swapped in since is an error.
fn same_file_no_follow(file: &Path, seen: &Metadata) -> io::Result<File> {
    let opened = OpenOptions::new()
        .read(true)
        .custom_flags(nix::libc::O_NOFOLLOW | nix::libc::O_NONBLOCK)
        .open(file)?;
    let now = opened.metadata()?;
    match (now.dev(), now.ino()) == (seen.dev(), seen.ino()) {
        true => Ok(opened),
        false => Err(io::Error::other("it was replaced while being checked")),
    }
}

/// Refuses (exit 10, saying why) a database file of someone else's that
/// we may not read, rather than leave SQLite to say "unable to open
/// database file". Judged by opening it, as SQLite will (with the
/// effective uid, which is what a setuid caller such as su runs with).
fn refuse_unreadable(file: &Path, owner: u32, mode: u32) -> Result<()> {
    match File::open(file) {
        Err(e) if e.kind() == io::ErrorKind::PermissionDenied => {
            Err(Error::DatabaseUnusable(format!(
                "{} belongs to uid {owner} (mode {mode:04o}) and uid {} may not read it",
                file.display(),
                nix::unistd::geteuid()
            )))
        }
        _ => Ok(()),
    }
}
