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
fn a_mismatched_confirmation_is_exit_11_and_creates_nothing() {
    let env = TestEnv::new();
    let mut p = env.pty(&["register", "alice"]);
    p.exp_string("Password: ").unwrap();
    type_hidden_then(&mut p, PW, "Confirm password: ");
    p.send_line(PW2).unwrap();
    let (rest, code) = finish(p);
    assert_eq!(code, 11);
    assert!(rest.contains("authctl: passwords do not match"), "{rest}");
    assert_eq!(env.db().count("SELECT count(*) FROM users"), 0);
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
