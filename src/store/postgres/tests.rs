//! The store contract on a real PostgreSQL server: a throwaway cluster
//! started for the test run (see `tests/support/pg_cluster.rs`), one fresh
//! database per test.

#[path = "../../../tests/support/pg_cluster.rs"]
pub(crate) mod pg_cluster;

use super::PgStore;
use super::config::Target;
use crate::store::Store;
use crate::store::contract_tests::{Open, contract_tests};

/// An empty authctl database of its own on the test server.
fn open_fresh() -> Box<dyn Store> {
    let server = pg_cluster::server().unwrap_or_else(|| panic!("no PostgreSQL server"));
    let url = server.fresh_database();
    let target = Target::from_url(&url, &|_| None).unwrap_or_else(|e| panic!("{url}: {e}"));
    Box::new(PgStore::connect(&target).unwrap_or_else(|e| panic!("{e}")))
}

/// [`open_fresh`], where a PostgreSQL server is available.
fn backend() -> Option<Open> {
    pg_cluster::server().map(|_| open_fresh as Open)
}

contract_tests!(backend());
