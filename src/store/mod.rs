//! The storage contract: what a backend must keep and which changes it must
//! make atomically. A backend stores and finds; it decides nothing. Who may
//! act, what a message says, which role is needed: all of that is decided
//! in `accounts`, which is the only caller.
//!
//! Every method that changes something does so in **one write transaction**
//! that either commits whole or leaves nothing behind, the audit event(s) it
//! is given included. Where a change depends on what is stored (a count, a
//! role, a hash), the doc comment says what must be read and judged inside
//! that same transaction, so that two processes (or two hosts) doing it at
//! once cannot both act on the same old state. That is: **write
//! transactions are serializable with respect to each other** — the reads
//! and writes of one behave as if no other write transaction ran between
//! them. SQLite gets this from `BEGIN IMMEDIATE` (one writer at a time); a
//! server database must lock what it reads (`SELECT ... FOR UPDATE`, an
//! advisory lock, or SERIALIZABLE retried on a serialization failure), since
//! read-then-write under READ COMMITTED loses updates. A conflict retried
//! past the busy timeout is [`Error::Busy`](crate::Error::Busy). A second backend implements
//! this trait from these comments; `sqlite` is the reference.
//!
//! Callbacks passed in (`admit`, `step`, `check`, `f`) are the library's
//! rules, called by the store at the point named, inside the transaction.
//!
//! What every backend also owes its callers:
//!
//! - **Opening** creates the schema on an empty database and migrates an
//!   older one in numbered versions; a database that is not authctl's, or
//!   whose schema is newer than the build, is refused with
//!   [`Error::DatabaseUnusable`](crate::Error::DatabaseUnusable) before
//!   anything is written. A database that cannot be written may still be
//!   opened for reading; every change then fails with
//!   [`Error::ReadOnly`](crate::Error::ReadOnly).
//! - **Waiting**: a change waits for another writer's transaction up to a
//!   busy timeout (5 s), then fails with [`Error::Busy`](crate::Error::Busy);
//!   it never fails half-way because of one.
//! - **Outcomes** the contract names are [`StoreError`] variants; any other
//!   failure is [`StoreError::Failed`] with the library's error kind: a
//!   wait past the busy timeout is `Busy`, a write refused because the
//!   database cannot be written is `ReadOnly`, a damaged database is
//!   `DatabaseUnusable`, anything else `Database`. An operation on an
//!   [`AccountId`] whose account no longer exists fails with
//!   [`StoreError::NoSuchAccount`] and changes nothing, unless its comment
//!   says otherwise.
//! - **Accounts** are found by their lowercase username; an [`Account`]
//!   carries its stored fields (failure count, timed and admin locks,
//!   whether a TOTP secret is set) but never its hash or secret.
//! - **Times** are Unix seconds given by the caller (`event.at`, `now`): the
//!   store keeps them as given and compares them as numbers.
//! - **Events** are kept in the order written, forever: deleting an account
//!   keeps its events, which name accounts by username.

mod columns;
#[cfg(test)]
mod contract_tests;
pub(crate) mod postgres;
mod rows;
pub(crate) mod sqlite;

pub(crate) use rows::{
    ActorFacts, Admission, Dump, DumpedAccount, NewAccount, NewSessionRow, PasswordProof,
    SecondFactorProof, StoreError, StoredTotp,
};

use crate::audit::Event;
use crate::error::Result;
use crate::lockout::{FailedLogins, Refusal};
use crate::model::{
    Account, AccountFilter, AccountId, DetailChange, DisplayName, Email, Role, SessionId,
    SessionInfo, Username,
};
use crate::time::Timestamp;

/// Stored settings as `(key, value)` text pairs, by key.
pub(crate) type SettingPairs = Vec<(String, String)>;

/// The result of a store operation.
pub(crate) type StoreResult<T> = std::result::Result<T, StoreError>;

/// A callback over rows, called once per row in order; an error stops the
/// walk and is returned.
pub(crate) type EachRow<'a, T> = &'a mut dyn FnMut(T) -> Result<()>;

/// An account store: every part of the contract below. See the module
/// documentation for the rules every method follows.
pub(crate) trait Store:
    AccountRows
    + PasswordChecks
    + SessionRows
    + SettingRows
    + AuditLog
    + TwoFactorRows
    + Clock
    + Describe
{
}

impl<T> Store for T where
    T: AccountRows
        + PasswordChecks
        + SessionRows
        + SettingRows
        + AuditLog
        + TwoFactorRows
        + Clock
        + Describe
{
}

/// What a database is and holds, for `db status` and `db copy`.
pub(crate) trait Describe {
    /// The backend, its location, schema version and row counts.
    fn describe(&self) -> StoreResult<crate::model::DatabaseStatus>;

