//! Connecting as `sslmode` says: the TLS connector for each mode, with
//! OpenSSL (the library libpq itself uses).

use super::config::{SslMode, Target};
use crate::error::{Error, Result};
use openssl::ssl::{SslConnector, SslMethod, SslVerifyMode};
use postgres::config::SslMode as WireMode;
use postgres::{Client, NoTls};
use postgres_openssl::MakeTlsConnector;

/// A connection to `target`, with TLS as its mode asks. Failures are the
/// client library's, for the caller to word.
pub(super) fn connect(target: &Target) -> Result<std::result::Result<Client, postgres::Error>> {
    let mut config = target.config.clone();
    let mode = target.tls.mode;
    // libpq ignores sslmode on Unix sockets; so do we, which also spares
    // a local connection OpenSSL's start-up (reading the system's CA
    // bundle, most of a `whoami`'s time).
    let unix_only =
        (config.get_hosts().iter()).all(|h| matches!(h, postgres::config::Host::Unix(_)));
    if mode == SslMode::Disable || unix_only {
        config.ssl_mode(WireMode::Disable);
        return Ok(config.connect(NoTls));
    }
    let tls_error = |e: openssl::error::ErrorStack| {
        Error::DatabaseUnusable(format!("cannot set up TLS for {}: {e}", target.place))
    };
    let mut builder = SslConnector::builder(SslMethod::tls()).map_err(tls_error)?;
    // libpq: `require` with a root certificate verifies like `verify-ca`.
    let verify = match (mode, &target.tls.root_cert) {
        (SslMode::VerifyCa | SslMode::VerifyFull, None) => {
            return Err(Error::DatabaseUnusable(format!(
                "sslmode={} needs the server's root certificate: give sslrootcert or put it in ~/.postgresql/root.crt",
                if mode == SslMode::VerifyCa {
                    "verify-ca"
                } else {
                    "verify-full"
                }
            )));
        }
        (SslMode::Disable | SslMode::Prefer, _) | (SslMode::Require, None) => false,
        (_, Some(root)) => {
            builder.set_ca_file(root).map_err(|e| {
                Error::DatabaseUnusable(format!(
                    "cannot read the root certificate {}: {e}",
                    root.display()
                ))
            })?;
            true
        }
    };
    if !verify {
        builder.set_verify(SslVerifyMode::NONE);
    }
    let mut connector = MakeTlsConnector::new(builder.build());
    if mode != SslMode::VerifyFull {
        // Only verify-full checks that the certificate names the host.
        connector.set_callback(|c, _| {
            c.set_verify_hostname(false);
            Ok(())
        });
    }
    config.ssl_mode(match mode {
        SslMode::Prefer => WireMode::Prefer,
        _ => WireMode::Require,
    });
    Ok(config.connect(connector))
}
