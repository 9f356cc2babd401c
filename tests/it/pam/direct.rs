//! `authctl pam` run directly, with the variables and stdin pam_exec would
//! give it: the exit codes, what it refuses to run without, how it reads
//! the password, and its syslog line. No PAM stack needed (but root for
//! the syslog socket).

use super::*;
use assert_cmd::assert::Assert;
use std::os::unix::net::UnixDatagram;
use std::time::Duration;

/// `authctl --db DB pam STEP` with only what pam_exec passes: the PAM
/// items as variables (no HOME, no AUTHCTL_*), and `stdin`.
fn pam(env: &TestEnv, step: &str, user: &str, stdin: &[u8]) -> Assert {
    let mut cmd = assert_cmd::Command::new(BIN);
    cmd.env_clear()
        .env("PAM_TYPE", step)
        .env("PAM_USER", user)
        .env("PAM_SERVICE", "direct")
        .env("PAM_RHOST", RHOST)
        .args(["--db", &database_argument(env), "pam", step])
        .write_stdin(stdin.to_vec());
    cmd.assert()
}

#[test]
fn exit_codes_follow_the_contract_with_nothing_on_stdout() {
    let env = TestEnv::new();
    env.register("root", PW);
    env.register("alice", PW);
    env.register("bob", PW);
    env.login("root", PW);
    // The password exactly as pam_exec writes it: no newline, and a NUL
    // after it before Linux-PAM 1.4.
    pam(&env, "auth", "alice", PW.as_bytes())
        .success()
        .stdout("")
        .stderr("");
    pam(&env, "auth", "alice", format!("{PW}\0").as_bytes()).success();
    // A newline is not something pam_exec adds: it is part of a wrong password.
    assert_error(
        pam(&env, "auth", "alice", format!("{PW}\n").as_bytes()),
        3,
        "incorrect",
    );
    assert_error(pam(&env, "auth", "nobody", PW.as_bytes()), 3, "incorrect");
    // PAM_USER is the name exactly: the service goes on with it as typed.
    assert_error(pam(&env, "auth", "ALICE", PW.as_bytes()), 3, "incorrect");
    assert_error(pam(&env, "account", "Alice", b""), 6, "no such user: Alice");
    pam(&env, "account", "alice", b"")
        .success()
        .stdout("")
        .stderr("");
    assert_error(
        pam(&env, "account", "nobody", b""),
        6,
        "no such user: nobody",
    );
    env.run(&["lock", "bob"], "").success();
    assert_error(
        pam(&env, "account", "bob", b""),
        7,
        "locked by an administrator",
    );
    assert_error(
        pam(&env, "auth", "bob", PW.as_bytes()),
        7,
        "locked by an administrator",
    );
    // What pam_exec cannot send is refused before any check is counted.
    for odd in [&b"pass\0word"[..], &[0xff, 0xfe], &[b'x'; 600]] {
        assert_error(
            pam(&env, "auth", "alice", odd),
            2,
            "not as pam_exec sends it",
        );
    }
    assert_eq!(env.db().user_i64("failed_logins", "alice"), 1);
}

