//! The PostgreSQL test harness (`tests/support/pg_cluster.rs`) against a
//! real server: its URLs reach fresh, separate databases, and a private
//! server stops, crashes and starts again without losing committed data.

use crate::common::pg_cluster::{self, Server};
use std::process::Output;
use std::time::Instant;

/// `psql URL -c SQL`, which must succeed: its output, trimmed.
fn psql(server: &Server, url: &str, sql: &str) -> String {
    let out = psql_output(server, url, sql);
    assert!(
        out.status.success(),
        "psql {url} -c {sql:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn psql_output(server: &Server, url: &str, sql: &str) -> Output {
    server
        .psql(url)
        .args(["-c", sql])
        .output()
        .expect("run psql")
}

/// The database a URL names: the path, between the authority and the query.
fn dbname(url: &str) -> &str {
    let path = url.split("://").nth(1).expect("a URL");
    let path = &path[path.find('/').expect("a path") + 1..];
    path.split(['?', '#']).next().unwrap_or_default()
}

#[test]
fn fresh_databases_are_empty_separate_and_reachable_by_url() {
    let started = Instant::now();
    let Some(server) = pg_cluster::server() else {
        return;
    };
    eprintln!("server ready after {:?}", started.elapsed());

    let made = Instant::now();
    let first = server.fresh_database();
    let second = server.fresh_database();
    eprintln!("two fresh databases in {:?}", made.elapsed());
    assert_ne!(first, second);

    for url in [&first, &second] {
        assert_eq!(psql(server, url, "SELECT current_database()"), dbname(url));
        assert_eq!(psql(server, url, "SELECT current_user"), server.user());
        let tables = "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'";
        assert_eq!(psql(server, url, tables), "0", "{url} is not empty");
    }

    psql(server, &first, "CREATE TABLE marker (n int)");
    let marker = "SELECT count(*) FROM pg_tables WHERE tablename = 'marker'";
    assert_eq!(psql(server, &first, marker), "1");
    assert_eq!(
        psql(server, &second, marker),
        "0",
        "the databases share a table"
    );
}

#[test]
fn a_private_server_stops_crashes_and_starts_again_keeping_commits() {
    let Some(server) = pg_cluster::private_server() else {
        return;
    };
    let url = server.fresh_database();
    psql(
        &server,
        &url,
        "CREATE TABLE kept (n int); INSERT INTO kept VALUES (1)",
    );

    server.stop();
    let down = psql_output(&server, &url, "SELECT 1");
    assert!(!down.status.success(), "psql reached a stopped server");
    server.start();
    assert_eq!(psql(&server, &url, "SELECT count(*) FROM kept"), "1");

    psql(&server, &url, "INSERT INTO kept VALUES (2)");
    server.crash();
    server.start();
    assert_eq!(psql(&server, &url, "SELECT count(*) FROM kept"), "2");

    // Dropping it stops the cluster and removes its directory.
    let socket_dir = server.socket_dir().expect("a cluster of our own");
    let base = socket_dir
        .parent()
        .expect("the cluster's directory")
        .to_owned();
    assert!(base.exists());
    drop(server);
    assert!(!base.exists(), "{} is left behind", base.display());
}
