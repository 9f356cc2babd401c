//! Moving accounts in and out. Importing checks every line first, then
//! hashes plain-text passwords on every core, then writes all accounts in
//! one transaction; exporting streams them out.

use super::{Accounts, Session};
use crate::audit::{Event, EventKind};
use crate::error::{Error, Result};
use crate::import::{ImportRecord, ImportSecret, LineError, Parsed};
use crate::model::{Account, DisplayName, Email, Role, Username};
use crate::password::{self, HashParams, Hasher};
use crate::policy::{self, PolicyContext};
use crate::store::{ActorFacts, Admission, NewAccount};
use crate::totp::TwoFactorBackup;
use rayon::prelude::*;
use std::sync::atomic::{AtomicUsize, Ordering};

/// What an import would do, decided before anything is hashed or written.
#[derive(Debug, Default)]
pub struct ImportPlan {
    /// Accounts to create, in file order.
    pub accounts: Vec<ImportRecord>,
    /// Lines whose username already exists, when told to skip them.
    pub skipped: Vec<(usize, Username)>,
    /// Lines whose username already exists, when not (the import stops).
    pub existing: Vec<(usize, Username)>,
    /// Lines that cannot be imported.
    pub refused: Vec<LineError>,
}

impl Accounts {
    /// Calls `f` with every account in username order and, when
    /// `with_hashes`, its password hash and its two-factor login (if on),
    /// so that an import brings the account back as it was; records an
    /// `export` event first (admins only).
    pub fn export(
        &mut self,
        by: &Session,
        with_hashes: bool,
        mut f: impl FnMut(Account, Option<String>, Option<TwoFactorBackup>) -> Result<()>,
    ) -> Result<()> {
        let by = &self.acting_admin(by, "export accounts")?;
        let detail = if with_hashes {
            "with password hashes"
        } else {
            "without password hashes"
        };
        let event = Event {
            detail: Some(detail.to_string()),
            ..self.event_by(EventKind::Export, Some(by.username()))
        };
        self.store.record_event(&event)?;
        // Read before the accounts are streamed (one query at a time on a
        // server connection); the few accounts with 2FA, not all.
        let mut two_factor = match with_hashes {
            true => self.store.two_factor_backups()?,
            false => Default::default(),
        };
        let mut each = |(account, hash): (Account, String)| {
            let backup = two_factor.remove(&account.id);
            f(account, with_hashes.then_some(hash), backup)
        };
        Ok(self.store.for_each_credential(&mut each)?)
    }

    /// Fails as [`Accounts::plan_import`] and [`Accounts::import`] would
    /// for the caller, before a file is read: only an admin imports.
    pub fn ensure_may_import(&self, by: &Session) -> Result<()> {
        self.acting_admin(by, "import accounts").map(drop)
    }

    /// Sorts parsed lines into accounts to create, existing usernames
    /// (skipped or not) and refusals, checking each plain-text password
    /// against the policy (in parallel). Writes nothing (admins only).
    ///
    /// `jobs` caps the threads (default: one per core), here and in
    /// [`Accounts::import`].
    pub fn plan_import(
        &self,
        by: &Session,
        parsed: Parsed,
        skip_existing: bool,
        jobs: Option<usize>,
    ) -> Result<ImportPlan> {
        self.ensure_may_import(by)?;
        let mut plan = ImportPlan {
            refused: parsed.refused,
            ..ImportPlan::default()
        };
        let min_chars = self.settings.password_min_chars;
        let policy: Vec<Option<String>> = thread_pool(jobs, self.settings.hash)?.install(|| {
            parsed
                .records
                .par_iter()
                .map(|r| match &r.secret {
                    ImportSecret::Password(p) => {
                        let ctx = PolicyContext {
                            username: &r.username,
                            email: r.email.as_ref().map(Email::as_str),
                            name: r.name.as_ref().map(DisplayName::as_str),
                        };
                        policy::check(p, min_chars, ctx)
                            .err()
                            .map(|e| e.to_string())
                    }
                    ImportSecret::Hash(_) => None,
                })
                .collect()
        });
        for (record, refusal) in parsed.records.into_iter().zip(policy) {
            let line = record.line;
            if let Some(reason) = refusal {
                plan.refused.push(LineError { line, reason });
            } else if self.store.find_account(&record.username)?.is_some() {
                let entry = (line, record.username);
                match skip_existing {
                    true => plan.skipped.push(entry),
                    false => plan.existing.push(entry),
                }
            } else {
                plan.accounts.push(record);
            }
        }
        plan.refused.sort_by_key(|e| e.line);
        Ok(plan)
    }

