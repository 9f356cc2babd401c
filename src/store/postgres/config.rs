//! Where a PostgreSQL database is and how to log in to it, settled as psql
//! settles it: the URL first; for what it leaves out, the `PGHOST`,
//! `PGPORT`, `PGUSER`, `PGDATABASE` and `PGCONNECT_TIMEOUT` variables, then
//! libpq's defaults (the local socket, the OS user's name, a database of
//! the user's name); a password from the URL, else from the password file
//! (`PGPASSFILE`, else `~/.pgpass`), which must not be readable by group or
//! others; TLS as libpq's `sslmode` and `sslrootcert` (or `PGSSLMODE`,
//! `PGSSLROOTCERT`) say.

use crate::error::{Error, Result};
use postgres::config::Host;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

/// libpq's default socket directory on Debian.
const DEFAULT_SOCKET_DIR: &str = "/var/run/postgresql";

/// How long a connection attempt may take when nothing says otherwise.
const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// A connection's settings, and how to name the database in messages.
pub(crate) struct Target {
    /// Everything needed to connect but TLS.
    pub config: postgres::Config,
    /// `host H port P database D user U`: never the password.
    pub place: String,
    /// Whether and how to use TLS.
    pub tls: Tls,
}

/// libpq's `sslmode`, and the CA file the `verify-*` modes check against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Tls {
    /// The mode.
    pub mode: SslMode,
    /// `sslrootcert`, else `~/.postgresql/root.crt` when that exists.
    pub root_cert: Option<PathBuf>,
}

/// libpq's `sslmode` values (`allow` is taken as `prefer`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SslMode {
    /// Never TLS.
    Disable,
    /// TLS if the server offers it, unverified; else plain.
    Prefer,
    /// TLS, unverified (verified as `verify-ca` if a root certificate is
    /// given, as libpq does).
    Require,
    /// TLS, the server's certificate signed by the root certificate.
    VerifyCa,
    /// As `verify-ca`, and the certificate names the host connected to.
    VerifyFull,
}

impl SslMode {
    fn parse(text: &str) -> Result<SslMode> {
        Ok(match text {
            "disable" => SslMode::Disable,
            "allow" | "prefer" => SslMode::Prefer,
            "require" => SslMode::Require,
            "verify-ca" => SslMode::VerifyCa,
            "verify-full" => SslMode::VerifyFull,
            other => {
                return Err(Error::Invalid(format!(
                    "invalid sslmode {other:?}: use disable, prefer, require, verify-ca or verify-full"
                )));
            }
        })
    }
}

/// `url` without its `sslmode` and `sslrootcert` parameters (the client
/// library knows only some modes), and their values.
fn take_tls_params(url: &str) -> (String, Option<String>, Option<String>) {
    let Some((base, query)) = url.split_once('?') else {
        return (url.to_string(), None, None);
    };
    let (mut mode, mut root) = (None, None);
    let kept: Vec<&str> = query
        .split('&')
        .filter(|pair| match pair.split_once('=') {
            Some(("sslmode", v)) => {
                mode = Some(percent_decode(v));
                false
            }
            Some(("sslrootcert", v)) => {
                root = Some(percent_decode(v));
                false
            }
            _ => true,
        })
        .collect();
    let url = match kept.is_empty() {
        true => base.to_string(),
        false => format!("{base}?{}", kept.join("&")),
    };
    (url, mode, root)
}

/// `%XX` escapes decoded (as a URL's query values carry paths).
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Whether `location` names a PostgreSQL database (rather than a file).
pub fn is_postgres_url(location: &str) -> bool {
    location.starts_with("postgres://") || location.starts_with("postgresql://")
}

/// Whether the URL itself carries a password. Read without its TLS
/// parameters, as the connection reads it: the client library refuses
/// `sslmode=verify-full`, which would hide the password from this check.
pub fn url_has_password(url: &str) -> bool {
    let (url, _, _) = take_tls_params(url);
    postgres::Config::from_str(&url).is_ok_and(|c| c.get_password().is_some())
}

