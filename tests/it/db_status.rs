//! `authctl db status`: the backend, where it is (never a password), the
//! schema version and the counts, on both backends.

use crate::common::*;
use serde_json::json;

#[test]
fn status_on_sqlite_names_the_file_and_counts_what_it_holds() {
    let env = TestEnv::with_admin_and_bob_logged_in(TestEnv::sqlite());
    let status = json_stdout(&env.run(&["--json", "db", "status"], "").success());
    let events = env.db().count("SELECT count(*) FROM events");
    assert_eq!(
        status,
        json!({
            "backend": "sqlite",
            "location": env.db_path().display().to_string(),
            "schema_version": 5,
            "accounts": 2,
            "sessions": 1,
            "events": events,
        })
    );
    let table = stdout(&env.run(&["db", "status"], "").success());
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines.len(), 7, "a header and six rows: {table}");
    let row = |i: usize| lines[i].split_whitespace().collect::<Vec<_>>();
    assert_eq!(row(1), ["backend", "sqlite"]);
    assert_eq!(row(4), ["accounts", "2"]);
}

#[test]
fn status_on_postgresql_names_the_server_and_database_but_no_password() {
    let Some(env) = TestEnv::postgres() else {
        return;
    };
    env.register("root", PW);
    let status = json_stdout(&env.run(&["--json", "db", "status"], "").success());
    assert_eq!(status["backend"], "postgresql");
    assert_eq!(status["schema_version"], 2);
    assert_eq!(
        (status["accounts"].as_i64(), status["sessions"].as_i64()),
        (Some(1), Some(0))
    );
    let location = status["location"].as_str().unwrap();
    let url = env.db_url.as_deref().unwrap();
    let dbname = url
        .split('/')
        .nth(3)
        .and_then(|s| s.split('?').next())
        .unwrap();
    assert!(
        location.contains(&format!("database {dbname}")),
        "{location}"
    );
    assert!(location.contains("user postgres"), "{location}");
}
