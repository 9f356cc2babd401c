//! Reading passwords and answers: hidden prompts on a terminal, or lines from
//! standard input with `--password-stdin`. Never hangs waiting on a pipe
//! nobody will write to: with no terminal and no `--password-stdin`, fails.

use crate::exit::UsageError;
use crate::output::{sanitize, to_stderr};
use crate::terminal;
use anyhow::Result;
use authctl::{Error, Password};
use std::fs::File;
use std::io::{self, IsTerminal, Read};
use std::os::fd::AsFd;
use zeroize::Zeroizing;

/// How many times a terminal user may type a new password (rejected by
/// the policy, or not confirmed).
const MAX_TRIES: u32 = 3;

/// Longest line accepted from stdin. The policy's limit (1024 characters)
/// counts characters after NFC, and a decomposed character can take many
/// bytes (a Hangul syllable as three jamo is 9), so this only guards
/// against unbounded input and leaves the real limit to the policy.
const MAX_LINE_BYTES: usize = 16 * 1024;

/// Where secrets come from for one command.
pub struct Input {
    from_stdin: bool,
}

impl Input {
    /// Secrets from stdin lines when `password_stdin`, else from hidden prompts.
    pub fn new(password_stdin: bool) -> Self {
        Input {
            from_stdin: password_stdin,
        }
    }

    /// Reads an existing password (shown `prompt` on a terminal).
    pub fn password(&self, prompt: &str) -> Result<Password> {
        Ok(Password::new(self.secret(prompt, "a password")?))
    }

    /// Reads an authentication or recovery code: the next stdin line, or
    /// typed hidden at `prompt` (it is a secret until used).
    pub fn code(&self, prompt: &str) -> Result<Zeroizing<String>> {
        self.secret(prompt, "an authentication code")
    }

    fn secret(&self, prompt: &str, what: &str) -> Result<Zeroizing<String>> {
        if self.from_stdin {
            return read_stdin_line(what);
        }
        require_terminal(what)?;
        terminal::hidden_line(prompt)
    }

    /// Whether a person answers (hidden prompts on a terminal), rather than
    /// a script piping lines in.
    pub fn is_interactive(&self) -> bool {
        !self.from_stdin
    }

    /// Reads a new password and checks it with `check`. On a terminal an
    /// accepted one must be typed again, and a rejected or mismatched one
    /// may be typed anew, up to 3 tries in all (as `passwd` allows).
    pub fn new_password(
        &self,
        prompt: &str,
        check: impl Fn(&Password) -> authctl::Result<()>,
    ) -> Result<Password> {
        if self.from_stdin {
            let password = self.password(prompt)?;
            check(&password)?;
            return Ok(password);
        }
        let mut tries = 1;
        loop {
            let password = self.password(prompt)?;
            let refusal = match check(&password) {
                Err(e) => e,
                Ok(()) if self.password("Confirm password: ")? == password => return Ok(password),
                Ok(()) => Error::Invalid("passwords do not match; nothing was changed".to_string()),
            };
            if tries == MAX_TRIES {
                return Err(refusal.into());
            }
            let refusal = refusal.to_string();
            let refusal = refusal
                .strip_suffix("; nothing was changed")
                .unwrap_or(&refusal);
            to_stderr(&format!("{}; try again\n", sanitize(refusal)));
            tries += 1;
        }
    }

    /// Asks a visible question on the terminal and returns the answer line;
    /// without a terminal, fails with `no_terminal` as a usage error.
    pub fn answer(&self, prompt: &str, no_terminal: &str) -> Result<String> {
        if !io::stdin().is_terminal() {
            return Err(UsageError(no_terminal.to_string()).into());
        }
        terminal::visible_line(prompt)
    }
}

/// Fails with a usage error when stdin is not a terminal.
fn require_terminal(what: &str) -> Result<()> {
    if io::stdin().is_terminal() {
        Ok(())
    } else {
        Err(UsageError(format!(
            "{what} is needed but there is no terminal to prompt on; pipe it with --password-stdin"
        ))
        .into())
    }
}

/// Reads one line from stdin without buffering past it (the next secret may
/// be the next line) and into memory that is wiped afterwards. One trailing
/// `\n` or `\r\n` is removed; nothing else is.
/// Reads one line of `what` from stdin.
fn read_stdin_line(what: &str) -> Result<Zeroizing<String>> {
    // An unbuffered handle on fd 0: std's Stdin would keep a copy of the
    // secret in its buffer that we cannot wipe.
    let fd = io::stdin()
        .as_fd()
        .try_clone_to_owned()
        .map_err(|e| anyhow::Error::new(e).context("cannot read standard input"))?;
    let mut stdin = File::from(fd);
    // Room for the longest line up front: a growing Vec would leave copies behind.
    let mut bytes = Zeroizing::new(Vec::with_capacity(MAX_LINE_BYTES + 1));
    let mut byte = [0u8; 1];
    let mut saw_newline = false;
    loop {
        match stdin.read(&mut byte) {
            Ok(0) => break,
            Ok(_) if byte[0] == b'\n' => {
                saw_newline = true;
                break;
            }
            Ok(_) if bytes.len() >= MAX_LINE_BYTES => {
                return Err(Error::Invalid(
                    "password rejected: too long; use at most 1024 characters".to_string(),
                )
                .into());
            }
            Ok(_) => bytes.push(byte[0]),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(anyhow::Error::new(e).context("cannot read standard input")),
        }
    }
    if bytes.is_empty() && !saw_newline {
        return Err(UsageError(format!(
            "--password-stdin: standard input ended before {what} was read"
        ))
        .into());
    }
    if saw_newline && bytes.last() == Some(&b'\r') {
        bytes.pop();
    }
    let text = std::str::from_utf8(&bytes)
        .map_err(|_| Error::Invalid("password is not valid UTF-8".to_string()))?;
    Ok(Zeroizing::new(text.to_string()))
}
