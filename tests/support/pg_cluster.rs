//! A real PostgreSQL server for the tests, never a mock.
//!
//! [`server()`] starts one throwaway cluster per test process from the
//! machine's own PostgreSQL binaries (`/usr/lib/postgresql/<version>/bin`,
//! else `PATH`): trust auth, a Unix socket in a temporary directory, no TCP,
//! no fsync. As root (PostgreSQL refuses to run as root) the cluster runs as
//! `nobody` (uid and gid 65534); otherwise as the current user. Its
//! superuser is always `postgres`. [`Server::fresh_database`] makes a new
//! empty database and returns a libpq URL for it.
//!
//! `AUTHCTL_TEST_POSTGRES=URL` (a `postgresql://` URL) means: use that
//! server instead; only `psql`, `createdb` and `pg_dump` are needed then.
//!
//! Without PostgreSQL, [`server()`] prints one line saying the PostgreSQL
//! half of the tests is skipped, and returns `None`; with
//! `AUTHCTL_REQUIRE_POSTGRES=1` it panics instead.
//!
//! Cleanup: each cluster has a watchdog, a small shell process whose stdin
//! is a pipe that only this process holds open. When this process ends, in
//! whatever way, the pipe closes, and the watchdog stops the cluster
//! (`pg_ctl stop -m immediate`) and removes its directory. A
//! [`private_server`] does the same when dropped.
//!
//! Self-contained (std and `tempfile` only), so that both the crate's unit
//! tests and `tests/it` can include it with `#[path = ...] mod pg_cluster;`.

#![allow(dead_code)]

use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Once, OnceLock};

/// Who runs the cluster when the tests run as root.
const NOBODY: u32 = 65534;
/// The cluster's superuser (initdb's `-U`); with trust auth any OS user may
/// connect as it.
const SUPERUSER: &str = "postgres";
/// Only the socket's name depends on it (`.s.PGSQL.5432`): no TCP, and each
/// cluster has its own socket directory, so clusters never clash.
const PORT: u16 = 5432;
/// A Unix socket path must fit in 108 bytes, `/.s.PGSQL.5432` included.
const MAX_SOCKET_DIR: usize = 90;

/// A PostgreSQL server for tests: a throwaway cluster of our own, or the
/// one `AUTHCTL_TEST_POSTGRES` names.
pub struct Server {
    bin: PathBuf,
    kind: Kind,
}

enum Kind {
    Managed(Cluster),
    External { url: String, user: String },
}

struct Cluster {
    /// The temporary directory: `data/`, `sock/` and `log`.
    base: PathBuf,
    /// Run the server programs as `nobody` (we are root).
    as_nobody: bool,
    /// Stops the cluster and removes `base` once its stdin closes.
    watchdog: Child,
}

/// The shared server of this test process, started on first use; `None`
/// when PostgreSQL is not installed (after printing the one skip line).
///
/// Every test may use it at once, so a test must not stop it: one that
/// stops and restarts a server takes a [`private_server`].
pub fn server() -> Option<&'static Server> {
    static SERVER: OnceLock<Result<Option<Server>, String>> = OnceLock::new();
    let outcome = SERVER.get_or_init(|| match external_url() {
        Some(url) => Server::external(url).map(Some),
        None => Server::start_new(),
    });
    match outcome {
        Ok(server) => server.as_ref(),
        Err(why) => panic!("{why}"),
    }
}

/// A cluster of the caller's own, stopped and removed when dropped (or when
/// the process ends): for tests that stop and restart the server. Always
/// started from local binaries, even with `AUTHCTL_TEST_POSTGRES` set;
/// `None` when PostgreSQL is not installed, as for [`server()`].
pub fn private_server() -> Option<Server> {
    match Server::start_new() {
        Ok(server) => server,
        Err(why) => panic!("{why}"),
    }
}