    /// The database's file, for a store kept in one (SQLite on disk);
    /// `None` for a server or memory.
    fn file(&self) -> Option<std::path::PathBuf>;

    /// Everything the database holds that a copy carries ([`Dump`]), read
    /// in one transaction so that it is one moment's state.
    fn dump(&self) -> StoreResult<Dump>;

    /// Writes `dump` into this database in one write transaction, or
    /// nothing: refused with [`StoreError::NotEmpty`] if any account exists
    /// (judged in the transaction). Accounts get new ids; recovery codes
    /// follow their usernames; events keep their order and fields; then
    /// `event` is written.
    fn load(&mut self, dump: &Dump, event: &Event) -> StoreResult<()>;
}

/// The time every host sharing a database agrees on.
pub(crate) trait Clock {
    /// The database's own clock now (Unix seconds), for a backend that
    /// several hosts share, so that lockouts, session expiry and audit
    /// times do not depend on which host's clock is right; `None` for a
    /// backend on one machine, where the local clock serves.
    fn server_now(&self) -> StoreResult<Option<Timestamp>>;
}

/// Accounts: creating, finding, changing and deleting them.
pub(crate) trait AccountRows {
    /// The account with this username, if any (usernames are stored
    /// lowercase and unique).
    fn find_account(&self, username: &Username) -> StoreResult<Option<Account>>;

    /// The account with this username and its stored password hash.
    fn find_credentials(&self, username: &Username) -> StoreResult<Option<(Account, String)>>;

    /// Whether any account exists.
    fn has_accounts(&self) -> StoreResult<bool>;

    /// Calls `f` with each account `filter` selects (its role; with
    /// `locked_only`, locked by an admin or until after `now`), in its
    /// order, at most its limit, with the account's count of live sessions
    /// (see [`SessionRows::count_live_sessions`]), one row at a time without
    /// loading them all. Orders ([`AccountSort`](crate::AccountSort)): by username (bytewise;
    /// usernames are lowercase ASCII); by creation time, oldest first; by
    /// last login, most recent first and never-logged-in last; ties in the
    /// last two by username.
    fn for_each_account(
        &self,
        filter: &AccountFilter,
        now: Timestamp,
        idle_secs: i64,
        f: EachRow<'_, (Account, i64)>,
    ) -> StoreResult<()>;

