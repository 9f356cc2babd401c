//! An existing database file with loose modes (made under umask 022, say)
//! is made private on open when it is ours, and refused when it is someone
//! else's and readable by others.

use crate::common::*;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;

/// `sh -c SCRIPT` in the test directory with `authctl` as `$A` and umask
/// 022 already set, as in a shell of a user who never changed it.
fn under_umask_022(env: &TestEnv, script: &str) -> std::process::Output {
    let mut sh = std::process::Command::new("sh");
    sh.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap());
    for (k, v) in env.env_pairs() {
        sh.env(k, v);
    }
    sh.env("A", BIN)
        .args(["-c", &format!("umask 022; {script}")])
        .current_dir(env.dir.path());
    sh.output().unwrap()
}

#[test]
fn a_loose_database_file_of_ours_is_made_private_on_open() {
    let env = TestEnv::sqlite();
    let pw = format!("{PW}\n");
    fs::write(env.dir.path().join("pw"), &pw).unwrap();
    // `touch` under umask 022 makes it 0644; authctl then fills it.
    let out = under_umask_022(
        &env,
        "touch users.db && \"$A\" --db users.db register alice --password-stdin < pw",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let db = env.dir.path().join("users.db");
    assert_eq!(mode(&db), 0o600);
    // Side files too, and through a symbolic link (the target is changed).
    for side in ["users.db-wal", "users.db-shm"] {
        let side = env.dir.path().join(side);
        if side.exists() {
            fs::set_permissions(&side, fs::Permissions::from_mode(0o644)).unwrap();
        }
    }
    fs::set_permissions(&db, fs::Permissions::from_mode(0o644)).unwrap();
    std::os::unix::fs::symlink(&db, env.dir.path().join("link.db")).unwrap();
    let out = under_umask_022(
        &env,
        "\"$A\" --db link.db verify alice --password-stdin < pw",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for entry in fs::read_dir(env.dir.path()).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name.starts_with("users.db") {
            assert_eq!(mode(&path), 0o600, "{name}");
        }
    }
}

#[test]
fn someone_elses_database_file_that_others_may_read_is_refused() {
    if !is_root() {
        eprintln!("skipped: a file owned by another user needs root to make");
        return;
    }
    let env = TestEnv::sqlite();
    env.register("alice", PW);
    let db = env.db_path();
    std::os::unix::fs::chown(&db, Some(NOBODY), Some(NOBODY)).unwrap();
    fs::set_permissions(&db, fs::Permissions::from_mode(0o644)).unwrap();
    let shown = db.display().to_string();
    assert_error(
        env.run(&["verify", "alice", "--password-stdin"], &format!("{PW}\n")),
        10,
        &format!("its owner (uid 65534) should run `chmod 600 {shown}`"),
    );
    assert_eq!(mode(&db), 0o644, "someone else's file is left as it is");
}

#[test]
fn a_side_file_that_is_a_link_is_refused_and_its_target_left_alone() {
    let env = TestEnv::sqlite();
    env.register("alice", PW);
    let target = env.dir.path().join("someone-elses-file");
    fs::write(&target, "not ours to change").unwrap();
    fs::set_permissions(&target, fs::Permissions::from_mode(0o644)).unwrap();
    let wal = PathBuf::from(format!("{}-wal", env.db_path().display()));
    let _ = fs::remove_file(&wal);
    std::os::unix::fs::symlink(&target, &wal).unwrap();
    assert_error(
        env.run(&["verify", "alice", "--password-stdin"], &format!("{PW}\n")),
        10,
        "is not a regular file of its own",
    );
    assert_eq!(mode(&target), 0o644, "the link's target is untouched");
    assert_eq!(fs::read_to_string(&target).unwrap(), "not ours to change");
    // A hard link is refused too.
    fs::remove_file(&wal).unwrap();
    fs::hard_link(&target, &wal).unwrap();
    assert_error(
        env.run(&["verify", "alice", "--password-stdin"], &format!("{PW}\n")),
        10,
        "is not a regular file of its own",
    );
    assert_eq!(mode(&target), 0o644);
    fs::remove_file(&wal).unwrap();
    env.run(&["verify", "alice", "--password-stdin"], &format!("{PW}\n"))
        .success();
}
