//! The store contract, tested on every backend: each test takes a
//! function that opens an empty store of the backend under test, and
//! [`contract_tests!`] makes a `#[test]` of each for a backend.

use crate::audit::{Event, EventKind, Outcome};
use crate::error::{Error, Result};
use crate::lockout::{FailedLogins, Refusal};
use crate::model::{AccountFilter, AccountId, DetailChange, DisplayName, Email, Role, Username};
use crate::settings::Settings;
use crate::store::{
    Admission, NewAccount, NewSessionRow, PasswordProof, SecondFactorProof, Store, StoreError,
    StoreResult,
};

/// Opens an empty store of the backend under test.
pub(crate) type Open = fn() -> Box<dyn Store>;
use crate::time::Timestamp;

pub(crate) fn name(s: &str) -> Username {
    Username::parse(s).unwrap_or_else(|e| panic!("{e}"))
}

pub(crate) fn event(kind: EventKind, at: Timestamp, target: &str) -> Event {
    Event {
        at,
        kind,
        outcome: Outcome::Success,
        actor: None,
        target: Some(target.to_string()),
        os_user: "tester".to_string(),
        host: "testhost".to_string(),
        detail: None,
    }
}

fn row(digest: &[u8], expires_at: Timestamp) -> NewSessionRow<'_> {
    NewSessionRow {
        token_digest: digest,
        expires_at,
    }
}

/// A plain user account named `u` with `hash`.
fn user_row<'a>(u: &'a Username, hash: &'a str) -> NewAccount<'a> {
    NewAccount {
        username: u,
        name: None,
        email: None,
        role: Role::User,
        password_hash: hash,
        two_factor: None,
    }
}

/// Creates `account` as the registration rule would: the first is an admin.
fn insert(store: &mut dyn Store, account: &NewAccount<'_>, e: &Event) -> StoreResult<()> {
    let admit = |facts: &Admission| {
        Ok(if facts.first {
            Role::Admin
        } else {
            account.role
        })
    };
    store.insert_account(account, None, &admit, e).map(drop)
}

fn store_with(open: Open, users: &[&str]) -> Box<dyn Store> {
    let mut store = open();
    for (i, u) in users.iter().enumerate() {
        let at = 1000 + i64::try_from(i).unwrap_or(0);
        let e = event(EventKind::Register, at, u);
        if let Err(e) = insert(&mut *store, &user_row(&name(u), FAKE_HASH), &e) {
            panic!("{e:?}");
        }
    }
    store
}

/// The hash every test account is created with.
const FAKE_HASH: &str = "$argon2id$fake";

/// Proof of a password check for account `id` against [`FAKE_HASH`].
fn proof(id: AccountId) -> PasswordProof<'static> {
    PasswordProof {
        account: id,
        verified_hash: FAKE_HASH,
        upgraded_hash: None,
        second_factor: SecondFactorProof::None,
    }
}

fn id_of(store: &dyn Store, user: &str) -> AccountId {
    match store.find_account(&name(user)) {
        Ok(Some(a)) => a.id,
        other => panic!("{user}: {other:?}"),
    }
}

/// Starts a check at `now` as the library does.
fn begin(
    store: &mut dyn Store,
    id: AccountId,
    settings: &Settings,
    now: Timestamp,
) -> StoreResult<Option<Refusal>> {
    let step = |f: FailedLogins| match f.refusal(settings, now) {
        Some(refusal) => Err(refusal),
        None => Ok(f.started(now)),
    };
    store.begin_password_check(id, &step)
}

/// Records a failed check as the library does.
fn fail(
    store: &mut dyn Store,
    id: AccountId,
    settings: &Settings,
    failure: &Event,
    lockout: &Event,
) -> StoreResult<FailedLogins> {
    let step = |f: FailedLogins| f.after_failure(settings, failure.at);
    store.record_check_failure(id, &step, failure, lockout)
}

