//! The session token file cannot be raced, planted or made to hang us, the
//! config directory holding it must be the user's alone.

use crate::common::*;
use std::fs;
use std::os::unix::fs::{PermissionsExt, chown};
use std::time::Duration;

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
