//! SQLite-specific: the database *file* itself. Where it is created and with
//! which modes, and the files authctl must refuse or cannot write (not
//! SQLite, someone else's, a newer schema, locked, truncated, damaged,
//! read-only). A server database has no such file; these tests belong to
//! the SQLite backend alone.

mod damaged_or_read_only;
mod opening;
