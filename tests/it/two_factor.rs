//! Two-factor login (TOTP) through the binary: enrolment over pipes and on
//! a terminal, codes computed here from the secret, replay, drift,
//! recovery codes, lockout, and secrets kept out of output and the log.

use crate::common::*;
use serde_json::Value;
use std::io::{BufRead, BufReader, Write};
use std::process::Stdio;

/// What enrolment handed out.
pub(crate) struct Enrolled {
    pub secret: String,
    pub recovery: Vec<String>,
}

/// The code for `steps` 30-second steps from now. This module's only use of
/// the library API (everything else runs the binary).
pub(crate) fn code(secret: &str, steps: i64) -> String {
    let s = authctl::totp::TotpSecret::from_base32(secret).unwrap();
    s.code_at(unix_now() + steps * 30).unwrap()
}

/// Reads one pretty-printed JSON object from `out`.
fn read_object(out: &mut impl BufRead) -> Value {
    let mut text = String::new();
    loop {
        let mut line = String::new();
        assert!(
            out.read_line(&mut line).unwrap() > 0,
            "stdout ended: {text}"
        );
        text.push_str(&line);
        if line == "}\n" {
            return serde_json::from_str(&text).unwrap();
        }
    }
}

/// Turns 2FA on for the logged-in `user` as a script would: the password
/// on stdin, the URI and secret read from stdout, then the code.
fn enable(env: &TestEnv, pw: &str) -> Enrolled {
    let mut child = env
        .std_command(&["--json", "2fa", "enable", "--password-stdin"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    writeln!(stdin, "{pw}").unwrap();
    let first = read_object(&mut stdout);
    let secret = first["secret"].as_str().unwrap().to_string();
    let uri = first["uri"].as_str().unwrap();
    assert!(uri.starts_with("otpauth://totp/authctl:"), "{uri}");
    assert!(
        uri.ends_with(&format!("?secret={secret}&issuer=authctl")),
        "{uri}"
    );
    assert!(secret.len() >= 32, "at least 160 bits: {secret}");
    writeln!(stdin, "{}", code(&secret, 0)).unwrap();
    let second = read_object(&mut stdout);
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let recovery = second["recovery_codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_string())
        .collect::<Vec<_>>();
    assert_eq!(recovery.len(), 10);
    Enrolled { secret, recovery }
}

/// alice, logged in, with 2FA on.
pub(crate) fn alice_with_2fa() -> (TestEnv, Enrolled) {
    alice_with_2fa_in(TestEnv::new())
}

/// alice, logged in, with 2FA on, in `env`.
fn alice_with_2fa_in(env: TestEnv) -> (TestEnv, Enrolled) {
    env.register("root", PW);
    env.register("alice", PW);
    env.login("alice", PW);
    let enrolled = enable(&env, PW);
    (env, enrolled)
}

fn login_with_code(env: &TestEnv, code: &str) -> assert_cmd::assert::Assert {
    env.run(
        &["login", "alice", "--password-stdin"],
        &format!("{PW}\n{code}\n"),
    )
}

#[test]
fn login_needs_a_right_unused_code_after_enrolment() {
    let (env, e) = alice_with_2fa();
    let shown = json_stdout(&env.run(&["--json", "show"], "").success());
    assert_eq!(shown["two_factor"], true);
    env.run(&["2fa", "status"], "")
        .success()
        .stdout("on (10 recovery codes left)\n");

    assert_error(
        login_with_code(&env, "000000"),
        3,
        "incorrect username or password",
    );
    // Two steps of drift either way are too many.
    assert_error(login_with_code(&env, &code(&e.secret, 3)), 3, "incorrect");
    assert_error(login_with_code(&env, &code(&e.secret, -3)), 3, "incorrect");
    // The code used to enrol is spent; the next step's is accepted once.
    let next = code(&e.secret, 1);
    login_with_code(&env, &next).success();
    assert_error(login_with_code(&env, &next), 3, "incorrect");
    assert_eq!(
        env.db().count("SELECT count(*) FROM events WHERE event = 'login_failed' AND detail = 'wrong or reused code'"),
        4
    );
}

#[test]
fn a_recovery_code_works_once_instead_of_a_code() {
    let (env, e) = alice_with_2fa();
    let typed = e.recovery[3].to_uppercase();
    login_with_code(&env, &typed).success();
    assert_error(login_with_code(&env, &e.recovery[3]), 3, "incorrect");
    env.run(&["2fa", "status"], "")
        .success()
        .stdout("on (9 recovery codes left)\n");
    assert_eq!(
        env.db().count(
            "SELECT count(*) FROM events WHERE event = 'login' AND detail = 'with a recovery code'"
        ),
        1
    );
}

#[test]
fn wrong_codes_count_toward_the_lockout() {
    let (env, e) = alice_with_2fa();
    for _ in 0..5 {
        assert_error(login_with_code(&env, "123456"), 3, "incorrect");
    }
    assert_error(
        login_with_code(&env, &code(&e.secret, 1)),
        7,
        "is locked until",
    );
}

#[test]
fn verify_and_passwd_without_a_session_need_the_code_too() {
    let (env, e) = alice_with_2fa();
    env.run(&["logout"], "").success();
    let verify = |code: &str| {
        env.run(
            &["verify", "alice", "--password-stdin"],
            &format!("{PW}\n{code}\n"),
        )
    };
    assert_error(verify("999999"), 3, "incorrect");
    verify(&code(&e.secret, 1)).success();
    // passwd reads the current password, the code, then the new password.
    env.run(
        &["passwd", "alice", "--password-stdin"],
        &format!("{PW}\n{}\n{PW2}\n", e.recovery[0]),
    )
    .success();
    env.run(
        &["verify", "alice", "--password-stdin"],
        &format!("{PW2}\n{}\n", e.recovery[1]),
    )
    .success();
}

#[test]
fn disable_and_new_recovery_codes_need_the_password_and_a_code() {
    let (env, e) = alice_with_2fa();
    assert_error(
        env.run(
            &["2fa", "disable", "--password-stdin"],
            &format!("{PW}\n000000\n"),
        ),
        3,
        "incorrect",
    );
    let out = env
        .run(
            &["--json", "2fa", "recovery-codes", "--password-stdin"],
            &format!("{PW}\n{}\n", code(&e.secret, 1)),
        )
        .success();
    let fresh: Vec<String> = json_stdout(&out)["recovery_codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_string())
        .collect();
    assert_eq!(fresh.len(), 10);
    assert_error(login_with_code(&env, &e.recovery[0]), 3, "incorrect");
    env.run(
        &["2fa", "disable", "--password-stdin"],
        &format!("{PW}\n{}\n", fresh[0]),
    )
    .success()
    .stderr("two-factor authentication is off\n");
    env.run(&["login", "alice", "--password-stdin"], &format!("{PW}\n"))
        .success();
    assert_eq!(env.db().count("SELECT count(*) FROM recovery_codes"), 0);
    assert_error(
        env.run(&["2fa", "disable", "--password-stdin"], &format!("{PW}\n")),
        11,
        "not on",
    );
}

#[test]
fn an_admin_resets_a_lost_device_and_nobody_else_can() {
    let (env, _) = alice_with_2fa();
    assert_error(
        env.run(&["2fa", "reset", "alice"], ""),
        8,
        "only an admin can",
    );
    env.login_on_device("admin", "root", PW);
    env.on_device("admin")
        .args(["2fa", "reset", "alice"])
        .assert()
        .success()
        .stderr("two-factor authentication is off for alice\n");
    env.run(&["login", "alice", "--password-stdin"], &format!("{PW}\n"))
        .success();
    assert_eq!(
        env.db().count("SELECT count(*) FROM events WHERE event = 'two_factor_reset' AND actor = 'root' AND target = 'alice'"),
        1
    );
    let list = json_stdout(
        &env.on_device("admin")
            .args(["--json", "list"])
            .assert()
            .success(),
    );
    assert!(
        list.as_array()
            .unwrap()
            .iter()
            .all(|a| a["two_factor"] == false)
    );
}

#[test]
fn the_secret_and_recovery_codes_are_never_shown_again_or_logged() {
    let (env, e) = alice_with_2fa_in(TestEnv::new());
    login_with_code(&env, &code(&e.secret, 1)).success();
    let mut seen = String::new();
    for args in [
        &["--json", "show"][..],
        &["show"],
        &["2fa", "status"],
        &["--json", "2fa", "status"],
    ] {
        let out = env.run(args, "").success();
        seen.push_str(&stdout(&out));
        seen.push_str(&stderr(&out));
    }
    env.login_on_device("admin", "root", PW);
    for args in [
        &["--json", "log"][..],
        // (A JSON Lines backup carries it, as a backup must: see below.)
        &["export"],
        &["export", "--format", "csv", "--with-hashes"],
        &["--json", "list"],
    ] {
        seen.push_str(&stdout(
            &env.on_device("admin").args(args).assert().success(),
        ));
    }
    assert!(!seen.contains(&e.secret), "secret shown: {seen}");
    for c in &e.recovery {
        assert!(!seen.contains(c.as_str()), "recovery code shown");
    }
    // The database keeps only digests of the recovery codes.
    let codes: Vec<&str> = e.recovery.iter().map(String::as_str).collect();
    env.db().assert_never_stored(&codes);
    assert_eq!(env.db().count("SELECT count(*) FROM events WHERE detail LIKE '%' || (SELECT totp_secret FROM users WHERE username = 'alice') || '%'"), 0);
}

#[test]
fn enrolment_and_login_on_a_terminal_show_a_qr_code_and_prompt_for_codes() {
    let env = TestEnv::new();
    env.register("alice", PW);
    env.login("alice", PW);
    let mut p = env.pty_sized(100, &["2fa", "enable"]);
    p.exp_string("Password: ").unwrap();
    p.send_line(PW).unwrap();
    let (before, _) = p.exp_regex("Secret: [A-Z2-7]+").unwrap();
    // rexpect reads bytes as Latin-1: the blocks' UTF-8 starts with 0xE2.
    assert!(before.contains('\u{e2}'), "no QR code drawn: {before}");
    assert!(before.contains("URI:    otpauth://totp/authctl:alice?secret="));
    let secret = before
        .split("secret=")
        .nth(1)
        .and_then(|s| s.split('&').next())
        .unwrap()
        .to_string();
    p.exp_string("Code from the app: ").unwrap();
    p.send_line(&code(&secret, 0)).unwrap();
    p.exp_string("Two-factor authentication is on").unwrap();
    p.exp_eof().unwrap();
    assert_eq!(pty_exit_code(&p), 0);

    let mut p = env.pty(&["login", "alice"]);
    p.exp_string("Password: ").unwrap();
    p.send_line(PW).unwrap();
    p.exp_string("Authentication code: ").unwrap();
    p.send_line(&code(&secret, 1)).unwrap();
    p.exp_string("logged in as alice").unwrap();
    p.exp_eof().unwrap();
    assert_eq!(pty_exit_code(&p), 0);
}

#[test]
fn review_cases_spaces_missing_codes_self_reset_and_unburnt_codes() {
    let (env, e) = alice_with_2fa();
    // Apps show "123 456": typed with the space it is still a code.
    let next = code(&e.secret, 1);
    login_with_code(&env, &format!("{} {}", &next[..3], &next[3..])).success();
    // No code line at all fails like a wrong code, and is counted.
    assert_error(
        env.run(&["login", "alice", "--password-stdin"], &format!("{PW}\n")),
        3,
        "incorrect",
    );
    assert_eq!(env.db().user_i64("failed_logins", "alice"), 1);
    // A refused new password does not spend the recovery code given.
    assert_error(
        env.run(
            &["passwd", "alice", "--password-stdin"],
            &format!("{PW}\n{}\nshort\n", e.recovery[0]),
        ),
        11,
        "too short",
    );
    assert_eq!(env.db().count("SELECT count(*) FROM recovery_codes"), 10);
    login_with_code(&env, &e.recovery[0]).success();

    // An admin cannot strip their own second factor with a session alone,
    // and a reset of an account without 2FA is refused.
    env.login_on_device("admin", "root", PW);
    let as_admin = |args: &[&str]| env.on_device("admin").args(args).assert();
    assert_error(
        as_admin(&["2fa", "reset", "root"]),
        11,
        "use `authctl 2fa disable`",
    );
    as_admin(&["2fa", "reset", "alice"]).success();
    assert_error(as_admin(&["2fa", "reset", "alice"]), 11, "not on for alice");
}

#[test]
fn enrolment_ends_the_accounts_other_sessions_and_a_csv_backup_says_2fa_is_not_carried() {
    let env = TestEnv::new();
    env.register("alice", PW);
    env.login_on_device("laptop", "alice", PW);
    env.login("alice", PW);
    enable(&env, PW);
    assert_error(
        env.on_device("laptop").arg("whoami").assert(),
        4,
        "no longer valid",
    );
    env.run(&["whoami"], "").success().stdout("alice\n");
    let out = env
        .run(&["export", "--format", "csv", "--with-hashes"], "")
        .success();
    assert!(
        stderr(&out).contains("1 account(s) use two-factor login, which CSV does not carry"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_wrong_or_missing_enrolment_code_leaves_two_factor_off() {
    let env = TestEnv::new();
    env.register("alice", PW);
    env.login("alice", PW);
    // A code for a secret the app cannot have: wrong, so nothing is stored.
    let out = env
        .run(
            &["2fa", "enable", "--password-stdin"],
            &format!("{PW}\n000000\n"),
        )
        .code(11);
    let err = stderr(&out);
    assert!(
        err.ends_with("that code is not right (is the phone's clock correct?); two-factor authentication stays off\n"),
        "{err}"
    );
    // Enrolment stopped before a code (stdin ended): neither a success nor
    // a failure, so the password check it started is not left counted.
    let out = env
        .run(&["2fa", "enable", "--password-stdin"], &format!("{PW}\n"))
        .code(2);
    let err = stderr(&out);
    assert!(
        err.ends_with("standard input ended before an authentication code was read\n"),
        "{err}"
    );
    assert_eq!(env.db().user_opt_text("totp_secret", "alice"), None);
    assert_eq!(env.db().user_i64("failed_logins", "alice"), 0);
    assert_eq!(
        env.db()
            .count("SELECT count(*) FROM events WHERE event = 'two_factor_enabled'"),
        0
    );
    env.run(&["2fa", "status"], "").success().stdout("off\n");
    // Logins still need only the password.
    env.run(&["login", "alice", "--password-stdin"], &format!("{PW}\n"))
        .success();
}

#[test]
fn on_a_terminal_a_refused_code_gets_one_more_prompt_and_each_refusal_counts() {
    let (env, e) = alice_with_2fa();
    // A wrong code, then the right one: logged in.
    let mut p = env.pty(&["login", "alice"]);
    p.exp_string("Password: ").unwrap();
    p.send_line(PW).unwrap();
    p.exp_string("Authentication code: ").unwrap();
    p.send_line("000000").unwrap();
    p.exp_string("Each code works once: if you have just used it, wait for the next one.")
        .unwrap();
    p.exp_string("Authentication code: ").unwrap();
    p.send_line(&code(&e.secret, 1)).unwrap();
    p.exp_string("logged in as alice").unwrap();
    p.exp_eof().unwrap();
    assert_eq!(pty_exit_code(&p), 0);
    let refused = "SELECT count(*) FROM events WHERE event = 'login_failed' AND target = 'alice' AND detail = 'wrong or reused code'";
    assert_eq!(env.db().count(refused), 1);

    // Two wrong codes: the second is final, exit 3; both counted.
    let mut p = env.pty(&["login", "alice"]);
    p.exp_string("Password: ").unwrap();
    p.send_line(PW).unwrap();
    for _ in 0..2 {
        p.exp_string("Authentication code: ").unwrap();
        p.send_line("000000").unwrap();
    }
    let rest = p.exp_eof().unwrap();
    assert_eq!(pty_exit_code(&p), 3, "{rest}");
    assert!(
        rest.contains("authctl: incorrect username or password"),
        "{rest}"
    );
    assert_eq!(env.db().user_i64("failed_logins", "alice"), 2);
    assert_eq!(env.db().count(refused), 3);

    // A script gets no second chance: one wrong code is exit 3.
    login_with_code(&env, "000000").code(3);
    assert_eq!(env.db().user_i64("failed_logins", "alice"), 3);
}

#[test]
fn a_login_abandoned_at_the_code_prompt_counts_as_a_failed_attempt() {
    let (env, _) = alice_with_2fa();
    for (n, key) in [(1, 'c'), (2, 'd')] {
        let mut p = env.pty(&["login", "alice"]);
        p.exp_string("Password: ").unwrap();
        p.send_line(PW).unwrap();
        p.exp_string("Authentication code: ").unwrap();
        p.send_control(key).unwrap();
        let rest = p.exp_eof().unwrap();
        assert_eq!(pty_exit_code(&p), 130, "{rest}");
        assert!(rest.contains("authctl: cancelled"), "{rest}");
        assert_eq!(env.db().user_i64("failed_logins", "alice"), n);
    }
    let abandoned = "SELECT count(*) FROM events WHERE event = 'login_failed' AND target = 'alice' AND outcome = 'failure' AND detail = 'abandoned at the code prompt'";
    assert_eq!(env.db().count(abandoned), 2);
    // No session was opened: alice's old one is still the file's.
    env.run(&["whoami"], "").success().stdout("alice\n");
    assert_eq!(
        env.db().count("SELECT count(*) FROM sessions"),
        1,
        "no new session"
    );
}

#[test]
fn a_qr_code_wider_than_the_terminal_is_not_drawn_broken() {
    let env = TestEnv::new();
    env.register("alice", PW);
    env.login("alice", PW);
    // An otpauth URI's code is 37 modules and 4 of quiet zone a side: 45 columns.
    let mut p = env.pty_sized(40, &["2fa", "enable"]);
    p.exp_string("Password: ").unwrap();
    p.send_line(PW).unwrap();
    let (before, _) = p.exp_regex("Secret: [A-Z2-7]+").unwrap();
    assert!(!before.contains('\u{e2}'), "a QR code was drawn: {before}");
    assert!(
        before.contains("The QR code needs 45 columns and this terminal has 40"),
        "{before}"
    );
    assert!(before.contains("URI:    otpauth://totp/authctl:alice?secret="));
    p.send_control('c').unwrap();
    p.exp_eof().unwrap();
    assert_eq!(pty_exit_code(&p), 130);
    assert_eq!(
        env.db()
            .count("SELECT count(*) FROM users WHERE totp_secret IS NOT NULL"),
        0
    );
}

#[test]
fn a_backup_brings_two_factor_login_back_and_its_file_is_private() {
    let (source, e) = alice_with_2fa();
    source.login_on_device("admin", "root", PW);
    let file = source.dir.path().join("backup.jsonl");
    let export = |extra: &[&str]| {
        let mut args = vec![
            "export",
            "--with-hashes",
            "--output",
            file.to_str().unwrap(),
        ];
        args.extend(extra);
        source.on_device("admin").args(&args).assert()
    };
    export(&[]).success().stdout("");
    assert_eq!(mode(&file), 0o600);
    let backup = std::fs::read_to_string(&file).unwrap();
    let alice: Value = backup
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .find(|a| a["username"] == "alice")
        .unwrap();
    assert_eq!(alice["totp_secret"], e.secret.as_str());
    assert_eq!(alice["recovery_code_sha256"].as_array().unwrap().len(), 10);
    // An existing file is kept unless --force.
    assert_error(export(&[]), 2, "exists; pass --force to replace it");
    export(&["--force"]).success();
    assert_eq!(mode(&file), 0o600);
    let leftovers = std::fs::read_dir(source.dir.path())
        .unwrap()
        .filter(|f| {
            f.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .contains(".tmp.")
        })
        .count();
    assert_eq!(leftovers, 0, "no temporary file left");

    // Into a new database: alice needs her password and a code again, a
    // recovery code works once, and the code used before the backup does not.
    let target = TestEnv::new();
    target.register("admin", PW);
    target.login("admin", PW);
    target
        .run(
            &[
                "import",
                file.to_str().unwrap(),
                "--format",
                "jsonl",
                "--skip-existing",
            ],
            "",
        )
        .success();
    assert_error(
        target.run(&["login", "alice", "--password-stdin"], &format!("{PW}\n")),
        3,
        "incorrect",
    );
    let next = code(&e.secret, 1);
    target
        .run(
            &["login", "alice", "--password-stdin"],
            &format!("{PW}\n{next}\n"),
        )
        .success();
    target
        .run(&["2fa", "status"], "")
        .success()
        .stdout("on (10 recovery codes left)\n");
    let recovery = &e.recovery[0];
    for expected in [0, 3] {
        let out = target.run(
            &["login", "alice", "--password-stdin"],
            &format!("{PW}\n{recovery}\n"),
        );
        assert_eq!(out.get_output().status.code(), Some(expected));
    }
}

#[test]
fn a_malformed_two_factor_backup_line_is_refused_without_echoing_it() {
    let env = TestEnv::new();
    env.register("admin", PW);
    env.login("admin", PW);
    let hash = env.db().user_text("password_hash", "admin");
    let secret = "NOTBASE32!!SECRETVALUE";
    let line = serde_json::json!({
        "username": "eve", "password_hash": hash, "totp_secret": secret,
    });
    let out = env
        .run(&["import", "--format", "jsonl"], &format!("{line}\n"))
        .code(11);
    let err = stderr(&out);
    assert!(err.contains("line 1: invalid totp_secret"), "{err}");
    assert!(!err.contains(secret), "{err}");
    let line = serde_json::json!({
        "username": "eve", "password_hash": hash, "recovery_code_sha256": ["00"],
    });
    let out = env
        .run(&["import", "--format", "jsonl"], &format!("{line}\n"))
        .code(11);
    assert!(
        stderr(&out).contains("need a totp_secret"),
        "{}",
        stderr(&out)
    );
    assert_eq!(env.db().count("SELECT count(*) FROM users"), 1);
}
