//! The command line itself: help, version, usage errors, completions.

use crate::common::*;

#[test]
fn help_documents_every_command_and_the_exit_codes() {
    let env = TestEnv::new();
    let a = env.run(&["--help"], "").success();
    let out = stdout(&a);
    for cmd in [
        "register",
        "login",
        "logout",
        "whoami",
        "passwd",
        "show",
        "list",
        "update",
        "delete",
        "completions",
    ] {
        assert!(out.contains(cmd), "{cmd} missing from help");
    }
    assert!(out.contains("Exit codes:"));
    assert!(out.contains("11 input rejected"));
    assert!(out.contains("AUTHCTL_DB") && out.contains("AUTHCTL_CONFIG_DIR"));
    env.run(&["--version"], "")
        .success()
        .stdout(predicates::str::starts_with("authctl "));
}

#[test]
fn usage_errors_are_one_line_and_exit_2() {
    let env = TestEnv::new();
    assert_error(
        env.run(&["--bogus"], ""),
        2,
        "unexpected argument '--bogus'",
    );
    assert_error(env.run(&[], ""), 2, "subcommand");
    assert_error(env.run(&["frobnicate"], ""), 2, "unrecognized subcommand");
    assert_error(env.run(&["register"], ""), 2, "required");
    // A password is never an argument.
    assert_error(
        env.run(&["login", "alice", "--password", "x"], ""),
        2,
        "unexpected argument",
    );
    assert!(!env.db_path().exists(), "usage errors touch nothing");
}

#[test]
fn committed_completions_are_up_to_date() {
    let env = TestEnv::new();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("completions");
    for (shell, file) in [
        ("bash", "authctl.bash"),
        ("zsh", "_authctl"),
        ("fish", "authctl.fish"),
    ] {
        let generated = stdout(&env.run(&["completions", shell], "").success());
        let committed = std::fs::read_to_string(root.join(file)).unwrap_or_default();
        assert!(
            generated == committed,
            "completions/{file} is out of date; regenerate with: cargo run -- completions {shell} > completions/{file}"
        );
    }
    for shell in ["elvish", "powershell"] {
        assert!(!stdout(&env.run(&["completions", shell], "").success()).is_empty());
    }
    assert_error(env.run(&["completions", "tcsh"], ""), 2, "invalid value");
}

#[test]
fn a_closed_stdout_is_a_quiet_success_not_a_panic() {
    // A reader that has already gone, like `authctl completions bash | true`.
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let out = std::process::Command::new(BIN)
        .args(["completions", "bash"])
        .stdout(writer)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
}
