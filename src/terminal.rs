//! Lines typed by the person at the terminal, hidden or not, where Ctrl-C
//! and Ctrl-D cancel the command: the terminal is left as it was found,
//! the cursor on a line of its own, and the caller gets [`Cancelled`].

use crate::exit::Cancelled;
use crate::output::to_stderr;
use anyhow::{Context as _, Result};
use nix::sys::termios::{self, LocalFlags, SetArg, SpecialCharacterIndices, Termios};
use std::fs::File;
use std::io::{self, ErrorKind, Read};
use std::os::fd::{AsFd, OwnedFd};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use zeroize::Zeroizing;

/// The character Ctrl-C types when it raises no signal.
const CTRL_C: u8 = 0x03;

/// Reads a line typed without echo after `prompt` (on stderr), from the
/// terminal.
pub fn hidden_line(prompt: &str) -> Result<Zeroizing<String>> {
    // rpassword reads in raw mode, so Ctrl-C and Ctrl-D arrive as keys;
    // for Ctrl-C it then raises SIGINT, which by default would kill us
    // before it restores the terminal. While it reads, SIGINT only sets a
    // flag nobody looks at, and its error tells us instead.
    let ignored = Arc::new(AtomicBool::new(false));
    let handler = signal_hook::flag::register(signal_hook::consts::SIGINT, ignored)
        .context("cannot prepare the terminal for a prompt")?;
    let config = rpassword::ConfigBuilder::new()
        .output_writer(io::stderr())
        .build();
    let typed = rpassword::prompt_password_with_config(prompt, config);
    signal_hook::low_level::unregister(handler);
    match typed {
        Ok(line) => Ok(Zeroizing::new(line)),
        // rpassword has already moved to a new line after a Ctrl-C.
        Err(e) if e.kind() == ErrorKind::Interrupted => Err(Cancelled.into()),
        Err(e) if e.kind() == ErrorKind::UnexpectedEof => Err(cancelled_on_new_line()),
        Err(e) => Err(anyhow::Error::new(e).context("cannot read from the terminal")),
    }
}

/// Reads a line typed visibly after `prompt` (on stderr) from standard
/// input, a terminal. The terminal keeps its line editing; Ctrl-C ends the
/// line as a character we can see instead of raising a signal (so the
/// command can stop cleanly), and Ctrl-D on an empty line is the end of
/// input.
pub fn visible_line(prompt: &str) -> Result<String> {
    let fd = io::stdin()
        .as_fd()
        .try_clone_to_owned()
        .context("cannot read from the terminal")?;
    let _restore = CtrlCEndsLine::set(&fd)?;
    to_stderr(prompt);
    let mut stdin = File::from(fd.try_clone().context("cannot read from the terminal")?);
    let mut line = Vec::new();
    let mut chunk = [0u8; 256];
    loop {
        let n = match stdin.read(&mut chunk) {
            Ok(n) => n,
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(e) => return Err(anyhow::Error::new(e).context("cannot read from the terminal")),
        };
        if n == 0 {
            return Err(cancelled_on_new_line());
        }
        line.extend_from_slice(&chunk[..n]);
        match line.last() {
            Some(&CTRL_C) => return Err(cancelled_on_new_line()),
            Some(b'\n') => break,
            // Ctrl-D in the middle of a line: the terminal handed over
            // what was typed so far; keep reading.
            _ => {}
        }
    }
    let text = String::from_utf8_lossy(&line);
    Ok(text.trim_end_matches(['\n', '\r']).to_string())
}

/// The error for a cancelled prompt, after moving to a new line so that
/// the message does not land on the prompt's.
fn cancelled_on_new_line() -> anyhow::Error {
    to_stderr("\n");
    Cancelled.into()
}

/// The terminal of standard input with Ctrl-C ending a line (as an extra
/// end-of-line character, VEOL) rather than raising SIGINT; put back as it
/// was when dropped.
struct CtrlCEndsLine<'a> {
    fd: &'a OwnedFd,
    original: Termios,
}

impl<'a> CtrlCEndsLine<'a> {
    fn set(fd: &'a OwnedFd) -> Result<Self> {
        let original = termios::tcgetattr(fd).context("cannot read the terminal's settings")?;
        let mut changed = original.clone();
        changed.local_flags.remove(LocalFlags::ISIG);
        changed.control_chars[SpecialCharacterIndices::VEOL as usize] = CTRL_C;
        termios::tcsetattr(fd, SetArg::TCSANOW, &changed)
            .context("cannot change the terminal's settings")?;
        Ok(CtrlCEndsLine { fd, original })
    }
}

impl Drop for CtrlCEndsLine<'_> {
    fn drop(&mut self) {
        let _ = termios::tcsetattr(self.fd, SetArg::TCSANOW, &self.original);
    }
}
