//! What Linux-PAM's pam_exec hands the program it runs: the `PAM_*`
//! variables and, with `expose_authtok`, the password on stdin. Read here
//! exactly as pam_exec (Linux-PAM 1.5) writes them, and nothing else taken.

use crate::exit::UsageError;
use anyhow::Result;
use authctl::Password;
use std::ffi::{OsStr, OsString};
use std::os::fd::AsFd;
use zeroize::Zeroizing;

/// pam_exec copies the password into a buffer of PAM_MAX_RESP_SIZE (512)
/// bytes and passes at most 511 of them; Linux-PAM before 1.4 adds a NUL.
const MAX_AUTHTOK_BYTES: usize = 511;

/// The variable `name` as pam_exec set it. pam_exec appends its own items
/// after the PAM environment, so a name set twice means the environment
/// tried to set it first (and `getenv` would return that one): refused.
pub fn pam_var(name: &str) -> Result<Option<String>> {
    var_in(std::env::vars_os(), name)
}

fn var_in(vars: impl Iterator<Item = (OsString, OsString)>, name: &str) -> Result<Option<String>> {
    let mut found = vars.filter(|(k, _)| k == OsStr::new(name));
    let Some((_, value)) = found.next() else {
        return Ok(None);
    };
    if found.next().is_some() {
        return Err(UsageError(format!("{name} is set more than once in the environment")).into());
    }
    match value.into_string() {
        Ok(value) => Ok(Some(value)),
        Err(_) => Err(UsageError(format!("{name} is not UTF-8")).into()),
    }
}

/// The password on stdin, read straight from the descriptor (std's stdin
/// buffer would keep a copy that nothing wipes).
pub fn read_authtok_from_stdin() -> Result<Password> {
    let stdin = std::io::stdin();
    let fd = stdin.as_fd();
    let mut bytes = Zeroizing::new(vec![0u8; MAX_AUTHTOK_BYTES + 2]);
    let mut len = 0;
    while len < bytes.len() {
        match nix::unistd::read(fd, &mut bytes[len..]) {
            Ok(0) => break,
            Ok(n) => len += n,
            Err(nix::errno::Errno::EINTR) => continue,
            Err(e) => {
                return Err(anyhow::Error::new(std::io::Error::from(e))
                    .context("cannot read the password from stdin"));
            }
        }
    }
    authtok(&bytes[..len])
}

/// The password in `sent`, as pam_exec's expose_authtok writes it: the
/// bytes of PAM_AUTHTOK with no newline, at most 511, followed by one NUL
/// before Linux-PAM 1.4. More, a NUL inside, or bytes that are not UTF-8
/// are refused as not coming from pam_exec.
fn authtok(sent: &[u8]) -> Result<Password> {
    let not_from_pam = |why: &str| -> anyhow::Error {
        UsageError(format!(
            "the password on stdin {why}: it is not as pam_exec sends it"
        ))
        .into()
    };
    let secret = sent.strip_suffix(&[0]).unwrap_or(sent);
    if secret.len() > MAX_AUTHTOK_BYTES {
        return Err(not_from_pam(&format!(
            "is longer than {MAX_AUTHTOK_BYTES} bytes"
        )));
    }
    if secret.contains(&0) {
        return Err(not_from_pam("has a NUL byte inside"));
    }
    let text = std::str::from_utf8(secret).map_err(|_| not_from_pam("is not UTF-8"))?;
    Ok(Password::new(Zeroizing::new(text.to_string())))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(bytes: &[u8]) -> Option<String> {
        authtok(bytes).ok().map(|p| p.expose().to_string())
    }

    #[test]
    fn the_password_is_taken_as_sent_with_or_without_one_nul() {
        assert_eq!(read(b"pass word\n").as_deref(), Some("pass word\n"));
        assert_eq!(read(b"pass word").as_deref(), Some("pass word"));
        assert_eq!(read(b"pass word\0").as_deref(), Some("pass word"));
        assert_eq!(read(b"").as_deref(), Some(""));
        assert_eq!(read(b"\0").as_deref(), Some(""));
    }

    #[test]
    fn what_pam_exec_cannot_send_is_refused() {
        assert_eq!(read(b"pass\0word"), None);
        assert_eq!(read(b"pass\0\0"), None);
        assert_eq!(read(&[0xff, 0xfe]), None);
        assert!(read(&[b'x'; 511]).is_some());
        let mut with_nul = vec![b'x'; 511];
        with_nul.push(0);
        assert!(read(&with_nul).is_some());
        assert_eq!(read(&[b'x'; 512]), None);
    }

    #[test]
    fn a_variable_set_twice_is_refused() {
        let vars = |pairs: &[(&str, &str)]| {
            pairs
                .iter()
                .map(|(k, v)| (OsString::from(k), OsString::from(v)))
                .collect::<Vec<_>>()
                .into_iter()
        };
        let once = vars(&[("PAM_USER", "alice"), ("HOME", "/")]);
        assert_eq!(var_in(once, "PAM_USER").unwrap().as_deref(), Some("alice"));
        assert_eq!(var_in(vars(&[]), "PAM_USER").unwrap(), None);
        let twice = vars(&[("PAM_USER", "root"), ("PAM_USER", "alice")]);
        let refused = var_in(twice, "PAM_USER").unwrap_err();
        assert_eq!(
            refused.to_string(),
            "PAM_USER is set more than once in the environment"
        );
        use std::os::unix::ffi::OsStringExt;
        let not_text = vec![(OsString::from("PAM_USER"), OsString::from_vec(vec![0xff]))];
        let refused = var_in(not_text.into_iter(), "PAM_USER").unwrap_err();
        assert_eq!(refused.to_string(), "PAM_USER is not UTF-8");
    }
}
