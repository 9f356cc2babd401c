//! The values that cross the store boundary: rows to write, facts read
//! inside a transaction for the library to judge, and the store's outcomes.

use crate::error::Error;
use crate::model::{Account, AccountId, Role, SessionId, Username};
use crate::time::Timestamp;
use zeroize::Zeroizing;

/// An account to create.
#[derive(Debug, Clone, Copy)]
pub(crate) struct NewAccount<'a> {
    /// Its username.
    pub username: &'a Username,
    /// Display name.
    pub name: Option<&'a str>,
    /// Email address.
    pub email: Option<&'a str>,
    /// The role asked for (an `admit` callback may decide another).
    pub role: Role,
    /// Its password hash (PHC string, or bcrypt for an import).
    pub password_hash: &'a str,
    /// Its two-factor login, restored from a backup (imports only).
    pub two_factor: Option<&'a crate::totp::TwoFactorBackup>,
}

impl NewAccount<'_> {
    /// The account as it is once created with `id` and `role` at `now`.
    pub(crate) fn created(&self, id: AccountId, role: Role, now: Timestamp) -> Account {
        Account {
            id,
            username: self.username.clone(),
            name: self.name.map(str::to_string),
            email: self.email.map(str::to_string),
            role,
            created_at: now,
            last_login_at: None,
            password_changed_at: now,
            failed_logins: 0,
            locked_until: None,
            admin_lock: None,
            two_factor: false,
        }
    }
}

/// What a store reads inside a write transaction that creates accounts,
/// for the library's rules to decide on.
#[derive(Debug, Clone)]
pub(crate) struct Admission {
    /// No account exists yet.
    pub first: bool,
    /// The acting session's account as it is now: `None` when there is no
    /// acting session or the session no longer exists (an expired one
    /// still does).
    pub actor: Option<ActorFacts>,
    /// The stored `(key, value)` settings.
    pub stored_settings: Vec<(String, String)>,
}

/// The account behind the acting session, read in the transaction.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ActorFacts {
    /// Its role.
    pub role: Role,
    /// Whether an admin has locked it.
    pub admin_locked: bool,
}

/// A session to create: the digest of its token and its expiry.
#[derive(Debug, Clone, Copy)]
pub(crate) struct NewSessionRow<'a> {
    /// SHA-256 of the token (never the token).
    pub token_digest: &'a [u8],
    /// When it expires.
    pub expires_at: Timestamp,
}

/// Proof that a password was just checked against `verified_hash`, with
/// the re-hash to store if that hash is outdated and the second factor
/// that went with it.
///
/// Recording it (in whatever transaction acts on the check) must, in that
/// transaction, **only if the account still has `verified_hash`**, has no
/// admin lock, and, with a TOTP step, has no accepted step at or after it,
/// and, with no second factor, still has no TOTP secret:
/// set the failure count and lock count to zero, clear the timed lock,
/// store `upgraded_hash` if given, set the last accepted TOTP step to the
/// proof's step if given, and delete the recovery code with the proof's
/// digest if given (which must exist). Otherwise nothing is written and the
/// result is [`StoreError::AdminLocked`] if an admin locked the account,
/// else [`StoreError::Stale`]. So **a success or a hash upgrade is recorded
/// only if the verified hash is unchanged** (a racing reset wins), and **a
/// TOTP step or a recovery code is spent once**, even by two logins at the
/// same moment.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PasswordProof<'a> {
    /// The account.
    pub account: AccountId,
    /// The stored hash the password matched.
    pub verified_hash: &'a str,
    /// The same password hashed with the current parameters, if needed.
    pub upgraded_hash: Option<&'a str>,
    /// The second factor given with it.
    pub second_factor: SecondFactorProof<'a>,
}

/// The second factor that went with a password.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) enum SecondFactorProof<'a> {
    /// None (the account has no second factor, or is enrolling one).
    #[default]
    None,
    /// An authenticator code, right for this time step.
    Totp(i64),
    /// A recovery code with this digest, to be used up.
    Recovery(&'a [u8]),
}

/// An account's second factor as stored. Its `Debug` hides the secret.
pub(crate) struct StoredTotp {
    /// The secret, base32; wiped on drop.
    pub secret: Zeroizing<String>,
    /// The last time step accepted.
    pub last_step: Option<i64>,
}

impl std::fmt::Debug for StoredTotp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoredTotp")
            .field("secret", &"<redacted>")
            .field("last_step", &self.last_step)
            .finish()
    }
}

/// Everything a database holds that moves with it to another: each
/// account with its hash, lockout and two-factor state, the recovery-code
/// digests, the settings and the audit log (sessions stay: they belong to
/// the hosts that hold their tokens).
#[derive(Default)]
pub(crate) struct Dump {
    /// Every account, in id order.
    pub accounts: Vec<DumpedAccount>,
    /// `(username, digest)` of every unused recovery code.
    pub recovery_codes: Vec<(String, Vec<u8>)>,
    /// The stored settings.
    pub settings: Vec<(String, String)>,
    /// Every audit event, oldest first.
    pub events: Vec<crate::audit::EventRecord>,
}

/// One account as a [`Dump`] carries it.
pub(crate) struct DumpedAccount {
    /// Its stored fields (its id is the source's, not kept).
    pub account: crate::model::Account,
    /// Its password hash.
    pub password_hash: String,
    /// Locks since the last success (each lock lasts longer).
    pub lockouts: i64,
    /// Its TOTP secret, if it has 2FA; wiped on drop.
    pub totp_secret: Option<Zeroizing<String>>,
    /// The last TOTP step accepted.
    pub totp_last_step: Option<i64>,
}

/// How a store operation can end other than in success. The outcomes the
/// contract names are their own variants, without text: the library says
/// what they mean to a person.
#[derive(Debug)]
pub(crate) enum StoreError {
    /// The username is taken.
    UsernameTaken(Username),
    /// No account has this id (it was deleted meanwhile).
    NoSuchAccount(AccountId),
    /// No such session, or not one of the given owner's.
    NoSuchSession(SessionId),
    /// The change would leave no admin without an admin lock.
    LastAdmin {
        /// Other admins exist, all locked by an admin: the rule that
        /// applied is "the last unlocked admin", not "the last admin".
        others_locked: bool,
    },
    /// The account changed since the check being recorded (its hash, its
    /// second factor, or the code's step was spent).
    Stale,
    /// The account is locked by an admin.
    AdminLocked,
    /// Two-factor login is already on for the account.
    TwoFactorAlreadyOn,
    /// The database to copy into already has accounts.
    NotEmpty,
    /// Anything else: busy, read-only, unusable, a backend failure, or an
    /// error from a callback of the library's.
    Failed(Error),
}

impl From<Error> for StoreError {
    fn from(e: Error) -> Self {
        StoreError::Failed(e)
    }
}