impl Target {
    /// The settings for `url`, completed from `var` (the environment) and
    /// the password file.
    pub(crate) fn from_url(url: &str, var: &dyn Fn(&str) -> Option<String>) -> Result<Target> {
        let (url, mode, root_cert) = take_tls_params(url);
        let mode = match mode.or_else(|| var("PGSSLMODE")) {
            Some(mode) => SslMode::parse(&mode)?,
            None => SslMode::Prefer,
        };
        let default_root = var("HOME")
            .map(|home| Path::new(&home).join(".postgresql/root.crt"))
            .filter(|path| path.exists());
        let root_cert = root_cert
            .or_else(|| var("PGSSLROOTCERT"))
            .map(PathBuf::from)
            .or(default_root);
        let tls = Tls { mode, root_cert };
        // The parser's message may quote the URL, password and all.
        let mut config = postgres::Config::from_str(&url).map_err(|_| {
            Error::Invalid("invalid PostgreSQL URL (see `psql` for the syntax)".to_string())
        })?;
        if config.get_hosts().is_empty() {
            let host = var("PGHOST").unwrap_or_else(|| DEFAULT_SOCKET_DIR.to_string());
            match host.starts_with('/') {
                true => config.host_path(host),
                false => config.host(&host),
            };
        }
        if config.get_ports().is_empty()
            && let Some(port) = var("PGPORT")
        {
            let port = port
                .parse()
                .map_err(|_| Error::Invalid(format!("invalid PGPORT {port:?}")))?;
            config.port(port);
        }
        if config.get_user().is_none() {
            config.user(&var("PGUSER").unwrap_or_else(crate::audit::current_os_user));
        }
        if config.get_dbname().is_none() {
            let user = config.get_user().unwrap_or_default().to_string();
            config.dbname(&var("PGDATABASE").unwrap_or(user));
        }
        if config.get_connect_timeout().is_none() {
            let timeout = match var("PGCONNECT_TIMEOUT") {
                Some(secs) => secs
                    .parse()
                    .map(Duration::from_secs)
                    .map_err(|_| Error::Invalid(format!("invalid PGCONNECT_TIMEOUT {secs:?}")))?,
                None => DEFAULT_CONNECT_TIMEOUT,
            };
            config.connect_timeout(timeout);
        }
        let place = place(&config);
        if config.get_password().is_none()
            && let Some(password) = from_password_file(&config, var)?
        {
            config.password(password);
        }
        Ok(Target { config, place, tls })
    }
}

impl Target {
    /// The settings for `url` for a connection that decides logins for
    /// other programs (PAM): completed from `var` only; the URL must name
    /// the user and the database (no default from whoever runs us: under
    /// su that is the person logging in); and a server reached over TCP
    /// must prove who it is (`sslmode=verify-full`), or anyone on the
    /// network path could answer for it.
    pub(crate) fn for_service(url: &str, var: &dyn Fn(&str) -> Option<String>) -> Result<Target> {
        let (bare, _, _) = take_tls_params(url);
        let named = postgres::Config::from_str(&bare).map_err(|_| {
            Error::Invalid("invalid PostgreSQL URL (see `psql` for the syntax)".to_string())
        })?;
        if named.get_user().is_none() || named.get_dbname().is_none() {
            return Err(Error::Invalid(
                "the PostgreSQL URL must name the user and the database here (postgresql://USER@HOST/DATABASE)".to_string(),
            ));
        }
        let target = Target::from_url(url, var)?;
        let over_tcp = target
            .config
            .get_hosts()
            .iter()
            .any(|host| matches!(host, Host::Tcp(_)));
        if over_tcp && target.tls.mode != SslMode::VerifyFull {
            return Err(Error::Invalid(
                "a PostgreSQL server reached over TCP needs sslmode=verify-full (and sslrootcert) here; a local one can be reached by its socket (?host=/var/run/postgresql)".to_string(),
            ));
        }
        Ok(target)
    }
}

/// `host H port P database D user U`, for messages.
fn place(config: &postgres::Config) -> String {
    let host = match config.get_hosts().first() {
        Some(Host::Tcp(name)) => name.clone(),
        Some(Host::Unix(dir)) => dir.display().to_string(),
        None => String::new(),
    };
    let port = config.get_ports().first().copied().unwrap_or(5432);
    format!(
        "host {host} port {port} database {} user {}",
        config.get_dbname().unwrap_or_default(),
        config.get_user().unwrap_or_default()
    )
}

