//! The select lists every backend reads accounts and sessions with: each
//! column declared once, by name, and read by the index that name is given.

/// Declares a select list once: `$list::SQL` is its SQL, `$list::COUNT`
/// how many columns it has, and
/// `$list::$name` each column's index in it. Rows are then read by those
/// names at the cost of an index (no name is looked up at run time), and
/// adding a column is one line here.
macro_rules! select_list {
    ($(#[$doc:meta])* $list:ident { $first:ident = $first_sql:literal $(, $name:ident = $sql:literal)* $(,)? }) => {
        $(#[$doc])*
        #[allow(non_upper_case_globals)]
        pub(crate) mod $list {
            /// The select list.
            pub(crate) const SQL: &str = concat!($first_sql $(, ", ", $sql)*);
            #[allow(non_camel_case_types, dead_code)]
            enum Index { $first $(, $name)* }
            pub(crate) const $first: usize = Index::$first as usize;
            $(pub(crate) const $name: usize = Index::$name as usize;)*
            /// How many columns the list selects.
            #[allow(dead_code)]
            pub(crate) const COUNT: usize = [$first $(, $name)*].len();
        }
    };
}

select_list! {
    /// The columns an account is read from, in `users`.
    account_columns {
        user_id = "users.id",
        username = "users.username",
        name = "users.name",
        email = "users.email",
        role = "users.role",
        created_at = "users.created_at",
        last_login_at = "users.last_login_at",
        password_changed_at = "users.password_changed_at",
        failed_logins = "users.failed_logins",
        locked_until = "users.locked_until",
        admin_locked_at = "users.admin_locked_at",
        lock_reason = "users.lock_reason",
        two_factor = "users.totp_secret IS NOT NULL",
    }
}

select_list! {
    /// The columns a session is read from, in `sessions`.
    session_columns {
        session_id = "sessions.id",
        created_at = "sessions.created_at",
        expires_at = "sessions.expires_at",
        last_used_at = "sessions.last_used_at",
    }
}

/// The select list of an account, read from column 0.
pub(crate) const ACCOUNT_COLUMNS: &str = account_columns::SQL;

/// The select list of a session, read from column 0 or [`AFTER_ACCOUNT`].
pub(crate) const SESSION_COLUMNS: &str = session_columns::SQL;

/// The column after an account's: where a query's own columns start.
pub(crate) const AFTER_ACCOUNT: usize = account_columns::COUNT;