/// The settings stored, read as the library reads them.
fn load_settings(store: &dyn Store) -> Result<Settings> {
    Settings::DEFAULT.with_stored(store.stored_settings()?)
}

/// Changes a setting, validated as a whole as the library does.
fn change_setting(store: &mut dyn Store, key: &str, value: &str, e: &Event) -> Result<Settings> {
    let check = |pairs: &crate::store::SettingPairs| {
        Settings::DEFAULT
            .with_stored(pairs.iter().cloned())
            .map(drop)
    };
    let pairs = store.change_setting(key, value, &check, e)?;
    Settings::DEFAULT.with_stored(pairs)
}

fn event_names(store: &dyn Store) -> Vec<String> {
    let mut names = Vec::new();
    let collected = store.for_each_event(None, None, &mut |e| {
        names.push(format!("{}:{}", e.event, e.target.unwrap_or_default()));
        Ok(())
    });
    assert!(collected.is_ok());
    names
}

pub(crate) fn first_user_is_admin_and_names_are_unique(open: Open) -> Result<()> {
    let mut store = store_with(open, &["alice", "bob"]);
    assert_eq!(
        store.find_account(&name("alice"))?.map(|a| a.role),
        Some(Role::Admin)
    );
    assert_eq!(
        store.find_account(&name("bob"))?.map(|a| a.role),
        Some(Role::User)
    );
    let dup = insert(
        &mut *store,
        &user_row(&name("bob"), "h"),
        &event(EventKind::Register, 5, "bob"),
    );
    assert!(matches!(dup, Err(StoreError::UsernameTaken(u)) if u.as_str() == "bob"));
    assert_eq!(
        event_names(&*store),
        ["register:bob", "register:alice"],
        "newest first; the failed insert left none"
    );
    Ok(())
}

pub(crate) fn password_change_revokes_every_session_and_can_rotate_one(open: Open) -> Result<()> {
    let mut store = store_with(open, &["alice"]);
    let alice = id_of(&*store, "alice");
    let login = event(EventKind::Login, 10, "alice");
    store.open_session(&proof(alice), row(b"digest-one", 100), None, &login)?;
    store.open_session(&proof(alice), row(b"digest-two", 100), None, &login)?;
    assert_eq!(store.count_live_sessions(alice, 50, 1000)?, 2);
    assert_eq!(
        store.count_live_sessions(alice, 100, 1000)?,
        0,
        "expired at 100"
    );
    assert_eq!(
        store.count_live_sessions(alice, 50, 40)?,
        0,
        "last used at 10, idle for 40 seconds by 50"
    );
    let mut listed = Vec::new();
    store.for_each_account(&AccountFilter::default(), 50, 1000, &mut |(
        account,
        live,
    )| {
        listed.push((account.username.to_string(), live));
        Ok(())
    })?;
    assert_eq!(listed, [("alice".to_string(), 2)]);
    let changed = event(EventKind::PasswordChanged, 20, "alice");
    let (new_id, revoked) =
        store.set_password_hash(alice, "new", Some(row(b"digest-new", 100)), &changed)?;
    assert!(new_id.is_some());
    assert_eq!(revoked, 2, "both sessions, the replaced one included");
    assert!(store.find_session(b"digest-one")?.is_none());
    assert!(store.find_session(b"digest-two")?.is_none());
    assert!(store.find_session(b"digest-new")?.is_some());
    assert_eq!(
        store
            .find_account(&name("alice"))?
            .map(|a| a.password_changed_at),
        Some(20)
    );
    Ok(())
}

pub(crate) fn replacing_a_session_revokes_the_old_one(open: Open) -> Result<()> {
    let mut store = store_with(open, &["alice"]);
    let id = id_of(&*store, "alice");
    let login = event(EventKind::Login, 11, "alice");
    store.open_session(&proof(id), row(b"old", 100), None, &login)?;
    store.open_session(&proof(id), row(b"new", 100), Some(b"old"), &login)?;
    assert!(store.find_session(b"old")?.is_none());
    assert!(store.find_session(b"new")?.is_some());
    assert_eq!(
        store.find_account(&name("alice"))?.map(|a| a.last_login_at),
        Some(Some(11))
    );
    Ok(())
}

