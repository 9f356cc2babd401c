//! The PostgreSQL schema, as numbered migrations recorded in the table
//! `authctl_schema`. The same tables and columns as SQLite's, in
//! PostgreSQL's types (`BIGINT` Unix seconds, `BYTEA` digests).

/// Every migration, oldest first. Never edit a released one; append a new one.
pub(super) const MIGRATIONS: &[&str] = &[
    "
    CREATE TABLE users (
        id BIGSERIAL PRIMARY KEY,
        username TEXT NOT NULL UNIQUE,
        name TEXT,
        email TEXT,
        role TEXT NOT NULL CHECK (role IN ('admin', 'user')),
        password_hash TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        last_login_at BIGINT,
        password_changed_at BIGINT NOT NULL,
        failed_logins INTEGER NOT NULL DEFAULT 0,
        lockouts INTEGER NOT NULL DEFAULT 0,
        locked_until BIGINT,
        admin_locked_at BIGINT,
        lock_reason TEXT,
        check_started_at BIGINT,
        totp_secret TEXT,
        totp_last_step BIGINT
    );
    CREATE INDEX users_role ON users (role);
    CREATE TABLE sessions (
        id BIGSERIAL PRIMARY KEY,
        user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        token_sha256 BYTEA NOT NULL UNIQUE,
        created_at BIGINT NOT NULL,
        expires_at BIGINT NOT NULL,
        last_used_at BIGINT NOT NULL
    );
    CREATE INDEX sessions_user ON sessions (user_id);
    CREATE TABLE events (
        id BIGSERIAL PRIMARY KEY,
        at BIGINT NOT NULL,
        event TEXT NOT NULL,
        outcome TEXT NOT NULL,
        actor TEXT,
        target TEXT,
        os_user TEXT NOT NULL,
        detail TEXT
    );
    CREATE INDEX events_actor ON events (actor);
    CREATE INDEX events_target ON events (target);
    CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    CREATE TABLE recovery_codes (
        id BIGSERIAL PRIMARY KEY,
        user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        code_sha256 BYTEA NOT NULL,
        UNIQUE (user_id, code_sha256)
    );
",
    "ALTER TABLE events ADD COLUMN host TEXT;",
];

/// Every table any migration creates, the version table included; a
/// database with others is not ours.
pub(super) const KNOWN_TABLES: &[&str] = &[
    "authctl_schema",
    "users",
    "sessions",
    "events",
    "settings",
    "recovery_codes",
];

/// The schema version this build creates and understands.
pub(super) const LATEST_VERSION: i64 = MIGRATIONS.len() as i64;
