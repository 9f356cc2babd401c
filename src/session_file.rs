//! The session token file: `session` in the config directory, 0600 in a 0700
//! directory, written atomically, and refused when others could read it or
//! could have put it there.

use crate::fsutil::write_private_atomic;
use authctl::SessionToken;
use authctl::{Error, Result};
use nix::errno::Errno;
use nix::fcntl::OFlag;
use nix::unistd::getuid;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use zeroize::Zeroizing;

/// A token file is tiny; anything larger is not ours.
const MAX_FILE_BYTES: u64 = 1024;

/// The session file in a config directory.
#[derive(Debug, Clone)]
pub struct SessionFile {
    path: PathBuf,
}

impl SessionFile {
    /// The file `session` in `config_dir`.
    pub fn in_dir(config_dir: &Path) -> Self {
        SessionFile {
            path: config_dir.join("session"),
        }
    }

    /// Reads the token. `Ok(None)` when there is no file; an error saying why
    /// when the directory or the file is unusable.
    ///
    /// The file is opened once, without following a symbolic link and
    /// without waiting on a FIFO, and every check is made on that open
    /// descriptor: a path swapped between the checks and the read cannot
    /// hand us another file. It must be a regular file of ours that nobody
    /// else may read, in a directory nobody else may write (OpenSSH's
    /// StrictModes): else another local user could plant a token of theirs
    /// and have us act as them.
    pub fn read(&self) -> Result<Option<SessionToken>> {
        if !self.dir_is_safe()? {
            return Ok(None);
        }
        let Some(file) = self.open()? else {
            return Ok(None);
        };
        let meta = file
            .metadata()
            .map_err(|e| self.unusable(format!("cannot be read ({e})")))?;
        if !meta.file_type().is_file() {
            return Err(self.unusable("is not a regular file".to_string()));
        }
        if meta.uid() != getuid().as_raw() {
            return Err(self.unusable(format!(
                "is owned by uid {}, not by you (uid {})",
                meta.uid(),
                getuid()
            )));
        }
        let mode = meta.mode() & 0o777;
        if mode & 0o077 != 0 {
            let who = if mode & 0o044 != 0 {
                "readable"
            } else {
                "accessible"
            };
            return Err(self.unusable(format!(
                "is {who} by group or others (mode {mode:04o}, must be 0600)"
            )));
        }
        if meta.len() > MAX_FILE_BYTES {
            return Err(self.unusable(format!("is too large ({} bytes)", meta.len())));
        }
        let text = contents(file).map_err(|e| self.unusable(format!("cannot be read ({e})")))?;
        SessionToken::parse_stored(&text)
            .map(Some)
            .ok_or_else(|| self.unusable("does not contain a valid session token".to_string()))
    }

    /// The token in the file even if the file fails the checks of [`read`]
    /// (its mode, say), so that the session it names can still be revoked
    /// before the file is replaced or removed. `None` if there is no
    /// readable, well-formed token in a regular file at the path itself.
    ///
    /// [`read`]: SessionFile::read
    pub fn read_for_revocation(&self) -> Option<SessionToken> {
        let file = self.open().ok()??;
        let meta = file.metadata().ok()?;
        if !meta.file_type().is_file() || meta.len() > MAX_FILE_BYTES {
            return None;
        }
        SessionToken::parse_stored(&contents(file).ok()?)
    }

    /// Refuses a config directory that is not ours or that others may
    /// write (they could replace the token file); `Ok(false)` when it does
    /// not exist yet. A symbolic link to a directory is judged by the
    /// directory.
    pub fn dir_is_safe(&self) -> Result<bool> {
        let dir = self.path.parent().unwrap_or(Path::new("."));
        let meta = match fs::metadata(dir) {
            Ok(meta) => meta,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(false),
            Err(e) => return Err(Error::io(format!("cannot use {}", dir.display()), e)),
        };
        let shown = dir.display();
        let me = getuid();
        if meta.uid() != me.as_raw() {
            return Err(Error::NotLoggedIn(format!(
                "config directory {shown} is owned by uid {}, not by you (uid {me}); use a directory of your own (--config-dir), or `chown {me} {shown}` if it is yours",
                meta.uid()
            )));
        }
        let mode = meta.mode() & 0o777;
        if mode & 0o022 != 0 {
            return Err(Error::NotLoggedIn(format!(
                "config directory {shown} is writable by group or others (mode {mode:04o}); run `chmod 700 {shown}`"
            )));
        }
        Ok(true)
    }

    /// The file, opened for reading without following a final symbolic
    /// link or blocking on a FIFO; `None` if there is none.
    fn open(&self) -> Result<Option<File>> {
        let opened = OpenOptions::new()
            .read(true)
            .custom_flags((OFlag::O_NOFOLLOW | OFlag::O_NONBLOCK | OFlag::O_CLOEXEC).bits())
            .open(&self.path);
        match opened {
            Ok(file) => Ok(Some(file)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) if e.raw_os_error() == Some(Errno::ELOOP as i32) => {
                Err(self.unusable("is a symbolic link".to_string()))
            }
            Err(e) => Err(self.unusable(format!("cannot be read ({e})"))),
        }
    }

    /// The error for an unusable file: exit 4, saying why and what to do.
    fn unusable(&self, why: String) -> Error {
        Error::NotLoggedIn(format!(
            "session file {} {why}; remove it and run `authctl login`",
            self.path.display()
        ))
    }

    /// Writes the token atomically with mode 0600, in a directory that is
    /// safe (see [`SessionFile::dir_is_safe`]) or made new, 0700.
    pub fn write(&self, token: &SessionToken) -> Result<()> {
        self.dir_is_safe()?;
        let mut contents = Zeroizing::new(String::with_capacity(token.expose().len() + 1));
        contents.push_str(token.expose());
        contents.push('\n');
        write_private_atomic(&self.path, contents.as_bytes())
    }

    /// Removes the file; a missing file is not an error.
    pub fn remove(&self) -> Result<()> {
        match fs::remove_file(&self.path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(Error::io(
                format!("cannot remove session file {}", self.path.display()),
                e,
            )),
        }
    }
}

/// At most [`MAX_FILE_BYTES`] of `file`, into memory wiped afterwards.
fn contents(file: File) -> io::Result<Zeroizing<String>> {
    let mut text = Zeroizing::new(String::with_capacity(MAX_FILE_BYTES as usize));
    file.take(MAX_FILE_BYTES).read_to_string(&mut text)?;
    Ok(text)
}
