//! The README's shell examples, run as shown: each block is taken from the
//! README itself (so an edit that breaks one fails here) and run by `sh`
//! with the built `authctl` first on PATH, in a private home.

use crate::common::*;
use std::path::PathBuf;
use std::process::Command;

/// The `n`th (from 0) ```sh block of the README section headed `heading`.
fn readme_block(heading: &str, n: usize) -> String {
    readme_fenced(heading, "sh", n)
}

/// The `n`th (from 0) block fenced as ```LANG in the README section headed
/// `heading`.
pub fn readme_fenced(heading: &str, lang: &str, n: usize) -> String {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("README.md");
    let start = readme
        .find(&format!("\n{heading}\n"))
        .unwrap_or_else(|| panic!("no section {heading:?} in README.md"));
    let section = &readme[start + heading.len() + 2..];
    let section = section.split("\n## ").next().unwrap_or(section);
    let block = section
        .split(&format!("```{lang}\n"))
        .nth(n + 1)
        .unwrap_or_else(|| panic!("no {lang} block {n} under {heading:?}"));
    block.split("\n```").next().unwrap().to_string()
}

/// A directory holding `authctl` (the built binary), for PATH.
fn bin_dir(env: &TestEnv) -> PathBuf {
    let dir = env.dir.path().join("bin");
    std::fs::create_dir_all(&dir).unwrap();
    let link = dir.join("authctl");
    if !link.exists() {
        std::os::unix::fs::symlink(BIN, &link).unwrap();
    }
    dir
}

/// `sh -c SCRIPT` in the test environment, `authctl` first on PATH.
fn sh(env: &TestEnv, script: &str) -> Command {
    let mut cmd = Command::new("sh");
    cmd.env_clear();
    for (k, v) in env.env_pairs() {
        cmd.env(k, v);
    }
    let path = std::env::var("PATH").unwrap_or_default();
    cmd.env("PATH", format!("{}:{path}", bin_dir(env).display()));
    cmd.args(["-c", script]).current_dir(env.dir.path());
    cmd
}

/// Runs `cmd` to the end: its exit code, stdout and stderr.
fn run(mut cmd: Command) -> (i32, String, String) {
    let out = cmd.output().expect("sh");
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    (
        out.status.code().unwrap_or(-1),
        text(&out.stdout),
        text(&out.stderr),
    )
}

#[test]
fn quick_start_runs_as_shown_on_a_terminal() {
    let env = TestEnv::new();
    // The second line of the first block (the first installs authctl).
    let register = readme_block("## Quick start", 0);
    let register = register.lines().nth(1).unwrap();
    let script = format!("{register}\n{}", readme_block("## Quick start", 1));
    let mut shell = sh(&env, &script);
    shell.env("TERM", "xterm");
    let mut p = spawn_pty(shell);
    p.exp_string("Password: ").unwrap();
    p.send_line(PW).unwrap();
    p.exp_string("Confirm password: ").unwrap();
    p.send_line(PW).unwrap();
    p.exp_string("created account alice (admin)").unwrap();
    p.exp_string("Password: ").unwrap();
    p.send_line(PW).unwrap();
    p.exp_string("logged in as alice").unwrap();
    let rest = p.exp_eof().unwrap();
    assert_eq!(pty_exit_code(&p), 0, "{rest}");
    // whoami, then the list with alice in it.
    assert!(rest.contains("alice\r\n"), "{rest}");
    assert!(rest.contains("admin"), "{rest}");
}

#[test]
fn installing_completions_and_manual_pages_runs_as_shown() {
    let env = TestEnv::new();
    let home = env.dir.path().join("home");
    std::fs::create_dir_all(home.join(".config/fish/completions")).unwrap();
    // As on most desktops, ~/.local/bin is on PATH (man finds pages by it).
    std::fs::create_dir_all(home.join(".local/bin")).unwrap();
    let mut block = sh(&env, &readme_block("### Completions and manual pages", 0));
    let path = std::env::var("PATH").unwrap_or_default();
    let path = format!(
        "{}:{}/.local/bin:{path}",
        bin_dir(&env).display(),
        home.display()
    );
    block.env("PATH", path);
    let (code, out, err) = run(block);
    assert_eq!(code, 0, "{out}{err}");
    for file in [
        ".local/share/bash-completion/completions/authctl",
        ".zfunc/_authctl",
        ".config/fish/completions/authctl.fish",
        ".local/share/man/man1/authctl.1",
        ".local/share/man/man1/authctl-list.1",
    ] {
        let len = std::fs::metadata(home.join(file)).map_or(0, |m| m.len());
        assert!(len > 100, "{file} missing or empty");
    }
    // `man authctl-list` found the page where the block put it.
    assert!(out.contains("authctl-list"), "{out}");
}

#[test]
fn importing_and_exporting_run_as_shown() {
    let env = TestEnv::admin_and_bob_logged_in();
    env.login("root", PW);
    let hash = env.db().user_text("password_hash", "bob");
    std::fs::write(
        env.dir.path().join("users.htpasswd"),
        format!("carol:{hash}\n"),
    )
    .unwrap();
    let (code, out, err) = run(sh(&env, &readme_block("## Importing", 0)));
    assert_eq!(code, 0, "{out}{err}");
    // The dry run wrote nothing; the export is every account, hashes included.
    let backup = std::fs::read_to_string(env.dir.path().join("backup.jsonl")).unwrap();
    assert_eq!(backup.lines().count(), 2, "{backup}");
    assert!(backup.contains("$argon2id$"));
    assert_eq!(env.db().count("SELECT count(*) FROM users"), 2);
}

#[test]
fn the_script_example_runs_as_shown() {
    let env = TestEnv::new();
    env.register("root", PW);
    let mut script = sh(&env, &readme_block("## In a script", 0));
    script.env("NEW_PASSWORD", PW2);
    let (code, out, err) = run(script);
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(out, "created\nrunning as ci-bot\nci@example.org\n", "{err}");
    // Run again: the account exists (exit 9), and the script goes on.
    let mut again = sh(&env, &readme_block("## In a script", 0));
    again.env("NEW_PASSWORD", PW2);
    let (code, out, err) = run(again);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.starts_with("already exists\n"), "{out}");
}
