//! Measures the security-relevant costs: hashing at the default parameters,
//! a failed login for an unknown user against one with a wrong password
//! (they must take the same time, or usernames can be enumerated), and the
//! password policy on a 1024-character password (must stay well under 100 ms).
//!
//! Run with `cargo bench --bench security`. Prints medians; exits non-zero
//! if the unknown/wrong ratio leaves 0.9..1.1 or the policy check takes
//! 100 ms or more.

use authctl::{Accounts, Details, HashParams, Password, Role, SettingKey, Username};
use std::hint::black_box;
use std::process::ExitCode;
use std::time::Duration;

// Shared with the tests, which use the rest of it.
#[allow(dead_code)]
#[path = "../tests/it/common/timing.rs"]
mod timing;
use timing::median;

const RUNS: usize = 21;

fn main() -> ExitCode {
    match run() {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("bench failed: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> authctl::Result<bool> {
    let right = Password::from("violet tractor mangoes sing");
    let wrong = Password::from("Tr0mbone-Galaxy-Pickle");
    let hash = median(RUNS, || {
        black_box(HashParams::DEFAULT.hash(&right).ok());
    });
    println!("argon2id m=65536 t=3 p=4 hash:       {hash:>10.1?}");

    // No lockout here: every wrong password must reach the hash check.
    let threshold = "100";
    let mut accounts = Accounts::open_in_memory()?;
    let alice = Username::parse("alice")?;
    let nobody = Username::parse("nobody")?;
    accounts.register(None, &alice, &Details::default(), &right, Role::User)?;
    // alice is the first account, so the admin who may change the setting.
    let checked = accounts.check_first_factor(None, &alice, &right)?;
    let admin = accounts.login(checked, None, Duration::from_secs(600), None)?;
    accounts.set_setting(&admin.session, SettingKey::LockoutThreshold, threshold)?;
    // Alternating, so that drift in the machine's speed hits both alike.
    let (mut wrong_times, mut unknown_times) = (Vec::new(), Vec::new());
    for _ in 0..RUNS {
        wrong_times.push(median(1, || {
            black_box(accounts.check_first_factor(None, &alice, &wrong).is_err());
        }));
        unknown_times.push(median(1, || {
            black_box(accounts.check_first_factor(None, &nobody, &wrong).is_err());
        }));
    }
    wrong_times.sort();
    unknown_times.sort();
    let (wrong_password, unknown_user) = (wrong_times[RUNS / 2], unknown_times[RUNS / 2]);
    let ratio = unknown_user.as_secs_f64() / wrong_password.as_secs_f64();
    println!("failed login, wrong password:        {wrong_password:>10.1?}");
    println!("failed login, unknown user:          {unknown_user:>10.1?}");
    println!("ratio unknown / wrong:               {ratio:>10.3}");

    // Random printable ASCII is zxcvbn's slowest case (no long dictionary
    // matches to shortcut the search); a fixed LCG keeps runs comparable.
    let mut seed: u32 = 0x2545_f491;
    let long: String = (0..1024)
        .map(|_| {
            seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            char::from(b' ' + ((seed >> 24) % 95) as u8)
        })
        .collect();
    let long = Password::from(long.as_str());
    let policy = median(RUNS, || {
        black_box(
            accounts
                .check_new_password(&long, &alice, None, None)
                .is_ok(),
        );
    });
    println!("policy check, 1024 characters:       {policy:>10.1?}");

    let ok = (0.9..=1.1).contains(&ratio) && policy < Duration::from_millis(100);
    if !ok {
        eprintln!("out of bounds: ratio must be 0.9..1.1, policy under 100 ms");
    }
    Ok(ok)
}
