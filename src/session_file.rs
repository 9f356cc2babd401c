//! The session token file: `session` in the config directory, 0600 in a 0700
//! directory, written atomically, and refused when others could read it.

use crate::fsutil::write_private_atomic;
use authctl::SessionToken;
use authctl::{Error, Result};
use std::fs;
use std::io::{self, Read};
use std::os::unix::fs::PermissionsExt;
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
    /// when the file is unusable (not a regular file, readable by others,
    /// too large, or malformed).
    pub fn read(&self) -> Result<Option<SessionToken>> {
        let shown = self.path.display();
        let meta = match fs::symlink_metadata(&self.path) {
            Ok(m) => m,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => {
                return Err(Error::NotLoggedIn(format!(
                    "cannot read session file {shown}: {e}; run `authctl login`"
                )));
            }
        };
        let unusable = |why: String| {
            Error::NotLoggedIn(format!(
                "session file {shown} {why}; remove it and run `authctl login`"
            ))
        };
        if !meta.file_type().is_file() {
            return Err(unusable("is not a regular file".to_string()));
        }
        let mode = meta.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            let who = if mode & 0o044 != 0 {
                "readable"
            } else {
                "accessible"
            };
            return Err(unusable(format!(
                "is {who} by group or others (mode {mode:04o}, must be 0600)"
            )));
        }
        if meta.len() > MAX_FILE_BYTES {
            return Err(unusable(format!("is too large ({} bytes)", meta.len())));
        }
        let text = self
            .contents()
            .map_err(|e| unusable(format!("cannot be read ({e})")))?;
        SessionToken::parse_stored(&text)
            .map(Some)
            .ok_or_else(|| unusable("does not contain a valid session token".to_string()))
    }

    /// The token in the file even if the file fails the checks of [`read`]
    /// (its mode, say), so that the session it names can still be revoked
    /// before the file is replaced or removed. `None` if there is no
    /// readable, well-formed token.
    ///
    /// [`read`]: SessionFile::read
    pub fn read_for_revocation(&self) -> Option<SessionToken> {
        let meta = fs::symlink_metadata(&self.path).ok()?;
        if !meta.file_type().is_file() || meta.len() > MAX_FILE_BYTES {
            return None;
        }
        SessionToken::parse_stored(&self.contents().ok()?)
    }

    fn contents(&self) -> io::Result<Zeroizing<String>> {
        let mut text = Zeroizing::new(String::with_capacity(MAX_FILE_BYTES as usize));
        fs::File::open(&self.path)?
            .take(MAX_FILE_BYTES)
            .read_to_string(&mut text)?;
        Ok(text)
    }

    /// Writes the token atomically with mode 0600.
    pub fn write(&self, token: &SessionToken) -> Result<()> {
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
