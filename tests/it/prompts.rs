//! Hidden prompts on a real pseudo-terminal: not echoed, confirmed, mismatches refused.

use crate::common::*;
use rexpect::session::PtySession;

/// Reads everything left and returns it with the exit code.
fn finish(mut p: PtySession) -> (String, i32) {
    let rest = p.exp_eof().expect("eof");
    (rest, pty_exit_code(&p))
}

/// Types `secret` at a hidden prompt and waits for `next`; nothing shown in
/// between may contain the secret.
fn type_hidden_then(p: &mut PtySession, secret: &str, next: &str) {
    p.send_line(secret).unwrap();
    let shown = p.exp_string(next).unwrap();
    assert!(!shown.contains(secret), "echoed before {next:?}: {shown:?}");
}

#[test]
fn register_prompts_twice_without_echo() {
    let env = TestEnv::new();
    let mut p = env.pty(&["register", "alice"]);
    p.exp_string("Password: ").unwrap();
    type_hidden_then(&mut p, PW, "Confirm password: ");
    p.send_line(PW).unwrap();
    let (rest, code) = finish(p);
    assert_eq!(code, 0, "{rest}");
    assert!(rest.contains("created account alice"), "{rest}");
    assert!(!rest.contains(PW), "password echoed: {rest:?}");
    env.login("alice", PW);
}

#[test]
fn a_mismatched_confirmation_asks_again_up_to_three_times() {
    let env = TestEnv::new();
    // A mismatch, then a match: the account is made with the password typed last.
    let mut p = env.pty(&["register", "alice"]);
    p.exp_string("Password: ").unwrap();
    type_hidden_then(&mut p, PW, "Confirm password: ");
    type_hidden_then(&mut p, PW2, "passwords do not match; try again");
    p.exp_string("Password: ").unwrap();
    type_hidden_then(&mut p, PW2, "Confirm password: ");
    p.send_line(PW2).unwrap();
    let (rest, code) = finish(p);
    assert_eq!(code, 0, "{rest}");
    env.login("alice", PW2);

    // Three mismatches: exit 11, nothing made.
    let mut p = env.pty(&["register", "bob"]);
    p.exp_string("Password: ").unwrap();
    for _ in 0..2 {
        type_hidden_then(&mut p, PW, "Confirm password: ");
        type_hidden_then(&mut p, PW2, "passwords do not match; try again");
        p.exp_string("Password: ").unwrap();
    }
    type_hidden_then(&mut p, PW, "Confirm password: ");
    p.send_line(PW2).unwrap();
    let (rest, code) = finish(p);
    assert_eq!(code, 11, "{rest}");
    assert!(
        rest.contains("authctl: passwords do not match; nothing was changed"),
        "{rest}"
    );
    assert!(!rest.contains("try again"), "{rest}");
    assert_eq!(env.db().count("SELECT count(*) FROM users"), 1);
}

/// Runs `authctl ARGS` on a pseudo-terminal through a shell that prints
/// the terminal's settings before and after it, to show they were put
/// back; returns the session and the settings before.
fn pty_then_stty(env: &TestEnv, args: &[&str]) -> (PtySession, String) {
    let mut sh = std::process::Command::new("sh");
    sh.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap());
    for (k, v) in env.env_pairs() {
        sh.env(k, v);
    }
    let script = format!(
        "stty -a; echo before; {BIN} {}; echo \"exit=$?\"; stty -a",
        args.join(" ")
    );
    sh.args(["-c", &script]).current_dir(env.dir.path());
    let mut p = spawn_pty(sh);
    let before = p.exp_string("before").expect("settings before");
    (p, before)
}

/// Reads to the end of a [`pty_then_stty`] run and asserts that authctl
/// said "cancelled" on a line of its own, exited 130, and left the
/// terminal's settings as it found them (echo, line editing, signals).
fn cancelled_and_terminal_restored((mut p, before): (PtySession, String)) {
    let rest = p.exp_eof().expect("eof");
    let (run, after) = rest.split_once("exit=130").expect("exit 130");
    assert!(run.contains("\nauthctl: cancelled\r\n"), "{run:?}");
    let words = |s: &str| s.split_whitespace().map(str::to_string).collect::<Vec<_>>();
    assert_eq!(words(&before), words(after), "terminal settings changed");
    assert!(words(after).contains(&"isig".to_string()));
}

