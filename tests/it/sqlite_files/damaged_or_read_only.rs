//! Bad database files: truncated, corrupt, read-only (file or directory).
//! Nothing is lost or changed, and every error names what went wrong.

use crate::common::*;
use assert_cmd::Command;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

/// Gives the whole test directory to `nobody` when running as root.
fn chown_tree(path: &Path) {
    std::os::unix::fs::chown(path, Some(NOBODY), Some(NOBODY)).unwrap();
    if path.is_dir() {
        for entry in fs::read_dir(path).unwrap() {
            chown_tree(&entry.unwrap().path());
        }
    }
}

/// A command that file permissions apply to: as `nobody` when the tests
/// run as root (the directory is handed over first), else as ourselves.
fn unprivileged(env: &TestEnv, args: &[&str]) -> Command {
    let mut std_cmd = env.std_command(args);
    if is_root() {
        use std::os::unix::process::CommandExt;
        chown_tree(env.dir.path());
        std_cmd.uid(NOBODY).gid(NOBODY);
    }
    Command::from_std(std_cmd)
}

/// Moves every session's last use ten minutes back.
fn age_sessions(env: &TestEnv) {
    env.db()
        .execute("UPDATE sessions SET last_used_at = last_used_at - 600");
}

fn set_mode(path: &Path, mode: u32) {
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap();
}

/// A read, a listing and a write on `env`'s database: each exit 10.
fn assert_reads_and_writes_are_unusable(env: &TestEnv) {
    for args in [
        &["whoami"][..],
        &["list"],
        &["register", "carol", "--password-stdin"],
    ] {
        assert_error(env.run(args, &format!("{PW}\n")), 10, "not usable");
    }
}

#[test]
fn a_truncated_database_is_exit_10_and_left_as_it_was() {
    let env = TestEnv::with_admin_and_bob_logged_in(TestEnv::sqlite());
    let full = fs::read(env.db_path()).unwrap();
    fs::write(env.db_path(), &full[..full.len() / 3]).unwrap();
    let before = fs::read(env.db_path()).unwrap();
    assert_reads_and_writes_are_unusable(&env);
    assert_eq!(fs::read(env.db_path()).unwrap(), before);
}

#[test]
fn a_database_with_damaged_pages_is_exit_10_and_left_as_it_was() {
    let env = TestEnv::with_admin_and_bob_logged_in(TestEnv::sqlite());
    let mut bytes = fs::read(env.db_path()).unwrap();
    let page = usize::from(u16::from_be_bytes([bytes[16], bytes[17]]));
    assert!(bytes.len() > page, "more than one page");
    // The header page (and so the schema) stays whole; every table page
    // after it is overwritten, as a bad disk block would leave it.
    for (i, b) in bytes[page..].iter_mut().enumerate() {
        *b = (i % 251) as u8;
    }
    fs::write(env.db_path(), &bytes).unwrap();
    assert_reads_and_writes_are_unusable(&env);
    assert_eq!(fs::read(env.db_path()).unwrap(), bytes);
}

#[test]
fn a_read_only_database_file_still_reads_and_refuses_writes_naming_it() {
    let env = TestEnv::with_admin_and_bob_logged_in(TestEnv::sqlite());
    env.login("root", PW);
    // A session last used a while ago: using it again would normally
    // record the use, which a read-only file cannot take.
    age_sessions(&env);
    set_mode(&env.db_path(), 0o444);
    let before = env.db().count("SELECT count(*) FROM users");
    unprivileged(&env, &["whoami"])
        .assert()
        .success()
        .stdout("root\n");
    let listed = unprivileged(&env, &["list"]).assert().success();
    assert!(stdout(&listed).contains("bob"));
    let write = unprivileged(&env, &["register", "carol", "--password-stdin"])
        .write_stdin(format!("{PW}\n"))
        .assert();
    let path = env.db_path().display().to_string();
    let err = stderr(&assert_error(write, 1, "the database is read-only"));
    assert!(err.contains(&format!("cannot write to {path}")), "{err}");
    assert!(
        !err.contains("attempt to write"),
        "no raw SQLite text: {err}"
    );
    assert_eq!(env.db().count("SELECT count(*) FROM users"), before);
}

#[test]
fn a_read_only_directory_still_reads_and_refuses_writes_naming_the_file() {
    let env = TestEnv::with_admin_and_bob_logged_in(TestEnv::sqlite());
    // Leave the WAL side files in place, as any earlier use does.
    env.run(&["whoami"], "").success();
    age_sessions(&env);
    let dir = env.db_path().parent().unwrap().to_path_buf();
    // Made before the modes change: as root it hands the tree to nobody.
    let mut whoami = unprivileged(&env, &["whoami"]);
    set_mode(&dir, 0o555);
    set_mode(&env.db_path(), 0o444);
    whoami.assert().success().stdout("bob\n");
    let write = unprivileged(&env, &["logout"]).assert();
    let err = stderr(&write.code(1));
    assert!(err.starts_with("authctl: "), "{err}");
    assert!(err.contains(&env.db_path().display().to_string()), "{err}");
    set_mode(&dir, 0o755);
}
