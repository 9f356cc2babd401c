//! The integration tests: one binary (linked once, its tests run on one
//! thread pool) that runs the built `authctl` in temporary directories, a
//! module per area. Shared helpers are in `common`.

mod common;

mod audit;
mod cli;
mod concurrency;
mod config;
mod crash;
mod db_copy;
mod db_status;
mod hygiene;
mod library_permissions;
mod list;
mod lockout;
mod login_session;
mod pam;
mod passwd;
mod policy;
mod postgres;
mod postgres_cluster;
mod postgres_half;
mod postgres_tls;
mod prompts;
mod readme;
mod register;
mod roles_and_locks;
mod sessions_command;
mod show_update_delete;
mod sqlite_files;
mod token_file_safety;
mod transfer;
mod two_factor;
mod verify;