impl Server {
    /// Creates a new, empty, uniquely named database (from `template0`) and
    /// returns a libpq URL for it as the superuser, e.g.
    /// `postgresql://postgres@/authctl_123_1?host=/tmp/authctl-pg-x/sock&port=5432`.
    pub fn fresh_database(&self) -> String {
        static NEXT: AtomicU32 = AtomicU32::new(1);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        // The time too, as an external server may keep databases of earlier
        // runs whose process had the same id.
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let name = format!("authctl_{}_{nanos:09}_{n}", std::process::id());
        let mut createdb = self.client("createdb");
        createdb.args(["--template=template0", "--encoding=UTF8"]);
        match &self.kind {
            Kind::Managed(cluster) => {
                createdb.arg("--host").arg(cluster.socket_dir());
                createdb.args(["--port", &PORT.to_string(), "--username", SUPERUSER]);
            }
            Kind::External { url, .. } => {
                createdb.arg(format!("--maintenance-db={url}"));
            }
        }
        createdb.arg(&name);
        if let Err(why) = run(&mut createdb) {
            panic!("could not create database {name}: {why}");
        }
        self.url(&name)
    }

    /// A libpq URL for database `dbname` on this server, as the superuser.
    pub fn url(&self, dbname: &str) -> String {
        match &self.kind {
            Kind::Managed(cluster) => format!(
                "postgresql://{SUPERUSER}@/{dbname}?host={}&port={PORT}",
                cluster.socket_dir().display()
            ),
            Kind::External { url, .. } => with_dbname(url, dbname),
        }
    }

    /// The directory holding the server's socket; `None` for an external
    /// server.
    pub fn socket_dir(&self) -> Option<PathBuf> {
        match &self.kind {
            Kind::Managed(cluster) => Some(cluster.socket_dir()),
            Kind::External { .. } => None,
        }
    }

    /// The port (which names the socket file); `None` for an external server.
    pub fn port(&self) -> Option<u16> {
        match &self.kind {
            Kind::Managed(_) => Some(PORT),
            Kind::External { .. } => None,
        }
    }

    /// The database user the URLs connect as: a superuser of our cluster,
    /// or whoever `AUTHCTL_TEST_POSTGRES` connects as.
    pub fn user(&self) -> &str {
        match &self.kind {
            Kind::Managed(_) => SUPERUSER,
            Kind::External { user, .. } => user,
        }
    }

    /// The PostgreSQL program `name` (`psql`, `pg_dump`, ...) of the
    /// installation in use.
    pub fn program(&self, name: &str) -> PathBuf {
        self.bin.join(name)
    }

    /// `psql` on `url`: no psqlrc, stops at the first error, unaligned
    /// tuples-only output. Add `-c SQL` and run it.
    pub fn psql(&self, url: &str) -> Command {
        let mut psql = self.client("psql");
        psql.args(["-X", "-v", "ON_ERROR_STOP=1", "-A", "-t", "-d", url]);
        psql
    }

    /// Everything the server keeps of the database at `url`, as bytes a
    /// secret could hide in: `pg_dump --data-only` of it (values as text,
    /// `bytea` in hex) and, for a cluster of our own, the database's data
    /// files after a checkpoint and the server's log (which would show a
    /// statement that failed, parameters and all).
    pub fn stored_bytes(&self, url: &str) -> Vec<u8> {
        let mut dump = self.client("pg_dump");
        dump.args(["--data-only", "--no-owner", "-d", url]);
        let mut bytes = run(&mut dump)
            .unwrap_or_else(|why| panic!("pg_dump failed: {why}"))
            .into_bytes();
        if let Kind::Managed(cluster) = &self.kind {
            let mut oid = self.psql(url);
            oid.args(["-q", "-c", "CHECKPOINT", "-c"]);
            oid.arg("SELECT oid FROM pg_database WHERE datname = current_database()");
            let oid = run(&mut oid).unwrap_or_else(|why| panic!("checkpoint failed: {why}"));
            let dir = cluster.data_dir().join("base").join(oid.trim());
            let files = std::fs::read_dir(&dir)
                .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
                .map(|entry| entry.map(|e| e.path()));
            for file in files.chain([Ok(cluster.log_file())]) {
                let file = file.unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
                bytes.extend(std::fs::read(&file).unwrap_or_default());
            }
        }
        bytes
    }