#[test]
fn it_refuses_to_run_other_than_as_pam_exec_runs_it() {
    let env = TestEnv::new();
    env.register("alice", PW);
    let db = database_argument(&env);
    // The database from AUTHCTL_DB (as the test environment sets it) is
    // not taken: under PAM the environment can come from the user.
    let from_env = env
        .cmd()
        .env("PAM_USER", "alice")
        .args(["pam", "auth"])
        .write_stdin(PW)
        .assert();
    assert_error(from_env, 2, "needs --db on its command line");
    let no_user = env
        .cmd()
        .args(["--db", &db, "pam", "auth"])
        .write_stdin(PW)
        .assert();
    assert_error(no_user, 2, "PAM_USER is not set");
    let wrong_type = env
        .cmd()
        .env("PAM_USER", "alice")
        .env("PAM_TYPE", "session")
        .args(["--db", &db, "pam", "auth"])
        .write_stdin(PW)
        .assert();
    assert_error(wrong_type, 2, "PAM_TYPE session, but it says `pam auth`");
    // A PostgreSQL URL must say whom to log in as, and where over TCP a
    // server must prove who it is: a login is decided by its answer.
    for (url, why) in [
        (
            "postgresql:///authctl?host=/var/run/postgresql",
            "must name the user and the database",
        ),
        (
            "postgresql://authctl@db.example.org/authctl",
            "needs sslmode=verify-full",
        ),
        (
            "postgresql://authctl@db.example.org/authctl?sslmode=require",
            "needs sslmode=verify-full",
        ),
        (
            "postgresql://authctl:secret@db.example.org/authctl?sslmode=verify-full",
            "put it in the ~/.pgpass of the user authctl runs as",
        ),
    ] {
        let refused = env
            .cmd()
            .env("PAM_USER", "alice")
            .args(["--db", url, "pam", "account"])
            .assert();
        assert_error(refused, 2, why);
    }
    if env.db_url.is_none() {
        let relative = env
            .cmd()
            .env("PAM_USER", "alice")
            .args(["--db", "data/users.db", "pam", "auth"])
            .write_stdin(PW)
            .assert();
        assert_error(
            relative,
            2,
            "needs an absolute --db path, not data/users.db",
        );
    }
    let unknown_step = env.cmd().args(["--db", &db, "pam", "session"]).assert();
    assert_error(unknown_step, 2, "invalid value 'session'");
    // None of these counted as a password check.
    assert_eq!(env.db().user_i64("failed_logins", "alice"), 0);
}

/// Removes the socket it names when dropped.
struct SocketFile(&'static str);

impl Drop for SocketFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(self.0);
    }
}

#[test]
fn each_check_sends_one_authpriv_line_to_syslog() {
    // The test listens on /dev/log itself: as root, where no syslog daemon
    // does, and not in the PostgreSQL half (another process, at the same time).
    let half = std::env::var("AUTHCTL_TEST_BACKEND").is_ok();
    if !is_root() || half || Path::new("/dev/log").exists() {
        if !half {
            eprintln!(
                "skipping the syslog test: it needs root and no syslog daemon (or stale socket) on /dev/log"
            );
        }
        return;
    }
    let socket = UnixDatagram::bind("/dev/log").expect("bind /dev/log");
    let _remove = SocketFile("/dev/log");
    socket
        .set_read_timeout(Some(Duration::from_secs(30)))
        .expect("timeout");
    let env = TestEnv::new();
    env.register("syslogged", PW);
    pam(&env, "auth", "syslogged", PW.as_bytes()).success();
    pam(&env, "auth", "syslogged", PW2.as_bytes()).code(3);
    pam(&env, "account", "syslogged", b"").success();
    // A name typed at a login prompt with a space in it stays one token.
    pam(&env, "auth", "x rhost=10.9.9.9", PW.as_bytes()).code(3);
    pam(&env, "account", "x rhost=10.9.9.9", b"").code(6);
    // Other tests' checks may land here too: keep this test's lines.
    let mut lines = Vec::new();
    let mut injected = Vec::new();
    while lines.len() < 3 || injected.len() < 2 {
        let mut buf = [0u8; 2048];
        let n = socket.recv(&mut buf).expect("a syslog line");
        let line = String::from_utf8_lossy(&buf[..n]).into_owned();
        if line.ends_with(r" user=x\x20rhost=10.9.9.9") {
            injected.push(line.clone());
        }
        if line.ends_with(" user=syslogged") {
            lines.push(line);
        }
    }
    for line in &injected {
        assert_eq!(line.matches("rhost=").count(), 2, "{line}");
        assert_eq!(line.matches(" rhost=").count(), 1, "{line}");
    }
    let request = format!("service=direct rhost={RHOST} user=syslogged");
    let shape = |line: &str| -> (String, String) {
        let (head, message) = line.split_once("]: ").expect("tag");
        let (priority, tag) = head.split_once(">authctl[").expect("priority and name");
        assert!(tag.parse::<u32>().is_ok(), "pid: {line}");
        (priority.to_string(), message.to_string())
    };
    assert_eq!(
        lines.iter().map(|l| shape(l)).collect::<Vec<_>>(),
        [
            ("<86".into(), format!("auth: accepted; {request}")),
            (
                "<85".into(),
                format!("auth: incorrect username or password; {request}")
            ),
            ("<86".into(), format!("account: accepted; {request}")),
        ]
    );
}