    /// Calls `f` with every account in username order and its password hash.
    fn for_each_credential(&self, f: EachRow<'_, (Account, String)>) -> StoreResult<()>;

    /// Creates an account at `event.at`. Inside the write transaction the
    /// store reads the [`Admission`] facts (whether this is the first
    /// account, the role of session `by` now, the stored settings) and calls
    /// `admit`; the account is created with the role `admit` returns, or not
    /// at all if it fails. So **the first account becomes the admin exactly
    /// once**: two first registrations at once cannot both see `first`.
    /// A taken username is [`StoreError::UsernameTaken`].
    fn insert_account(
        &mut self,
        account: &NewAccount<'_>,
        by: Option<SessionId>,
        admit: &dyn Fn(&Admission) -> Result<Role>,
        event: &Event,
    ) -> StoreResult<Account>;

    /// Creates many accounts in one transaction, all or none, each with its
    /// own event. `admit` is called first with the [`Admission`] facts for
    /// session `by` (the importer must still be allowed after the long
    /// hashing before it). A taken username is skipped (its event not
    /// written) when `skip_existing`, else the whole import fails with
    /// [`StoreError::UsernameTaken`] (a server database must skip without
    /// aborting its transaction: `ON CONFLICT DO NOTHING` or a savepoint).
    /// `summary(created, skipped)` is the event written last. Returns, per
    /// account, whether it was created.
    fn import_accounts(
        &mut self,
        accounts: &[(NewAccount<'_>, Event)],
        skip_existing: bool,
        by: SessionId,
        admit: &dyn Fn(&Admission) -> Result<()>,
        summary: &dyn Fn(usize, usize) -> Event,
    ) -> StoreResult<Vec<bool>>;

    /// Sets the email and name as `email`/`name` say (keep, clear or set)
    /// and returns the account as it now is.
    fn update_details(
        &mut self,
        id: AccountId,
        email: &DetailChange<Email>,
        name: &DetailChange<DisplayName>,
        event: &Event,
    ) -> StoreResult<Account>;

    /// Stores a new password hash (changed at `event.at`) and deletes every
    /// session of the account; returns how many it deleted. With
    /// `replacement` (the caller rotating their own session) the account
    /// must not be locked by an admin ([`StoreError::AdminLocked`]), and
    /// that session is created in the same transaction; its id is returned
    /// too.
    fn set_password_hash(
        &mut self,
        id: AccountId,
        password_hash: &str,
        replacement: Option<NewSessionRow<'_>>,
        event: &Event,
    ) -> StoreResult<(Option<SessionId>, usize)>;

    /// Deletes an account and its sessions and recovery codes (its events
    /// stay). **The last unlocked admin cannot be deleted**: if the account
    /// is an admin and no other admin without an admin lock exists, judged
    /// in the transaction, nothing changes and the result is
    /// [`StoreError::LastAdmin`].
    fn delete_account(&mut self, id: AccountId, event: &Event) -> StoreResult<()>;

    /// Gives an account `role`. **The last unlocked admin cannot be
    /// demoted** (as for [`AccountRows::delete_account`]). The event is
    /// written even if the account had the role already.
    fn set_role(&mut self, id: AccountId, role: Role, event: &Event) -> StoreResult<()>;

    /// Locks an account by an admin (at `event.at`, keeping the time of a
    /// lock already in place; `reason` replaces any earlier one), deletes
    /// its sessions and returns how many.
    /// **The last unlocked admin cannot be locked** (as for
    /// [`AccountRows::delete_account`]).
    fn lock_account(
        &mut self,
        id: AccountId,
        reason: Option<&str>,
        event: &Event,
    ) -> StoreResult<usize>;

    /// Clears an admin lock, a timed lockout, the failure count and the
    /// lock count.
    fn unlock_account(&mut self, id: AccountId, event: &Event) -> StoreResult<()>;
}

/// Password checks: counting them for lockout, and recording their outcome.
pub(crate) trait PasswordChecks {
    /// Starts a password check of an account, **before its hash is
    /// computed**. Inside the write transaction: reads the account's
    /// [`FailedLogins`], calls `step` with it, and stores the `count` and
    /// `last_started` of what it returns (`Ok`; `step` changes no other
    /// field); on `Err` stores nothing and returns the refusal. The
    /// library's `step` counts the check as a failure until a success
    /// resets it and refuses once `lockout.threshold` checks are
    /// unresolved, so **at most `lockout.threshold` checks run in
    /// parallel**, however many processes start one.
    fn begin_password_check(
        &mut self,
        id: AccountId,
        step: &dyn Fn(FailedLogins) -> std::result::Result<FailedLogins, Refusal>,
    ) -> StoreResult<Option<Refusal>>;

    /// Takes back the count of a check that was started and abandoned:
    /// the failure count goes down by one, not below zero. Nothing else.
    fn release_password_check(&mut self, id: AccountId) -> StoreResult<()>;

    /// Records a failed check (already counted when it began). Inside the
    /// write transaction: reads [`FailedLogins`], stores `step`'s result
    /// and writes `failure`. If the result has more locks than before, the
    /// account's sessions are deleted and `lockout` is written too. Returns
    /// the stored record.
    fn record_check_failure(
        &mut self,
        id: AccountId,
        step: &dyn Fn(FailedLogins) -> FailedLogins,
        failure: &Event,
        lockout: &Event,
    ) -> StoreResult<FailedLogins>;

    /// Records a successful check, as described on [`PasswordProof`]: the
    /// failure record cleared, any upgraded hash stored, the second factor
    /// spent; or nothing at all and [`StoreError::Stale`] /
    /// [`StoreError::AdminLocked`].
    fn record_check_success(&mut self, proof: &PasswordProof<'_>) -> StoreResult<()>;
}

/// Sessions: rows holding a token's digest, never the token.
pub(crate) trait SessionRows {
    /// Opens a session in the transaction that records the check's success
    /// (`proof`, as for [`PasswordChecks::record_check_success`]): deletes the session
    /// whose token digest is `replacing` and the account's expired ones,
    /// inserts `row` (created and last used at `event.at`), sets the
    /// account's last login to `event.at` and writes `event`.
    fn open_session(
        &mut self,
        proof: &PasswordProof<'_>,
        row: NewSessionRow<'_>,
        replacing: Option<&[u8]>,
        event: &Event,
    ) -> StoreResult<SessionId>;

    /// The session with this token digest and its account (expired or not).
    fn find_session(&self, token_digest: &[u8]) -> StoreResult<Option<(SessionInfo, Account)>>;

    /// Sets a session's last use to `now` (no event: it is not a change
    /// anyone made). May be called on a read-only store, which answers
    /// [`Error::ReadOnly`](crate::Error::ReadOnly).
    fn touch_session(&mut self, id: SessionId, now: Timestamp) -> StoreResult<()>;

    /// Deletes one session; one already gone is not an error.
    fn delete_session(&mut self, id: SessionId, event: &Event) -> StoreResult<()>;

    /// Deletes every session of an account; returns how many there were
    /// (0 for an account that no longer exists).
    fn delete_sessions_of(&mut self, id: AccountId, event: &Event) -> StoreResult<usize>;

    /// Deletes the sessions `ids`, all or none: each must exist and, with
    /// `owner`, belong to that account, else nothing changes and the result
    /// is [`StoreError::NoSuchSession`] naming the first that does not
    /// (another account's session is reported exactly like a missing one).
    /// `event_for(id, username)` makes each session's event. Returns each
    /// id with its account's username.
    fn delete_sessions(
        &mut self,
        ids: &[SessionId],
        owner: Option<AccountId>,
        event_for: &dyn Fn(SessionId, &str) -> Event,
    ) -> StoreResult<Vec<(SessionId, String)>>;

    /// An account's live sessions, oldest first: expiring after `now` and
    /// used less than `idle_secs` before it.
    fn live_sessions_of(
        &self,
        id: AccountId,
        now: Timestamp,
        idle_secs: i64,
    ) -> StoreResult<Vec<SessionInfo>>;

    /// How many live sessions (as for [`SessionRows::live_sessions_of`]) an
    /// account has.
    fn count_live_sessions(
        &self,
        id: AccountId,
        now: Timestamp,
        idle_secs: i64,
    ) -> StoreResult<i64>;
}

/// Settings: the values an admin changed from the defaults.
pub(crate) trait SettingRows {
    /// The stored `(key, value)` settings, by key.
    fn stored_settings(&self) -> StoreResult<SettingPairs>;

    /// Stores `key = value`. Inside the write transaction: reads the stored
    /// settings, applies the change, and calls `check` with the result; a
    /// failure leaves everything as it was. So two admins changing related
    /// settings at once cannot together store a combination `check` would
    /// refuse. Returns the stored settings after the change, in no
    /// particular order.
    fn change_setting(
        &mut self,
        key: &str,
        value: &str,
        check: &dyn Fn(&SettingPairs) -> Result<()>,
        event: &Event,
    ) -> StoreResult<SettingPairs>;
}

/// The audit log: append-only, written in the transaction of the change
/// each event describes.
pub(crate) trait AuditLog {
    /// Writes an event that goes with no other change.
    fn record_event(&mut self, event: &Event) -> StoreResult<()>;

    /// Calls `f` with events newest first (in the order written), only
    /// those whose actor or target is `user` when given, at most `limit`.
    fn for_each_event(
        &self,
        user: Option<&Username>,
        limit: Option<u32>,
        f: EachRow<'_, crate::audit::EventRecord>,
    ) -> StoreResult<()>;
}

/// Two-factor login: an account's TOTP secret, its last accepted step, and
/// its recovery codes (digests only).
pub(crate) trait TwoFactorRows {
    /// An account's TOTP secret and last accepted step, if it has one.
    fn totp_of(&self, id: AccountId) -> StoreResult<Option<StoredTotp>>;

    /// The two-factor login of every account that has one, for a backup.
    fn two_factor_backups(
        &self,
    ) -> StoreResult<std::collections::HashMap<AccountId, crate::totp::TwoFactorBackup>>;

    /// Whether the account has an unused recovery code with this digest.
    fn has_recovery_code(&self, id: AccountId, digest: &[u8]) -> StoreResult<bool>;

    /// How many unused recovery codes an account has.
    fn count_recovery_codes(&self, id: AccountId) -> StoreResult<i64>;

    /// Turns two-factor login on in the transaction that records the check
    /// that allowed it (`proof`): stores `secret` with `step` as the last
    /// step accepted (its first code cannot be replayed) and `digests` as the
    /// only recovery codes, and deletes every session of the account but
    /// `keep_session`. If the account has a secret already, nothing changes
    /// and the result is [`StoreError::TwoFactorAlreadyOn`], judged before
    /// the proof (which, having no second factor, would be stale).
    fn enable_totp(
        &mut self,
        proof: &PasswordProof<'_>,
        secret: &str,
        step: i64,
        digests: &[Vec<u8>],
        keep_session: SessionId,
        event: &Event,
    ) -> StoreResult<()>;

    /// Replaces an account's recovery codes with `digests`, in the
    /// transaction that records the check that allowed it.
    fn replace_recovery_codes(
        &mut self,
        proof: &PasswordProof<'_>,
        digests: &[Vec<u8>],
        event: &Event,
    ) -> StoreResult<()>;

    /// Turns two-factor login off (secret, last step and recovery codes
    /// removed): in the transaction that records the owner's check
    /// (`proof`), or with none for an admin's reset.
    fn disable_totp(
        &mut self,
        id: AccountId,
        proof: Option<&PasswordProof<'_>>,
        event: &Event,
    ) -> StoreResult<()>;
}