pub(crate) fn failures_lock_revoke_sessions_and_success_resets(open: Open) -> Result<()> {
    let mut store = store_with(open, &["alice"]);
    let id = id_of(&*store, "alice");
    store.open_session(
        &proof(id),
        row(b"s", 10_000),
        None,
        &event(EventKind::Login, 1, "alice"),
    )?;
    let settings = Settings::DEFAULT;
    let failure = event(EventKind::LoginFailed, 100, "alice");
    let lock = event(EventKind::Lockout, 100, "alice");
    for n in 1..5 {
        assert_eq!(begin(&mut *store, id, &settings, 100)?, None);
        let f = fail(&mut *store, id, &settings, &failure, &lock)?;
        assert_eq!((f.count, f.locked_until), (n, None));
    }
    assert_eq!(begin(&mut *store, id, &settings, 100)?, None);
    let f = fail(&mut *store, id, &settings, &failure, &lock)?;
    assert_eq!(f.locked_until, Some(100 + 900));
    assert_eq!(
        begin(&mut *store, id, &settings, 200)?,
        Some(Refusal::LockedUntil(1000))
    );
    assert!(
        store.find_session(b"s")?.is_none(),
        "a lock ends the sessions"
    );
    assert!(event_names(&*store).contains(&"lockout:alice".to_string()));
    let upgrade = PasswordProof {
        upgraded_hash: Some("upgraded"),
        ..proof(id)
    };
    store.record_check_success(&upgrade)?;
    let (_, hash) = store
        .find_credentials(&name("alice"))?
        .unwrap_or_else(|| panic!("gone"));
    assert_eq!(hash, "upgraded");
    assert_eq!(begin(&mut *store, id, &settings, 200)?, None, "unlocked");
    // A proof against a hash that has since changed is refused, writes nothing.
    assert!(matches!(
        store.record_check_success(&upgrade),
        Err(StoreError::Stale)
    ));
    assert!(matches!(
        store.open_session(&upgrade, row(b"t", 10_000), None, &failure),
        Err(StoreError::Stale)
    ));
    assert!(store.find_session(b"t")?.is_none());
    Ok(())
}

pub(crate) fn the_last_admin_cannot_be_deleted_and_history_survives_deletion(
    open: Open,
) -> Result<()> {
    let mut store = store_with(open, &["root", "bob"]);
    let (root, bob) = (id_of(&*store, "root"), id_of(&*store, "bob"));
    store.open_session(
        &proof(bob),
        row(b"s", 100),
        None,
        &event(EventKind::Login, 1, "bob"),
    )?;
    let gone = event(EventKind::AccountDeleted, 2, "root");
    assert!(matches!(
        store.delete_account(root, &gone),
        Err(StoreError::LastAdmin {
            others_locked: false
        })
    ));
    store.delete_account(bob, &event(EventKind::AccountDeleted, 3, "bob"))?;
    assert!(store.find_account(&name("bob"))?.is_none());
    assert!(
        store.find_session(b"s")?.is_none(),
        "sessions go with the account"
    );
    let mut bobs = 0;
    store.for_each_event(Some(&name("bob")), None, &mut |_| {
        bobs += 1;
        Ok(())
    })?;
    assert_eq!(bobs, 3, "register, login, deleted");
    Ok(())
}

