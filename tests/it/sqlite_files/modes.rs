//! An existing database file with loose modes (made under umask 022, say)
//! is made private on open when it is ours, and refused when it is someone
//! else's and readable by others.

use crate::common::*;
use std::fs;
use std::os::unix::fs::PermissionsExt;

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
fn a_database_in_a_setgid_directory_is_shared_with_that_group_only() {
    if !is_root() {
        eprintln!("skipped: a group member who is not the owner needs root to make");
        return;
    }
    use std::os::unix::process::CommandExt;
    let env = TestEnv::sqlite();
    // nobody may pass through the test directory to the shared one.
    fs::set_permissions(env.dir.path(), fs::Permissions::from_mode(0o711)).unwrap();
    let dir = env.dir.path().join("shared");
    fs::create_dir(&dir).unwrap();
    std::os::unix::fs::chown(&dir, Some(0), Some(NOBODY)).unwrap();
    fs::set_permissions(&dir, fs::Permissions::from_mode(0o2770)).unwrap();
    let db = dir.join("users.db");
    let db_arg = db.display().to_string();
    env.run(
        &["--db", &db_arg, "register", "alice", "--password-stdin"],
        &format!("{PW}\n"),
    )
    .success();
    let owner_verifies = || {
        env.run(
            &["--db", &db_arg, "verify", "alice", "--password-stdin"],
            &format!("{PW}\n"),
        )
        .success();
    };
    // Created private, in the directory's group; the admin opens it up.
    assert_eq!(mode(&db), 0o600);
    fs::set_permissions(&db, fs::Permissions::from_mode(0o664)).unwrap();
    // As a member of the group (nobody, with nogroup and no other group),
    // through `authctl pam` as a service's PAM stack would run it.
    let as_member = |stdin: &str| {
        let mut cmd = std::process::Command::new(BIN);
        cmd.env_clear()
            .env("PAM_TYPE", "auth")
            .env("PAM_USER", "alice")
            .args(["--db", &db_arg, "pam", "auth"])
            .uid(NOBODY)
            .gid(NOBODY)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        let mut child = cmd.spawn().unwrap();
        use std::io::Write;
        child
            .stdin
            .take()
            .unwrap()
            .write_all(stdin.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    };
    // Readable by others: refused to the member, and the owner takes
    // "other" away (keeping the group's read and write).
    let refused = as_member(PW);
    assert_eq!(refused.status.code(), Some(10));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("readable by group or others"));
    owner_verifies();
    assert_eq!(mode(&db), 0o660);
    let member = as_member(PW);
    assert!(
        member.status.success(),
        "{}",
        String::from_utf8_lossy(&member.stderr)
    );
    assert_eq!(as_member(PW2).status.code(), Some(3));
    // The owner's later commands leave the sharing as it is, side files too.
    owner_verifies();
    for entry in fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        assert_eq!(mode(&path) & 0o007, 0, "{}", path.display());
    }
    assert_eq!(mode(&db), 0o660);
    // Without the setgid bit the directory shares nothing: the owner's
    // next open makes the file private again, and the member is refused.
    fs::set_permissions(&dir, fs::Permissions::from_mode(0o770)).unwrap();
    owner_verifies();
    assert_eq!(mode(&db), 0o600);
    let refused = as_member(PW);
    assert_eq!(
        refused.status.code(),
        Some(10),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );
}
