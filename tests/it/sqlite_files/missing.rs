//! No silent databases: only the commands that create accounts (and the
//! target of `db copy`) create a SQLite file; every other command on a
//! path with no database is exit 10 and leaves no file and no folder.

use crate::common::*;
use std::path::{Path, PathBuf};

/// The commands that may create the database, and those that need none.
const CREATORS_AND_NO_DATABASE: [&str; 5] = ["register", "import", "completions", "man", "help"];

/// Every command that needs an existing database, with arguments clap
/// accepts. `COPY_TARGET` stands for a path of the test's.
const NEED_A_DATABASE: &[&[&str]] = &[
    &["whoami"],
    &["login", "alice", "--password-stdin"],
    &["logout"],
    &["logout", "--all"],
    &["passwd", "--password-stdin"],
    &["passwd", "alice", "--password-stdin"],
    &["show"],
    &["show", "alice"],
    &["list"],
    &["update", "--email", "a@example.org"],
    &["delete", "alice", "--yes", "--password-stdin"],
    &["verify", "alice", "--password-stdin"],
    &["log"],
    &["role", "alice", "admin"],
    &["lock", "alice"],
    &["unlock", "alice"],
    &["export"],
    &["sessions"],
    &["sessions", "alice"],
    &["sessions", "revoke", "1"],
    &["sessions", "revoke", "--all"],
    &["2fa", "enable", "--password-stdin"],
    &["2fa", "disable", "--password-stdin"],
    &["2fa", "recovery-codes", "--password-stdin"],
    &["2fa", "status"],
    &["2fa", "reset", "alice"],
    &["config", "list"],
    &["config", "get", "session.ttl"],
    &["config", "set", "session.ttl", "1h"],
    &["db", "status"],
    &["db", "copy", "--to", "COPY_TARGET"],
    &["pam", "auth"],
    &["pam", "account"],
];

/// The top-level commands `authctl --help` lists.
fn listed_commands(env: &TestEnv) -> Vec<String> {
    let help = stdout(&env.run(&["--help"], "").success());
    let (_, commands) = help.split_once("\nCommands:\n").expect("a command list");
    commands
        .lines()
        .take_while(|l| !l.trim().is_empty())
        .filter_map(|l| l.split_whitespace().next().map(str::to_string))
        .collect()
}

/// Asserts that neither `path` nor its missing folders exist.
fn assert_nothing_created(path: &Path, below: &Path) {
    let mut at = Some(path);
    while let Some(p) = at.filter(|p| *p != below) {
        assert!(!p.exists(), "{} was created", p.display());
        at = p.parent();
    }
}

#[test]
fn every_command_but_the_creators_is_exit_10_on_a_missing_database_and_creates_nothing() {
    let env = TestEnv::sqlite();
    let listed = listed_commands(&env);
    for command in &listed {
        let covered = NEED_A_DATABASE
            .iter()
            .any(|args| args[0] == command.as_str());
        let exempt = CREATORS_AND_NO_DATABASE.contains(&command.as_str());
        assert!(covered || exempt, "`{command}` is not in the table");
    }
    let missing: PathBuf = env.dir.path().join("typo/nested/users.db");
    let copy_target = env.dir.path().join("copy/users.db");
    let expected = format!(
        "authctl: no account database at {} (`authctl register` creates one)\n",
        missing.display()
    );
    for args in NEED_A_DATABASE {
        let args: Vec<&str> = args
            .iter()
            .map(|a| match *a {
                "COPY_TARGET" => copy_target.to_str().unwrap(),
                other => other,
            })
            .collect();
        let mut argv = vec!["--db", missing.to_str().unwrap()];
        argv.extend(&args);
        // PAM_USER for `pam`, as pam_exec sets it (the others ignore it).
        let run = env
            .cmd()
            .env("PAM_USER", "alice")
            .args(&argv)
            .write_stdin(format!("{PW}\n{PW}\n"))
            .assert();
        let out = assert_error(run, 10, "");
        assert_eq!(stderr(&out), expected, "{args:?}");
        assert_nothing_created(&missing, env.dir.path());
        assert_nothing_created(&copy_target, env.dir.path());
    }
    assert!(!env.config_dir().exists(), "no session file was written");
}

#[test]
fn logout_without_a_database_keeps_the_session_file_for_the_right_one() {
    let env = TestEnv::sqlite();
    env.register("alice", PW);
    env.login("alice", PW);
    let token = env.session_token();
    let missing = env.dir.path().join("typo.db");
    assert_error(
        env.run(&["--db", missing.to_str().unwrap(), "logout"], ""),
        10,
        "no account database at",
    );
    assert!(!missing.exists());
    assert_eq!(env.session_token(), token);
    // With the right path the session is revoked and the file removed.
    env.run(&["logout"], "").success();
    assert!(!env.session_path().exists());
    assert_eq!(env.db().count("SELECT count(*) FROM sessions"), 0);
}

#[test]
fn a_fresh_machine_is_exit_10_at_the_default_path_until_the_first_register() {
    let env = TestEnv::sqlite();
    let home = env.dir.path().join("home");
    let default_db = home.join(".local/share/authctl/users.db");
    let mut cmd = env.cmd();
    cmd.env_remove("AUTHCTL_DB").arg("whoami");
    let out = assert_error(cmd.assert(), 10, "");
    assert_eq!(
        stderr(&out),
        format!(
            "authctl: no account database at {} (`authctl register` creates one)\n",
            default_db.display()
        )
    );
    assert_nothing_created(&default_db, env.dir.path());
    let mut cmd = env.cmd();
    cmd.env_remove("AUTHCTL_DB")
        .args(["register", "alice", "--password-stdin"])
        .write_stdin(format!("{PW}\n"));
    cmd.assert().success();
    assert!(default_db.exists());
}

#[test]
fn the_creators_create_the_file_and_its_folders() {
    let env = TestEnv::sqlite();
    let db = env.dir.path().join("new/place/users.db");
    let db_arg = db.to_str().unwrap();
    // Importing needs an admin session, which a new database cannot have;
    // it still opens (creates) the database before saying so.
    assert_error(
        env.run(&["--db", db_arg, "import", "--format", "csv"], ""),
        4,
        "not logged in",
    );
    assert!(db.exists());
    std::fs::remove_dir_all(env.dir.path().join("new")).unwrap();
    env.run(
        &["--db", db_arg, "register", "alice", "--password-stdin"],
        &format!("{PW}\n"),
    )
    .success();
    assert_eq!(mode(&db), 0o600);
    assert_eq!(mode(db.parent().unwrap()), 0o700);
}
