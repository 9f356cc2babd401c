//! authctl's library: accounts, passwords, sessions and their storage.
//!
//! Nothing here prints, prompts or knows about command-line parsing; the
//! `authctl` binary is one front end over it and other Rust programs can be
//! another. The entry point is [`Accounts`], which owns a [`Store`] and applies
//! the rules (validation, password policy, hashing, session lifetimes).

pub mod account;
pub mod accounts;
pub mod audit;
pub mod duration;
pub mod error;
pub mod fsutil;
pub mod import;
pub mod password;
pub mod paths;
pub mod policy;
pub mod session_file;
pub mod settings;
pub mod store;
pub mod time;
pub mod token;
pub mod totp;

pub use account::{
    Account, AccountFilter, AccountSort, AccountStatus, DetailChange, Details, DisplayName, Email,
    LockReason, Role, Username,
};
pub use accounts::{Accounts, ImportPlan, NewSession, PasswordChange, PasswordChecked, Session};
pub use error::{Error, Result};
pub use password::{HashParams, Password};
pub use session_file::SessionFile;
pub use settings::Settings;
pub use store::Store;
pub use token::SessionToken;
