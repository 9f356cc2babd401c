//! The tests' one way into the account database behind authctl's back:
//! [`TestDb`], a few reads and writes of SQL that SQLite and PostgreSQL
//! both accept, so the same tests can run against either backend. Only the
//! `sqlite_files` tests open the SQLite file themselves.

use rusqlite::Connection;
use rusqlite::types::ValueRef;
use std::path::Path;

/// What a test may do to the database directly: look at what authctl
/// stored, or set up a situation no command can. A backend implements the
/// first three methods; the others are built on them.
pub trait TestDb {
    /// Runs one statement that returns no rows.
    fn execute(&self, sql: &str);

    /// Every row `sql` returns, each value as text: integers in decimal,
    /// byte strings in lowercase hex, NULL as `None`.
    fn rows(&self, sql: &str) -> Vec<Vec<Option<String>>>;

    /// The database's own consistency check: `"ok"` when it is sound.
    fn integrity(&self) -> String;

    /// Every byte the backend keeps of this database, where a secret that
    /// reached it would show: SQLite's files (the WAL and journal
    /// included); PostgreSQL's dump, data files and server log.
    fn stored_bytes(&self) -> Vec<u8>;

    /// Asserts that `secret` is nowhere in [`TestDb::stored_bytes`], as text
    /// or as the hex a byte string is dumped in.
    fn assert_never_stored(&self, secrets: &[&str]) {
        let stored = self.stored_bytes();
        let text = String::from_utf8_lossy(&stored);
        for secret in secrets {
            let secret = secret.trim();
            assert!(secret.len() >= 15, "too short to be telling: {secret:?}");
            let hex: String = secret.bytes().map(|b| format!("{b:02x}")).collect();
            assert!(!text.contains(secret), "{secret:?} is stored");
            assert!(!text.contains(&hex), "{secret:?} is stored (in hex)");
        }
    }

    /// The first row `sql` returns; there must be one.
    fn row(&self, sql: &str) -> Vec<Option<String>> {
        let first = self.rows(sql).into_iter().next();
        first.unwrap_or_else(|| panic!("no row: {sql}"))
    }

    /// The first value of the first row `sql` returns, as text (not NULL).
    fn text(&self, sql: &str) -> String {
        let first = self.row(sql).into_iter().next().flatten();
        first.unwrap_or_else(|| panic!("NULL or no column: {sql}"))
    }

    /// The first value of the first row `sql` returns, an integer (not
    /// NULL): a count, a time, a difference of times.
    fn count(&self, sql: &str) -> i64 {
        integer(&self.text(sql), sql)
    }

    /// `column` of `user`'s row, NULL as `None`. Both are literals in a test.
    fn user_opt_text(&self, column: &str, user: &str) -> Option<String> {
        assert!(!user.contains('\''), "a plain username: {user:?}");
        let sql = format!("SELECT {column} FROM users WHERE username = '{user}'");
        self.row(&sql).into_iter().next().flatten()
    }

    /// `column` of `user`'s row, which must not be NULL.
    fn user_text(&self, column: &str, user: &str) -> String {
        let value = self.user_opt_text(column, user);
        value.unwrap_or_else(|| panic!("{column} of {user} is NULL"))
    }

    /// `column` of `user`'s row, an integer or NULL.
    fn user_opt_i64(&self, column: &str, user: &str) -> Option<i64> {
        let value = self.user_opt_text(column, user);
        value.map(|v| integer(&v, column))
    }

    /// `column` of `user`'s row, an integer (not NULL).
    fn user_i64(&self, column: &str, user: &str) -> i64 {
        integer(&self.user_text(column, user), column)
    }
}

/// `value` as the integer it must be; `what` names it if it is not.
fn integer(value: &str, what: &str) -> i64 {
    value
        .parse()
        .unwrap_or_else(|_| panic!("{what}: {value:?} is not an integer"))
}

/// [`TestDb`] on the SQLite file authctl uses.
pub struct Sqlite(Connection);

impl Sqlite {
    /// Opens the database file at `path`.
    pub fn open(path: &Path) -> Self {
        Sqlite(Connection::open(path).expect("open db"))
    }
}

impl TestDb for Sqlite {
    fn execute(&self, sql: &str) {
        self.0.execute(sql, []).expect(sql);
    }

    fn rows(&self, sql: &str) -> Vec<Vec<Option<String>>> {
        let mut stmt = self.0.prepare(sql).expect(sql);
        let columns = stmt.column_count();
        stmt.query_map([], |r| {
            (0..columns)
                .map(|i| Ok(as_text(r.get_ref(i)?)))
                .collect::<rusqlite::Result<Vec<_>>>()
        })
        .expect(sql)
        .collect::<rusqlite::Result<_>>()
        .expect(sql)
    }

    fn integrity(&self) -> String {
        self.text("PRAGMA integrity_check")
    }

    fn stored_bytes(&self) -> Vec<u8> {
        let path = self.0.path().expect("a database file");
        let dir = Path::new(path).parent().expect("the file's directory");
        let mut bytes = Vec::new();
        for entry in std::fs::read_dir(dir).expect("the database's directory") {
            bytes.extend(std::fs::read(entry.expect("a file").path()).expect("readable"));
        }
        bytes
    }
}

/// A stored value as [`TestDb::rows`] gives it.
fn as_text(value: ValueRef<'_>) -> Option<String> {
    match value {
        ValueRef::Null => None,
        ValueRef::Integer(i) => Some(i.to_string()),
        ValueRef::Real(f) => Some(f.to_string()),
        ValueRef::Text(t) => Some(String::from_utf8(t.to_vec()).expect("UTF-8 text")),
        ValueRef::Blob(b) => Some(b.iter().map(|byte| format!("{byte:02x}")).collect()),
    }
}

/// [`TestDb`] on a PostgreSQL database, through `psql` (values as psql
/// prints them: `bytea` as hex without its `\x`, booleans as `t`/`f`).
pub struct Postgres {
    url: String,
}

impl Postgres {
    /// The database at `url` on the test server.
    pub fn open(url: &str) -> Self {
        Postgres {
            url: url.to_string(),
        }
    }

    fn psql(&self, sql: &str) -> String {
        let server = super::pg_cluster::server().expect("the PostgreSQL test server");
        let out = server
            .psql(&self.url)
            .args([
                "-F",
                "\u{1f}",
                "-R",
                "\u{1e}",
                "-P",
                "null=\u{1}",
                "-c",
                sql,
            ])
            .output()
            .expect("psql");
        assert!(
            out.status.success(),
            "{sql}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("UTF-8")
    }
}

impl TestDb for Postgres {
    fn execute(&self, sql: &str) {
        self.psql(sql);
    }

    fn rows(&self, sql: &str) -> Vec<Vec<Option<String>>> {
        let out = self.psql(sql);
        out.trim_end_matches('\n')
            .split('\u{1e}')
            .filter(|row| !row.is_empty())
            .map(|row| {
                row.split('\u{1f}')
                    .map(|v| match v {
                        "\u{1}" => None,
                        v => Some(v.strip_prefix("\\x").unwrap_or(v).to_string()),
                    })
                    .collect()
            })
            .collect()
    }

    fn integrity(&self) -> String {
        // PostgreSQL keeps its own consistency; reaching it is the check.
        self.text("SELECT 'ok'")
    }

    fn stored_bytes(&self) -> Vec<u8> {
        let server = super::pg_cluster::server().expect("the PostgreSQL test server");
        server.stored_bytes(&self.url)
    }
}