    /// Whether this is a cluster of our own, which [`Server::stop`] and
    /// [`Server::start`] can control (not `AUTHCTL_TEST_POSTGRES`).
    pub fn is_managed(&self) -> bool {
        matches!(self.kind, Kind::Managed(_))
    }

    /// Shuts the server down cleanly (`pg_ctl stop -m fast`: open sessions
    /// are ended) and waits until it is down.
    pub fn stop(&self) {
        self.pg_ctl_stop("fast");
    }

    /// Kills the server as a crash would (`pg_ctl stop -m immediate`); the
    /// next [`Server::start`] runs crash recovery.
    pub fn crash(&self) {
        self.pg_ctl_stop("immediate");
    }

    /// Starts the stopped server again and waits until it accepts connections.
    pub fn start(&self) {
        if let Err(why) = self.managed("start").start_with(&self.bin) {
            panic!("{why}");
        }
    }

    /// Makes this (private) server also listen on 127.0.0.1, at a free port
    /// of its own, serving TLS with `cert` and `key` (PEM files), and
    /// restarts it; returns the port. Its socket moves to that port too.
    pub fn serve_tls(&self, cert: &Path, key: &Path) -> u16 {
        let cluster = self.managed("reconfigure");
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .unwrap_or_else(|e| panic!("no free port: {e}"));
        let (server_cert, server_key) = (
            cluster.base.join("server.crt"),
            cluster.base.join("server.key"),
        );
        let install = || -> std::io::Result<()> {
            std::fs::copy(cert, &server_cert)?;
            std::fs::copy(key, &server_key)?;
            // The server refuses a key others may read.
            std::fs::set_permissions(&server_key, std::fs::Permissions::from_mode(0o600))?;
            if cluster.as_nobody {
                for file in [&server_cert, &server_key] {
                    std::os::unix::fs::chown(file, Some(NOBODY), Some(NOBODY))?;
                }
            }
            let settings = format!(
                "\nlisten_addresses = '127.0.0.1'\nport = {port}\nssl = on\n\
                 ssl_cert_file = '{}'\nssl_key_file = '{}'\n",
                server_cert.display(),
                server_key.display()
            );
            std::fs::OpenOptions::new()
                .append(true)
                .open(cluster.data_dir().join("postgresql.conf"))
                .and_then(|mut f| f.write_all(settings.as_bytes()))
        };
        if let Err(e) = install() {
            panic!("could not set up TLS on the test cluster: {e}");
        }
        self.stop();
        self.start();
        port
    }

    fn pg_ctl_stop(&self, mode: &str) {
        let cluster = self.managed("stop");
        let mut stop = cluster.server_program(&self.bin, "pg_ctl");
        stop.arg("stop").arg("-D").arg(cluster.data_dir());
        stop.args(["-m", mode, "-w", "-t", "120", "-s"]);
        if let Err(why) = run(&mut stop) {
            panic!("could not stop the PostgreSQL test cluster: {why}");
        }
    }

    fn managed(&self, what: &str) -> &Cluster {
        match &self.kind {
            Kind::Managed(cluster) => cluster,
            Kind::External { .. } => panic!(
                "cannot {what} the server that AUTHCTL_TEST_POSTGRES names: \
                 use pg_cluster::private_server() in a test that stops and starts one"
            ),
        }
    }

    /// A client program (`psql`, `createdb`) of this installation. Against
    /// our own cluster, with no `PG*` variables of the caller's.
    fn client(&self, name: &str) -> Command {
        let mut cmd = Command::new(self.bin.join(name));
        cmd.stdin(Stdio::null());
        if self.is_managed() {
            strip_pg_env(&mut cmd);
        }
        cmd
    }

