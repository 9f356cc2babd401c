//! TLS to PostgreSQL as libpq's `sslmode` defines it, against a test
//! server with a certificate for `localhost` signed by a throwaway CA made
//! here with `openssl`: `verify-full` accepts the right host name and
//! refuses another, `verify-ca` checks only the signature, an unknown CA is
//! refused, `require` encrypts without checking.

use crate::common::*;
use std::path::Path;
use std::process::Command;

/// Runs `openssl ARGS` in `dir`.
fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(out.status.success(), "openssl {args:?}: {out:?}");
}

/// A CA (`NAME.crt`, `NAME.key`) in `dir`.
fn make_ca(dir: &Path, name: &str) {
    let (crt, key) = (format!("{name}.crt"), format!("{name}.key"));
    openssl(
        dir,
        &[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-keyout",
            &key,
            "-out",
            &crt,
            "-subj",
            &format!("/CN={name}"),
        ],
    );
}

#[test]
fn sslmodes_verify_as_libpq_defines_them() {
    let Some(server) = pg_cluster::private_server() else {
        return;
    };
    let env = TestEnv::new();
    let dir = env.dir.path();
    make_ca(dir, "ca");
    make_ca(dir, "other-ca");
    openssl(
        dir,
        &[
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "server.key",
            "-out",
            "server.csr",
            "-subj",
            "/CN=localhost",
        ],
    );
    std::fs::write(dir.join("san.ext"), "subjectAltName=DNS:localhost\n").unwrap();
    openssl(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "ca.crt",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-days",
            "2",
            "-extfile",
            "san.ext",
            "-out",
            "server.crt",
        ],
    );
    let port = server.serve_tls(&dir.join("server.crt"), &dir.join("server.key"));

    let url = |host: &str, mode: &str, ca: &str| {
        format!(
            "postgresql://postgres@{host}:{port}/postgres?sslmode={mode}&sslrootcert={}",
            dir.join(ca).display()
        )
    };
    let status = |url: String| {
        env.cmd()
            .env("AUTHCTL_DB", url)
            .args(["db", "status"])
            .assert()
    };
    // The right name and CA: accepted.
    status(url("localhost", "verify-full", "ca.crt")).success();
    // Another name for the same server: refused, saying where.
    let wrong = assert_error(
        status(url("127.0.0.1", "verify-full", "ca.crt")),
        10,
        &format!("cannot connect to host 127.0.0.1 port {port} database postgres user postgres"),
    );
    assert!(stderr(&wrong).contains("certificate"), "{}", stderr(&wrong));
    // verify-ca checks the signature, not the name.
    status(url("127.0.0.1", "verify-ca", "ca.crt")).success();
    // A certificate from a CA we were not told to trust: refused.
    assert_error(
        status(url("localhost", "verify-ca", "other-ca.crt")),
        10,
        "certificate",
    );
    // require encrypts but checks nothing (no root certificate given).
    let plain_require = format!("postgresql://postgres@127.0.0.1:{port}/postgres?sslmode=require");
    status(plain_require).success();
    // verify-full without any root certificate says what is missing.
    let no_root = format!("postgresql://postgres@localhost:{port}/postgres?sslmode=verify-full");
    assert_error(status(no_root), 10, "root certificate");
}
