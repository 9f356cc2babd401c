//! The SQLite backend: the reference implementation of the store contract
//! (`super`), and the only code that speaks SQLite's SQL. One file per part
//! of the contract; `rows` maps rows to values by column name.

mod accounts;
mod checks;
mod copy;
mod events;
mod file_modes;
mod rows;
mod schema;
mod sessions;
mod settings;
mod two_factor;

use super::StoreError;
use crate::error::{Error, Result};
use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};
use schema::{KNOWN_TABLES, LATEST_VERSION};
use std::fs::{self, OpenOptions};
use std::io;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;
use std::time::Duration;

/// How long a command waits for another process's write lock before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Whether opening a SQLite database file may create it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenMode {
    /// Only a database file that exists: a missing one is
    /// [`Error::NoDatabase`] and nothing is created. For everything but
    /// creating accounts, so a mistyped path is an error, not a new empty
    /// database.
    Existing,
    /// Creates the file (mode 0600) if it is missing; its directory must
    /// exist.
    CreateIfMissing,
}

/// An open authctl database in a SQLite file (or in memory).
pub(crate) struct SqliteStore {
    conn: Connection,
    /// The file's path as given, for `db status`.
    location: String,
}

impl SqliteStore {
    /// Opens the database at `path` (with [`OpenMode::CreateIfMissing`],
    /// creating it 0600 if missing; its directory must exist) and brings
    /// its schema up to date. A file that is
    /// not an authctl database, or whose schema is newer than this build, is
    /// refused with [`Error::DatabaseUnusable`] before anything is written.
    ///
    /// A database that cannot be written (a read-only file or directory) is
    /// opened read-only instead, so that reads still work; any write then
    /// fails with [`Error::ReadOnly`].
    pub(crate) fn open(path: &Path, mode: OpenMode) -> Result<Self> {
        match mode {
            OpenMode::CreateIfMissing => create_private_file(path)?,
            OpenMode::Existing => ensure_exists(path)?,
        }
        file_modes::make_private(path)?;
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let opened = Connection::open_with_flags(path, flags)
            .map_err(classify)
            .and_then(Self::init);
        let conn = match opened {
            Err(Error::ReadOnly) => Self::open_read_only(path)?,
            other => other?,
        };
        let location = path.display().to_string();
        Ok(SqliteStore { conn, location })
    }

    /// Opens an up-to-date database for reading only: nothing is switched
    /// or migrated. A WAL database needs its side files to read; in a
    /// read-only directory where they are gone (the last writer cleaned
    /// them up, so every change is in the main file) it is opened as
    /// immutable, which needs none.
    fn open_read_only(path: &Path) -> Result<Connection> {
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let mut wal = path.as_os_str().to_owned();
        wal.push("-wal");
        let conn = if Path::new(&wal).exists() {
            Connection::open_with_flags(path, flags).or_fail()?
        } else {
            let uri = format!("file:{}?immutable=1", uri_path(path)?);
            Connection::open_with_flags(uri, flags | OpenFlags::SQLITE_OPEN_URI).or_fail()?
        };
        conn.busy_timeout(BUSY_TIMEOUT).or_fail()?;
        check_is_ours(&conn)?;
        if schema_version(&conn)? < LATEST_VERSION {
            // It would need a schema upgrade, which is a write.
            return Err(Error::ReadOnly);
        }
        conn.pragma_update(None, "foreign_keys", "ON").or_fail()?;
        Ok(conn)
    }

    /// Opens a private in-memory database (for tests and tools).
    pub(crate) fn open_in_memory() -> Result<Self> {
        let conn = Self::init(Connection::open_in_memory().map_err(classify)?)?;
        let location = ":memory:".to_string();
        Ok(SqliteStore { conn, location })
    }

    /// Makes a new connection ready: refuses a database that is not ours,
    /// switches to WAL, migrates.
    fn init(mut conn: Connection) -> Result<Connection> {
        conn.busy_timeout(BUSY_TIMEOUT).or_fail()?;
        check_is_ours(&conn)?;
        // WAL lets readers run beside a writer; FULL syncs the WAL on every
        // commit, so an acknowledged change survives a power cut. WAL is
        // kept in the file: only the first opener switches it, and several
        // first openers at once retry (the switch does not wait on a lock).
        let mode: String = conn
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .or_fail()?;
        if !mode.eq_ignore_ascii_case("wal") {
            retry_while_busy(|| {
                conn.pragma_update_and_check(None, "journal_mode", "WAL", |_| Ok(()))
                    .or_fail()
            })?;
        }
        conn.pragma_update(None, "synchronous", "FULL").or_fail()?;
        conn.pragma_update(None, "foreign_keys", "ON").or_fail()?;
        // Every transaction on this connection, the migrations' included,
        // takes the write lock at its start (see `SqliteStore::write`).
        conn.set_transaction_behavior(TransactionBehavior::Immediate);
        migrate(&mut conn)?;
        Ok(conn)
    }

    /// Starts a write transaction that takes the write lock at once, so two
    /// writers queue on the busy timeout instead of failing mid-transaction.
    fn write(&mut self) -> rusqlite::Result<Transaction<'_>> {
        self.conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
    }
}

/// Creates an empty file with mode 0600 unless it already exists, so the
/// database is never readable by others, not even for a moment.
fn create_private_file(path: &Path) -> Result<()> {
    match OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
    {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(Error::io(format!("cannot create {}", path.display()), e)),
    }
}

