//! authctl killed (SIGKILL) at random moments during registrations, logins
//! and password changes: the database stays sound, every command that
//! exited 0 is in it, and no session file is ever half written.

use crate::common::*;
use std::io::Write;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// A small xorshift generator; the seed is printed so a failure can be rerun.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

fn pw(i: usize, generation: &str) -> String {
    format!("violet tractor mangoes {generation} {i} sing")
}

/// Starts `cmd` with `stdin`, kills it after `after` (or lets it finish,
/// with `None`), and says whether it had finished with exit 0 (its change
/// was acknowledged).
fn run_then_kill(mut cmd: std::process::Command, stdin: &str, after: Option<Duration>) -> bool {
    cmd.stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    let mut child: Child = cmd.spawn().unwrap();
    let _ = child.stdin.take().unwrap().write_all(stdin.as_bytes());
    if let Some(after) = after {
        std::thread::sleep(after);
        let _ = child.kill(); // SIGKILL; an error means it had already exited
    }
    let status = child.wait().unwrap();
    status.code() == Some(0)
}

/// How long `cmd` takes to finish, fed `stdin`; it must succeed.
fn duration_of(mut cmd: std::process::Command, stdin: &str) -> Duration {
    cmd.stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    let start = Instant::now();
    let mut child: Child = cmd.spawn().unwrap();
    let _ = child.stdin.take().unwrap().write_all(stdin.as_bytes());
    assert!(child.wait().unwrap().success(), "calibration run failed");
    start.elapsed()
}

/// When to kill the `nth` command of a kind that takes `typical` to run:
/// never the first and at once the second (so both outcomes are tested
/// every time); the rest at random around the end, where the commit and
/// the session file's rename happen.
fn kill_after(nth: usize, typical: Duration, rng: &mut Rng) -> Option<Duration> {
    let ms = typical.as_millis() as u64;
    match nth {
        0 => None,
        1 => Some(Duration::ZERO),
        _ => Some(Duration::from_millis(ms / 2 + rng.below(ms * 3 / 4 + 1))),
    }
}

fn verifies(env: &TestEnv, user: &str, password: &str) -> bool {
    env.run(
        &["verify", user, "--password-stdin"],
        &format!("{password}\n"),
    )
    .get_output()
    .status
    .success()
}

#[test]
fn killed_at_random_moments_nothing_acknowledged_is_lost_and_nothing_is_torn() {
    let seed = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64
        | 1;
    println!("seed {seed}");
    let mut rng = Rng(seed);
    let env = TestEnv::new();
    env.register("root", PW);
    env.register("base", PW);
    const ROUNDS: usize = 36;
    for i in (2..ROUNDS).step_by(3) {
        env.register(&format!("pw{i}"), &pw(i, "old"));
    }
    let token_len = {
        env.login_on_device("reference", "base", PW);
        std::fs::read(env.dir.path().join("reference/session"))
            .unwrap()
            .len()
    };
    // A killed login leaves its check counted (it is counted before the
    // hash); enough of them in a row would lock `base` and leave later
    // rounds with nothing to test.
    env.login("root", PW);
    env.run(&["config", "set", "lockout.threshold", "100"], "")
        .success();
    env.run(&["logout"], "").success();
    // How long each kind of command takes here, to aim the kills.
    env.register("calibrate", &pw(0, "old"));
    let typical = [
        duration_of(
            env.std_command(&["register", "calibrated", "--password-stdin"]),
            &format!("{}\n", pw(0, "new")),
        ),
        duration_of(
            env.device_command("calibrate", &["login", "base", "--password-stdin"]),
            &format!("{PW}\n"),
        ),
        duration_of(
            env.std_command(&["passwd", "calibrate", "--password-stdin"]),
            &format!("{}\n{}\n", pw(0, "old"), pw(0, "new")),
        ),
    ];
    println!("typical durations: {typical:?}");
    // (finished, killed) for each kind of command.
    let mut outcomes = [(0, 0); 3];
    for i in 0..ROUNDS {
        let kind = i % 3;
        let after = kill_after(i / 3, typical[kind], &mut rng);
        match kind {
            0 => {
                let name = format!("new{i}");
                let cmd = env.std_command(&["register", &name, "--password-stdin"]);
                let acked = run_then_kill(cmd, &format!("{}\n", pw(i, "new")), after);
                let exists = env.db().count(&format!(
                    "SELECT count(*) FROM users WHERE username = '{name}'"
                )) == 1;
                assert!(
                    exists || !acked,
                    "round {i}: acknowledged {name} is missing"
                );
                if exists {
                    assert!(
                        verifies(&env, &name, &pw(i, "new")),
                        "round {i}: {name}'s password"
                    );
                }
                tally(&mut outcomes[kind], acked);
            }
            1 => {
                let device = format!("dev{i}");
                let cmd = env.device_command(&device, &["login", "base", "--password-stdin"]);
                let acked = run_then_kill(cmd, &format!("{PW}\n"), after);
                let file = env.dir.path().join(&device).join("session");
                match std::fs::read(&file) {
                    Ok(bytes) => {
                        assert_eq!(bytes.len(), token_len, "round {i}: torn session file");
                        env.on_device(&device)
                            .arg("whoami")
                            .assert()
                            .success()
                            .stdout("base\n");
                    }
                    Err(_) => assert!(!acked, "round {i}: acknowledged login has no file"),
                }
                tally(&mut outcomes[kind], acked);
            }
            _ => {
                let name = format!("pw{i}");
                let cmd = env.std_command(&["passwd", &name, "--password-stdin"]);
                let lines = format!("{}\n{}\n", pw(i, "old"), pw(i, "new"));
                let acked = run_then_kill(cmd, &lines, after);
                let (old, new) = (
                    verifies(&env, &name, &pw(i, "old")),
                    verifies(&env, &name, &pw(i, "new")),
                );
                assert!(old ^ new, "round {i}: exactly one password of {name} works");
                assert!(
                    new || !acked,
                    "round {i}: acknowledged change of {name} was lost"
                );
                tally(&mut outcomes[kind], acked);
            }
        }
        assert_eq!(env.db().integrity(), "ok", "round {i}, seed {seed}");
    }
    println!("(finished, killed) for register, login, passwd: {outcomes:?}");
    for (kind, (finished, killed)) in ["register", "login", "passwd"].iter().zip(outcomes) {
        assert!(
            finished > 0 && killed > 0,
            "{kind}: both outcomes must be tested: {finished} finished, {killed} killed"
        );
    }
}

fn tally((finished, killed): &mut (usize, usize), acked: bool) {
    if acked {
        *finished += 1;
    } else {
        *killed += 1;
    }
}
