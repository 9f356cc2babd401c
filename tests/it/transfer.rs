//! `authctl import` and `export` through the binary: Apache htpasswd
//! fixtures, CSV with the thread pool, JSON Lines, and the round trip.

use crate::common::*;
use serde_json::Value;
use std::fmt::Write as _;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");

/// An admin `root`, logged in.
fn admin_env() -> TestEnv {
    let env = TestEnv::new();
    env.register("root", PW);
    env.login("root", PW);
    env
}

fn import(env: &TestEnv, args: &[&str], stdin: &str) -> assert_cmd::assert::Assert {
    let mut all = vec!["import"];
    all.extend_from_slice(args);
    env.run(&all, stdin)
}

fn users(env: &TestEnv) -> i64 {
    env.db().count("SELECT count(*) FROM users")
}

fn login_with(env: &TestEnv, user: &str, pw: &str) -> assert_cmd::assert::Assert {
    env.on_device("elsewhere")
        .args(["login", user, "--password-stdin"])
        .write_stdin(format!("{pw}\n"))
        .assert()
}

#[test]
fn an_apache_bcrypt_file_imports_logs_in_and_upgrades_to_argon2id() {
    let env = admin_env();
    let file = format!("{FIXTURES}/htpasswd-bcrypt");
    let out = import(&env, &[&file, "--format", "htpasswd"], "")
        .success()
        .stdout("");
    assert_eq!(
        stderr(&out),
        "imported 2 account(s); 0 skipped, 0 refused\n"
    );
    let kept = env.db().user_text("password_hash", "alice");
    assert!(kept.starts_with("$2y$05$"), "kept as it was: {kept}");

    login_with(&env, "alice", "apache horse battery 2").code(3);
    login_with(&env, "alice", "apache horse battery 1").success();
    let upgraded = env.db().user_text("password_hash", "alice");
    assert!(
        upgraded.starts_with("$argon2id$v=19$m=65536,t=3,p=4$"),
        "{upgraded}"
    );
    login_with(&env, "alice", "apache horse battery 1").success();
    env.run(&["verify", "bob", "--password-stdin"], "second staple 2\n")
        .success();
    assert!(
        env.db()
            .user_text("password_hash", "bob")
            .starts_with("$argon2id$")
    );
    assert_eq!(
        env.db()
            .count("SELECT count(*) FROM events WHERE event = 'register' AND detail = 'imported'"),
        2
    );
    assert_eq!(
        env.db()
            .count("SELECT count(*) FROM events WHERE event = 'import' AND actor = 'root'"),
        1
    );
}

#[test]
fn weak_htpasswd_formats_are_refused_per_line_and_nothing_is_imported() {
    let env = admin_env();
    let file = format!("{FIXTURES}/htpasswd-mixed");
    let out = import(&env, &[&file, "--format", "htpasswd"], "")
        .code(11)
        .stdout("");
    let err = stderr(&out);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 5, "{err}");
    assert!(
        lines[0].starts_with("line 3: weak hash format: Apache MD5"),
        "{err}"
    );
    assert!(
        lines[1].starts_with("line 4: weak hash format: unsalted SHA-1"),
        "{err}"
    );
    assert!(
        lines[2].starts_with("line 5: weak hash format: crypt DES"),
        "{err}"
    );
    assert!(
        lines[3].starts_with("line 6: a plain-text password"),
        "{err}"
    );
    assert!(
        !err.contains("plain password"),
        "the plain-text password is not echoed"
    );
    assert_eq!(
        lines[4],
        "authctl: 4 line(s) refused; nothing was imported (--skip-invalid imports the rest)"
    );
    assert_eq!(users(&env), 1);

    let out = import(
        &env,
        &["--json", &file, "--format", "htpasswd", "--skip-invalid"],
        "",
    )
    .success();
    let summary: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(summary["imported"], 2);
    assert_eq!(summary["refused"], 4);
    assert_eq!(users(&env), 3);
}

#[test]
fn existing_usernames_stop_the_import_unless_skipped_and_dry_run_writes_nothing() {
    let env = admin_env();
    env.register("bob", PW);
    let file = format!("{FIXTURES}/htpasswd-bcrypt");
    let out = import(&env, &[&file, "--format", "htpasswd"], "").code(9);
    assert_eq!(
        stderr(&out),
        "line 2: user bob already exists\nauthctl: nothing was imported: 1 username(s) already exist (--skip-existing skips them): user bob already exists\n"
    );
    assert_eq!(users(&env), 2);

    let args = [file.as_str(), "--format", "htpasswd", "--skip-existing"];
    let mut dry = args.to_vec();
    dry.push("--dry-run");
    let out = import(&env, &dry, "").success();
    assert_eq!(
        stderr(&out),
        "line 2: skipped: user bob already exists\nwould import 1 account(s); 1 skipped, 0 refused\n"
    );
    assert_eq!(users(&env), 2, "a dry run writes nothing");
    assert_eq!(
        env.db()
            .count("SELECT count(*) FROM events WHERE event = 'import'"),
        0
    );

    import(&env, &args, "").success();
    assert_eq!(users(&env), 3);
    // bob kept his own password.
    login_with(&env, "bob", PW).success();
}

