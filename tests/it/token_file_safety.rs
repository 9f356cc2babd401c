//! The session token file cannot be raced, planted or made to hang us, the
//! config directory holding it must be the user's alone, and the process
//! cannot be read by another of the same user while it holds a password.

use crate::common::*;
use std::fs;
use std::os::unix::fs::{PermissionsExt, chown};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::time::Duration;

/// The unprivileged user root's tests act as.
const NOBODY: u32 = 65534;

fn is_root() -> bool {
    nix_uid() == 0
}

/// The real uid of this test process (from /proc, without unsafe code).
fn nix_uid() -> u32 {
    let status = fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("Uid:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

/// alice logged in here, and bob's token (from another device) in hand.
fn alice_here_and_bobs_token() -> (TestEnv, String) {
    let env = TestEnv::admin_and_bob_logged_in();
    let bobs = env.session_token();
    env.register("alice", PW);
    env.login("alice", PW);
    (env, bobs)
}

#[test]
fn swapping_the_path_during_reads_never_yields_another_account() {
    let (env, bobs) = alice_here_and_bobs_token();
    let good = fs::read(env.session_path()).unwrap();
    // Bob's token, readable by all, for a symbolic link to point at.
    let planted = env.dir.path().join("planted");
    fs::write(&planted, &bobs).unwrap();
    fs::set_permissions(&planted, fs::Permissions::from_mode(0o644)).unwrap();
    let session = env.session_path();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let swapper = {
        let (stop, session, dir) = (stop.clone(), session.clone(), env.config_dir());
        std::thread::spawn(move || {
            let (link, file) = (dir.join("swap-link"), dir.join("swap-file"));
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let _ = fs::remove_file(&link);
                std::os::unix::fs::symlink(&planted, &link).unwrap();
                fs::rename(&link, &session).unwrap();
                fs::write(&file, &good).unwrap();
                fs::set_permissions(&file, fs::Permissions::from_mode(0o600)).unwrap();
                fs::rename(&file, &session).unwrap();
            }
        })
    };
    let (mut as_alice, mut refused) = (0, 0);
    for _ in 0..1000 {
        let out = env.std_command(&["whoami"]).output().unwrap();
        match (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).as_ref(),
        ) {
            (Some(0), "alice\n") => as_alice += 1,
            (Some(4), "") => refused += 1,
            other => panic!("whoami answered {other:?}"),
        }
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    swapper.join().unwrap();
    // Both sides of the swap were seen: the test raced for real.
    assert!(as_alice > 0 && refused > 0, "{as_alice} / {refused}");
}

#[test]
fn a_token_file_planted_by_another_user_is_refused() {
    if !is_root() {
        eprintln!("skipped: planting a file as another user needs root");
        return;
    }
    let (env, bobs) = alice_here_and_bobs_token();
    // Bob's token, 0600, but owned by nobody: as root, we must not use it.
    fs::write(env.session_path(), &bobs).unwrap();
    chown(env.session_path(), Some(NOBODY), Some(NOBODY)).unwrap();
    assert_error(
        env.run(&["whoami"], ""),
        4,
        "is owned by uid 65534, not by you",
    );
}

#[test]
fn a_fifo_in_place_of_the_token_file_is_refused_at_once() {
    let (env, _) = alice_here_and_bobs_token();
    fs::remove_file(env.session_path()).unwrap();
    let made = std::process::Command::new("mkfifo")
        .arg(env.session_path())
        .status()
        .unwrap();
    assert!(made.success());
    let started = std::time::Instant::now();
    let run = env
        .cmd()
        .arg("whoami")
        .timeout(Duration::from_secs(10))
        .assert();
    assert_error(run, 4, "is not a regular file");
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[test]
fn a_config_directory_others_may_write_or_someone_else_owns_is_refused() {
    let (env, _) = alice_here_and_bobs_token();
    let dir = env.config_dir();
    let shown = dir.display().to_string();
    fs::set_permissions(&dir, fs::Permissions::from_mode(0o777)).unwrap();
    let fix = format!("run `chmod 700 {shown}`");
    assert_error(env.run(&["whoami"], ""), 4, &fix);
    // A login is refused before the password is read, and opens nothing.
    let sessions = env.db().count("SELECT count(*) FROM sessions");
    assert_error(env.login_attempt("alice", PW), 4, &fix);
    assert_eq!(env.db().count("SELECT count(*) FROM sessions"), sessions);
    fs::set_permissions(&dir, fs::Permissions::from_mode(0o720)).unwrap();
    assert_error(env.run(&["whoami"], ""), 4, "writable by group or others");
    fs::set_permissions(&dir, fs::Permissions::from_mode(0o700)).unwrap();
    env.run(&["whoami"], "").success().stdout("alice\n");
    if is_root() {
        chown(&dir, Some(NOBODY), Some(NOBODY)).unwrap();
        assert_error(
            env.run(&["whoami"], ""),
            4,
            "is owned by uid 65534, not by you",
        );
    }
}

#[test]
fn another_process_of_the_same_user_cannot_read_ours_at_a_prompt() {
    // As root any process may read any other's memory; as nobody (or as
    // ourselves when not root) only a dumpable one.
    let env = TestEnv::sqlite();
    let owner = is_root().then_some(NOBODY);
    if let Some(uid) = owner {
        fs::set_permissions(env.dir.path(), fs::Permissions::from_mode(0o755)).unwrap();
        chown(env.dir.path(), Some(uid), Some(uid)).unwrap();
    }
    // A name no other test's process has, to find this one by.
    let name = format!("peek{}", std::process::id());
    let mut cmd = env.std_command(&["register", &name]);
    if let Some(uid) = owner {
        cmd.uid(uid).gid(uid);
    }
    let mut p = spawn_pty(cmd);
    p.exp_string("Password: ").unwrap();
    let pid = pid_running(&name);
    for file in ["mem", "environ"] {
        let path = format!("/proc/{pid}/{file}");
        let mut peek = std::process::Command::new("head");
        peek.args(["-c", "1", &path]);
        if let Some(uid) = owner {
            peek.uid(uid).gid(uid);
        }
        let out = peek.output().unwrap();
        assert!(!out.status.success(), "{path} was readable");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("Permission denied"), "{path}: {err}");
    }
    assert!(
        Path::new(&format!("/proc/{pid}")).exists(),
        "still at its prompt"
    );
    p.send_control('c').unwrap();
    p.exp_eof().unwrap();
}

/// The process whose command line has the argument `arg` (which names it
/// alone); its command line is public, unlike its memory.
fn pid_running(arg: &str) -> u32 {
    fs::read_dir("/proc")
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .find(|pid| {
            let cmdline = fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
            cmdline.split(|b| *b == 0).any(|a| a == arg.as_bytes())
        })
        .unwrap_or_else(|| panic!("no process with argument {arg}"))
}
