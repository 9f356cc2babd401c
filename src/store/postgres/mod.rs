//! The PostgreSQL backend: the store contract (`super`) on a server that
//! several hosts share. Every write transaction first takes one
//! transaction-scoped advisory lock, so writers run one at a time across
//! every host, exactly as SQLite's `BEGIN IMMEDIATE` makes them on one
//! machine: each operation's reads and writes see no other writer between
//! them (the contract's serializable writes), under PostgreSQL's default
//! READ COMMITTED isolation, with no retry loop. authctl's writes are small
//! and rare next to a hash, so one lock costs nothing that matters. A wait
//! past the busy timeout (`lock_timeout`) is [`Error::Busy`].

mod accounts;
mod checks;
pub(crate) mod config;
mod copy;
mod rows;
mod schema;
mod sessions;
mod settings;
mod tls;
mod two_factor;

use super::StoreError;
use crate::error::{Error, Result};
use postgres::error::SqlState;
use postgres::{Client, Transaction};
use schema::{KNOWN_TABLES, LATEST_VERSION, MIGRATIONS};
use std::cell::RefCell;

/// The advisory lock every write transaction takes ("authctl" in ASCII).
const WRITE_LOCK: i64 = 0x61_75_74_68_63_74_6c;

/// How long a write waits for another's lock before [`Error::Busy`].
const BUSY_TIMEOUT: &str = "5s";

/// An open authctl database on a PostgreSQL server.
pub(crate) struct PgStore {
    /// One connection; `RefCell` because reads take `&self` and the client
    /// needs `&mut` for every query.
    client: RefCell<Client>,
    /// The server and database, never a password.
    place: String,
}

impl PgStore {
    /// Connects to `target` and brings the schema up to date. A server
    /// that cannot be reached or refuses the login, a missing database, or
    /// one that is not an authctl database or whose schema is newer than
    /// this build, is [`Error::DatabaseUnusable`] naming the server and
    /// database (never a password), and nothing is written.
    pub(crate) fn connect(target: &config::Target) -> Result<Self> {
        let place = &target.place;
        let client = tls::connect(target)?.map_err(|e| {
            Error::DatabaseUnusable(format!("cannot connect to {place}: {}", reason(&e)))
        })?;
        let store = PgStore {
            client: RefCell::new(client),
            place: place.clone(),
        };
        store.migrate()?;
        Ok(store)
    }

    /// Refuses a database that is not ours or is newer than this build,
    /// then applies the migrations it lacks, under the write lock so that
    /// two hosts opening a new database at once create it once.
    fn migrate(&self) -> Result<()> {
        if self.schema_is_current()? {
            return Ok(());
        }
        let mut client = self.client.borrow_mut();
        let mut tx = begin_write(&mut client).map_err(Error::from)?;
        let tables: Vec<String> = tx
            .query(
                "SELECT tablename::text FROM pg_tables WHERE schemaname = current_schema()",
                &[],
            )
            .map_err(classify)?
            .iter()
            .map(|r| r.get(0))
            .collect();
        if tables.iter().any(|t| !KNOWN_TABLES.contains(&t.as_str())) {
            return Err(Error::DatabaseUnusable(
                "this PostgreSQL database is not an authctl database (its tables are not ours)"
                    .to_string(),
            ));
        }
        let version: i64 = match tables.iter().any(|t| t == "authctl_schema") {
            false => {
                tx.batch_execute(
                    "CREATE TABLE authctl_schema (version BIGINT NOT NULL);
                     INSERT INTO authctl_schema VALUES (0);",
                )
                .map_err(classify)?;
                0
            }
            true => tx
                .query_one("SELECT version FROM authctl_schema", &[])
                .map_err(classify)?
                .get(0),
        };
        if version > LATEST_VERSION {
            return Err(newer_schema(version));
        }
        let pending = MIGRATIONS
            .iter()
            .skip(usize::try_from(version).unwrap_or(0));
        for migration in pending {
            tx.batch_execute(migration).map_err(classify)?;
        }
        tx.execute("UPDATE authctl_schema SET version = $1", &[&LATEST_VERSION])
            .map_err(classify)?;
        tx.commit().map_err(classify)
    }
}

impl PgStore {
    /// Whether the schema is this build's already: the common case, seen
    /// in one round trip, with no lock and no write (so that a read-only
    /// command also works on a read-only server). A newer schema is
    /// refused here; anything else goes the long way, under the lock.
    fn schema_is_current(&self) -> Result<bool> {
        let mut client = self.client.borrow_mut();
        let messages = match client.simple_query("SELECT version FROM authctl_schema") {
            Ok(messages) => messages,
            Err(e) if e.code() == Some(&SqlState::UNDEFINED_TABLE) => return Ok(false),
            Err(e) => return Err(classify(e)),
        };
        let version = messages.iter().find_map(|message| match message {
            postgres::SimpleQueryMessage::Row(row) => row.get(0)?.parse::<i64>().ok(),
            _ => None,
        });
        match version {
            Some(v) if v > LATEST_VERSION => Err(newer_schema(v)),
            Some(v) => Ok(v == LATEST_VERSION),
            None => Ok(false),
        }
    }
}

/// The error for a database whose schema a later authctl made.
fn newer_schema(version: i64) -> Error {
    Error::DatabaseUnusable(format!(
        "database schema version {version} is newer than this authctl supports (version {LATEST_VERSION}); upgrade authctl"
    ))
}

/// The server's clock: hosts with skewed clocks still agree on lockouts,
/// session expiry and audit times.
impl super::Clock for PgStore {
    fn server_now(&self) -> super::StoreResult<Option<crate::time::Timestamp>> {
        let row = self.client.borrow_mut().query_one(
            "SELECT floor(extract(epoch FROM clock_timestamp()))::bigint",
            &[],
        )?;
        Ok(Some(row.try_get(0)?))
    }
}

/// Starts a write transaction holding the write lock (see the module
/// comment), waiting at most the busy timeout for it.
fn begin_write(client: &mut Client) -> std::result::Result<Transaction<'_>, StoreError> {
    let mut tx = client.transaction()?;
    tx.batch_execute(&format!(
        "SET LOCAL lock_timeout = '{BUSY_TIMEOUT}'; SELECT pg_advisory_xact_lock({WRITE_LOCK})"
    ))?;
    Ok(tx)
}

/// Sorts server failures into the kinds a caller acts on: a lock wait past
/// the busy timeout, a database that cannot be written, anything else.
fn classify(e: postgres::Error) -> Error {
    match e.code() {
        Some(c) if *c == SqlState::LOCK_NOT_AVAILABLE || *c == SqlState::T_R_DEADLOCK_DETECTED => {
            Error::Busy
        }
        Some(c) if *c == SqlState::READ_ONLY_SQL_TRANSACTION => Error::ReadOnly,
        _ => Error::Database(reason(&e).into()),
    }
}

/// The server's own message for `e`, or the client's: one line.
fn reason(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => db.message().to_string(),
        None => {
            let text = e.to_string();
            let source = std::error::Error::source(e).map(|s| s.to_string());
            match source {
                Some(s) if !text.contains(&s) => format!("{text}: {s}"),
                _ => text,
            }
        }
    }
}

impl From<postgres::Error> for StoreError {
    fn from(e: postgres::Error) -> Self {
        StoreError::Failed(classify(e))
    }
}

#[cfg(test)]
pub(crate) mod tests;
