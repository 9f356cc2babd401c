//! The same commands on a shared PostgreSQL database: several hosts (each
//! with its own HOME and config directory) see one set of accounts, the
//! invariants hold across them, and connection problems are clear errors
//! that never show a password.

use crate::common::*;

/// A password for registration `i` that passes the policy.
fn pw_for(i: usize) -> String {
    format!("violet tractor mangoes {i} sing")
}

#[test]
fn accounts_and_sessions_are_shared_between_hosts() {
    let Some(env) = TestEnv::postgres() else {
        return;
    };
    env.register("root", PW);
    env.register("bob", PW);
    // Host b logs in as root to accounts created on host a.
    env.login_on_device("b", "root", PW);
    env.on_device("b")
        .args(["whoami"])
        .assert()
        .success()
        .stdout("root\n");
    let listed = env
        .on_device("b")
        .args(["--json", "list"])
        .assert()
        .success();
    let names: Vec<String> = json_stdout(&listed)
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["username"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(names, ["bob", "root"]);
    // Nothing went to a SQLite file.
    assert!(!env.db_path().exists());
    assert!(!env.dir.path().join("data").exists());
}

#[test]
fn sixteen_registrations_of_one_name_from_two_hosts_give_one_success() {
    let Some(env) = TestEnv::postgres() else {
        return;
    };
    let runs = (0..16)
        .map(|i| {
            let host = if i % 2 == 0 { "a" } else { "b" };
            let cmd = env.device_command(host, &["register", "alice", "--password-stdin"]);
            (cmd, format!("{}\n", pw_for(i)))
        })
        .collect();
    let done = env.run_all(runs);
    let codes: Vec<i32> = done.iter().map(|f| f.code).collect();
    assert_eq!(codes.iter().filter(|&&c| c == 0).count(), 1, "{codes:?}");
    assert_eq!(codes.iter().filter(|&&c| c == 9).count(), 15, "{codes:?}");
    let winner = done.iter().position(|f| f.code == 0).unwrap();
    env.login_attempt("alice", &pw_for(winner)).success();
    env.run(&["whoami"], "").success().stdout("alice\n");
}

#[test]
fn parallel_wrong_passwords_from_two_hosts_lock_once_after_the_threshold() {
    let Some(env) = TestEnv::postgres() else {
        return;
    };
    env.register("root", PW);
    env.register("alice", PW);
    let runs = (0..12)
        .map(|i| {
            let host = if i % 2 == 0 { "a" } else { "b" };
            let cmd = env.device_command(host, &["verify", "alice", "--password-stdin"]);
            (cmd, format!("{PW2}\n"))
        })
        .collect();
    let codes: Vec<i32> = env.run_all(runs).iter().map(|f| f.code).collect();
    // Five checks ran (wrong: exit 3); the rest were refused (locked: 7).
    assert_eq!(codes.iter().filter(|&&c| c == 3).count(), 5, "{codes:?}");
    assert_eq!(codes.iter().filter(|&&c| c == 7).count(), 7, "{codes:?}");
    env.login("root", PW);
    let log = json_stdout(&env.run(&["--json", "log", "--user", "alice"], "").success());
    let lockouts = log
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["event"] == "lockout")
        .count();
    assert_eq!(lockouts, 1);
    // Even the right password is refused while locked.
    assert_error(env.login_attempt("alice", PW), 7, "locked until");
}

#[test]
fn a_password_in_the_db_argument_is_refused_and_never_shown() {
    let env = TestEnv::new();
    // With a TLS mode the client library does not know, too.
    for url in [
        "postgresql://ops:hunter2-secret@/authctl?host=/nonexistent",
        "postgresql://ops:hunter2-secret@db.example.org/authctl?sslmode=verify-full",
    ] {
        let out = assert_error(env.run(&["--db", url, "whoami"], ""), 2, "~/.pgpass");
        assert!(stderr(&out).contains("AUTHCTL_DB"));
        assert!(!stderr(&out).contains("hunter2"));
    }
}

#[test]
fn an_unreachable_server_is_exit_10_naming_where_but_not_the_password() {
    let env = TestEnv::new();
    // Nothing listens on port 1; the URL (with its password) comes from
    // the environment, where it is allowed.
    let url = "postgresql://ops:hunter2-secret@127.0.0.1:1/accounts";
    let out = env.cmd().env("AUTHCTL_DB", url).args(["whoami"]).assert();
    let out = assert_error(
        out,
        10,
        "cannot connect to host 127.0.0.1 port 1 database accounts user ops",
    );
    assert!(!stderr(&out).contains("hunter2"));
}

