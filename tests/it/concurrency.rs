//! Many real authctl processes at once on one database: every acknowledged
//! change is there afterwards and the database stays sound.

use crate::common::*;

/// A password for user `name` that passes the policy.
fn pw_for(i: usize) -> String {
    format!("violet tractor mangoes {i} sing")
}

#[test]
fn thirty_two_registrations_of_distinct_users_all_succeed() {
    let env = TestEnv::new();
    let runs = (0..32)
        .map(|i| {
            let name = format!("user{i}");
            let cmd = env.std_command(&["register", &name, "--password-stdin"]);
            (cmd, format!("{}\n", pw_for(i)))
        })
        .collect();
    let done = env.run_all(runs);
    for (i, f) in done.iter().enumerate() {
        assert_eq!(f.code, 0, "user{i}: {}", f.stderr);
    }
    assert_eq!(env.db().count("SELECT count(*) FROM users"), 32);
    assert_eq!(
        env.db()
            .count("SELECT count(*) FROM users WHERE role = 'admin'"),
        1
    );
    assert_eq!(env.db().integrity(), "ok");
}

#[test]
fn sixteen_registrations_of_one_name_give_one_success_and_fifteen_exit_9() {
    let env = TestEnv::new();
    let runs = (0..16)
        .map(|i| {
            let cmd = env.std_command(&["register", "alice", "--password-stdin"]);
            (cmd, format!("{}\n", pw_for(i)))
        })
        .collect();
    let done = env.run_all(runs);
    let codes: Vec<i32> = done.iter().map(|f| f.code).collect();
    assert_eq!(codes.iter().filter(|&&c| c == 0).count(), 1, "{codes:?}");
    assert_eq!(codes.iter().filter(|&&c| c == 9).count(), 15, "{codes:?}");
    for f in done.iter().filter(|f| f.code == 9) {
        assert_eq!(f.stderr, "authctl: user alice already exists\n");
    }
    // The one acknowledged password is the one stored.
    let winner = done.iter().position(|f| f.code == 0).unwrap();
    env.login_attempt("alice", &pw_for(winner)).success();
    assert_eq!(env.db().integrity(), "ok");
}

#[test]
fn thirty_two_simultaneous_logins_then_whoamis_all_succeed() {
    let env = TestEnv::new();
    env.register("alice", PW);
    let logins = (0..32)
        .map(|i| {
            let cmd = env.device_command(&format!("d{i}"), &["login", "alice", "--password-stdin"]);
            (cmd, format!("{PW}\n"))
        })
        .collect();
    for (i, f) in env.run_all(logins).iter().enumerate() {
        assert_eq!(f.code, 0, "login {i}: {}", f.stderr);
    }
    assert_eq!(env.db().count("SELECT count(*) FROM sessions"), 32);
    let whoamis = (0..32)
        .map(|i| {
            (
                env.device_command(&format!("d{i}"), &["whoami"]),
                String::new(),
            )
        })
        .collect();
    for f in env.run_all(whoamis) {
        assert_eq!((f.code, f.stdout.as_str()), (0, "alice\n"), "{}", f.stderr);
    }
    assert_eq!(env.db().integrity(), "ok");
}

#[test]
fn a_mixed_storm_leaves_every_acknowledged_change_and_a_sound_database() {
    let env = TestEnv::new();
    env.register("root", PW);
    for i in 0..8 {
        env.register(&format!("old{i}"), &pw_for(i));
    }
    for i in 0..4 {
        env.login_on_device(&format!("out{i}"), &format!("old{i}"), &pw_for(i));
    }
    let mut runs = Vec::new();
    for i in 0..8 {
        let name = format!("new{i}");
        runs.push((
            env.std_command(&["register", &name, "--password-stdin"]),
            format!("{}\n", pw_for(100 + i)),
        ));
    }
    for i in 0..8 {
        let name = format!("old{i}");
        runs.push((
            env.device_command(&format!("in{i}"), &["login", &name, "--password-stdin"]),
            format!("{}\n", pw_for(i)),
        ));
    }
    for i in 4..8 {
        let name = format!("old{i}");
        runs.push((
            env.std_command(&["passwd", &name, "--password-stdin"]),
            format!("{}\n{}\n", pw_for(i), pw_for(200 + i)),
        ));
    }
    for i in 0..4 {
        runs.push((
            env.device_command(&format!("out{i}"), &["logout"]),
            String::new(),
        ));
    }
    let done = env.run_all(runs);
    for (i, f) in done.iter().enumerate() {
        // The logins of old4..old7 (runs 12..15) race the passwd of the same
        // account: either order is a correct serialisation, so a login that
        // came after the change is refused with the old password.
        let raced_passwd = (12..16).contains(&i);
        if raced_passwd && f.code == 3 {
            assert_eq!(f.stderr, "authctl: incorrect username or password\n");
            continue;
        }
        assert_eq!(f.code, 0, "run {i}: {}", f.stderr);
    }
    assert_eq!(env.db().integrity(), "ok");
    // Each acknowledged change is there.
    for i in 0..8 {
        env.login_attempt(&format!("new{i}"), &pw_for(100 + i))
            .success();
    }
    // Logins of accounts nobody changed stay valid (old4..old7 had their
    // passwords changed at the same time, which may have revoked them).
    for i in 0..4 {
        env.on_device(&format!("in{i}"))
            .arg("whoami")
            .assert()
            .success()
            .stdout(format!("old{i}\n"));
    }
    for i in 4..8 {
        let verify = |pw: String| {
            env.run(
                &["verify", &format!("old{i}"), "--password-stdin"],
                &format!("{pw}\n"),
            )
        };
        verify(pw_for(i)).code(3);
        verify(pw_for(200 + i)).success();
    }
    // A logout removed its file and its row: old0..old3 each keep only the
    // session of the storm's login.
    for i in 0..4 {
        assert!(!env.dir.path().join(format!("out{i}/session")).exists());
        assert_eq!(
            env.db().count(&format!(
                "SELECT count(*) FROM sessions JOIN users ON users.id = user_id WHERE username = 'old{i}'"
            )),
            1,
            "old{i}"
        );
    }
    assert_eq!(
        env.db().count("SELECT count(*) FROM users"),
        17,
        "root, eight old and eight new"
    );
}