    /// `Ok(None)` when PostgreSQL is not installed (the skip line is
    /// printed), `Err` when it is required or fails to start.
    fn start_new() -> Result<Option<Server>, String> {
        let Some(bin) = find_bin(&[
            "initdb", "pg_ctl", "postgres", "psql", "createdb", "pg_dump",
        ]) else {
            skip_or_fail()?;
            return Ok(None);
        };
        let cluster = Cluster::create(&bin)?;
        let server = Server {
            bin,
            kind: Kind::Managed(cluster),
        };
        // From here on, dropping `server` cleans up.
        let Kind::Managed(cluster) = &server.kind else {
            unreachable!()
        };
        cluster.init(&server.bin)?;
        cluster.start_with(&server.bin)?;
        Ok(Some(server))
    }

    fn external(url: String) -> Result<Server, String> {
        if !(url.starts_with("postgresql://") || url.starts_with("postgres://")) {
            return Err(format!(
                "AUTHCTL_TEST_POSTGRES must be a postgresql:// URL, not {url:?}"
            ));
        }
        if url.contains("dbname=") {
            return Err(format!(
                "AUTHCTL_TEST_POSTGRES must name its database in the path, not as dbname=: {url:?}"
            ));
        }
        let bin = find_bin(&["psql", "createdb", "pg_dump"]).ok_or(
            "AUTHCTL_TEST_POSTGRES is set but psql, createdb and pg_dump were not found \
             (in /usr/lib/postgresql/*/bin or on PATH)",
        )?;
        let mut server = Server {
            bin,
            kind: Kind::External {
                url: url.clone(),
                user: String::new(),
            },
        };
        let mut whoami = server.psql(&url);
        whoami.args(["-c", "SELECT current_user"]);
        let user = run(&mut whoami)
            .map_err(|why| format!("cannot reach AUTHCTL_TEST_POSTGRES ({url}): {why}"))?;
        server.kind = Kind::External {
            url,
            user: user.trim().to_string(),
        };
        Ok(server)
    }
}

impl Drop for Server {
    /// Closing the watchdog's stdin makes it stop the cluster and remove
    /// its directory; waiting for it makes that done when drop returns.
    fn drop(&mut self) {
        if let Kind::Managed(cluster) = &mut self.kind {
            drop(cluster.watchdog.stdin.take());
            let _ = cluster.watchdog.wait();
        }
    }
}

