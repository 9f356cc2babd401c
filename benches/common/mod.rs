//! What the benchmarks share: a private home for authctl, timing whole
//! processes, medians of alternating runs, peak memory, the report's rows.

#![allow(dead_code)] // each bench uses its own part

pub mod argon2_c;

use std::ffi::OsString;
use std::fmt::Write as _;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

pub const PW: &str = "violet tractor mangoes sing";
pub const BIN: &str = env!("CARGO_BIN_EXE_authctl");

/// A private home for authctl: its database and config directory.
pub struct Home {
    pub dir: PathBuf,
    /// `AUTHCTL_DB`: a SQLite file in `dir`, or a PostgreSQL URL.
    pub db: OsString,
}

impl Home {
    /// A home with its own SQLite database, `ROOT/NAME/users.db`.
    pub fn new(root: &Path, name: &str) -> Home {
        let dir = root.join(name);
        let db = dir.join("users.db").into_os_string();
        Self::with_db(dir, db)
    }

    /// A home using the PostgreSQL database at `url`.
    pub fn on_postgres(root: &Path, name: &str, url: &str) -> Home {
        Self::with_db(root.join(name), url.into())
    }

    fn with_db(dir: PathBuf, db: OsString) -> Home {
        std::fs::create_dir_all(&dir).expect("bench dir");
        Home { dir, db }
    }

    /// `authctl ARGS` in this home (stdin, stdout, stderr not yet set).
    pub fn authctl(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(BIN);
        cmd.args(args)
            .env("AUTHCTL_DB", &self.db)
            .env("AUTHCTL_CONFIG_DIR", self.dir.join("config"))
            .env("HOME", &self.dir);
        cmd
    }

    /// Runs `authctl ARGS` with `stdin`; panics unless it succeeds.
    pub fn run(&self, args: &[&str], stdin: &[u8]) {
        let d = time(&mut self.authctl(args), stdin);
        assert!(d > Duration::ZERO);
    }
}

pub fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Wall time and output of one run of `cmd` fed `stdin` (stdout discarded).
pub fn timed(cmd: &mut Command, stdin: &[u8]) -> (Duration, std::process::Output) {
    cmd.stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let start = Instant::now();
    let mut child = cmd.spawn().expect("spawn");
    if let Some(mut pipe) = child.stdin.take() {
        let _ = pipe.write_all(stdin);
    }
    let out = child.wait_with_output().expect("wait");
    (start.elapsed(), out)
}

/// Wall time of one run of `cmd` fed `stdin`, which must succeed.
pub fn time(cmd: &mut Command, stdin: &[u8]) -> Duration {
    let (elapsed, out) = timed(cmd, stdin);
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    elapsed
}

pub fn median_u64(mut v: Vec<u64>) -> u64 {
    v.sort_unstable();
    v[v.len() / 2]
}

/// Like [`time`], for a run that must fail with exit 3 (a refused login).
pub fn time_failure(cmd: &mut Command, stdin: &[u8]) -> Duration {
    let (elapsed, out) = timed(cmd, stdin);
    assert_eq!(
        out.status.code(),
        Some(3),
        "{cmd:?} should fail with exit 3"
    );
    elapsed
}

pub fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// Runs `a` and `b` alternately `runs` times each; their medians.
pub fn alternate(
    runs: usize,
    mut a: impl FnMut() -> Duration,
    mut b: impl FnMut() -> Duration,
) -> (Duration, Duration) {
    let (mut ta, mut tb) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        ta.push(a());
        tb.push(b());
    }
    (median(ta), median(tb))
}

/// Peak resident memory of one run, in KiB, from GNU time; `stdin` is fed
/// to the command.
pub fn max_rss_kib(cmd: &Command, stdin: &[u8]) -> u64 {
    let mut timed = Command::new("/usr/bin/time");
    timed
        .arg("-f")
        .arg("%M")
        .arg(cmd.get_program())
        .args(cmd.get_args());
    for (k, v) in cmd.get_envs() {
        if let Some(v) = v {
            timed.env(k, v);
        }
    }
    let mut child = timed
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("/usr/bin/time");
    if let Some(mut pipe) = child.stdin.take() {
        let _ = pipe.write_all(stdin);
    }
    let out = child.wait_with_output().expect("wait");
    assert!(out.status.success(), "{cmd:?} failed under /usr/bin/time");
    let text = String::from_utf8_lossy(&out.stderr);
    text.lines()
        .last()
        .and_then(|l| l.trim().parse().ok())
        .expect("time's %M")
}

pub fn row(report: &mut String, what: &str, ours: Duration, theirs: Duration, target: f64) {
    let ratio = ours.as_secs_f64() / theirs.as_secs_f64();
    let verdict = if ratio <= target { "met" } else { "missed" };
    let _ = writeln!(
        report,
        "| {what} | {ours:.1?} | {theirs:.1?} | {ratio:.2}x | <= {target}x: {verdict} |"
    );
}