pub(crate) fn update_details_sets_and_clears(open: Open) -> Result<()> {
    let mut store = store_with(open, &["alice"]);
    let id = id_of(&*store, "alice");
    let e = event(EventKind::DetailsUpdated, 5, "alice");
    let a = store.update_details(
        id,
        &DetailChange::Set(Email::parse("a@x.org")?),
        &DetailChange::Set(DisplayName::parse("Alice")?),
        &e,
    )?;
    assert_eq!(
        (a.email.as_deref(), a.name.as_deref()),
        (Some("a@x.org"), Some("Alice"))
    );
    let a = store.update_details(id, &DetailChange::Keep, &DetailChange::Clear, &e)?;
    assert_eq!((a.email.as_deref(), a.name), (Some("a@x.org"), None));
    Ok(())
}

pub(crate) fn event_log_limit_and_filter(open: Open) -> Result<()> {
    let store = store_with(open, &["a1", "b2", "c3"]);
    let mut seen = Vec::new();
    store.for_each_event(None, Some(2), &mut |e| {
        seen.push(e.target.unwrap_or_default());
        Ok(())
    })?;
    assert_eq!(seen, ["c3", "b2"]);
    Ok(())
}

pub(crate) fn an_admin_lock_refuses_checks_revokes_sessions_and_blocks_a_racing_success(
    open: Open,
) -> Result<()> {
    let mut store = store_with(open, &["root", "bob"]);
    let bob = id_of(&*store, "bob");
    store.open_session(
        &proof(bob),
        row(b"t1", 9999),
        None,
        &event(EventKind::Login, 10, "bob"),
    )?;
    // A check that started before the lock...
    assert_eq!(begin(&mut *store, bob, &Settings::DEFAULT, 20)?, None);
    let revoked = store.lock_account(
        bob,
        Some("gone"),
        &event(EventKind::AccountLocked, 21, "bob"),
    )?;
    assert_eq!(revoked, 1);
    // ...cannot open a session once it is locked.
    let late = store.open_session(
        &proof(bob),
        row(b"t2", 9999),
        None,
        &event(EventKind::Login, 22, "bob"),
    );
    assert!(matches!(late, Err(StoreError::AdminLocked)), "{late:?}");
    // Nor can a password change that was under way rotate its session.
    let e = event(EventKind::PasswordChanged, 22, "bob");
    let rotated = store.set_password_hash(bob, "h2", Some(row(b"t3", 9999)), &e);
    assert!(
        matches!(rotated, Err(StoreError::AdminLocked)),
        "{rotated:?}"
    );
    assert_eq!(
        begin(&mut *store, bob, &Settings::DEFAULT, 23)?,
        Some(Refusal::LockedByAdmin)
    );
    let account = store.find_account(&name("bob"))?.map(|a| a.admin_lock);
    assert_eq!(
        account.flatten().and_then(|l| l.reason),
        Some("gone".to_string())
    );

    store.unlock_account(bob, &event(EventKind::AccountUnlocked, 24, "bob"))?;
    assert_eq!(begin(&mut *store, bob, &Settings::DEFAULT, 25)?, None);
    Ok(())
}

pub(crate) fn the_last_unlocked_admin_cannot_be_locked_or_demoted(open: Open) -> Result<()> {
    let mut store = store_with(open, &["root", "ops"]);
    let (root, ops) = (id_of(&*store, "root"), id_of(&*store, "ops"));
    let e = |at| event(EventKind::RoleChanged, at, "x");
    assert!(matches!(
        store.set_role(root, Role::User, &e(1)),
        Err(StoreError::LastAdmin {
            others_locked: false
        })
    ));
    assert!(matches!(
        store.lock_account(root, None, &e(2)),
        Err(StoreError::LastAdmin {
            others_locked: false
        })
    ));
    store.set_role(ops, Role::Admin, &e(3))?;
    store.lock_account(ops, None, &e(4))?;
    // ops is an admin but locked: root is still the last one who can act.
    assert!(matches!(
        store.delete_account(root, &e(5)),
        Err(StoreError::LastAdmin {
            others_locked: true
        })
    ));
    store.unlock_account(ops, &e(6))?;
    store.set_role(root, Role::User, &e(7))?;
    assert_eq!(
        store.find_account(&name("root"))?.map(|a| a.role),
        Some(Role::User)
    );
    Ok(())
}