/// A CSV of `n` users `user0..` with strong plain-text passwords.
fn csv_of(n: usize) -> String {
    let mut csv = "username,password,email,name\n".to_string();
    for i in 0..n {
        let _ = writeln!(
            csv,
            "user{i},violet tractor mangoes {i} sing,user{i}@example.com,User {i}"
        );
    }
    csv
}

/// Hash at OWASP's minimum so hundreds of imports stay quick.
fn cheap_hashing(env: &TestEnv) {
    for (key, value) in [
        ("hash.memory_kib", "19456"),
        ("hash.iterations", "2"),
        ("hash.parallelism", "1"),
    ] {
        env.run(&["config", "set", key, value], "").success();
    }
}

#[test]
fn a_csv_of_hundreds_of_users_is_hashed_on_the_thread_pool_and_imported() {
    let env = admin_env();
    cheap_hashing(&env);
    let out = import(&env, &["--format", "csv"], &csv_of(300)).success();
    // Not a terminal: no progress bar, only the summary.
    assert_eq!(
        stderr(&out),
        "imported 300 account(s); 0 skipped, 0 refused\n"
    );
    assert_eq!(users(&env), 301);
    assert_eq!(
        env.db().count(
            "SELECT count(*) FROM users WHERE password_hash LIKE '$argon2id$v=19$m=19456,t=2,p=1$%'"
        ),
        300
    );
    let email = env.db().user_text("email", "user299");
    assert_eq!(email, "user299@example.com");
    login_with(&env, "user150", "violet tractor mangoes 150 sing").success();
}

#[test]
fn one_bad_csv_line_rejects_the_file_and_names_its_line() {
    let env = admin_env();
    let mut csv = csv_of(5);
    csv.push_str("user5,password,,\n");
    csv.push_str("user6,violet tractor mangoes 6 sing,not-an-email,\n");
    let out = import(&env, &["-", "--format", "csv"], &csv).code(11);
    let err = stderr(&out);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 3, "{err}");
    assert!(lines[0].starts_with("line 7: password rejected"), "{err}");
    assert!(lines[1].starts_with("line 8: invalid email"), "{err}");
    assert_eq!(users(&env), 1, "nothing imported");
}

#[test]
fn one_bad_jsonl_line_in_the_middle_rejects_the_file_and_names_its_line() {
    let env = admin_env();
    cheap_hashing(&env);
    let good = |i: usize| {
        format!("{{\"username\":\"j{i}\",\"password\":\"violet tractor mangoes {i} sing\"}}\n")
    };
    // Line 3 misspells a field: refused, not silently imported without it.
    let jsonl = [
        good(1),
        good(2),
        "{\"username\":\"j3\",\"pasword\":\"violet tractor mangoes 3 sing\"}\n".to_string(),
        good(4),
        good(5),
    ]
    .concat();
    let out = import(&env, &["-", "--format", "jsonl"], &jsonl).code(11);
    let err = stderr(&out);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 2, "{err}");
    assert!(lines[0].starts_with("line 3: "), "{err}");
    assert!(!lines[0].contains("mangoes"), "no value quoted: {err}");
    assert_eq!(
        lines[1],
        "authctl: 1 line(s) refused; nothing was imported (--skip-invalid imports the rest)"
    );
    assert_eq!(users(&env), 1, "nothing imported");
    import(&env, &["-", "--format", "jsonl", "--skip-invalid"], &jsonl).success();
    assert_eq!(users(&env), 5, "the four good lines");
}

#[test]
fn a_progress_bar_shows_on_a_terminal() {
    let env = admin_env();
    cheap_hashing(&env);
    let path = env.dir.path().join("users.csv");
    std::fs::write(&path, csv_of(40)).unwrap();
    let path = path.to_string_lossy().into_owned();
    let mut p = env.pty_sized(80, &["import", &path, "--format", "csv"]);
    let out = p.exp_eof().expect("runs to the end");
    assert!(out.contains("hashing"), "{out}");
    assert!(out.contains("imported 40 account(s)"), "{out}");
    assert_eq!(pty_exit_code(&p), 0);
}