/// An admin `root`, logged in, in a new home.
pub fn admin_home(home: Home) -> Home {
    home.run(
        &["register", "root", "--password-stdin"],
        format!("{PW}\n").as_bytes(),
    );
    home.run(
        &["login", "root", "--password-stdin"],
        format!("{PW}\n").as_bytes(),
    );
    home
}

/// Sets the home's hashing cost to OWASP's minimum (m=19456, t=2, p=1);
/// needs an admin session (`admin_home`).
pub fn set_owasp_minimum(home: &Home) {
    let min = authctl::HashParams::OWASP_MINIMUM;
    for (key, value) in [
        ("hash.memory_kib", min.memory_kib),
        ("hash.iterations", min.iterations),
        ("hash.parallelism", min.parallelism),
    ] {
        home.run(&["config", "set", key, &value.to_string()], b"");
    }
}

/// JSON Lines of `n` accounts sharing one precomputed hash (no hashing on
/// import, so building 100,000 accounts takes seconds).
pub fn accounts_jsonl(n: usize) -> Vec<u8> {
    let hash = authctl::HashParams::OWASP_MINIMUM
        .hash(&PW.into())
        .expect("hash");
    let mut out = String::with_capacity(n * 160);
    for i in 0..n {
        let _ = writeln!(
            out,
            r#"{{"username":"user{i:06}","email":"user{i}@example.com","name":"User {i}","password_hash":"{hash}"}}"#
        );
    }
    out.into_bytes()
}

/// The SHA-256 of the home's session token in hex: the key the database
/// finds the session by.
pub fn session_digest(home: &Home) -> String {
    use sha2::Digest;
    let token = std::fs::read_to_string(home.dir.join("config/session")).expect("token");
    sha2::Sha256::digest(token.trim_end().as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Asserts that two JSON documents hold the same value: a comparison of
/// times is only fair between programs printing the same thing.
pub fn assert_same_json(ours: &str, theirs: &str) {
    let parse =
        |doc: &str| serde_json::from_str::<serde_json::Value>(doc).expect("a JSON document");
    assert_eq!(parse(ours), parse(theirs), "the two documents differ");
}

/// Instructions executed by one run of `cmd` fed `stdin` (every thread,
/// from `execve` on), counted by callgrind: steady where wall times on a
/// shared machine are not. `None` (and a line on stderr) without valgrind,
/// or when `AUTHCTL_BENCH_CALLGRIND=0`.
pub fn instructions(cmd: &Command, stdin: &[u8]) -> Option<u64> {
    if std::env::var("AUTHCTL_BENCH_CALLGRIND").is_ok_and(|v| v == "0") {
        return None;
    }
    let out_file = std::env::temp_dir().join(format!("authctl-bench-{}.cg", std::process::id()));
    let mut counted = Command::new("valgrind");
    counted
        .arg("--tool=callgrind")
        .arg(format!("--callgrind-out-file={}", out_file.display()))
        .arg(cmd.get_program())
        .args(cmd.get_args());
    for (k, v) in cmd.get_envs() {
        if let Some(v) = v {
            counted.env(k, v);
        }
    }
    let child = counted
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn();
    let Ok(mut child) = child else {
        eprintln!("no instruction counts: valgrind is not installed");
        return None;
    };
    if let Some(mut pipe) = child.stdin.take() {
        let _ = pipe.write_all(stdin);
    }
    let out = child.wait_with_output().expect("wait");
    let _ = std::fs::remove_file(&out_file);
    let text = String::from_utf8_lossy(&out.stderr);
    let count = text
        .lines()
        .find_map(|l| {
            l.split_once("Collected :")
                .map(|(_, n)| n.trim().to_string())
        })
        .and_then(|n| n.parse().ok());
    if !out.status.success() || count.is_none() {
        eprintln!("no instruction count for {cmd:?} under callgrind");
        return None;
    }
    count
}

/// A count of instructions for a report: millions, or `-` without one.
pub fn millions(count: Option<u64>) -> String {
    count.map_or("-".to_string(), |n| format!("{:.2}M", n as f64 / 1e6))
}

/// Which comparisons to run: `AUTHCTL_BENCH_ONLY`, a comma-separated list
/// of names, or all of them when unset.
pub struct Only(Option<Vec<String>>);

impl Only {
    pub fn from_env() -> Only {
        Only(
            std::env::var("AUTHCTL_BENCH_ONLY")
                .ok()
                .map(|v| v.split(',').map(|s| s.trim().to_string()).collect()),
        )
    }

    /// Whether the comparison `name` is to run.
    pub fn has(&self, name: &str) -> bool {
        self.0
            .as_ref()
            .is_none_or(|names| names.iter().any(|n| n == name))
    }
}