pub(crate) fn an_import_is_all_or_nothing_unless_existing_names_are_skipped(
    open: Open,
) -> Result<()> {
    let mut store = store_with(open, &["root", "bob"]);
    let login = event(EventKind::Login, 1, "root");
    let root = id_of(&*store, "root");
    let admin = store.open_session(&proof(root), row(b"r", 9999), None, &login)?;
    let bobs = store.open_session(&proof(id_of(&*store, "bob")), row(b"b", 9999), None, &login)?;
    let (carol, bob) = (name("carol"), name("bob"));
    let rows = vec![
        (
            user_row(&carol, "h"),
            event(EventKind::Register, 5, "carol"),
        ),
        (user_row(&bob, "h"), event(EventKind::Register, 5, "bob")),
    ];
    let summary = |n, s| Event {
        detail: Some(format!("{n}/{s}")),
        ..event(EventKind::Import, 5, "")
    };
    // The library's rule: the importer must still be an admin.
    let admit = |facts: &Admission| match facts.actor.map(|a| a.role) {
        Some(Role::Admin) => Ok(()),
        _ => Err(Error::PermissionDenied("not an admin".to_string())),
    };
    let failed = store.import_accounts(&rows, false, admin, &admit, &summary);
    assert!(matches!(failed, Err(StoreError::UsernameTaken(u)) if u.as_str() == "bob"));
    assert!(store.find_account(&carol)?.is_none(), "carol rolled back");
    let not_admin = store.import_accounts(&rows, true, bobs, &admit, &summary);
    assert!(matches!(
        not_admin,
        Err(StoreError::Failed(Error::PermissionDenied(_)))
    ));
    assert_eq!(
        store.import_accounts(&rows, true, admin, &admit, &summary)?,
        [true, false]
    );
    assert!(store.find_account(&carol)?.is_some());
    Ok(())
}

pub(crate) fn settings_are_stored_validated_as_a_whole_and_reloaded(open: Open) -> Result<()> {
    let mut store = store_with(open, &[]);
    let e = event(EventKind::SettingChanged, 1, "");
    let s = change_setting(&mut *store, "session.ttl", "1h", &e)?;
    assert_eq!(s.session_ttl_secs, 3600);
    change_setting(&mut *store, "session.max_ttl", "2h", &e)?;
    let below = change_setting(&mut *store, "session.ttl", "3h", &e);
    assert!(matches!(below, Err(Error::Invalid(_))));
    let loaded = load_settings(&*store)?;
    assert_eq!(
        (loaded.session_ttl_secs, loaded.session_max_ttl_secs),
        (3600, 7200)
    );
    Ok(())
}

/// A `#[test]` running each contract test on the backend `$open` opens
/// (an `Option<Open>`: `None` when the backend is not available here).
macro_rules! contract_tests {
    ($open:expr) => {
        contract_tests!($open;
            first_user_is_admin_and_names_are_unique,
            password_change_revokes_every_session_and_can_rotate_one,
            replacing_a_session_revokes_the_old_one,
            failures_lock_revoke_sessions_and_success_resets,
            the_last_admin_cannot_be_deleted_and_history_survives_deletion,
            update_details_sets_and_clears,
            event_log_limit_and_filter,
            an_admin_lock_refuses_checks_revokes_sessions_and_blocks_a_racing_success,
            the_last_unlocked_admin_cannot_be_locked_or_demoted,
            an_import_is_all_or_nothing_unless_existing_names_are_skipped,
            settings_are_stored_validated_as_a_whole_and_reloaded,
        );
    };
    ($open:expr; $($name:ident,)*) => {
        $(
            #[test]
            fn $name() -> crate::error::Result<()> {
                match $open {
                    Some(open) => crate::store::contract_tests::$name(open),
                    None => Ok(()),
                }
            }
        )*
    };
}
pub(crate) use contract_tests;
