//! The integration tests: one binary (linked once, run on one thread pool)
//! that runs the built `authctl` in temporary directories, a module per
//! area. Shared helpers are in `common`.

mod common;

mod admin;
mod audit;
mod cli;
mod concurrency;
mod config;
mod crash;
mod database;
mod files;
mod hygiene;
mod list;
mod lockout;
mod manage;
mod passwd;
mod policy;
mod prompts;
mod properties;
mod register;
mod session;
mod sessions;
mod transfer;
mod two_factor;
mod verify;