/// The password the password file gives for `config`'s host, port,
/// database and user, if any. A file others may read is refused, as libpq
/// ignores it; a missing file is no password.
fn from_password_file(
    config: &postgres::Config,
    var: &dyn Fn(&str) -> Option<String>,
) -> Result<Option<String>> {
    let path = match (var("PGPASSFILE"), var("HOME")) {
        (Some(file), _) => PathBuf::from(file),
        (None, Some(home)) => Path::new(&home).join(".pgpass"),
        (None, None) => return Ok(None),
    };
    let meta = match std::fs::metadata(&path) {
        Ok(meta) => meta,
        Err(_) => return Ok(None),
    };
    if meta.mode() & 0o077 != 0 {
        return Err(Error::DatabaseUnusable(format!(
            "password file {} has group or world access; run `chmod 0600 {}`",
            path.display(),
            path.display()
        )));
    }
    let text = std::fs::read_to_string(&path)
        .map_err(|e| Error::io(format!("cannot read {}", path.display()), e))?;
    let host = match config.get_hosts().first() {
        Some(Host::Tcp(name)) => name.clone(),
        // libpq matches a socket connection as "localhost".
        _ => "localhost".to_string(),
    };
    let port = config
        .get_ports()
        .first()
        .copied()
        .unwrap_or(5432)
        .to_string();
    let wanted = [
        host.as_str(),
        port.as_str(),
        config.get_dbname().unwrap_or_default(),
        config.get_user().unwrap_or_default(),
    ];
    Ok(text
        .lines()
        .filter(|line| !line.starts_with('#'))
        .map(fields)
        .filter(|f| f.len() == 5)
        .find(|f| {
            f[..4]
                .iter()
                .zip(wanted)
                .all(|(have, want)| have == "*" || have == want)
        })
        .map(|f| f[4].clone()))
}

/// A password-file line's fields: split on `:`, with `\:` and `\\` escapes.
fn fields(line: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out
                .last_mut()
                .into_iter()
                .for_each(|f| f.extend(chars.next())),
            ':' => out.push(String::new()),
            c => out.last_mut().into_iter().for_each(|f| f.push(c)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_env(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn the_url_wins_and_the_environment_fills_the_gaps() -> Result<()> {
        let env = |k: &str| match k {
            "PGHOST" => Some("db.example.org".to_string()),
            "PGPORT" => Some("6543".to_string()),
            "PGUSER" => Some("ops".to_string()),
            _ => None,
        };
        let t = Target::from_url("postgresql:///accounts?connect_timeout=3", &env)?;
        assert_eq!(
            t.place,
            "host db.example.org port 6543 database accounts user ops"
        );
        assert_eq!(
            t.config.get_connect_timeout(),
            Some(&Duration::from_secs(3))
        );
        let t = Target::from_url("postgres://alice@10.0.0.1:5433/users", &no_env)?;
        assert_eq!(t.place, "host 10.0.0.1 port 5433 database users user alice");
        assert_eq!(
            t.config.get_connect_timeout(),
            Some(&DEFAULT_CONNECT_TIMEOUT)
        );
        Ok(())
    }

    #[test]
    fn a_password_file_is_read_only_when_private() -> Result<()> {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().map_err(|e| Error::io("tempdir", e))?;
        let file = dir.path().join("pgpass");
        let lines = "# comment\nother:*:*:*:nope\ndb.example.org:5432:*:al\\:ice:s3cr\\\\et\n";
        std::fs::write(&file, lines).map_err(|e| Error::io("write", e))?;
        let set_mode = |mode| {
            std::fs::set_permissions(&file, std::fs::Permissions::from_mode(mode))
                .map_err(|e| Error::io("chmod", e))
        };
        set_mode(0o600)?;
        let env = |k: &str| (k == "PGPASSFILE").then(|| file.display().to_string());
        let url = "postgresql://al%3Aice@db.example.org/x";
        let t = Target::from_url(url, &env)?;
        assert_eq!(t.config.get_password(), Some(&b"s3cr\\et"[..]));
        assert!(!t.place.contains("s3cr"));
        set_mode(0o644)?;
        let refused = Target::from_url(url, &env);
        assert!(matches!(refused, Err(Error::DatabaseUnusable(m)) if m.contains("chmod 0600")));
        Ok(())
    }

    #[test]
    fn tls_parameters_are_read_as_libpq_reads_them() -> Result<()> {
        let url = "postgresql://db.example.org/x?sslmode=verify-full&connect_timeout=3&sslrootcert=%2Fetc%2Fca.pem";
        let t = Target::from_url(url, &no_env)?;
        assert_eq!(t.tls.mode, SslMode::VerifyFull);
        assert_eq!(t.tls.root_cert, Some(PathBuf::from("/etc/ca.pem")));
        assert_eq!(
            t.config.get_connect_timeout(),
            Some(&Duration::from_secs(3))
        );
        let env = |k: &str| (k == "PGSSLMODE").then(|| "require".to_string());
        let t = Target::from_url("postgresql://db.example.org/x", &env)?;
        assert_eq!((t.tls.mode, t.tls.root_cert), (SslMode::Require, None));
        let bad = Target::from_url("postgresql://h/x?sslmode=always", &no_env);
        assert!(matches!(bad, Err(Error::Invalid(m)) if m.contains("verify-full")));
        Ok(())
    }
}
