//! TestEnv: runs the built `authctl` in a private temporary home with its own
//! database and config directory, and reads back what it left on disk (the
//! database through [`TestDb`]).

use assert_cmd::Command;
use assert_cmd::assert::Assert;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use tempfile::TempDir;

pub mod db;
#[path = "../../support/pg_cluster.rs"]
pub mod pg_cluster;
pub mod screen;
pub mod timing;
pub use db::TestDb;
pub use screen::{Screen, cells, is_utc_minutes, without_escapes};
pub use timing::unix_now;

/// A password that passes the policy.
pub const PW: &str = "violet tractor mangoes sing";
/// Another one.
pub const PW2: &str = "Tr0mbone-Galaxy-Pickle";

pub const BIN: &str = env!("CARGO_BIN_EXE_authctl");

/// The unprivileged user (and group) tests running as root act as.
pub const NOBODY: u32 = 65534;

/// Whether the tests run as root (as CI does).
pub fn is_root() -> bool {
    nix::unistd::geteuid().is_root()
}

pub struct TestEnv {
    pub dir: TempDir,
    /// The PostgreSQL database the commands use, instead of the SQLite file.
    pub db_url: Option<String>,
}

impl TestEnv {
    /// A test environment on a SQLite file of its own; with
    /// `AUTHCTL_TEST_BACKEND=postgres`, on a fresh database of the test
    /// PostgreSQL server instead (to run the whole suite on that backend).
    pub fn new() -> Self {
        let on_postgres = std::env::var("AUTHCTL_TEST_BACKEND").as_deref() == Ok("postgres");
        TestEnv {
            dir: tempfile::tempdir().expect("tempdir"),
            db_url: on_postgres.then(|| {
                pg_cluster::server()
                    .expect("AUTHCTL_TEST_BACKEND=postgres needs PostgreSQL")
                    .fresh_database()
            }),
        }
    }

    /// A test environment on a fresh database of the test PostgreSQL
    /// server (passed in `AUTHCTL_DB`), or `None` where there is none (the
    /// skip is said once; with `AUTHCTL_REQUIRE_POSTGRES=1` it fails).
    pub fn postgres() -> Option<Self> {
        let url = pg_cluster::server()?.fresh_database();
        Some(Self::on_database(url))
    }

    /// A test environment on the PostgreSQL database at `url`.
    pub fn on_database(url: String) -> Self {
        TestEnv {
            dir: tempfile::tempdir().expect("tempdir"),
            db_url: Some(url),
        }
    }

    /// The SQLite database file. Besides `sqlite_files`, a few tests read
    /// its raw bytes to show that a secret is never stored; with another
    /// backend they need that backend's equivalent.
    pub fn db_path(&self) -> PathBuf {
        self.dir.path().join("data/users.db")
    }

    pub fn config_dir(&self) -> PathBuf {
        self.dir.path().join("config")
    }

    pub fn session_path(&self) -> PathBuf {
        self.config_dir().join("session")
    }

    /// The environment every authctl run gets: our paths, a private HOME, no NO_COLOR.
    pub fn env_pairs(&self) -> Vec<(&'static str, PathBuf)> {
        let home = self.dir.path().join("home");
        vec![
            (
                "AUTHCTL_DB",
                self.db_url.as_ref().map_or(self.db_path(), PathBuf::from),
            ),
            ("AUTHCTL_CONFIG_DIR", self.config_dir()),
            ("HOME", home.clone()),
            ("XDG_DATA_HOME", home.join(".local/share")),
            ("XDG_CONFIG_HOME", home.join(".config")),
        ]
    }

