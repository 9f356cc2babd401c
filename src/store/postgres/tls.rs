//! Connecting as `sslmode` says: the TLS connector for each mode, with
//! rustls (ring for the cryptography). Only the root certificate given
//! (`sslrootcert`) is trusted, as libpq does; `require` without one
//! encrypts and checks nothing, `verify-ca` checks the chain but not the
//! name, `verify-full` both.

use super::config::{SslMode, Target};
use crate::error::{Error, Result};
use postgres::config::SslMode as WireMode;
use postgres::{Client, NoTls};
use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, verify_tls12_signature, verify_tls13_signature};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore};
use rustls::{SignatureScheme, crypto::ring};
use std::path::Path;
use std::sync::Arc;
use tokio_postgres_rustls::MakeRustlsConnect;

/// A connection to `target`, with TLS as its mode asks. Failures are the
/// client library's, for the caller to word.
pub(super) fn connect(target: &Target) -> Result<std::result::Result<Client, postgres::Error>> {
    let mut config = target.config.clone();
    let mode = target.tls.mode;
    // libpq ignores sslmode on Unix sockets; so do we, which also spares
    // a local connection setting up TLS at all.
    let unix_only =
        (config.get_hosts().iter()).all(|h| matches!(h, postgres::config::Host::Unix(_)));
    if mode == SslMode::Disable || unix_only {
        config.ssl_mode(WireMode::Disable);
        return Ok(config.connect(NoTls));
    }
    let tls_error = |e: rustls::Error| {
        Error::DatabaseUnusable(format!("cannot set up TLS for {}: {e}", target.place))
    };
    let provider = Arc::new(ring::default_provider());
    // libpq: `require` with a root certificate verifies like `verify-ca`.
    let verifier: Arc<dyn ServerCertVerifier> = match (mode, &target.tls.root_cert) {
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
        (SslMode::Disable | SslMode::Prefer, _) | (SslMode::Require, None) => {
            Arc::new(EncryptOnly(Arc::clone(&provider)))
        }
        (_, Some(root)) => {
            let roots = read_roots(root).map_err(|e| {
                Error::DatabaseUnusable(format!(
                    "cannot read the root certificate {}: {e}",
                    root.display()
                ))
            })?;
            let chain =
                WebPkiServerVerifier::builder_with_provider(Arc::new(roots), Arc::clone(&provider))
                    .build()
                    .map_err(|e| tls_error(rustls::Error::General(e.to_string())))?;
            match mode {
                SslMode::VerifyFull => chain,
                // Only verify-full checks that the certificate names the host.
                _ => Arc::new(AnyName(chain)),
            }
        }
    };
    let tls = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(tls_error)?
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth();
    config.ssl_mode(match mode {
        SslMode::Prefer => WireMode::Prefer,
        _ => WireMode::Require,
    });
    Ok(config.connect(MakeRustlsConnect::new(tls)))
}

/// The certificates of a PEM file, the only roots trusted.
fn read_roots(path: &Path) -> std::result::Result<RootCertStore, String> {
    let mut roots = RootCertStore::empty();
    for cert in CertificateDer::pem_file_iter(path).map_err(|e| e.to_string())? {
        let cert = cert.map_err(|e| e.to_string())?;
        roots.add(cert).map_err(|e| e.to_string())?;
    }
    match roots.is_empty() {
        true => Err("no certificate in it".to_string()),
        false => Ok(roots),
    }
}

/// `prefer` and `require` without a root certificate: the connection is
/// encrypted and the server's certificate is not checked (libpq's
/// behaviour). The handshake's signatures are still verified, so the
/// session keys belong to whoever holds the certificate's key.
#[derive(Debug)]
struct EncryptOnly(Arc<CryptoProvider>);

impl ServerCertVerifier for EncryptOnly {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> std::result::Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

/// `verify-ca` (and `require` with a root certificate): the certificate
/// must chain to the root, whatever host name it carries.
#[derive(Debug)]
struct AnyName(Arc<WebPkiServerVerifier>);

impl ServerCertVerifier for AnyName {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> std::result::Result<ServerCertVerified, rustls::Error> {
        // The chain is checked before the name: a name error means the
        // chain was good.
        match self
            .0
            .verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
        {
            Err(rustls::Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.supported_verify_schemes()
    }
}
