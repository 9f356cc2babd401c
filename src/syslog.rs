//! One line to the system log, for `authctl pam`: pam_exec throws a
//! program's stderr away unless its `log=` option is set, and an admin
//! looks for a refused login where sshd and pam_unix report theirs (the
//! authpriv facility: `/var/log/auth.log`, `journalctl`).

use std::os::unix::net::UnixDatagram;
use std::path::Path;

/// The socket syslog daemons and journald listen on.
const SOCKET: &str = "/dev/log";

/// Longest message sent, in characters (RFC 3164's whole packet is 1024
/// bytes; longer is cut, never split).
const MAX_MESSAGE_CHARS: usize = 900;

/// LOG_AUTHPRIV: security messages, kept from ordinary users.
const FACILITY_AUTHPRIV: u8 = 10;

/// How much a line matters.
#[derive(Debug, Clone, Copy)]
pub enum Severity {
    /// A refusal (LOG_NOTICE).
    Notice = 5,
    /// An accepted check (LOG_INFO).
    Info = 6,
}

/// The datagram for `message`, in the format glibc's `syslog()` sends
/// (the daemon adds the time it received it).
fn datagram(severity: Severity, message: &str) -> String {
    let priority = FACILITY_AUTHPRIV * 8 + severity as u8;
    let message: String = message.chars().take(MAX_MESSAGE_CHARS).collect();
    format!("<{priority}>authctl[{}]: {message}", std::process::id())
}

/// Sends `message` (already free of control characters) to syslog. Best
/// effort, as glibc's `syslog()` is: with no daemon listening it is lost,
/// and the same text is still on stderr.
pub fn log(severity: Severity, message: &str) {
    let Ok(socket) = UnixDatagram::unbound() else {
        return;
    };
    let _ = socket.send_to(datagram(severity, message).as_bytes(), Path::new(SOCKET));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_authpriv_with_our_name_and_pid() {
        let line = datagram(Severity::Notice, "auth alice: refused");
        let pid = std::process::id();
        assert_eq!(line, format!("<85>authctl[{pid}]: auth alice: refused"));
        assert!(datagram(Severity::Info, "x").starts_with("<86>authctl["));
        let long = datagram(Severity::Notice, &"y".repeat(5000));
        assert_eq!(long.matches('y').count(), MAX_MESSAGE_CHARS);
    }
}