    /// Creates the planned accounts on behalf of the admin session `by`
    /// (checked again when writing): plain-text passwords are hashed with
    /// the current parameters across all cores (`progress` is called after
    /// each), then every account is written in one transaction, or none.
    /// An account created meanwhile by someone else is skipped when
    /// `skip_existing`, else the whole import fails. Returns the usernames
    /// created and those skipped.
    pub fn import(
        &mut self,
        by: &Session,
        plan: &ImportPlan,
        skip_existing: bool,
        jobs: Option<usize>,
        progress: &(dyn Fn() + Sync),
    ) -> Result<(Vec<Username>, Vec<Username>)> {
        let by = &self.acting_admin(by, "import accounts")?;
        let params = self.settings.hash;
        let hashes = hash_all(&plan.accounts, params, thread_count(jobs, params), progress)?;
        let actor = Some(by.username());
        let rows: Vec<(NewAccount<'_>, Event)> = plan
            .accounts
            .iter()
            .zip(&hashes)
            .map(|(r, hash)| {
                let row = NewAccount {
                    username: &r.username,
                    name: r.name.as_ref().map(DisplayName::as_str),
                    email: r.email.as_ref().map(Email::as_str),
                    role: r.role,
                    password_hash: hash,
                    two_factor: r.two_factor.as_ref(),
                };
                let event = Event {
                    detail: Some("imported".to_string()),
                    ..self.event(EventKind::Register, actor, &r.username)
                };
                (row, event)
            })
            .collect();
        let template = self.event_by(EventKind::Import, actor);
        let summary = |created: usize, skipped: usize| Event {
            detail: Some(format!("{created} imported, {skipped} skipped")),
            ..template.clone()
        };
        // Hashing took a while: the importer must still be an admin.
        let admit = |facts: &Admission| match facts.actor {
            Some(ActorFacts {
                role: Role::Admin,
                admin_locked: false,
            }) => Ok(()),
            _ => Err(Error::PermissionDenied(
                "permission denied: your session is no longer an admin's; nothing was imported"
                    .to_string(),
            )),
        };
        let inserted = self
            .store
            .import_accounts(&rows, skip_existing, by.id, &admit, &summary)?;
        let (created, skipped): (Vec<_>, Vec<_>) = plan
            .accounts
            .iter()
            .zip(inserted)
            .partition(|(_, inserted)| *inserted);
        let names = |v: Vec<(&ImportRecord, bool)>| {
            v.into_iter().map(|(r, _)| r.username.clone()).collect()
        };
        Ok((names(created), names(skipped)))
    }
}

/// Memory that hashes running at once may use together.
const HASHING_MEMORY_BUDGET_KIB: u32 = HashParams::MAXIMUM.memory_kib;

/// `jobs` threads (default a thread per core), but no more than fit in
/// [`HASHING_MEMORY_BUDGET_KIB`] at `params`' memory cost (so 4 GiB hashes
/// run one at a time).
fn thread_count(jobs: Option<usize>, params: HashParams) -> usize {
    let cores = password::cores();
    let fit = (HASHING_MEMORY_BUDGET_KIB / params.memory_kib.max(1)).max(1) as usize;
    jobs.unwrap_or(cores).clamp(1, fit)
}

/// A pool of [`thread_count`] threads, for the policy checks.
fn thread_pool(jobs: Option<usize>, params: HashParams) -> Result<rayon::ThreadPool> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(thread_count(jobs, params))
        .build()
        .map_err(|e| Error::Internal(format!("cannot start hashing threads: {e}")))
}

/// Each record's password hash (or its imported hash), in order, made on
/// `threads` threads that each own one [`Hasher`] (one block of Argon2
/// memory) and take the next record as they finish one. Plain threads,
/// not a rayon pool: a rayon worker waiting on the hash's own parallel
/// lanes could start another record, and so another block of memory,
/// beyond the budget that `threads` was chosen to respect.
fn hash_all(
    records: &[ImportRecord],
    params: HashParams,
    threads: usize,
    progress: &(dyn Fn() + Sync),
) -> Result<Vec<String>> {
    let next = AtomicUsize::new(0);
    let worker = || -> Result<Vec<(usize, String)>> {
        let mut hasher: Option<Hasher> = None;
        let mut done = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(record) = records.get(i) else {
                return Ok(done);
            };
            let hash = match &record.secret {
                ImportSecret::Password(p) => match &mut hasher {
                    Some(h) => h.hash(p),
                    None => params.hasher().and_then(|h| hasher.insert(h).hash(p)),
                },
                ImportSecret::Hash(h) => Ok(h.clone()),
            };
            match hash {
                Ok(hash) => done.push((i, hash)),
                Err(e) => {
                    // The others stop at their next record.
                    next.store(records.len(), Ordering::Relaxed);
                    return Err(e);
                }
            }
            progress();
        }
    };
    let finished: Vec<Result<Vec<(usize, String)>>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads.max(1)).map(|_| scope.spawn(worker)).collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(Error::Internal("a hashing thread panicked".into())))
            })
            .collect()
    });
    let mut hashes = vec![String::new(); records.len()];
    for (i, hash) in finished
        .into_iter()
        .collect::<Result<Vec<_>>>()?
        .into_iter()
        .flatten()
    {
        hashes[i] = hash;
    }
    Ok(hashes)
}
