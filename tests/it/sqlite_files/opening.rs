//! The database file: where it lives, its modes, and files we must refuse untouched.

use super::sqlite_file;
use crate::common::*;
use std::fs;

#[test]
fn created_on_first_use_with_private_modes() {
    let env = TestEnv::sqlite();
    env.register("alice", PW);
    assert_eq!(mode(&env.db_path()), 0o600);
    assert_eq!(mode(env.db_path().parent().unwrap()), 0o700);
    let journal: String = sqlite_file(&env)
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(journal, "wal");
    let version: i64 = sqlite_file(&env)
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, 5);
}

#[test]
fn db_flag_beats_the_environment_and_defaults_follow_xdg() {
    let env = TestEnv::sqlite();
    let flagged = env.dir.path().join("flag/x.db");
    env.cmd()
        .args([
            "--db",
            flagged.to_str().unwrap(),
            "register",
            "alice",
            "--password-stdin",
        ])
        .write_stdin(format!("{PW}\n"))
        .assert()
        .success();
    assert!(flagged.exists());
    assert!(!env.db_path().exists());
    // With neither flag nor variable: the XDG data directory.
    env.cmd()
        .env_remove("AUTHCTL_DB")
        .env_remove("AUTHCTL_CONFIG_DIR")
        .args(["register", "bob", "--password-stdin"])
        .write_stdin(format!("{PW}\n"))
        .assert()
        .success();
    let home = env.dir.path().join("home");
    assert!(home.join(".local/share/authctl/users.db").exists());
    env.cmd()
        .env_remove("AUTHCTL_DB")
        .env_remove("AUTHCTL_CONFIG_DIR")
        .args(["login", "bob", "--password-stdin"])
        .write_stdin(format!("{PW}\n"))
        .assert()
        .success();
    assert_eq!(mode(&home.join(".config/authctl/session")), 0o600);
}

#[test]
fn a_file_that_is_not_sqlite_is_exit_10_and_left_untouched() {
    let env = TestEnv::sqlite();
    fs::create_dir_all(env.db_path().parent().unwrap()).unwrap();
    let garbage = b"this is not a database, it is a grocery list\n".repeat(100);
    fs::write(env.db_path(), &garbage).unwrap();
    for args in [&["whoami"][..], &["register", "alice", "--password-stdin"]] {
        assert_error(env.run(args, &format!("{PW}\n")), 10, "users.db");
    }
    assert_eq!(fs::read(env.db_path()).unwrap(), garbage);
    let names: Vec<_> = fs::read_dir(env.db_path().parent().unwrap())
        .unwrap()
        .collect();
    assert_eq!(names.len(), 1, "no -wal or -shm files created");
}

#[test]
fn a_foreign_sqlite_database_is_exit_10_and_left_untouched() {
    // With no schema version, and with one that claims to be ours.
    for version in [0, 1] {
        let env = TestEnv::sqlite();
        fs::create_dir_all(env.db_path().parent().unwrap()).unwrap();
        sqlite_file(&env)
            .execute_batch(&format!(
                "CREATE TABLE invoices (id INTEGER); INSERT INTO invoices VALUES (1);
                 PRAGMA user_version = {version};"
            ))
            .unwrap();
        let before = fs::read(env.db_path()).unwrap();
        for args in [&["whoami"][..], &["register", "alice", "--password-stdin"]] {
            assert_error(
                env.run(args, &format!("{PW}\n")),
                10,
                "not an authctl database",
            );
        }
        assert_eq!(
            fs::read(env.db_path()).unwrap(),
            before,
            "version {version}"
        );
    }
}

#[test]
fn a_database_path_that_is_a_directory_is_an_unexpected_error_exit_1() {
    let env = TestEnv::sqlite();
    fs::create_dir_all(env.db_path()).unwrap();
    let out = env.run(
        &["register", "alice", "--password-stdin"],
        &format!("{PW}\n"),
    );
    let out = out.code(1).stdout("").get_output().clone();
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.starts_with("authctl: "), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(fs::read_dir(env.db_path()).unwrap().next().is_none());
}

#[test]
fn an_os_error_is_said_once() {
    let env = TestEnv::sqlite();
    // A file where the database's folder should be.
    fs::write(env.dir.path().join("plain"), "").unwrap();
    let db = env.dir.path().join("plain/sub/users.db");
    let out = env.run(
        &[
            "--db",
            db.to_str().unwrap(),
            "register",
            "alice",
            "--password-stdin",
        ],
        &format!("{PW}\n"),
    );
    let err = stderr(&assert_error(out, 1, "not a directory (os error 20)"));
    assert_eq!(err.matches("os error").count(), 1, "{err}");
    let folder = env.dir.path().join("plain/sub");
    let tail = format!(
        "cannot create directory {}: Not a directory (os error 20)\n",
        folder.display()
    );
    assert!(err.ends_with(&tail), "{err}");
}

#[test]
fn a_newer_schema_is_exit_10_naming_both_versions() {
    let env = TestEnv::sqlite();
    env.register("alice", PW);
    sqlite_file(&env)
        .execute_batch("PRAGMA user_version = 7;")
        .unwrap();
    let before = fs::read(env.db_path()).unwrap();
    assert_error(
        env.run(&["whoami"], ""),
        10,
        "version 7 is newer than this authctl supports (version 5)",
    );
    assert_eq!(fs::read(env.db_path()).unwrap(), before);
}

#[test]
fn a_locked_database_is_exit_5_after_the_busy_timeout() {
    let env = TestEnv::sqlite();
    env.register("alice", PW);
    let conn = sqlite_file(&env);
    conn.execute_batch("BEGIN IMMEDIATE; UPDATE users SET name = 'held';")
        .unwrap();
    assert_error(
        env.run(&["register", "bob", "--password-stdin"], &format!("{PW}\n")),
        5,
        "busy",
    );
    conn.execute_batch("ROLLBACK").unwrap();
    env.register("bob", PW);
}