#[test]
fn jsonl_imports_roles_hashes_and_passwords() {
    let env = admin_env();
    cheap_hashing(&env);
    let bcrypt = std::fs::read_to_string(format!("{FIXTURES}/htpasswd-bcrypt")).unwrap();
    let alice_hash = bcrypt.lines().next().unwrap().split_once(':').unwrap().1;
    let jsonl = format!(
        "{{\"username\":\"ops\",\"role\":\"admin\",\"password\":\"{PW2} zeta\",\"email\":\"ops@example.com\"}}\n\
         \n\
         {{\"username\":\"alice\",\"name\":\"Alice\",\"password_hash\":\"{alice_hash}\"}}\n"
    );
    import(&env, &["--format", "jsonl"], &jsonl).success();
    assert_eq!(env.db().user_text("role", "ops"), "admin");
    assert_eq!(env.db().user_text("name", "alice"), "Alice");
    login_with(&env, "ops", &format!("{PW2} zeta")).success();
    login_with(&env, "alice", "apache horse battery 1").success();
}

#[test]
fn import_and_export_are_for_admins() {
    let env = admin_env();
    env.register("bob", PW);
    env.login("bob", PW);
    assert_error(
        import(&env, &["--format", "csv"], &csv_of(1)),
        8,
        "only an admin can import",
    );
    assert_error(env.run(&["export"], ""), 8, "only an admin can export");
    env.run(&["logout"], "").success();
    assert_error(env.run(&["export"], ""), 4, "not logged in");
    assert_error(import(&env, &["--format", "csv"], ""), 4, "not logged in");
}

#[test]
fn export_without_hashes_has_none() {
    let env = admin_env();
    env.run(&["update", "root", "--email", "root@example.com"], "")
        .success();
    let out = env.run(&["export"], "").success();
    let line: Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    assert_eq!(
        line,
        serde_json::json!({"username": "root", "email": "root@example.com", "role": "admin"})
    );
    let csv = stdout(&env.run(&["export", "--format", "csv"], "").success());
    assert_eq!(
        csv,
        "username,email,name,role\nroot,root@example.com,,admin\n"
    );
    assert_eq!(
        env.db().count("SELECT count(*) FROM events WHERE event = 'export' AND detail = 'without password hashes'"),
        2
    );
}

#[test]
fn an_export_with_hashes_imports_back_to_the_same_accounts_and_passwords() {
    for format in ["jsonl", "csv"] {
        let source = admin_env();
        source.register("bob", PW2);
        source
            .run(
                &[
                    "update",
                    "bob",
                    "--name",
                    "Bob, \"the\" Builder",
                    "--email",
                    "bob@example.com",
                ],
                "",
            )
            .success();
        source.register("carol", PW);
        source.run(&["role", "carol", "admin"], "").success();
        let dump = stdout(
            &source
                .run(&["export", "--format", format, "--with-hashes"], "")
                .success(),
        );

        let target = admin_env();
        let out = import(&target, &["--format", format, "--skip-existing"], &dump).success();
        assert_eq!(
            stderr(&out).lines().last(),
            Some("imported 2 account(s); 1 skipped, 0 refused")
        );
        let again = stdout(
            &target
                .run(&["export", "--format", format, "--with-hashes"], "")
                .success(),
        );
        // root differs (each side made its own); bob and carol are the same.
        let without_root = |s: &str| {
            s.lines()
                .filter(|l| !l.contains("root"))
                .map(str::to_string)
                .collect::<Vec<_>>()
        };
        assert_eq!(without_root(&again), without_root(&dump), "{format}");
        login_with(&target, "bob", PW2).success();
        login_with(&target, "carol", PW).success();
        assert_eq!(target.db().user_text("role", "carol"), "admin");
    }
}

#[test]
fn jobs_sets_the_threads_and_zero_is_a_usage_error() {
    let env = admin_env();
    cheap_hashing(&env);
    assert_error(
        import(&env, &["--format", "csv", "--jobs", "0"], &csv_of(2)),
        2,
        "--jobs",
    );
    import(&env, &["--format", "csv", "-j", "1"], &csv_of(4)).success();
    assert_eq!(users(&env), 5);
}