#[test]
fn a_newer_schema_on_the_server_is_exit_10_and_left_alone() {
    let Some(env) = TestEnv::postgres() else {
        return;
    };
    env.register("alice", PW);
    let server = pg_cluster::server().unwrap();
    let url = env.db_url.as_deref().unwrap();
    let run = |sql: &str| {
        let out = server.psql(url).args(["-c", sql]).output().unwrap();
        assert!(out.status.success(), "{sql}: {out:?}");
        String::from_utf8(out.stdout).unwrap()
    };
    run("UPDATE authctl_schema SET version = 9");
    let before = run("SELECT count(*) FROM events");
    assert_error(
        env.run(&["whoami"], ""),
        10,
        "version 9 is newer than this authctl supports (version 2)",
    );
    assert_eq!(run("SELECT count(*) FROM events"), before);
    assert_eq!(run("SELECT version FROM authctl_schema").trim(), "9");
}

#[test]
fn events_record_the_host_that_acted() {
    let Some(env) = TestEnv::postgres() else {
        return;
    };
    env.register("root", PW);
    env.login("root", PW);
    let log = json_stdout(&env.run(&["--json", "log"], "").success());
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap();
    for event in log.as_array().unwrap() {
        assert_eq!(event["host"], host.trim(), "{event}");
    }
}

#[test]
fn a_write_lock_held_past_the_busy_timeout_is_exit_5() {
    let Some(env) = TestEnv::postgres() else {
        return;
    };
    env.register("root", PW);
    let server = pg_cluster::server().unwrap();
    let url = env.db_url.as_deref().unwrap();
    // Another host holds authctl's write lock (0x617574686374_6c, "authctl") for 8 s.
    let mut holder = server
        .psql(url)
        .args([
            "-c",
            "BEGIN; SELECT pg_advisory_xact_lock(27432215568938092); SELECT pg_sleep(8); COMMIT;",
        ])
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(500));
    assert_error(
        env.run(&["register", "bob", "--password-stdin"], &format!("{PW}\n")),
        5,
        "busy",
    );
    holder.wait().unwrap();
    // Nothing was half-written: bob can be registered now.
    env.register("bob", PW);
}

#[test]
fn the_server_stopped_mid_storm_loses_nothing_acknowledged_and_every_failure_is_clear() {
    let Some(server) = pg_cluster::private_server() else {
        return;
    };
    let env = TestEnv::on_database(server.fresh_database());
    env.register("root", PW);
    // Two hosts each register accounts one after another; the server goes
    // down (as if killed) once a few have committed, so that some are
    // acknowledged, one may be cut off mid-way, and the rest find no server.
    let host = |name: &str, first: usize| {
        let env = &env;
        let name = name.to_string();
        move || {
            (first..first + 12)
                .map(|i| {
                    let user = format!("user{i}");
                    let cmd = env.device_command(&name, &["register", &user, "--password-stdin"]);
                    let run = env.run_all(vec![(cmd, format!("{}\n", pw_for(i)))]);
                    (i, run.into_iter().next().unwrap())
                })
                .collect::<Vec<_>>()
        }
    };
    let done: Vec<_> = std::thread::scope(|scope| {
        let a = scope.spawn(host("a", 0));
        let b = scope.spawn(host("b", 12));
        while env.db().count("SELECT count(*) FROM users") < 5 {
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        server.crash();
        let mut done = a.join().unwrap();
        done.extend(b.join().unwrap());
        done
    });
    server.start();
    let (mut acknowledged, mut failed) = (0, 0);
    for (i, f) in &done {
        let name = format!("user{i}");
        if f.code == 0 {
            acknowledged += 1;
            env.login_attempt(&name, &pw_for(*i)).success();
        } else {
            failed += 1;
            assert!(
                [1, 5, 10].contains(&f.code),
                "{name}: exit {} {}",
                f.code,
                f.stderr
            );
            assert!(
                f.stderr.starts_with("authctl: ") && f.stderr.lines().count() == 1,
                "{name}: {:?}",
                f.stderr
            );
        }
    }
    // Nothing half-written: every account has its registration event, and
    // the failed registrations left neither.
    let db = env.db();
    let accounts = db.count("SELECT count(*) FROM users");
    assert_eq!(accounts, 1 + acknowledged);
    assert_eq!(
        db.count("SELECT count(*) FROM events WHERE event = 'register'"),
        accounts
    );
    assert!(
        acknowledged >= 4 && failed >= 1,
        "{acknowledged} acknowledged, {failed} failed"
    );
}