impl Cluster {
    /// The directories and the watchdog, before any PostgreSQL program runs.
    fn create(bin: &Path) -> Result<Cluster, String> {
        let base = temp_base()?;
        let as_nobody = {
            use std::os::unix::fs::MetadataExt;
            let meta = std::fs::metadata(&base).map_err(|e| format!("{}: {e}", base.display()))?;
            // The directory was just made by us, so its owner is who we are.
            meta.uid() == 0
        };
        let sock = base.join("sock");
        let setup = || -> std::io::Result<()> {
            std::fs::create_dir(&sock)?;
            // Anyone may reach the socket (the socket file itself is 0777).
            for dir in [&base, &sock] {
                std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755))?;
                if as_nobody {
                    std::os::unix::fs::chown(dir, Some(NOBODY), Some(NOBODY))?;
                }
            }
            Ok(())
        };
        let watchdog = setup()
            .and_then(|()| spawn_watchdog(bin, &base, as_nobody))
            .map_err(|e| {
                let _ = std::fs::remove_dir_all(&base);
                format!(
                    "setting up a PostgreSQL test cluster in {}: {e}",
                    base.display()
                )
            })?;
        Ok(Cluster {
            base,
            as_nobody,
            watchdog,
        })
    }

    fn data_dir(&self) -> PathBuf {
        self.base.join("data")
    }

    fn socket_dir(&self) -> PathBuf {
        self.base.join("sock")
    }

    fn log_file(&self) -> PathBuf {
        self.base.join("log")
    }

    /// `initdb`, then our settings appended to `postgresql.conf`. Without
    /// fsync (and full-page writes) it survives the death of its processes,
    /// as in [`Server::crash`], though not of the machine; commits stay
    /// synchronous, so a commit reported done survives a crash.
    fn init(&self, bin: &Path) -> Result<(), String> {
        let mut initdb = self.server_program(bin, "initdb");
        initdb.arg("-D").arg(self.data_dir());
        initdb.args([
            "-U",
            SUPERUSER,
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync",
        ]);
        run(&mut initdb).map_err(|why| format!("initdb failed: {why}"))?;
        let sock = self.socket_dir();
        let sock = sock.to_str().ok_or("socket directory is not UTF-8")?;
        let settings = format!(
            "\n# authctl tests\n\
             listen_addresses = ''\n\
             unix_socket_directories = '{}'\n\
             port = {PORT}\n\
             max_connections = 200\n\
             fsync = off\n\
             full_page_writes = off\n",
            sock.replace('\'', "''")
        );
        let conf = self.data_dir().join("postgresql.conf");
        std::fs::OpenOptions::new()
            .append(true)
            .open(&conf)
            .and_then(|mut f| f.write_all(settings.as_bytes()))
            .map_err(|e| format!("{}: {e}", conf.display()))
    }

    fn start_with(&self, bin: &Path) -> Result<(), String> {
        let mut start = self.server_program(bin, "pg_ctl");
        start.arg("start").arg("-D").arg(self.data_dir());
        start.arg("-l").arg(self.log_file());
        start.args(["-w", "-t", "120", "-s"]);
        run(&mut start).map(drop).map_err(|why| {
            let log = std::fs::read_to_string(self.log_file()).unwrap_or_default();
            let tail: Vec<&str> = log.lines().rev().take(20).collect();
            let tail: Vec<&str> = tail.into_iter().rev().collect();
            format!(
                "the PostgreSQL test cluster did not start: {why}\nserver log:\n{}",
                tail.join("\n")
            )
        })
    }

    /// `initdb` or `pg_ctl`: as `nobody` when we are root, in our directory
    /// (which `nobody` can enter, unlike perhaps our working directory), with
    /// no `PG*` variables of the caller's.
    fn server_program(&self, bin: &Path, name: &str) -> Command {
        let mut cmd = Command::new(bin.join(name));
        cmd.current_dir(&self.base).stdin(Stdio::null());
        strip_pg_env(&mut cmd);
        if self.as_nobody {
            cmd.uid(NOBODY).gid(NOBODY);
        }
        cmd
    }
}

/// The watchdog: waits for end of file on its stdin, which only we hold
/// open (std makes its pipes close-on-exec, so no other child inherits it),
/// then stops the cluster and removes `base`. It runs as the cluster's
/// owner (`pg_ctl` refuses root; `nobody` owns `base` in sticky `/tmp`), in
/// its own process group and ignoring the usual signals, so that a Ctrl-C
/// that kills the tests does not kill it first.
fn spawn_watchdog(bin: &Path, base: &Path, as_nobody: bool) -> std::io::Result<Child> {
    const SCRIPT: &str = r#"trap '' HUP INT QUIT TERM PIPE
cat >/dev/null
"$1/pg_ctl" stop -D "$2/data" -m immediate -w -t 60 -s >/dev/null 2>&1
rm -rf "$2"
"#;
    let mut cmd = Command::new("/bin/sh");
    cmd.args(["-c", SCRIPT, "pg_cluster_watchdog"])
        .arg(bin)
        .arg(base)
        .current_dir("/")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0);
    strip_pg_env(&mut cmd);
    if as_nobody {
        cmd.uid(NOBODY).gid(NOBODY);
    }
    cmd.spawn()
}

/// A new directory for a cluster, short enough for the socket path: in
/// `TMPDIR` when it is like `/tmp` (sticky and open to all, so that
/// `nobody` can reach and remove a directory of its own there), else in
/// `/tmp`.
fn temp_base() -> Result<PathBuf, String> {
    let mut parent = std::env::temp_dir();
    let like_tmp =
        std::fs::metadata(&parent).is_ok_and(|m| m.permissions().mode() & 0o1777 == 0o1777);
    if !like_tmp || parent.as_os_str().len() + 30 > MAX_SOCKET_DIR {
        parent = PathBuf::from("/tmp");
    }
    let dir = tempfile::Builder::new()
        .prefix("authctl-pg-")
        .tempdir_in(&parent)
        .map_err(|e| format!("temporary directory in {}: {e}", parent.display()))?;
    Ok(dir.keep())
}