#[test]
fn csv_cells_a_spreadsheet_would_run_are_quoted_and_import_back_exactly() {
    let source = admin_env();
    let names = [
        "=HYPERLINK(\"http://evil.example\",\"click\")",
        "+1 (555) 010",
        "-2+3",
        "@SUM(A1:A9)",
        // (A tab or CR, the other two, is a control character: no name has one.)
        "'=already quoted",
        "'plain apostrophe",
        "O'Brien",
    ];
    for (i, name) in names.iter().enumerate() {
        let user = format!("user{i}");
        source.register(&user, PW);
        let name = format!("--name={name}");
        source.run(&["update", &user, &name], "").success();
    }
    let csv = stdout(
        &source
            .run(&["export", "--format", "csv", "--with-hashes"], "")
            .success(),
    );
    // No cell starts like a formula.
    let mut reader = csv::ReaderBuilder::new().from_reader(csv.as_bytes());
    for row in reader.records() {
        for cell in row.unwrap().iter() {
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "unquoted formula cell {cell:?} in {csv}"
            );
        }
    }
    assert!(csv.contains("'=HYPERLINK"), "{csv}");
    assert!(csv.contains("''=already quoted"), "{csv}");
    assert!(csv.contains(",'plain apostrophe,"), "{csv}");
    // Imported into another database, every name is the original.
    let target = admin_env();
    import(&target, &["--format", "csv", "--skip-existing"], &csv).success();
    for (i, name) in names.iter().enumerate() {
        let user = format!("user{i}");
        assert_eq!(target.db().user_text("name", &user), *name, "{user}");
    }
}

#[test]
fn htpasswd_files_as_they_come_old_mac_endings_comments_and_blank_lines() {
    let env = admin_env();
    let bcrypt = std::fs::read_to_string(format!("{FIXTURES}/htpasswd-bcrypt")).unwrap();
    let mut entries = bcrypt.lines();
    let (alice, bob) = (entries.next().unwrap(), entries.next().unwrap());
    // Lone CR endings (old Mac), a comment, an indented comment, blank
    // lines, and on line 7 a line that is not user:hash.
    let file = [
        "# exported by hand",
        alice,
        "",
        "  # bob below",
        bob,
        "   ",
        "nocolon",
        "",
    ]
    .join("\r");
    let out = import(&env, &["-", "--format", "htpasswd"], &file).code(11);
    let err = stderr(&out);
    assert!(err.starts_with("line 7: expected user:hash\n"), "{err}");
    assert_eq!(err.lines().count(), 2, "{err}");
    assert_eq!(users(&env), 1, "nothing imported");
    let out = import(
        &env,
        &["-", "--format", "htpasswd", "--skip-invalid"],
        &file,
    )
    .success();
    assert_eq!(
        stderr(&out),
        "line 7: expected user:hash\nimported 2 account(s); 0 skipped, 1 refused\n"
    );
    login_with(&env, "alice", "apache horse battery 1").success();
}

#[test]
fn a_csv_without_a_header_is_refused_naming_the_header_and_no_cell() {
    let env = admin_env();
    let secret = "Kestrel-Marmalade-Quarry-42";
    let csv = format!("alice,{secret},alice@example.org,Alice\n");
    let out = import(&env, &["-", "--format", "csv"], &csv)
        .code(11)
        .stdout("");
    let err = stderr(&out);
    assert_eq!(
        err,
        "line 1: no CSV header: the first line must name the columns, like username,password,email,name (password_hash and role are accepted too)\n\
         authctl: 1 line(s) refused; nothing was imported (--skip-invalid imports the rest)\n"
    );
    for cell in [secret, "alice@example.org", "Alice"] {
        assert!(!err.contains(cell), "{cell} echoed: {err}");
    }
    assert_eq!(users(&env), 1);
}

#[test]
fn json_import_prints_its_summary_with_the_refused_lines_even_when_refused() {
    let env = admin_env();
    let csv = "username,password\n\
               carol,violet tractor mangoes sing\n\
               dave,short\n\
               Bad Name,violet tractor mangoes sing\n";
    let out = import(&env, &["--json", "-", "--format", "csv"], csv).code(11);
    let err = stderr(&out);
    assert_eq!(
        err.lines().last(),
        Some("authctl: 2 line(s) refused; nothing was imported (--skip-invalid imports the rest)")
    );
    let summary = json_stdout(&out);
    assert_eq!(summary["imported"], 0);
    assert_eq!(summary["refused"], 2);
    assert_eq!(summary["dry_run"], false);
    let refused = summary["refused_lines"].as_array().unwrap();
    let lines: Vec<_> = refused
        .iter()
        .map(|r| r["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, [3, 4]);
    assert!(
        refused[0]["reason"]
            .as_str()
            .unwrap()
            .starts_with("password rejected"),
        "{summary}"
    );
    assert!(
        !summary.to_string().contains("mangoes"),
        "no value: {summary}"
    );
    assert_eq!(users(&env), 1, "nothing imported");
    // Imported with --skip-invalid: the same lines in the summary.
    let out = import(
        &env,
        &["--json", "-", "--format", "csv", "--skip-invalid"],
        csv,
    )
    .success();
    let summary = json_stdout(&out);
    assert_eq!(summary["imported"], 1);
    assert_eq!(summary["refused_lines"].as_array().unwrap().len(), 2);
}
