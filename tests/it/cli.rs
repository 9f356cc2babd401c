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
    assert!(out.contains("11  input rejected"));
    assert!(out.contains("130 cancelled at a prompt"));
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
fn a_usage_error_keeps_clap_s_tip_on_its_one_line() {
    let env = TestEnv::new();
    for (args, line) in [
        (
            &["lsit"][..],
            "unrecognized subcommand 'lsit' (did you mean 'list'?)",
        ),
        (
            &["login", "alice", "--pasword-stdin"],
            "unexpected argument '--pasword-stdin' found (did you mean '--password-stdin'?)",
        ),
        (
            &["register", "x", "--role", "admn"],
            "invalid value 'admn' for '--role <ROLE>' [possible values: admin, user] (did you mean 'admin'?)",
        ),
        // Without a tip, the pointer to the help stays.
        (
            &["frobnicate"],
            "unrecognized subcommand 'frobnicate' (see `authctl --help`)",
        ),
    ] {
        let out = assert_error(env.run(args, ""), 2, "");
        assert_eq!(stderr(&out), format!("authctl: {line}\n"), "{args:?}");
    }
}

#[test]
fn every_subcommand_s_help_puts_the_global_options_under_their_own_heading() {
    let env = TestEnv::new();
    let top = stdout(&env.run(&["--help"], "").success());
    let (_, commands) = top.split_once("\nCommands:\n").expect("a command list");
    let mut paths: Vec<Vec<&str>> = commands
        .lines()
        .take_while(|l| !l.trim().is_empty())
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .map(|c| vec![c])
        .collect();
    paths.extend([
        vec!["sessions", "revoke"],
        vec!["2fa", "status"],
        vec!["config", "set"],
        vec!["db", "copy"],
    ]);
    assert!(paths.len() > 20, "{top}");
    paths.push(vec![]);
    for path in paths {
        let mut args = path.clone();
        args.push("--help");
        let help = stdout(&env.run(&args, "").success());
        let (before, global) = help
            .split_once("\nGlobal options:\n")
            .unwrap_or_else(|| panic!("no Global options heading in {path:?}:\n{help}"));
        for option in ["--db <PATH>", "--config-dir <DIR>", "--json"] {
            assert!(
                global.contains(option),
                "{path:?}: {option} not under its heading"
            );
            assert!(
                !before.contains(option),
                "{path:?}: {option} listed before its heading"
            );
        }
    }
}

