//! The database schema, as versioned migrations recorded in `PRAGMA user_version`.

use rusqlite_migration::{M, Migrations};

/// Every migration, oldest first. Never edit a released one; append a new one.
pub(super) const MIGRATIONS: &[M<'static>] = &[
    M::up(
        "CREATE TABLE users (
        id INTEGER PRIMARY KEY,
        username TEXT NOT NULL UNIQUE,
        name TEXT,
        email TEXT,
        role TEXT NOT NULL CHECK (role IN ('admin', 'user')),
        password_hash TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        last_login_at INTEGER,
        password_changed_at INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX users_role ON users(role);
    CREATE TABLE sessions (
        id INTEGER PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        token_sha256 BLOB NOT NULL UNIQUE,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        last_used_at INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX sessions_user ON sessions(user_id);",
    ),
    // Lockout counters and the audit log. Events name accounts by username,
    // not by id, so that an account's history outlives the account.
    M::up(
        "ALTER TABLE users ADD COLUMN failed_logins INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE users ADD COLUMN lockouts INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE users ADD COLUMN locked_until INTEGER;
    CREATE TABLE events (
        id INTEGER PRIMARY KEY,
        at INTEGER NOT NULL,
        event TEXT NOT NULL,
        outcome TEXT NOT NULL,
        actor TEXT,
        target TEXT,
        os_user TEXT NOT NULL
    ) STRICT;
    CREATE INDEX events_actor ON events(actor);
    CREATE INDEX events_target ON events(target);",
    ),
    // Admin locks, when the last password check started (so a count left
    // by a check that never finished does not block the account), settings
    // stored in the database, and a detail on events (a setting's new
    // value, a lock's reason, a role change).
    M::up(
        "ALTER TABLE users ADD COLUMN admin_locked_at INTEGER;
    ALTER TABLE users ADD COLUMN lock_reason TEXT;
    ALTER TABLE users ADD COLUMN check_started_at INTEGER;
    ALTER TABLE events ADD COLUMN detail TEXT;
    CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    ) STRICT;",
    ),
    // Two-factor login: the TOTP secret (base32; it must be readable to
    // check codes), the last time step accepted (no replay), and recovery
    // codes as SHA-256 digests.
    M::up(
        "ALTER TABLE users ADD COLUMN totp_secret TEXT;
    ALTER TABLE users ADD COLUMN totp_last_step INTEGER;
    CREATE TABLE recovery_codes (
        id INTEGER PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        code_sha256 BLOB NOT NULL,
        UNIQUE (user_id, code_sha256)
    ) STRICT;",
    ),
    // The host each event came from, now that hosts can share a database.
    M::up("ALTER TABLE events ADD COLUMN host TEXT;"),
];

/// Every table any migration creates; a database with others is not ours.
pub(super) const KNOWN_TABLES: &[&str] =
    &["users", "sessions", "events", "settings", "recovery_codes"];

/// The schema version this build creates and understands.
pub(crate) const LATEST_VERSION: i64 = MIGRATIONS.len() as i64;

/// The migrations to apply.
pub(super) fn migrations() -> Migrations<'static> {
    Migrations::from_slice(MIGRATIONS)
}

#[cfg(test)]
mod tests {
    #[test]
    fn migrations_are_valid() {
        assert!(super::migrations().validate().is_ok());
    }
}
