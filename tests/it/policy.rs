//! The password policy through the binary (NIST SP 800-63B-4, OWASP ASVS
//! V6.2): length, blocklist, personal details, strength, control characters,
//! Unicode normalisation, and the interactive retry. (`passwd` applies the
//! same policy: see the `passwd` module.)

use crate::common::*;
use unicode_normalization::UnicodeNormalization;

/// Registers `user` with extra `args` and `pw` on stdin; asserts it is
/// refused with exit 11 naming `why`, and that no account was created.
fn refused(env: &TestEnv, user: &str, args: &[&str], pw: &str, why: &str) {
    let mut all = vec!["register", user, "--password-stdin"];
    all.extend_from_slice(args);
    assert_error(env.run(&all, &format!("{pw}\n")), 11, why);
    let n = env.db().count(&format!(
        "SELECT count(*) FROM users WHERE username = '{user}'"
    ));
    assert_eq!(n, 0, "{pw:?} created {user}");
}

#[test]
fn fifteen_characters_is_the_minimum() {
    let env = TestEnv::new();
    refused(
        &env,
        "alice",
        &[],
        "Qz8#vLm2!pRt6w",
        "too short (14 characters); use at least 15",
    );
    env.register("alice", "Qz8#vLm2!pRt6wX");
}

#[test]
fn common_and_breached_passwords_are_refused_in_any_case() {
    let env = TestEnv::new();
    // Long enough, but on the breached-password lists zxcvbn ships.
    for pw in ["hd764nw5d7e1vb1", "HD764NW5D7E1VB1", "1234567890123456"] {
        refused(&env, "alice", &[], pw, "password rejected");
    }
    refused(
        &env,
        "alice",
        &[],
        "hd764nw5d7e1vb1",
        "on a list of common or breached passwords",
    );
}

#[test]
fn passwords_built_on_the_account_or_program_name_are_refused() {
    let env = TestEnv::new();
    let email = ["--email", "q.blake@example.org"];
    refused(
        &env,
        "quentin",
        &email,
        "orchid QUENTIN lantern 77",
        "contains the username",
    );
    refused(
        &env,
        "quentin",
        &email,
        "Orchid-Q.Blake-lantern-meadow",
        "contains the email address",
    );
    refused(
        &env,
        "quentin",
        &email,
        "orchid AuthCtl lantern 77",
        "contains the name of this program",
    );
    env.run(
        &[
            "register",
            "quentin",
            "--password-stdin",
            email[0],
            email[1],
        ],
        &format!("{PW}\n"),
    )
    .success();
}

#[test]
fn easily_guessed_passwords_are_refused_with_a_suggestion() {
    let env = TestEnv::new();
    // Fifteen characters, not on a list, but a keyboard walk and a repeat.
    refused(&env, "alice", &[], "qwertyuiopasdfg", "too easy to guess");
    refused(
        &env,
        "alice",
        &[],
        "abcabcabcabcabcabc",
        "too easy to guess",
    );
    let err = stderr(&env.run(
        &["register", "alice", "--password-stdin"],
        "qwertyuiopasdfg\n",
    ));
    // zxcvbn's advice travels with the reason.
    assert!(
        err.contains("keyboard") || err.contains("Add another word"),
        "{err}"
    );
}

#[test]
fn control_characters_are_refused_but_spaces_and_symbols_are_fine() {
    let env = TestEnv::new();
    refused(
        &env,
        "alice",
        &[],
        "violet tractor\tmangoes sing",
        "control characters",
    );
    refused(
        &env,
        "alice",
        &[],
        "violet tractor\u{1b}mangoes sing",
        "control characters",
    );
    env.register("alice", "  ~ violet · tractor · mangoes ~  ");
    env.login("alice", "  ~ violet · tractor · mangoes ~  ");
}

#[test]
fn composed_and_decomposed_unicode_is_the_same_password() {
    let env = TestEnv::new();
    let composed = "crème brûlée für Ærøskøbing";
    let decomposed = "cre\u{300}me bru\u{302}le\u{301}e fu\u{308}r Ærøskøbing";
    assert_ne!(composed, decomposed);
    env.register("alice", decomposed);
    env.login("alice", composed);
    env.register("bob", composed);
    env.login("bob", decomposed);
    // Length counts characters after NFC: 600 Hangul syllables typed as
    // 1800 jamo (5400 bytes) are 600 characters, not too long.
    let syllables: String = (0..600u32)
        .map(|i| char::from_u32(0xAC00 + (i * 7919) % 11172).unwrap())
        .collect();
    let jamo: String = syllables.nfd().collect();
    assert!(jamo.chars().count() > 1024 && jamo.len() > 4096);
    env.register("carol", &jamo);
    env.login("carol", &syllables);
}

#[test]
fn an_interactive_prompt_allows_three_tries() {
    let env = TestEnv::new();
    // Second try good: the account is created.
    let mut p = env.pty(&["register", "alice"]);
    p.exp_string("Password: ").unwrap();
    p.send_line("short").unwrap();
    p.exp_string("too short (5 characters)").unwrap();
    p.exp_string("Password: ").unwrap();
    p.send_line(PW).unwrap();
    p.exp_string("Confirm password: ").unwrap();
    p.send_line(PW).unwrap();
    p.exp_string("created account alice").unwrap();
    p.exp_eof().unwrap();
    env.login("alice", PW);

    // Three bad tries: exit 11 and no account.
    let mut p = env.pty(&["register", "bob"]);
    for bad in ["short", "hd764nw5d7e1vb1"] {
        p.exp_string("Password: ").unwrap();
        p.send_line(bad).unwrap();
        p.exp_string("password rejected").unwrap();
    }
    p.exp_string("Password: ").unwrap();
    p.send_line("qwertyuiopasdfg").unwrap();
    p.exp_string("authctl: password rejected: it is too easy to guess")
        .unwrap();
    p.exp_eof().unwrap();
    assert_eq!(pty_exit_code(&p), 11);
    assert_eq!(
        env.db()
            .count("SELECT count(*) FROM users WHERE username = 'bob'"),
        0
    );
}
