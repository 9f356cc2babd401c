//! Secret and session hygiene: idle sessions, token rotation on a password
//! change, bidi-safe names, and the process's umask and core-dump limit.

use crate::common::*;
use std::fs;
use std::os::unix::fs::{PermissionsExt, chown};
use std::os::unix::process::CommandExt;

#[test]
fn an_idle_session_ends_after_12_hours_and_each_use_keeps_it_alive() {
    let env = TestEnv::new();
    env.register("alice", PW);
    env.login("alice", PW);
    let set_last_used = |secs_ago: i64| {
        env.db().execute(&format!(
            "UPDATE sessions SET last_used_at = {}",
            unix_now() - secs_ago
        ));
    };
    set_last_used(11 * 3600);
    env.run(&["whoami"], "").success().stdout("alice\n");
    let last_used = env.db().count("SELECT last_used_at FROM sessions");
    assert!(unix_now() - last_used < 60, "use refreshed last_used_at");
    set_last_used(12 * 3600 + 1);
    assert_error(env.run(&["whoami"], ""), 4, "after 12h without use");
    let shown = stdout(&env.run(&["--json", "list"], "").code(4));
    assert_eq!(shown, "");
}

#[test]
fn passwd_rotates_the_callers_token_and_revokes_every_other_session() {
    let env = TestEnv::new();
    env.register("alice", PW);
    env.login_on_device("laptop", "alice", PW);
    env.login("alice", PW);
    let old = env.session_token();
    env.run(&["passwd", "--password-stdin"], &format!("{PW}\n{PW2}\n"))
        .success();
    let new = env.session_token();
    assert_ne!(old, new, "the token file holds a new token");
    assert_eq!(mode(&env.session_path()), 0o600);
    env.run(&["whoami"], "").success().stdout("alice\n");
    // The old token, replayed from a copy, is dead; so is the laptop.
    let stolen = env.dir.path().join("stolen");
    fs::create_dir(&stolen).unwrap();
    fs::write(stolen.join("session"), &old).unwrap();
    fs::set_permissions(stolen.join("session"), fs::Permissions::from_mode(0o600)).unwrap();
    assert_error(
        env.on_device("stolen").arg("whoami").assert(),
        4,
        "no longer valid",
    );
    assert_error(
        env.on_device("laptop").arg("whoami").assert(),
        4,
        "no longer valid",
    );
    assert_eq!(env.db().count("SELECT count(*) FROM sessions"), 1);
}

/// Names that would print as something else, or look like "Eve".
const LOOKALIKES: [&str; 12] = [
    "Eve\u{202E}gnp.exe",   // right-to-left override
    "Eve\u{2066}x\u{2069}", // isolate
    "Eve\u{85}",            // C1 control
    "Eve\u{7}",             // bell
    "E\u{200B}ve",          // zero-width space
    "E\u{200D}ve",          // zero-width joiner
    "\u{FEFF}Eve",          // byte-order mark
    "Eve\u{200E}",          // left-to-right mark
    "Eve\u{61C}",           // Arabic letter mark
    "Eve\u{E0041}",         // tag character
    "Eve\u{3164}",          // Hangul filler
    "Eve\u{FFA0}",          // halfwidth Hangul filler
];

#[test]
fn control_direction_and_invisible_characters_are_refused() {
    let env = TestEnv::new();
    for bad in LOOKALIKES {
        assert_error(
            env.run(
                &["register", "eve", "--password-stdin", "--name", bad],
                &format!("{PW}\n"),
            ),
            11,
            "name",
        );
    }
    assert_eq!(env.db().count("SELECT count(*) FROM users"), 0);
    env.register("eve", PW);
    env.login("eve", PW);
    assert_error(env.run(&["update", "--name", "a\u{202D}b"], ""), 11, "name");
    for bad in LOOKALIKES {
        let email = format!("{bad}@example.org").replace(' ', "");
        assert_error(env.run(&["update", "--email", &email], ""), 11, "email");
    }
    assert_error(
        env.run(&["update", "--name", "E\u{200B}ve"], ""),
        11,
        "invisible characters (such as U+200B)",
    );
    env.run(&["update", "--name", "Ève Ålund 李 ❤️"], "")
        .success();
    assert_eq!(
        env.db().user_opt_text("name", "eve").unwrap(),
        "Ève Ålund 李 ❤️"
    );
}

#[test]
fn stored_bidi_characters_are_escaped_when_printed() {
    let env = TestEnv::new();
    env.register("eve", PW);
    env.login("eve", PW);
    // Only a direct edit (or an older version) can store this.
    env.db()
        .execute("UPDATE users SET name = 'Eve\u{202E}gnp.exe'");
    for args in [&["show"][..], &["list"]] {
        let out = stdout(&env.run(args, "").success());
        assert!(!out.contains('\u{202E}'), "{args:?}: {out:?}");
        assert!(out.contains("Eve\\u{202e}gnp.exe"), "{args:?}: {out}");
    }
    // JSON escapes it the JSON way: the raw bytes are safe, the value intact.
    for args in [&["--json", "show"][..], &["--json", "list"]] {
        let out = stdout(&env.run(args, "").success());
        assert!(!out.contains('\u{202E}'), "{args:?}: {out:?}");
        assert!(out.contains(r#""Eve\u202egnp.exe""#), "{args:?}: {out}");
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        let name = if v.is_array() {
            &v[0]["name"]
        } else {
            &v["name"]
        };
        assert_eq!(name, "Eve\u{202E}gnp.exe");
    }
    // An invisible one too: two names that would look alike do not.
    env.db().execute("UPDATE users SET name = 'E\u{200B}ve'");
    for args in [&["show"][..], &["list"]] {
        let out = stdout(&env.run(args, "").success());
        assert!(out.contains("E\\u{200b}ve"), "{args:?}: {out}");
    }
}

/// Finds the running authctl whose command line contains `marker`.
fn pid_of(marker: &str) -> u32 {
    for entry in fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let cmdline = fs::read(entry.path().join("cmdline")).unwrap_or_default();
        if String::from_utf8_lossy(&cmdline).contains(marker) {
            return pid;
        }
    }
    panic!("no process with {marker:?}");
}

#[test]
fn a_waiting_prompt_runs_with_umask_077_and_no_core_dumps() {
    let env = TestEnv::new();
    env.register("alice", PW);
    let marker = env.config_dir().join("marker-for-this-test");
    let marker = marker.to_str().unwrap();
    let mut p = env.pty(&["--config-dir", marker, "login", "alice"]);
    p.exp_string("Password: ").unwrap();
    let pid = pid_of(marker);
    let status = fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    assert!(status.contains("Umask:\t0077"), "{status}");
    let limits = fs::read_to_string(format!("/proc/{pid}/limits")).unwrap();
    let core = limits
        .lines()
        .find(|l| l.starts_with("Max core file size"))
        .unwrap();
    let fields: Vec<&str> = core.split_whitespace().collect();
    assert_eq!(&fields[4..6], ["0", "0"], "{core}");
    p.send_line(PW).unwrap();
    p.exp_eof().unwrap();
    assert_eq!(pty_exit_code(&p), 0);
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
    let pid = pid_of(&name);
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
        std::path::Path::new(&format!("/proc/{pid}")).exists(),
        "still at its prompt"
    );
    p.send_control('c').unwrap();
    p.exp_eof().unwrap();
}