#[test]
fn ctrl_c_or_ctrl_d_at_any_prompt_cancels_with_exit_130_and_changes_nothing() {
    let env = TestEnv::new();
    // Hidden prompts: at the password, and at its confirmation.
    for (key, confirm) in [('c', false), ('d', false), ('c', true), ('d', true)] {
        let (mut p, before) = pty_then_stty(&env, &["register", "alice"]);
        p.exp_string("Password: ").unwrap();
        if confirm {
            type_hidden_then(&mut p, PW, "Confirm password: ");
        }
        p.send_control(key).unwrap();
        cancelled_and_terminal_restored((p, before));
    }
    assert_eq!(env.db().count("SELECT count(*) FROM users"), 0);
    // A visible prompt (the username), with something typed already.
    env.register("alice", PW);
    for key in ['c', 'd'] {
        let (mut p, before) = pty_then_stty(&env, &["login"]);
        p.exp_string("Username: ").unwrap();
        if key == 'c' {
            p.send("ali").unwrap();
        }
        p.send_control(key).unwrap();
        cancelled_and_terminal_restored((p, before));
    }
    // The delete confirmation.
    env.login("alice", PW);
    let (mut p, before) = pty_then_stty(&env, &["delete"]);
    p.exp_string("Type the username to confirm: ").unwrap();
    p.send_control('c').unwrap();
    cancelled_and_terminal_restored((p, before));
    assert_eq!(env.db().count("SELECT count(*) FROM users"), 1);
    assert_eq!(env.db().user_i64("failed_logins", "alice"), 0);
    env.run(&["whoami"], "").success().stdout("alice\n");
}

#[test]
fn login_prompts_for_username_and_hidden_password() {
    let env = TestEnv::new();
    env.register("alice", PW);
    let mut p = env.pty(&["login"]);
    p.exp_string("Username: ").unwrap();
    p.send_line("alice").unwrap();
    p.exp_string("Password: ").unwrap();
    p.send_line(PW).unwrap();
    let (rest, code) = finish(p);
    assert_eq!(code, 0, "{rest}");
    assert!(!rest.contains(PW));
    env.run(&["whoami"], "").success().stdout("alice\n");
}

#[test]
fn passwd_asks_current_then_new_twice() {
    let env = TestEnv::new();
    env.register("alice", PW);
    env.login("alice", PW);
    let mut p = env.pty(&["passwd"]);
    p.exp_string("Current password: ").unwrap();
    type_hidden_then(&mut p, PW, "New password: ");
    type_hidden_then(&mut p, PW2, "Confirm password: ");
    p.send_line(PW2).unwrap();
    let (rest, code) = finish(p);
    assert_eq!(code, 0, "{rest}");
    assert!(!rest.contains(PW) && !rest.contains(PW2));
    env.login("alice", PW2);
}

#[test]
fn delete_asks_to_type_the_username() {
    let env = TestEnv::admin_and_bob_logged_in();
    // A wrong answer deletes nothing.
    let mut p = env.pty(&["delete"]);
    p.exp_string("Type the username to confirm: ").unwrap();
    p.send_line("alice").unwrap();
    let (rest, code) = finish(p);
    assert_eq!(code, 11, "{rest}");
    assert_eq!(
        env.db()
            .count("SELECT count(*) FROM users WHERE username = 'bob'"),
        1
    );
    let mut p = env.pty(&["delete"]);
    p.exp_string("Type the username to confirm: ").unwrap();
    p.send_line("bob").unwrap();
    p.exp_string("Password: ").unwrap();
    p.send_line(PW).unwrap();
    let (rest, code) = finish(p);
    assert_eq!(code, 0, "{rest}");
    assert_eq!(
        env.db()
            .count("SELECT count(*) FROM users WHERE username = 'bob'"),
        0
    );
}

#[test]
fn tables_on_a_terminal_have_a_header_rule_and_bold_headers_unless_no_color() {
    let env = TestEnv::new();
    env.register("alice", PW);
    env.login("alice", PW);
    const BOLD: &str = "\u{1b}[1m";
    let (out, code) = finish(env.pty(&["list"]));
    assert_eq!(code, 0);
    // rexpect reads bytes as Latin-1, so look for the rule's first UTF-8 byte.
    assert!(out.contains('\u{e2}'), "no rule under the header: {out}");
    assert!(out.contains(BOLD), "no bold header: {out}");
    assert!(out.contains("alice"));
    let mut cmd = env.std_command(&["list"]);
    cmd.env("NO_COLOR", "1");
    let (out, code) = finish(spawn_pty(cmd));
    assert_eq!(code, 0);
    assert!(
        !out.contains('\u{1b}'),
        "escape codes despite NO_COLOR: {out}"
    );
}