#[test]
fn a_rejected_value_is_echoed_at_most_60_characters() {
    let env = TestEnv::new();
    env.register("alice", PW);
    env.login("alice", PW);
    let long = "x".repeat(200);
    let shown = format!("{}…", "x".repeat(59));
    for (args, code) in [
        (vec!["register", &long, "--password-stdin"], 11),
        (vec!["update", "--email", &long], 11),
        (vec!["config", "set", "registration", &long], 11),
        (vec!["config", "set", "session.ttl", &long], 11),
        (
            vec!["login", "alice", "--password-stdin", "--ttl", &long],
            11,
        ),
        (vec!["config", "get", &long], 11),
        (vec!["sessions", "revoke", &long], 2),
        (vec![&long], 2),
        (vec!["list", "--sort", &long], 2),
    ] {
        let err = stderr(&assert_error(
            env.run(&args, &format!("{PW}\n")),
            code,
            &shown,
        ));
        assert!(!err.contains(&"x".repeat(60)), "{args:?}: {err}");
    }
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
fn committed_man_pages_are_up_to_date_and_one_prints_as_roff() {
    let env = TestEnv::new();
    let committed = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("man");
    let fresh = env.dir.path().join("pages/man1");
    env.run(&["man", "--out-dir", fresh.to_str().unwrap()], "")
        .success()
        .stdout("")
        .stderr("");
    let names = |dir: &std::path::Path| {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .map(|d| d.map(|e| e.unwrap().file_name().into_string().unwrap()))
            .into_iter()
            .flatten()
            .collect();
        names.sort();
        names
    };
    let pages = names(&fresh);
    let stale = "man/ is out of date; regenerate with: cargo run -- man --out-dir man";
    assert_eq!(pages, names(&committed), "{stale}");
    for page in [
        "authctl.1",
        "authctl-list.1",
        "authctl-db-status.1",
        "authctl-man.1",
    ] {
        assert!(pages.iter().any(|p| p == page), "{page} missing");
    }
    for page in &pages {
        let generated = std::fs::read(fresh.join(page)).unwrap();
        assert!(
            generated == std::fs::read(committed.join(page)).unwrap(),
            "{page}: {stale}"
        );
        // Documentation anyone may read, whatever authctl's own umask.
        assert_eq!(mode(&fresh.join(page)), 0o644, "{page}");
    }
    assert_eq!(mode(&fresh), 0o755);
    // One page to stdout, as roff for `man -l -`; a subcommand's by its path.
    let root_page = stdout(&env.run(&["man"], "").success());
    assert!(root_page.starts_with(".ie \\n(.g"), "{root_page}");
    assert!(root_page.contains(".SH NAME") && root_page.contains("Exit codes:"));
    let status = stdout(&env.run(&["man", "db", "status"], "").success());
    assert_eq!(
        status,
        std::fs::read_to_string(committed.join("authctl-db-status.1")).unwrap()
    );
    assert_error(
        env.run(&["man", "lsit"], ""),
        2,
        "no manual page for `authctl lsit`",
    );
    assert!(!env.db_path().exists(), "man touches no database");
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

#[test]
fn the_readme_lists_the_exit_codes_help_prints() {
    let env = TestEnv::new();
    let printed = help_exit_codes(&stdout(&env.run(&["--help"], "").success()));
    let readme = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
    let documented = readme_exit_codes(&std::fs::read_to_string(readme).unwrap());
    let codes: Vec<u8> = printed.iter().map(|(code, _)| *code).collect();
    // 0 to 11 in order, then 130 (a cancelled prompt, as a shell reports Ctrl-C).
    let expected: Vec<u8> = (0..=11).chain([130]).collect();
    assert_eq!(codes, expected, "every code once, in order: {printed:?}");
    assert_eq!(
        documented, printed,
        "README.md's exit-code table differs from `authctl --help`'s"
    );
}

/// The table after "Exit codes:" in `help`: each `  CODE MEANING` line,
/// with a meaning's wrapped continuation lines joined back on.
fn help_exit_codes(help: &str) -> Vec<(u8, String)> {
    let (_, section) = help
        .split_once("\nExit codes:\n")
        .expect("an exit-code section");
    let mut table: Vec<(u8, String)> = Vec::new();
    for line in section.lines().take_while(|l| !l.trim().is_empty()) {
        let row = line
            .strip_prefix("  ")
            .filter(|r| r.starts_with(|c: char| c.is_ascii_digit()));
        match row.and_then(|r| r.split_once(' ')) {
            Some((code, meaning)) => {
                table.push((code.parse().expect(line), meaning.trim().to_string()));
            }
            None => {
                let (_, meaning) = table.last_mut().expect("a code before its continuation");
                meaning.push(' ');
                meaning.push_str(line.trim());
            }
        }
    }
    table
}

/// The `| code | meaning |` table under "## Exit codes" in the README.
fn readme_exit_codes(readme: &str) -> Vec<(u8, String)> {
    let (_, section) = readme
        .split_once("\n## Exit codes\n")
        .expect("an exit-code section");
    section
        .lines()
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .skip(2) // the header and the line under it
        .map(|row| {
            let cells: Vec<&str> = row
                .trim()
                .trim_matches('|')
                .split('|')
                .map(str::trim)
                .collect();
            let [code, meaning] = cells[..] else {
                panic!("not a two-column row: {row}");
            };
            (code.parse().expect(row), meaning.to_string())
        })
        .collect()
}

/// The loader opens libc.so.6 and nothing else: the unwinder is linked in
/// from libgcc_eh and `log`, `log10` and `pow` come from the libm crate
/// (src/main.rs, src/math.rs), so neither libgcc_s.so.1 nor libm.so.6 is
/// opened, mapped and relocated at every start.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[test]
fn the_binary_loads_only_libc() {
    let env = TestEnv::new();
    let a = env
        .cmd()
        .arg("--version")
        .env("LD_DEBUG", "libs")
        .assert()
        .success();
    let trace = String::from_utf8_lossy(&a.get_output().stderr).into_owned();
    // One `find library=NAME [0]; searching` line per library looked for.
    let found: Vec<&str> = trace
        .split("find library=")
        .skip(1)
        .filter_map(|rest| rest.split_whitespace().next())
        .collect();
    assert_eq!(found, ["libc.so.6"], "LD_DEBUG=libs said: {trace}");
}
