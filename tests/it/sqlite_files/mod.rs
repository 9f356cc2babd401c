//! SQLite-specific: the database *file* itself. Where it is created, by
//! which commands and with which modes, and the files authctl must refuse
//! or cannot write (not SQLite, someone else's, a newer schema, locked,
//! truncated, damaged, read-only). A server database has no such file; these tests belong to
//! the SQLite backend alone.

mod damaged_or_read_only;
mod missing;
mod modes;
mod opening;

use crate::common::TestEnv;
use rusqlite::Connection;

/// A connection of the test's own to `env`'s database file, for what only
/// SQLite has: pragmas, a file made by another program, a held lock.
fn sqlite_file(env: &TestEnv) -> Connection {
    Connection::open(env.db_path()).expect("open the SQLite file")
}
