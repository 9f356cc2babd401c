//! The library enforces who may do what, without the binary: every admin
//! operation called through the public API with a plain user's session is
//! refused, and the database is then exactly as it was (every row of every
//! table, the audit log included).

use crate::common::db::{Sqlite, TestDb};
use authctl::import::{self, ImportFormat};
use authctl::totp::TotpSecret;
use authctl::{
    AccountFilter, Accounts, DetailChange, Details, Email, Error, ImportPlan, OpenMode, Role,
    Session, SessionId, SettingKey, Username,
};
use std::path::{Path, PathBuf};
use std::time::Duration;

const PW: &str = "violet tractor mangoes sing";
const NEW_PW: &str = "Tr0mbone-Galaxy-Pickle";

fn name(s: &str) -> Username {
    Username::parse(s).expect("valid username")
}

/// Logs `user` in and returns the session.
fn login(accounts: &mut Accounts, user: &str) -> Session {
    let checked = accounts
        .check_first_factor(None, &name(user), &PW.into())
        .expect("right password");
    accounts
        .login(checked, None, Duration::from_secs(3600), None)
        .expect("login")
        .session
}

/// Every row of every table, as text, in a stable order.
fn snapshot(db: &Path) -> Vec<String> {
    let db = Sqlite::open(db);
    let tables = ["users", "sessions", "events", "settings", "recovery_codes"];
    let mut rows = Vec::new();
    for table in tables {
        for row in db.rows(&format!("SELECT * FROM {table} ORDER BY 1")) {
            rows.push(format!("{table}: {row:?}"));
        }
    }
    rows
}

/// A database with root (admin, logged in), bob (a user, logged in) and
/// carol (a user with a timed lockout), in a directory of its own.
struct World {
    _dir: tempfile::TempDir,
    db: PathBuf,
    accounts: Accounts,
    bob: Session,
    root_session: SessionId,
}

fn setup() -> World {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("users.db");
    let mut accounts = Accounts::open(&db, OpenMode::CreateIfMissing).expect("open");
    for user in ["root", "bob", "carol"] {
        let d = Details::default();
        accounts
            .register(None, &name(user), &d, &PW.into(), Role::User)
            .expect("register");
    }
    let root = login(&mut accounts, "root");
    let bob = login(&mut accounts, "bob");
    for _ in 0..5 {
        let wrong = accounts.check_first_factor(None, &name("carol"), &NEW_PW.into());
        assert!(matches!(wrong, Err(Error::AuthenticationFailed)));
    }
    World {
        _dir: dir,
        db,
        accounts,
        bob,
        root_session: root.id(),
    }
}

fn denied<T: std::fmt::Debug>(what: &str, result: authctl::Result<T>) {
    assert!(
        matches!(result, Err(Error::PermissionDenied(_))),
        "{what}: expected permission denied, got {result:?}"
    );
}