    /// A command for the binary with the test environment and empty stdin.
    pub fn cmd(&self) -> Command {
        let mut cmd = Command::new(BIN);
        cmd.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default());
        for (k, v) in self.env_pairs() {
            cmd.env(k, v);
        }
        cmd.current_dir(self.dir.path()).write_stdin("");
        cmd
    }

    /// Runs `authctl ARGS` with `stdin` piped in.
    pub fn run(&self, args: &[&str], stdin: &str) -> Assert {
        self.cmd()
            .args(args)
            .write_stdin(stdin.to_string())
            .assert()
    }

    pub fn register(&self, user: &str, pw: &str) {
        self.run(&["register", user, "--password-stdin"], &format!("{pw}\n"))
            .success();
    }

    pub fn login(&self, user: &str, pw: &str) {
        self.login_attempt(user, pw).success();
    }

    /// `authctl login USER --password-stdin` with `pw`, whatever comes of it.
    pub fn login_attempt(&self, user: &str, pw: &str) -> Assert {
        self.run(&["login", user, "--password-stdin"], &format!("{pw}\n"))
    }

    /// A command run as if from another device: same database, its own
    /// config directory (and so its own session file) named `device`.
    pub fn on_device(&self, device: &str) -> Command {
        let mut cmd = self.cmd();
        cmd.env("AUTHCTL_CONFIG_DIR", self.dir.path().join(device));
        cmd
    }

    /// Logs `user` in on another device.
    pub fn login_on_device(&self, device: &str, user: &str, pw: &str) {
        self.on_device(device)
            .args(["login", user, "--password-stdin"])
            .write_stdin(format!("{pw}\n"))
            .assert()
            .success();
    }

    /// An admin `root` and a user `bob`, with `bob` logged in.
    pub fn admin_and_bob_logged_in() -> Self {
        Self::with_admin_and_bob_logged_in(TestEnv::new())
    }

    /// `env` with root (the admin) and bob registered, bob logged in.
    pub fn with_admin_and_bob_logged_in(env: TestEnv) -> Self {
        env.register("root", PW);
        env.register("bob", PW);
        env.login("bob", PW);
        env
    }

    /// A test environment on a SQLite file whatever the backend under
    /// test: for what is SQLite's own (the file's modes, its bytes, damage).
    pub fn sqlite() -> Self {
        TestEnv {
            dir: tempfile::tempdir().expect("tempdir"),
            db_url: None,
        }
    }

    /// The database authctl uses here, through the backend-neutral [`TestDb`].
    pub fn db(&self) -> Box<dyn TestDb> {
        match &self.db_url {
            Some(url) => Box::new(db::Postgres::open(url)),
            None => Box::new(db::Sqlite::open(&self.db_path())),
        }
    }

    pub fn session_token(&self) -> String {
        std::fs::read_to_string(self.session_path()).expect("session file")
    }

    /// A plain `std` command with the test environment, for running
    /// several at once or under a pseudo-terminal.
    pub fn std_command(&self, args: &[&str]) -> std::process::Command {
        let mut cmd = std::process::Command::new(BIN);
        cmd.env_clear();
        for (k, v) in self.env_pairs() {
            cmd.env(k, v);
        }
        cmd.args(args).current_dir(self.dir.path());
        cmd
    }

    /// Runs `authctl ARGS` (each argument free of single quotes) on a
    /// pseudo-terminal `cols` wide with TERM set, as a person's terminal
    /// would be (a bare pty is 0 columns wide and has no TERM).
    pub fn pty_sized(&self, cols: u16, args: &[&str]) -> rexpect::session::PtySession {
        self.pty_sized_with(cols, args, &[])
    }

    /// [`Self::pty_sized`] with more environment variables (`NO_COLOR`).
    pub fn pty_sized_with(
        &self,
        cols: u16,
        args: &[&str],
        vars: &[(&str, &str)],
    ) -> rexpect::session::PtySession {
        let mut sh = std::process::Command::new("sh");
        sh.env_clear().env("TERM", "xterm");
        for (k, v) in self.env_pairs() {
            sh.env(k, v);
        }
        sh.envs(vars.iter().copied());
        let quoted: Vec<String> = args.iter().map(|a| format!("'{a}'")).collect();
        let script = format!("stty cols {cols} rows 40; exec {BIN} {}", quoted.join(" "));
        sh.args(["-c", &script]).current_dir(self.dir.path());
        spawn_pty(sh)
    }

    /// Starts every `(command, stdin)` at once, then waits for all: each
    /// one's exit code, stdout and stderr, in the same order.
    pub fn run_all(&self, runs: Vec<(std::process::Command, String)>) -> Vec<Finished> {
        use std::io::Write;
        use std::process::Stdio;
        let children: Vec<_> = runs
            .into_iter()
            .map(|(mut cmd, stdin)| {
                cmd.stdin(Stdio::piped())
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped());
                let mut child = cmd.spawn().expect("spawn");
                let mut pipe = child.stdin.take().expect("stdin");
                // A command may exit before reading all of it.
                let _ = pipe.write_all(stdin.as_bytes());
                child
            })
            .collect();
        children
            .into_iter()
            .map(|child| {
                let out = child.wait_with_output().expect("wait");
                Finished {
                    code: out.status.code().unwrap_or(-1),
                    stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
                    stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
                }
            })
            .collect()
    }

    /// `authctl ARGS` as a plain command with its own config directory
    /// `device` (and so its own session file).
    pub fn device_command(&self, device: &str, args: &[&str]) -> std::process::Command {
        let mut cmd = self.std_command(args);
        cmd.env("AUTHCTL_CONFIG_DIR", self.dir.path().join(device));
        cmd
    }

    /// Runs under a pseudo-terminal, for the hidden prompts.
    pub fn pty(&self, args: &[&str]) -> rexpect::session::PtySession {
        spawn_pty(self.std_command(args))
    }
}

/// How a process started by [`TestEnv::run_all`] ended.
#[derive(Debug)]
pub struct Finished {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

pub fn mode(path: &Path) -> u32 {
    std::fs::metadata(path)
        .expect("metadata")
        .permissions()
        .mode()
        & 0o777
}

/// stdout parsed as one JSON document.
pub fn json_stdout(assert: &Assert) -> serde_json::Value {
    serde_json::from_str(&stdout(assert)).expect("stdout is one JSON document")
}

/// stdout as text.
pub fn stdout(assert: &Assert) -> String {
    String::from_utf8_lossy(&assert.get_output().stdout).into_owned()
}

/// stderr as text.
pub fn stderr(assert: &Assert) -> String {
    String::from_utf8_lossy(&assert.get_output().stderr).into_owned()
}

/// Asserts the usual error shape: one `authctl: ` line on stderr, nothing on stdout.
pub fn assert_error(assert: Assert, code: i32, needle: &str) -> Assert {
    let assert = assert.code(code).stdout("");
    let err = stderr(&assert);
    assert!(err.starts_with("authctl: "), "stderr: {err:?}");
    assert_eq!(err.lines().count(), 1, "one line expected: {err:?}");
    assert!(
        err.to_lowercase().contains(&needle.to_lowercase()),
        "stderr {err:?} lacks {needle:?}"
    );
    assert
}

pub fn spawn_pty(cmd: std::process::Command) -> rexpect::session::PtySession {
    rexpect::session::spawn_command(cmd, Some(30_000)).expect("spawn on pty")
}

/// The exit code of a finished pseudo-terminal session's process.
pub fn pty_exit_code(p: &rexpect::session::PtySession) -> i32 {
    match p.process().wait().expect("wait") {
        rexpect::process::WaitStatus::Exited(_, code) => code,
        other => panic!("not a normal exit: {other:?}"),
    }
}