/// Refuses a database path where there is no file, before SQLite is asked
/// to open it (it would create the file).
fn ensure_exists(path: &Path) -> Result<()> {
    match fs::metadata(path) {
        Ok(_) => Ok(()),
        // A missing folder on the way is a missing database too.
        Err(e)
            if matches!(
                e.kind(),
                io::ErrorKind::NotFound | io::ErrorKind::NotADirectory
            ) =>
        {
            Err(Error::NoDatabase(path.to_path_buf()))
        }
        Err(e) => Err(Error::io(format!("cannot open {}", path.display()), e)),
    }
}

/// Sorts SQLite failures into the kinds a caller acts on: a lock held past
/// the busy timeout, a file that cannot be written, a file that is not a
/// usable database, anything else.
fn classify(e: rusqlite::Error) -> Error {
    use rusqlite::ErrorCode::{
        DatabaseBusy, DatabaseCorrupt, DatabaseLocked, NotADatabase, ReadOnly,
    };
    match e.sqlite_error_code() {
        Some(DatabaseBusy | DatabaseLocked) => Error::Busy,
        Some(ReadOnly) => Error::ReadOnly,
        Some(NotADatabase | DatabaseCorrupt) => {
            Error::DatabaseUnusable(format!("the database file is not usable: {e}"))
        }
        _ => Error::Database(Box::new(e)),
    }
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        StoreError::Failed(classify(e))
    }
}

/// `?` for SQLite results in code that returns the library's [`Result`].
trait OrFail<T> {
    fn or_fail(self) -> Result<T>;
}

impl<T> OrFail<T> for rusqlite::Result<T> {
    fn or_fail(self) -> Result<T> {
        self.map_err(classify)
    }
}

/// One machine's database: the local clock serves.
impl super::Clock for SqliteStore {
    fn server_now(&self) -> super::StoreResult<Option<crate::time::Timestamp>> {
        Ok(None)
    }
}

/// `path` made safe for a `file:` URI (`%`, `?` and `#` escaped).
fn uri_path(path: &Path) -> Result<String> {
    let text = path
        .to_str()
        .ok_or_else(|| Error::Internal(format!("database path {} is not UTF-8", path.display())))?;
    Ok(text
        .replace('%', "%25")
        .replace('?', "%3f")
        .replace('#', "%23"))
}

/// Brings the schema up to date. Several processes may open a new database
/// at once: a migration runs in a transaction that takes the write lock, and
/// one that lost the race (its look at the version came before another
/// process's migration committed) finds the work done when it looks again.
fn migrate(conn: &mut Connection) -> Result<()> {
    retry_while_busy(|| {
        let before = schema_version(conn)?;
        schema::migrations().to_latest(conn).map_err(|e| {
            if schema_version(conn).is_ok_and(|now| now != before) {
                // Raced: another process migrated meanwhile; look again.
                return Error::Busy;
            }
            match e {
                rusqlite_migration::Error::RusqliteError { err, .. } => classify(err),
                // A newer authctl migrated it while we were opening it.
                rusqlite_migration::Error::MigrationDefinition(
                    rusqlite_migration::MigrationDefinitionError::DatabaseTooFarAhead,
                ) => Error::DatabaseUnusable(format!(
                    "database schema is newer than this authctl supports (version {LATEST_VERSION}); upgrade authctl"
                )),
                other => Error::Internal(format!("schema migration failed: {other}")),
            }
        })
    })
}

fn schema_version(conn: &Connection) -> Result<i64> {
    conn.query_row("PRAGMA user_version", [], |r| r.get(0))
        .or_fail()
}

/// Runs `f` again while it fails with [`Error::Busy`], for up to the busy
/// timeout: for the steps of opening a database that SQLite does not make
/// wait on a lock. Any other failure is final at once.
fn retry_while_busy<T>(mut f: impl FnMut() -> Result<T>) -> Result<T> {
    let started = std::time::Instant::now();
    loop {
        match f() {
            Err(Error::Busy) if started.elapsed() < BUSY_TIMEOUT => {
                std::thread::sleep(Duration::from_millis(20));
            }
            result => return result,
        }
    }
}

/// Refuses a database that is not ours or is newer than this build. Only
/// reads, so a refused file is left byte-for-byte as it was.
fn check_is_ours(conn: &Connection) -> Result<()> {
    // One read transaction, so both looks see the same moment even while
    // another process creates the schema.
    let conn = conn.unchecked_transaction().or_fail()?;
    let version = schema_version(&conn)?;
    if version > LATEST_VERSION {
        return Err(Error::DatabaseUnusable(format!(
            "database schema version {version} is newer than this authctl supports (version {LATEST_VERSION}); upgrade authctl"
        )));
    }
    let mut stmt = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        .or_fail()?;
    let tables = stmt
        .query_map([], |r| r.get::<_, String>(0))
        .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
        .or_fail()?;
    let foreign = tables.iter().any(|t| !KNOWN_TABLES.contains(&t.as_str()));
    // A fresh file has no tables at version 0; any migrated one has both.
    let complete = ["users", "sessions"]
        .iter()
        .all(|t| tables.iter().any(|have| have == t));
    if foreign || (version > 0 && !complete) || (version == 0 && !tables.is_empty()) {
        return Err(Error::DatabaseUnusable(
            "this SQLite database is not an authctl database (its tables are not ours)".to_string(),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests;