#[test]
fn a_plain_user_session_can_do_no_admin_operation_and_changes_nothing() {
    let World {
        _dir,
        db,
        accounts: mut a,
        bob,
        root_session,
        ..
    } = setup();
    let before = snapshot(&db);
    let (root, carol) = (name("root"), name("carol"));

    denied(
        "promote self",
        a.set_role(&bob, bob.username(), Role::Admin),
    );
    denied("demote root", a.set_role(&bob, &root, Role::User));
    denied("lock", a.lock(&bob, &root, None));
    denied("unlock", a.unlock(&bob, &carol));
    denied("delete", a.delete(&bob, &root));
    denied("may delete", a.ensure_may_delete(&bob, &root));
    denied(
        "reset password",
        a.reset_password(&bob, &root, &NEW_PW.into()),
    );
    denied("view settings", a.settings(&bob).map(drop));
    denied(
        "change a setting",
        a.set_setting(&bob, SettingKey::Registration, "open"),
    );
    denied("revoke all of root's", a.revoke_all_sessions(&bob, &root));
    denied("list root's sessions", a.sessions_of(&bob, &root));
    denied("view root", a.account(&bob, &root));
    let email = DetailChange::Set(Email::parse("x@example.org").expect("email"));
    denied(
        "update root",
        a.update_details(&bob, &root, &email, &DetailChange::Keep),
    );
    denied(
        "list",
        a.list_accounts(&bob, &AccountFilter::default(), |_, _| Ok(())),
    );
    denied("audit log", a.audit_log(&bob, None, None, |_| Ok(())));
    denied("export", a.export(&bob, true, |_, _, _| Ok(())));
    denied("may import", a.ensure_may_import(&bob));
    let parsed = import::parse(ImportFormat::Htpasswd, "");
    denied("plan import", a.plan_import(&bob, parsed, false, Some(1)));
    let plan = ImportPlan::default();
    denied("import", a.import(&bob, &plan, false, Some(1), &|| {}));
    denied("reset 2FA", a.reset_totp(&bob, &root));
    denied(
        "register an admin",
        a.register(
            Some(&bob),
            &name("mallory"),
            &Details::default(),
            &PW.into(),
            Role::Admin,
        ),
    );
    // Another account's session is reported as missing, like one that
    // does not exist.
    let revoked = a.revoke_sessions(&bob, &[root_session]);
    assert!(
        matches!(revoked, Err(Error::NoSuchSession(_))),
        "{revoked:?}"
    );

    assert_eq!(
        snapshot(&db),
        before,
        "a refused operation changed the database"
    );
}

#[test]
fn a_password_checked_for_one_account_does_not_act_for_another_session() {
    let World {
        _dir,
        db,
        accounts: mut a,
        bob,
        ..
    } = setup();
    let root = name("root");
    let events = |db: &Path| {
        snapshot(db)
            .iter()
            .filter(|r| r.starts_with("events"))
            .count()
    };
    let before = events(&db);
    let checked = a
        .check_first_factor(None, &root, &PW.into())
        .expect("root's password");
    let secret = TotpSecret::generate().expect("secret");
    denied(
        "enable 2FA for another",
        a.enable_totp(&bob, checked, &secret, "000000"),
    );
    let checked = a
        .check_first_factor(None, &root, &PW.into())
        .expect("root's password");
    denied("delete another as own", a.delete_own(&bob, checked, None));
    // Both checks were given back: nothing counted, nothing logged, root
    // still there without 2FA.
    let as_root = login(&mut a, "root");
    let (account, _) = a.account(&as_root, &root).expect("root");
    assert_eq!((account.failed_logins, account.two_factor), (0, false));
    assert_eq!(events(&db), before + 1, "only the login above");
}

#[test]
fn closed_registration_is_enforced_by_the_library() {
    let World {
        _dir,
        db,
        accounts: mut a,
        bob,
        ..
    } = setup();
    let root = login(&mut a, "root");
    a.set_setting(&root, SettingKey::Registration, "admin")
        .expect("admin changes a setting");
    let before = snapshot(&db);
    let d = Details::default();
    let anyone = a.register(None, &name("dave"), &d, &PW.into(), Role::User);
    assert!(matches!(anyone, Err(Error::NotLoggedIn(_))), "{anyone:?}");
    denied(
        "a user registers",
        a.register(Some(&bob), &name("dave"), &d, &PW.into(), Role::User),
    );
    assert_eq!(snapshot(&db), before);
    a.register(Some(&root), &name("dave"), &d, &PW.into(), Role::User)
        .expect("an admin registers");
}

#[test]
fn admin_operations_name_the_admin_in_the_audit_log() {
    let World {
        _dir,
        accounts: mut a,
        ..
    } = setup();
    let root = login(&mut a, "root");
    a.lock(&root, &name("bob"), None).expect("lock");
    a.unlock(&root, &name("bob")).expect("unlock");
    let mut seen = Vec::new();
    a.audit_log(&root, None, Some(2), |e| {
        seen.push((e.event, e.actor, e.target));
        Ok(())
    })
    .expect("log");
    let root_bob = |event: &str| {
        (
            event.to_string(),
            Some("root".to_string()),
            Some("bob".to_string()),
        )
    };
    assert_eq!(
        seen,
        [root_bob("account_unlocked"), root_bob("account_locked")]
    );
}
