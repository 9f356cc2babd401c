//! `authctl pam` under a real PAM stack: Linux-PAM's pam_exec runs the
//! built binary for a service file written under `/etc/pam.d`, driven by
//! `pamtester` (and, in `sshd`, by a real sshd). That needs root and the
//! Debian packages pamtester and libpam-modules; elsewhere these tests say
//! so in one line and pass, and with `AUTHCTL_REQUIRE_PAM=1` (as `.ci/run`
//! sets) they fail instead.

mod direct;
mod pamtester;
mod sshd;

use crate::common::*;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Once;
use std::sync::atomic::{AtomicU32, Ordering};

/// The remote host the tests hand to PAM (TEST-NET-1, RFC 5737).
pub const RHOST: &str = "192.0.2.7";

/// Whether a real PAM stack can be used here: root, pamtester, pam_exec.
/// When not, says why once, or panics if `AUTHCTL_REQUIRE_PAM=1`.
pub fn pam_stack_available() -> bool {
    let missing = if !is_root() {
        Some("they need root to write /etc/pam.d")
    } else if !Path::new("/usr/bin/pamtester").exists() {
        Some("pamtester is not installed (apt-get install pamtester)")
    } else if pam_exec_module().is_none() {
        Some("pam_exec.so is not installed (apt-get install libpam-modules)")
    } else {
        None
    };
    let Some(why) = missing else {
        return true;
    };
    let required = std::env::var("AUTHCTL_REQUIRE_PAM").is_ok_and(|v| v.trim() == "1");
    assert!(!required, "AUTHCTL_REQUIRE_PAM=1 but {why}");
    static SAID: Once = Once::new();
    SAID.call_once(|| eprintln!("skipping the PAM tests: {why}"));
    false
}

/// Where Debian keeps pam_exec.so (a multiarch directory, or not).
fn pam_exec_module() -> Option<PathBuf> {
    let dirs = std::fs::read_dir("/usr/lib")
        .into_iter()
        .chain(std::fs::read_dir("/lib"))
        .flatten()
        .flatten()
        .map(|entry| entry.path().join("security"))
        .chain([
            PathBuf::from("/usr/lib/security"),
            PathBuf::from("/lib/security"),
        ]);
    dirs.map(|dir| dir.join("pam_exec.so")).find(|p| p.exists())
}

/// A service file `/etc/pam.d/NAME` for one test, removed when dropped.
pub struct PamService {
    pub name: String,
    path: PathBuf,
    /// pam_exec's `log=` file: authctl's stdout and stderr.
    pub log: PathBuf,
}

impl PamService {
    /// A service whose auth and account steps are authctl's, on `env`'s
    /// database, as the README's snippet sets them up.
    pub fn authctl(env: &TestEnv) -> Self {
        Self::with_lines(env, |exec| {
            format!(
                "auth     required pam_exec.so quiet expose_authtok {exec} pam auth\n\
                 account  required pam_exec.so quiet {exec} pam account\n"
            )
        })
    }

    /// A service with `lines(exec)`, where `exec` is what follows
    /// `pam_exec.so`'s options to run authctl on `env`'s database (with
    /// `log=` capturing its output).
    pub fn with_lines(env: &TestEnv, lines: impl Fn(&str) -> String) -> Self {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let name = format!(
            "authctl-test-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        let log = env.dir.path().join("pam_exec.log");
        let exec = format!(
            "log={} {BIN} --db {}",
            log.display(),
            database_argument(env)
        );
        let path = Path::new("/etc/pam.d").join(&name);
        std::fs::write(&path, lines(&exec)).expect("write the PAM service file");
        PamService { name, path, log }
    }

    /// `pamtester SERVICE USER authenticate` with `password` typed, from
    /// [`RHOST`].
    pub fn authenticate(&self, user: &str, password: &str) -> Output {
        self.pamtester(user, "authenticate", &format!("{password}\n"))
    }

    /// `pamtester SERVICE USER acct_mgmt`, from [`RHOST`].
    pub fn account(&self, user: &str) -> Output {
        self.pamtester(user, "acct_mgmt", "")
    }

    fn pamtester(&self, user: &str, operation: &str, stdin: &str) -> Output {
        use std::io::Write;
        use std::process::Stdio;
        let mut child = Command::new("/usr/bin/pamtester")
            .args(["-I", &format!("rhost={RHOST}"), &self.name, user, operation])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run pamtester");
        let mut pipe = child.stdin.take().expect("stdin");
        let _ = pipe.write_all(stdin.as_bytes());
        drop(pipe);
        child.wait_with_output().expect("wait for pamtester")
    }

    /// What authctl wrote through pam_exec, without pam_exec's `*** date`
    /// lines: stdout and stderr, which pam_exec's `log=` joins.
    pub fn output(&self) -> Vec<String> {
        std::fs::read_to_string(&self.log)
            .unwrap_or_default()
            .lines()
            .filter(|l| !l.starts_with("*** "))
            .map(str::to_string)
            .collect()
    }
}

impl Drop for PamService {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// The `--db` argument for `env`'s database: its file, or its URL.
pub fn database_argument(env: &TestEnv) -> String {
    match &env.db_url {
        Some(url) => url.clone(),
        None => env.db_path().display().to_string(),
    }
}

/// pamtester's verdict: `true` when PAM said yes. A no must be
/// PAM_SYSTEM_ERR ("System error"), whatever authctl's exit code was:
/// pam_exec maps 0 to PAM_SUCCESS and every other exit to that.
pub fn accepted(out: &Output) -> bool {
    let said = String::from_utf8_lossy(&out.stdout);
    let complained = String::from_utf8_lossy(&out.stderr);
    if out.status.success() {
        assert!(
            said.contains("pamtester: successfully") || said.contains("account management done"),
            "{said}"
        );
        return true;
    }
    assert!(
        complained.trim_end().ends_with("pamtester: System error"),
        "not PAM_SYSTEM_ERR: {complained}"
    );
    false
}

/// The audit events of `user`, oldest first: (event, outcome, detail).
pub fn events_of(env: &TestEnv, user: &str) -> Vec<(String, String, String)> {
    env.db()
        .rows(&format!(
            "SELECT event, outcome, detail FROM events WHERE target = '{user}' ORDER BY id"
        ))
        .into_iter()
        .map(|row| {
            let text = |i: usize| row[i].clone().unwrap_or_default();
            (text(0), text(1), text(2))
        })
        .collect()
}