/// The first directory holding all of `programs`: the newest
/// `/usr/lib/postgresql/<version>/bin`, then those on `PATH`.
fn find_bin(programs: &[&str]) -> Option<PathBuf> {
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let name = entry.file_name().to_string_lossy().into_owned();
            let major = name.split('.').next()?.parse().ok()?;
            Some((major, entry.path().join("bin")))
        })
        .collect();
    versions.sort_by_key(|(major, _)| std::cmp::Reverse(*major));
    let on_path = std::env::var_os("PATH")
        .map(|path| std::env::split_paths(&path).collect::<Vec<_>>())
        .unwrap_or_default();
    versions
        .into_iter()
        .map(|(_, bin)| bin)
        .chain(on_path)
        .find(|dir| programs.iter().all(|p| dir.join(p).is_file()))
}

fn external_url() -> Option<String> {
    std::env::var("AUTHCTL_TEST_POSTGRES")
        .ok()
        .filter(|url| !url.trim().is_empty())
}

/// No PostgreSQL here: an error when `AUTHCTL_REQUIRE_POSTGRES=1`, else the
/// one skip line (once per process).
fn skip_or_fail() -> Result<(), String> {
    const WHY: &str = "PostgreSQL is not installed (no initdb and pg_ctl in \
                       /usr/lib/postgresql/*/bin or on PATH)";
    let required = std::env::var("AUTHCTL_REQUIRE_POSTGRES")
        .is_ok_and(|v| matches!(v.trim(), "1" | "true" | "yes"));
    if required {
        return Err(format!(
            "AUTHCTL_REQUIRE_POSTGRES=1 but {WHY}: install it (Debian: apt-get install postgresql) \
             or set AUTHCTL_TEST_POSTGRES=URL"
        ));
    }
    static SAID: Once = Once::new();
    SAID.call_once(|| {
        // Straight to stderr, past the test harness's capture of eprintln!,
        // so the line shows for passing tests too.
        let line = format!(
            "note: {WHY}: the PostgreSQL half of the tests was skipped \
             (AUTHCTL_REQUIRE_POSTGRES=1 makes this a failure)\n"
        );
        let _ = std::io::stderr().write_all(line.as_bytes());
    });
    Ok(())
}

/// Removes `PG*` variables (PGHOST, PGOPTIONS, ...) that would change what
/// a program does to our cluster.
fn strip_pg_env(cmd: &mut Command) {
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("PG") {
            cmd.env_remove(key);
        }
    }
}

/// Runs `cmd` to the end: its stdout, or why it failed.
fn run(cmd: &mut Command) -> Result<String, String> {
    let out = cmd
        .output()
        .map_err(|e| format!("cannot run {:?}: {e}", cmd.get_program()))?;
    if out.status.success() {
        return Ok(String::from_utf8_lossy(&out.stdout).into_owned());
    }
    Err(format!(
        "{:?} {:?} failed ({}): {}{}",
        cmd.get_program(),
        cmd.get_args().collect::<Vec<_>>(),
        out.status,
        String::from_utf8_lossy(&out.stderr).trim(),
        String::from_utf8_lossy(&out.stdout).trim(),
    ))
}

/// `url` with its database (the path) replaced by `dbname`.
fn with_dbname(url: &str, dbname: &str) -> String {
    let after_scheme = url.find("://").map_or(0, |i| i + 3);
    let (head, rest) = url.split_at(after_scheme);
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, after) = rest.split_at(authority_end);
    let tail = match after.strip_prefix('/') {
        Some(path) => &path[path.find(['?', '#']).unwrap_or(path.len())..],
        None => after,
    };
    format!("{head}{authority}/{dbname}{tail}")
}
