# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_authctl_global_optspecs
    string join \n db= config-dir= json h/help V/version
end

function __fish_authctl_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_authctl_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_authctl_using_subcommand
    set -l cmd (__fish_authctl_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c authctl -n "__fish_authctl_needs_command" -l db -d 'Account database [default: ~/.local/share/authctl/users.db]' -r -F
complete -c authctl -n "__fish_authctl_needs_command" -l config-dir -d 'Directory of the session token file [default: ~/.config/authctl]' -r -F
complete -c authctl -n "__fish_authctl_needs_command" -l json -d 'Print machine-readable JSON on stdout'
complete -c authctl -n "__fish_authctl_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c authctl -n "__fish_authctl_needs_command" -s V -l version -d 'Print version'
complete -c authctl -n "__fish_authctl_needs_command" -f -a "register" -d 'Create an account (the first account ever created is an admin)'
complete -c authctl -n "__fish_authctl_needs_command" -f -a "login" -d 'Log in and save a session token in the config directory'
complete -c authctl -n "__fish_authctl_needs_command" -f -a "logout" -d 'End the current session and remove the token file'
complete -c authctl -n "__fish_authctl_needs_command" -f -a "whoami" -d 'Print the logged-in username'
complete -c authctl -n "__fish_authctl_needs_command" -f -a "passwd" -d 'Change a password (yours, or as an admin anyone\'s)'
complete -c authctl -n "__fish_authctl_needs_command" -f -a "show" -d 'Show an account\'s details'
complete -c authctl -n "__fish_authctl_needs_command" -f -a "list" -d 'List accounts (admin)'
complete -c authctl -n "__fish_authctl_needs_command" -f -a "update" -d 'Change an account\'s email or display name'
complete -c authctl -n "__fish_authctl_needs_command" -f -a "delete" -d 'Delete an account and all its sessions'
complete -c authctl -n "__fish_authctl_needs_command" -f -a "verify" -d 'Check a password without logging in (like `htpasswd -v`): exit 0, 3 or 7'
complete -c authctl -n "__fish_authctl_needs_command" -f -a "log" -d 'Show the audit log, newest first (admin)'
complete -c authctl -n "__fish_authctl_needs_command" -f -a "role" -d 'Make an account an admin or a user (admin)'
complete -c authctl -n "__fish_authctl_needs_command" -f -a "lock" -d 'Lock an account until unlocked and revoke its sessions (admin)'
complete -c authctl -n "__fish_authctl_needs_command" -f -a "unlock" -d 'Clear an account\'s lock, timed lockout and failed-login count (admin)'
complete -c authctl -n "__fish_authctl_needs_command" -f -a "import" -d 'Import accounts from an htpasswd, CSV or JSON Lines file (admin)'
complete -c authctl -n "__fish_authctl_needs_command" -f -a "export" -d 'Write every account to stdout as JSON Lines or CSV (admin)'
complete -c authctl -n "__fish_authctl_needs_command" -f -a "sessions" -d 'List sessions (yours, or as an admin anyone\'s), or revoke them'
complete -c authctl -n "__fish_authctl_needs_command" -f -a "2fa" -d 'Two-factor login with an authenticator app (TOTP)'
complete -c authctl -n "__fish_authctl_needs_command" -f -a "config" -d 'Show or change settings stored in the database (admin)'
complete -c authctl -n "__fish_authctl_needs_command" -f -a "db" -d 'The account database itself: where it is, its schema, its size'
complete -c authctl -n "__fish_authctl_needs_command" -f -a "pam" -d 'Check a login for another service, run by PAM\'s pam_exec module (see README, "Logging in to other services")'
complete -c authctl -n "__fish_authctl_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c authctl -n "__fish_authctl_needs_command" -f -a "man" -d 'Print a manual page (roff: `authctl man list | man -l -`)'
complete -c authctl -n "__fish_authctl_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c authctl -n "__fish_authctl_using_subcommand register" -l db -d 'Account database [default: ~/.local/share/authctl/users.db]' -r -F
complete -c authctl -n "__fish_authctl_using_subcommand register" -l config-dir -d 'Directory of the session token file [default: ~/.config/authctl]' -r -F
complete -c authctl -n "__fish_authctl_using_subcommand register" -l email -d 'Email address' -r
complete -c authctl -n "__fish_authctl_using_subcommand register" -l name -d 'Display name' -r
complete -c authctl -n "__fish_authctl_using_subcommand register" -l role -d 'Role of the new account (admin needs an admin session)' -r -f -a "admin\t'Manages every account'
user\t'Manages only itself'"
complete -c authctl -n "__fish_authctl_using_subcommand register" -l json -d 'Print machine-readable JSON on stdout'
complete -c authctl -n "__fish_authctl_using_subcommand register" -l password-stdin -d 'Read the password from the first line of standard input'
complete -c authctl -n "__fish_authctl_using_subcommand register" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c authctl -n "__fish_authctl_using_subcommand login" -l db -d 'Account database [default: ~/.local/share/authctl/users.db]' -r -F
complete -c authctl -n "__fish_authctl_using_subcommand login" -l config-dir -d 'Directory of the session token file [default: ~/.config/authctl]' -r -F
complete -c authctl -n "__fish_authctl_using_subcommand login" -l ttl -d 'Session lifetime, like 90s, 30m, 8h or 7d [default: the session.ttl setting, 24h; at most session.max_ttl, 30d]' -r
complete -c authctl -n "__fish_authctl_using_subcommand login" -l json -d 'Print machine-readable JSON on stdout'
complete -c authctl -n "__fish_authctl_using_subcommand login" -l password-stdin -d 'Read the password from the first line of standard input'
complete -c authctl -n "__fish_authctl_using_subcommand login" -s h -l help -d 'Print help'
complete -c authctl -n "__fish_authctl_using_subcommand logout" -l db -d 'Account database [default: ~/.local/share/authctl/users.db]' -r -F
complete -c authctl -n "__fish_authctl_using_subcommand logout" -l config-dir -d 'Directory of the session token file [default: ~/.config/authctl]' -r -F
complete -c authctl -n "__fish_authctl_using_subcommand logout" -l json -d 'Print machine-readable JSON on stdout'
complete -c authctl -n "__fish_authctl_using_subcommand logout" -l all -d 'Revoke every session of your account, not just this one'
complete -c authctl -n "__fish_authctl_using_subcommand logout" -s h -l help -d 'Print help'
complete -c authctl -n "__fish_authctl_using_subcommand whoami" -l db -d 'Account database [default: ~/.local/share/authctl/users.db]' -r -F
complete -c authctl -n "__fish_authctl_using_subcommand whoami" -l config-dir -d 'Directory of the session token file [default: ~/.config/authctl]' -r -F
complete -c authctl -n "__fish_authctl_using_subcommand whoami" -l json -d 'Print machine-readable JSON on stdout'
complete -c authctl -n "__fish_authctl_using_subcommand whoami" -s h -l help -d 'Print help'
complete -c authctl -n "__fish_authctl_using_subcommand passwd" -l db -d 'Account database [default: ~/.local/share/authctl/users.db]' -r -F
complete -c authctl -n "__fish_authctl_using_subcommand passwd" -l config-dir -d 'Directory of the session token file [default: ~/.config/authctl]' -r -F
complete -c authctl -n "__fish_authctl_using_subcommand passwd" -l json -d 'Print machine-readable JSON on stdout'
complete -c authctl -n "__fish_authctl_using_subcommand passwd" -l password-stdin -d 'Read passwords from standard input: the current password on line 1 and the new one on line 2 (an admin resetting another account gives only the new one)'
complete -c authctl -n "__fish_authctl_using_subcommand passwd" -s h -l help -d 'Print help'
complete -c authctl -n "__fish_authctl_using_subcommand show" -l db -d 'Account database [default: ~/.local/share/authctl/users.db]' -r -F
complete -c authctl -n "__fish_authctl_using_subcommand show" -l config-dir -d 'Directory of the session token file [default: ~/.config/authctl]' -r -F
complete -c authctl -n "__fish_authctl_using_subcommand show" -l json -d 'Print machine-readable JSON on stdout'
complete -c authctl -n "__fish_authctl_using_subcommand show" -l wide -d 'On a terminal, every column in full even if lines get wider than it'
complete -c authctl -n "__fish_authctl_using_subcommand show" -s h -l help -d 'Print help'
complete -c authctl -n "__fish_authctl_using_subcommand list" -l db -d 'Account database [default: ~/.local/share/authctl/users.db]' -r -F
complete -c authctl -n "__fish_authctl_using_subcommand list" -l config-dir -d 'Directory of the session token file [default: ~/.config/authctl]' -r -F
complete -c authctl -n "__fish_authctl_using_subcommand list" -l role -d 'Only accounts with this role' -r -f -a "admin\t'Manages every account'
user\t'Manages only itself'"
complete -c authctl -n "__fish_authctl_using_subcommand list" -l sort -d 'Order: username, created (oldest first) or last-login (most recent first, never last)' -r -f -a "username\t'By username'
created\t'Oldest account first'
last-login\t'Most recent login first'"
complete -c authctl -n "__fish_authctl_using_subcommand list" -l limit -d 'Show at most this many accounts' -r
complete -c authctl -n "__fish_authctl_using_subcommand list" -l json -d 'Print machine-readable JSON on stdout'
complete -c authctl -n "__fish_authctl_using_subcommand list" -l locked -d 'Only accounts locked now (by an admin or by failed logins)'
complete -c authctl -n "__fish_authctl_using_subcommand list" -l wide -d 'On a terminal, every column in full even if lines get wider than it'
complete -c authctl -n "__fish_authctl_using_subcommand list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c authctl -n "__fish_authctl_using_subcommand update" -l db -d 'Account database [default: ~/.local/share/authctl/users.db]' -r -F
complete -c authctl -n "__fish_authctl_using_subcommand update" -l config-dir -d 'Directory of the session token file [default: ~/.config/authctl]' -r -F
complete -c authctl -n "__fish_authctl_using_subcommand update" -l email -d 'New email address ("" clears it)' -r
complete -c authctl -n "__fish_authctl_using_subcommand update" -l name -d 'New display name ("" clears it)' -r
complete -c authctl -n "__fish_authctl_using_subcommand update" -l json -d 'Print machine-readable JSON on stdout'
complete -c authctl -n "__fish_authctl_using_subcommand update" -s h -l help -d 'Print help'
complete -c authctl -n "__fish_authctl_using_subcommand delete" -l db -d 'Account database [default: ~/.local/share/authctl/users.db]' -r -F
complete -c authctl -n "__fish_authctl_using_subcommand delete" -l config-dir -d 'Directory of the session token file [default: ~/.config/authctl]' -r -F
complete -c authctl -n "__fish_authctl_using_subcommand delete" -l json -d 'Print machine-readable JSON on stdout'
complete -c authctl -n "__fish_authctl_using_subcommand delete" -l yes -d 'Do not ask to type the username to confirm'
complete -c authctl -n "__fish_authctl_using_subcommand delete" -l password-stdin -d 'Read your password (needed to delete your own account) from standard input'
complete -c authctl -n "__fish_authctl_using_subcommand delete" -s h -l help -d 'Print help'
complete -c authctl -n "__fish_authctl_using_subcommand verify" -l db -d 'Account database [default: ~/.local/share/authctl/users.db]' -r -F
complete -c authctl -n "__fish_authctl_using_subcommand verify" -l config-dir -d 'Directory of the session token file [default: ~/.config/authctl]' -r -F
complete -c authctl -n "__fish_authctl_using_subcommand verify" -l json -d 'Print machine-readable JSON on stdout'
complete -c authctl -n "__fish_authctl_using_subcommand verify" -l password-stdin -d 'Read the password from the first line of standard input'
complete -c authctl -n "__fish_authctl_using_subcommand verify" -s h -l help -d 'Print help'
complete -c authctl -n "__fish_authctl_using_subcommand log" -l db -d 'Account database [default: ~/.local/share/authctl/users.db]' -r -F
complete -c authctl -n "__fish_authctl_using_subcommand log" -l config-dir -d 'Directory of the session token file [default: ~/.config/authctl]' -r -F
complete -c authctl -n "__fish_authctl_using_subcommand log" -l user -d 'Only events where this user acted or was acted on' -r
complete -c authctl -n "__fish_authctl_using_subcommand log" -l limit -d 'Show at most this many events' -r
complete -c authctl -n "__fish_authctl_using_subcommand log" -l json -d 'Print machine-readable JSON on stdout'
complete -c authctl -n "__fish_authctl_using_subcommand log" -l wide -d 'On a terminal, every column in full even if lines get wider than it'
complete -c authctl -n "__fish_authctl_using_subcommand log" -s h -l help -d 'Print help'
complete -c authctl -n "__fish_authctl_using_subcommand role" -l db -d 'Account database [default: ~/.local/share/authctl/users.db]' -r -F
complete -c authctl -n "__fish_authctl_using_subcommand role" -l config-dir -d 'Directory of the session token file [default: ~/.config/authctl]' -r -F
complete -c authctl -n "__fish_authctl_using_subcommand role" -l json -d 'Print machine-readable JSON on stdout'
complete -c authctl -n "__fish_authctl_using_subcommand role" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c authctl -n "__fish_authctl_using_subcommand lock" -l db -d 'Account database [default: ~/.local/share/authctl/users.db]' -r -F
complete -c authctl -n "__fish_authctl_using_subcommand lock" -l config-dir -d 'Directory of the session token file [default: ~/.config/authctl]' -r -F
complete -c authctl -n "__fish_authctl_using_subcommand lock" -l reason -d 'Why (kept with the lock and in the audit log)' -r
complete -c authctl -n "__fish_authctl_using_subcommand lock" -l json -d 'Print machine-readable JSON on stdout'
complete -c authctl -n "__fish_authctl_using_subcommand lock" -s h -l help -d 'Print help'
complete -c authctl -n "__fish_authctl_using_subcommand unlock" -l db -d 'Account database [default: ~/.local/share/authctl/users.db]' -r -F
complete -c authctl -n "__fish_authctl_using_subcommand unlock" -l config-dir -d 'Directory of the session token file [default: ~/.config/authctl]' -r -F
complete -c authctl -n "__fish_authctl_using_subcommand unlock" -l json -d 'Print machine-readable JSON on stdout'
complete -c authctl -n "__fish_authctl_using_subcommand unlock" -s h -l help -d 'Print help'
complete -c authctl -n "__fish_authctl_using_subcommand import" -l db -d 'Account database [default: ~/.local/share/authctl/users.db]' -r -F
complete -c authctl -n "__fish_authctl_using_subcommand import" -l config-dir -d 'Directory of the session token file [default: ~/.config/authctl]' -r -F
complete -c authctl -n "__fish_authctl_using_subcommand import" -l format -d 'htpasswd: user:hash lines (bcrypt kept, weak formats refused;   blank lines and # comments skipped); csv: a header first, username,password,email,name (or password_hash, role); jsonl: one object per line with username, email, name, role and password or password_hash' -r -f -a "htpasswd\t'Apache htpasswd'
csv\t'Comma-separated values with a header'
jsonl\t'JSON Lines'"
complete -c authctl -n "__fish_authctl_using_subcommand import" -s j -l jobs -d 'Threads for checking and hashing passwords [default: one per core]' -r
complete -c authctl -n "__fish_authctl_using_subcommand import" -l json -d 'Print machine-readable JSON on stdout'
complete -c authctl -n "__fish_authctl_using_subcommand import" -l dry-run -d 'Check and report without writing anything'
complete -c authctl -n "__fish_authctl_using_subcommand import" -l skip-existing -d 'Skip usernames that already exist instead of stopping (exit 9)'
complete -c authctl -n "__fish_authctl_using_subcommand import" -l skip-invalid -d 'Import the valid lines even if others are refused'
complete -c authctl -n "__fish_authctl_using_subcommand import" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c authctl -n "__fish_authctl_using_subcommand export" -l db -d 'Account database [default: ~/.local/share/authctl/users.db]' -r -F
complete -c authctl -n "__fish_authctl_using_subcommand export" -l config-dir -d 'Directory of the session token file [default: ~/.config/authctl]' -r -F
complete -c authctl -n "__fish_authctl_using_subcommand export" -l format -d 'Output format' -r -f -a "jsonl\t'JSON Lines'
csv\t'Comma-separated values with a header'"
complete -c authctl -n "__fish_authctl_using_subcommand export" -s o -l output -d 'Write to FILE (created 0600, as it may hold secrets) instead of standard output' -r -F
complete -c authctl -n "__fish_authctl_using_subcommand export" -l json -d 'Print machine-readable JSON on stdout'
complete -c authctl -n "__fish_authctl_using_subcommand export" -l with-hashes -d 'Include password hashes and two-factor secrets, so that `import` recreates the accounts as they were (keep the output secret)'
complete -c authctl -n "__fish_authctl_using_subcommand export" -l force -d 'Replace FILE if it exists'
complete -c authctl -n "__fish_authctl_using_subcommand export" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c authctl -n "__fish_authctl_using_subcommand sessions; and not __fish_seen_subcommand_from revoke help" -l db -d 'Account database [default: ~/.local/share/authctl/users.db]' -r -F
complete -c authctl -n "__fish_authctl_using_subcommand sessions; and not __fish_seen_subcommand_from revoke help" -l config-dir -d 'Directory of the session token file [default: ~/.config/authctl]' -r -F
complete -c authctl -n "__fish_authctl_using_subcommand sessions; and not __fish_seen_subcommand_from revoke help" -l json -d 'Print machine-readable JSON on stdout'
complete -c authctl -n "__fish_authctl_using_subcommand sessions; and not __fish_seen_subcommand_from revoke help" -l wide -d 'On a terminal, every column in full even if lines get wider than it'
complete -c authctl -n "__fish_authctl_using_subcommand sessions; and not __fish_seen_subcommand_from revoke help" -s h -l help -d 'Print help'
complete -c authctl -n "__fish_authctl_using_subcommand sessions; and not __fish_seen_subcommand_from revoke help" -a "revoke" -d 'Revoke sessions by id (as `authctl sessions` shows them), or with --all every session of an account'
complete -c authctl -n "__fish_authctl_using_subcommand sessions; and not __fish_seen_subcommand_from revoke help" -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c authctl -n "__fish_authctl_using_subcommand sessions; and __fish_seen_subcommand_from revoke" -l db -d 'Account database [default: ~/.local/share/authctl/users.db]' -r -F
complete -c authctl -n "__fish_authctl_using_subcommand sessions; and __fish_seen_subcommand_from revoke" -l config-dir -d 'Directory of the session token file [default: ~/.config/authctl]' -r -F
complete -c authctl -n "__fish_authctl_using_subcommand sessions; and __fish_seen_subcommand_from revoke" -l all -d 'Revoke every session of the account'
complete -c authctl -n "__fish_authctl_using_subcommand sessions; and __fish_seen_subcommand_from revoke" -l json -d 'Print machine-readable JSON on stdout'
complete -c authctl -n "__fish_authctl_using_subcommand sessions; and __fish_seen_subcommand_from revoke" -s h -l help -d 'Print help'
complete -c authctl -n "__fish_authctl_using_subcommand sessions; and __fish_seen_subcommand_from help" -f -a "revoke" -d 'Revoke sessions by id (as `authctl sessions` shows them), or with --all every session of an account'
complete -c authctl -n "__fish_authctl_using_subcommand sessions; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c authctl -n "__fish_authctl_using_subcommand 2fa; and not __fish_seen_subcommand_from enable disable recovery-codes status reset help" -l db -d 'Account database [default: ~/.local/share/authctl/users.db]' -r -F
complete -c authctl -n "__fish_authctl_using_subcommand 2fa; and not __fish_seen_subcommand_from enable disable recovery-codes status reset help" -l config-dir -d 'Directory of the session token file [default: ~/.config/authctl]' -r -F
complete -c authctl -n "__fish_authctl_using_subcommand 2fa; and not __fish_seen_subcommand_from enable disable recovery-codes status reset help" -l json -d 'Print machine-readable JSON on stdout'
complete -c authctl -n "__fish_authctl_using_subcommand 2fa; and not __fish_seen_subcommand_from enable disable recovery-codes status reset help" -s h -l help -d 'Print help'
complete -c authctl -n "__fish_authctl_using_subcommand 2fa; and not __fish_seen_subcommand_from enable disable recovery-codes status reset help" -f -a "enable" -d 'Turn on two-factor login for your account: scan the QR code (or type the secret) into an authenticator app, then enter its code'
complete -c authctl -n "__fish_authctl_using_subcommand 2fa; and not __fish_seen_subcommand_from enable disable recovery-codes status reset help" -f -a "disable" -d 'Turn off two-factor login for your account (password and a code)'
complete -c authctl -n "__fish_authctl_using_subcommand 2fa; and not __fish_seen_subcommand_from enable disable recovery-codes status reset help" -f -a "recovery-codes" -d 'Make new recovery codes, replacing the old (password and a code)'
complete -c authctl -n "__fish_authctl_using_subcommand 2fa; and not __fish_seen_subcommand_from enable disable recovery-codes status reset help" -f -a "status" -d 'Whether two-factor login is on for your account'
complete -c authctl -n "__fish_authctl_using_subcommand 2fa; and not __fish_seen_subcommand_from enable disable recovery-codes status reset help" -f -a "reset" -d 'Turn off someone\'s two-factor login, e.g. after a lost phone (admin)'
complete -c authctl -n "__fish_authctl_using_subcommand 2fa; and not __fish_seen_subcommand_from enable disable recovery-codes status reset help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c authctl -n "__fish_authctl_using_subcommand 2fa; and __fish_seen_subcommand_from enable" -l db -d 'Account database [default: ~/.local/share/authctl/users.db]' -r -F
complete -c authctl -n "__fish_authctl_using_subcommand 2fa; and __fish_seen_subcommand_from enable" -l config-dir -d 'Directory of the session token file [default: ~/.config/authctl]' -r -F
complete -c authctl -n "__fish_authctl_using_subcommand 2fa; and __fish_seen_subcommand_from enable" -l password-stdin -d 'Read the password, then the app\'s code, from standard input lines (the URI and secret are printed between the two)'
complete -c authctl -n "__fish_authctl_using_subcommand 2fa; and __fish_seen_subcommand_from enable" -l json -d 'Print machine-readable JSON on stdout'
complete -c authctl -n "__fish_authctl_using_subcommand 2fa; and __fish_seen_subcommand_from enable" -s h -l help -d 'Print help'
complete -c authctl -n "__fish_authctl_using_subcommand 2fa; and __fish_seen_subcommand_from disable" -l db -d 'Account database [default: ~/.local/share/authctl/users.db]' -r -F
complete -c authctl -n "__fish_authctl_using_subcommand 2fa; and __fish_seen_subcommand_from disable" -l config-dir -d 'Directory of the session token file [default: ~/.config/authctl]' -r -F
complete -c authctl -n "__fish_authctl_using_subcommand 2fa; and __fish_seen_subcommand_from disable" -l password-stdin -d 'Read the password, then a code, from standard input lines'
complete -c authctl -n "__fish_authctl_using_subcommand 2fa; and __fish_seen_subcommand_from disable" -l json -d 'Print machine-readable JSON on stdout'
complete -c authctl -n "__fish_authctl_using_subcommand 2fa; and __fish_seen_subcommand_from disable" -s h -l help -d 'Print help'
complete -c authctl -n "__fish_authctl_using_subcommand 2fa; and __fish_seen_subcommand_from recovery-codes" -l db -d 'Account database [default: ~/.local/share/authctl/users.db]' -r -F
complete -c authctl -n "__fish_authctl_using_subcommand 2fa; and __fish_seen_subcommand_from recovery-codes" -l config-dir -d 'Directory of the session token file [default: ~/.config/authctl]' -r -F
complete -c authctl -n "__fish_authctl_using_subcommand 2fa; and __fish_seen_subcommand_from recovery-codes" -l password-stdin -d 'Read the password, then a code, from standard input lines'
complete -c authctl -n "__fish_authctl_using_subcommand 2fa; and __fish_seen_subcommand_from recovery-codes" -l json -d 'Print machine-readable JSON on stdout'
complete -c authctl -n "__fish_authctl_using_subcommand 2fa; and __fish_seen_subcommand_from recovery-codes" -s h -l help -d 'Print help'
complete -c authctl -n "__fish_authctl_using_subcommand 2fa; and __fish_seen_subcommand_from status" -l db -d 'Account database [default: ~/.local/share/authctl/users.db]' -r -F
complete -c authctl -n "__fish_authctl_using_subcommand 2fa; and __fish_seen_subcommand_from status" -l config-dir -d 'Directory of the session token file [default: ~/.config/authctl]' -r -F
complete -c authctl -n "__fish_authctl_using_subcommand 2fa; and __fish_seen_subcommand_from status" -l json -d 'Print machine-readable JSON on stdout'
complete -c authctl -n "__fish_authctl_using_subcommand 2fa; and __fish_seen_subcommand_from status" -s h -l help -d 'Print help'
complete -c authctl -n "__fish_authctl_using_subcommand 2fa; and __fish_seen_subcommand_from reset" -l db -d 'Account database [default: ~/.local/share/authctl/users.db]' -r -F
complete -c authctl -n "__fish_authctl_using_subcommand 2fa; and __fish_seen_subcommand_from reset" -l config-dir -d 'Directory of the session token file [default: ~/.config/authctl]' -r -F
complete -c authctl -n "__fish_authctl_using_subcommand 2fa; and __fish_seen_subcommand_from reset" -l json -d 'Print machine-readable JSON on stdout'
complete -c authctl -n "__fish_authctl_using_subcommand 2fa; and __fish_seen_subcommand_from reset" -s h -l help -d 'Print help'
complete -c authctl -n "__fish_authctl_using_subcommand 2fa; and __fish_seen_subcommand_from help" -f -a "enable" -d 'Turn on two-factor login for your account: scan the QR code (or type the secret) into an authenticator app, then enter its code'
complete -c authctl -n "__fish_authctl_using_subcommand 2fa; and __fish_seen_subcommand_from help" -f -a "disable" -d 'Turn off two-factor login for your account (password and a code)'
complete -c authctl -n "__fish_authctl_using_subcommand 2fa; and __fish_seen_subcommand_from help" -f -a "recovery-codes" -d 'Make new recovery codes, replacing the old (password and a code)'
complete -c authctl -n "__fish_authctl_using_subcommand 2fa; and __fish_seen_subcommand_from help" -f -a "status" -d 'Whether two-factor login is on for your account'
complete -c authctl -n "__fish_authctl_using_subcommand 2fa; and __fish_seen_subcommand_from help" -f -a "reset" -d 'Turn off someone\'s two-factor login, e.g. after a lost phone (admin)'
complete -c authctl -n "__fish_authctl_using_subcommand 2fa; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c authctl -n "__fish_authctl_using_subcommand config; and not __fish_seen_subcommand_from list get set help" -l db -d 'Account database [default: ~/.local/share/authctl/users.db]' -r -F
complete -c authctl -n "__fish_authctl_using_subcommand config; and not __fish_seen_subcommand_from list get set help" -l config-dir -d 'Directory of the session token file [default: ~/.config/authctl]' -r -F
complete -c authctl -n "__fish_authctl_using_subcommand config; and not __fish_seen_subcommand_from list get set help" -l json -d 'Print machine-readable JSON on stdout'
complete -c authctl -n "__fish_authctl_using_subcommand config; and not __fish_seen_subcommand_from list get set help" -s h -l help -d 'Print help'
complete -c authctl -n "__fish_authctl_using_subcommand config; and not __fish_seen_subcommand_from list get set help" -f -a "list" -d 'Every setting and its value'
complete -c authctl -n "__fish_authctl_using_subcommand config; and not __fish_seen_subcommand_from list get set help" -f -a "get" -d 'One setting\'s value'
complete -c authctl -n "__fish_authctl_using_subcommand config; and not __fish_seen_subcommand_from list get set help" -f -a "set" -d 'Change a setting (applies to every later command)'
complete -c authctl -n "__fish_authctl_using_subcommand config; and not __fish_seen_subcommand_from list get set help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c authctl -n "__fish_authctl_using_subcommand config; and __fish_seen_subcommand_from list" -l db -d 'Account database [default: ~/.local/share/authctl/users.db]' -r -F
complete -c authctl -n "__fish_authctl_using_subcommand config; and __fish_seen_subcommand_from list" -l config-dir -d 'Directory of the session token file [default: ~/.config/authctl]' -r -F
complete -c authctl -n "__fish_authctl_using_subcommand config; and __fish_seen_subcommand_from list" -l json -d 'Print machine-readable JSON on stdout'
complete -c authctl -n "__fish_authctl_using_subcommand config; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c authctl -n "__fish_authctl_using_subcommand config; and __fish_seen_subcommand_from get" -l db -d 'Account database [default: ~/.local/share/authctl/users.db]' -r -F
complete -c authctl -n "__fish_authctl_using_subcommand config; and __fish_seen_subcommand_from get" -l config-dir -d 'Directory of the session token file [default: ~/.config/authctl]' -r -F
complete -c authctl -n "__fish_authctl_using_subcommand config; and __fish_seen_subcommand_from get" -l json -d 'Print machine-readable JSON on stdout'
complete -c authctl -n "__fish_authctl_using_subcommand config; and __fish_seen_subcommand_from get" -s h -l help -d 'Print help'
complete -c authctl -n "__fish_authctl_using_subcommand config; and __fish_seen_subcommand_from set" -l db -d 'Account database [default: ~/.local/share/authctl/users.db]' -r -F
complete -c authctl -n "__fish_authctl_using_subcommand config; and __fish_seen_subcommand_from set" -l config-dir -d 'Directory of the session token file [default: ~/.config/authctl]' -r -F
complete -c authctl -n "__fish_authctl_using_subcommand config; and __fish_seen_subcommand_from set" -l json -d 'Print machine-readable JSON on stdout'
complete -c authctl -n "__fish_authctl_using_subcommand config; and __fish_seen_subcommand_from set" -s h -l help -d 'Print help'
complete -c authctl -n "__fish_authctl_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "list" -d 'Every setting and its value'
complete -c authctl -n "__fish_authctl_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "get" -d 'One setting\'s value'
complete -c authctl -n "__fish_authctl_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "set" -d 'Change a setting (applies to every later command)'
complete -c authctl -n "__fish_authctl_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c authctl -n "__fish_authctl_using_subcommand db; and not __fish_seen_subcommand_from status copy help" -l db -d 'Account database [default: ~/.local/share/authctl/users.db]' -r -F
complete -c authctl -n "__fish_authctl_using_subcommand db; and not __fish_seen_subcommand_from status copy help" -l config-dir -d 'Directory of the session token file [default: ~/.config/authctl]' -r -F
complete -c authctl -n "__fish_authctl_using_subcommand db; and not __fish_seen_subcommand_from status copy help" -l json -d 'Print machine-readable JSON on stdout'
complete -c authctl -n "__fish_authctl_using_subcommand db; and not __fish_seen_subcommand_from status copy help" -s h -l help -d 'Print help'
complete -c authctl -n "__fish_authctl_using_subcommand db; and not __fish_seen_subcommand_from status copy help" -f -a "status" -d 'The backend (sqlite or postgresql), its location (never a password), the schema version, and how many accounts, sessions and audit events it holds'
complete -c authctl -n "__fish_authctl_using_subcommand db; and not __fish_seen_subcommand_from status copy help" -f -a "copy" -d 'Copy the whole database (accounts with their hashes and two-factor state, settings, audit log; not sessions) into an empty one: a postgres:// URL or a SQLite file, either direction (admin)'
complete -c authctl -n "__fish_authctl_using_subcommand db; and not __fish_seen_subcommand_from status copy help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c authctl -n "__fish_authctl_using_subcommand db; and __fish_seen_subcommand_from status" -l db -d 'Account database [default: ~/.local/share/authctl/users.db]' -r -F
complete -c authctl -n "__fish_authctl_using_subcommand db; and __fish_seen_subcommand_from status" -l config-dir -d 'Directory of the session token file [default: ~/.config/authctl]' -r -F
complete -c authctl -n "__fish_authctl_using_subcommand db; and __fish_seen_subcommand_from status" -l json -d 'Print machine-readable JSON on stdout'
complete -c authctl -n "__fish_authctl_using_subcommand db; and __fish_seen_subcommand_from status" -s h -l help -d 'Print help'
complete -c authctl -n "__fish_authctl_using_subcommand db; and __fish_seen_subcommand_from copy" -l to -d 'The target database (a password belongs in ~/.pgpass, not here)' -r
complete -c authctl -n "__fish_authctl_using_subcommand db; and __fish_seen_subcommand_from copy" -l db -d 'Account database [default: ~/.local/share/authctl/users.db]' -r -F
complete -c authctl -n "__fish_authctl_using_subcommand db; and __fish_seen_subcommand_from copy" -l config-dir -d 'Directory of the session token file [default: ~/.config/authctl]' -r -F
complete -c authctl -n "__fish_authctl_using_subcommand db; and __fish_seen_subcommand_from copy" -l json -d 'Print machine-readable JSON on stdout'
complete -c authctl -n "__fish_authctl_using_subcommand db; and __fish_seen_subcommand_from copy" -s h -l help -d 'Print help'
complete -c authctl -n "__fish_authctl_using_subcommand db; and __fish_seen_subcommand_from help" -f -a "status" -d 'The backend (sqlite or postgresql), its location (never a password), the schema version, and how many accounts, sessions and audit events it holds'
complete -c authctl -n "__fish_authctl_using_subcommand db; and __fish_seen_subcommand_from help" -f -a "copy" -d 'Copy the whole database (accounts with their hashes and two-factor state, settings, audit log; not sessions) into an empty one: a postgres:// URL or a SQLite file, either direction (admin)'
complete -c authctl -n "__fish_authctl_using_subcommand db; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c authctl -n "__fish_authctl_using_subcommand pam" -l db -d 'Account database [default: ~/.local/share/authctl/users.db]' -r -F
complete -c authctl -n "__fish_authctl_using_subcommand pam" -l config-dir -d 'Directory of the session token file [default: ~/.config/authctl]' -r -F
complete -c authctl -n "__fish_authctl_using_subcommand pam" -l json -d 'Print machine-readable JSON on stdout'
complete -c authctl -n "__fish_authctl_using_subcommand pam" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c authctl -n "__fish_authctl_using_subcommand completions" -l db -d 'Account database [default: ~/.local/share/authctl/users.db]' -r -F
complete -c authctl -n "__fish_authctl_using_subcommand completions" -l config-dir -d 'Directory of the session token file [default: ~/.config/authctl]' -r -F
complete -c authctl -n "__fish_authctl_using_subcommand completions" -l json -d 'Print machine-readable JSON on stdout'
complete -c authctl -n "__fish_authctl_using_subcommand completions" -s h -l help -d 'Print help'
complete -c authctl -n "__fish_authctl_using_subcommand man" -l db -d 'Account database [default: ~/.local/share/authctl/users.db]' -r -F
complete -c authctl -n "__fish_authctl_using_subcommand man" -l config-dir -d 'Directory of the session token file [default: ~/.config/authctl]' -r -F
complete -c authctl -n "__fish_authctl_using_subcommand man" -l out-dir -d 'Write every page (authctl.1, authctl-list.1, ...) into DIR instead' -r -F
complete -c authctl -n "__fish_authctl_using_subcommand man" -l json -d 'Print machine-readable JSON on stdout'
complete -c authctl -n "__fish_authctl_using_subcommand man" -s h -l help -d 'Print help'
complete -c authctl -n "__fish_authctl_using_subcommand help; and not __fish_seen_subcommand_from register login logout whoami passwd show list update delete verify log role lock unlock import export sessions 2fa config db pam completions man help" -f -a "register" -d 'Create an account (the first account ever created is an admin)'
complete -c authctl -n "__fish_authctl_using_subcommand help; and not __fish_seen_subcommand_from register login logout whoami passwd show list update delete verify log role lock unlock import export sessions 2fa config db pam completions man help" -f -a "login" -d 'Log in and save a session token in the config directory'
complete -c authctl -n "__fish_authctl_using_subcommand help; and not __fish_seen_subcommand_from register login logout whoami passwd show list update delete verify log role lock unlock import export sessions 2fa config db pam completions man help" -f -a "logout" -d 'End the current session and remove the token file'
complete -c authctl -n "__fish_authctl_using_subcommand help; and not __fish_seen_subcommand_from register login logout whoami passwd show list update delete verify log role lock unlock import export sessions 2fa config db pam completions man help" -f -a "whoami" -d 'Print the logged-in username'
complete -c authctl -n "__fish_authctl_using_subcommand help; and not __fish_seen_subcommand_from register login logout whoami passwd show list update delete verify log role lock unlock import export sessions 2fa config db pam completions man help" -f -a "passwd" -d 'Change a password (yours, or as an admin anyone\'s)'
complete -c authctl -n "__fish_authctl_using_subcommand help; and not __fish_seen_subcommand_from register login logout whoami passwd show list update delete verify log role lock unlock import export sessions 2fa config db pam completions man help" -f -a "show" -d 'Show an account\'s details'
complete -c authctl -n "__fish_authctl_using_subcommand help; and not __fish_seen_subcommand_from register login logout whoami passwd show list update delete verify log role lock unlock import export sessions 2fa config db pam completions man help" -f -a "list" -d 'List accounts (admin)'
complete -c authctl -n "__fish_authctl_using_subcommand help; and not __fish_seen_subcommand_from register login logout whoami passwd show list update delete verify log role lock unlock import export sessions 2fa config db pam completions man help" -f -a "update" -d 'Change an account\'s email or display name'
complete -c authctl -n "__fish_authctl_using_subcommand help; and not __fish_seen_subcommand_from register login logout whoami passwd show list update delete verify log role lock unlock import export sessions 2fa config db pam completions man help" -f -a "delete" -d 'Delete an account and all its sessions'
complete -c authctl -n "__fish_authctl_using_subcommand help; and not __fish_seen_subcommand_from register login logout whoami passwd show list update delete verify log role lock unlock import export sessions 2fa config db pam completions man help" -f -a "verify" -d 'Check a password without logging in (like `htpasswd -v`): exit 0, 3 or 7'
complete -c authctl -n "__fish_authctl_using_subcommand help; and not __fish_seen_subcommand_from register login logout whoami passwd show list update delete verify log role lock unlock import export sessions 2fa config db pam completions man help" -f -a "log" -d 'Show the audit log, newest first (admin)'
complete -c authctl -n "__fish_authctl_using_subcommand help; and not __fish_seen_subcommand_from register login logout whoami passwd show list update delete verify log role lock unlock import export sessions 2fa config db pam completions man help" -f -a "role" -d 'Make an account an admin or a user (admin)'
complete -c authctl -n "__fish_authctl_using_subcommand help; and not __fish_seen_subcommand_from register login logout whoami passwd show list update delete verify log role lock unlock import export sessions 2fa config db pam completions man help" -f -a "lock" -d 'Lock an account until unlocked and revoke its sessions (admin)'
complete -c authctl -n "__fish_authctl_using_subcommand help; and not __fish_seen_subcommand_from register login logout whoami passwd show list update delete verify log role lock unlock import export sessions 2fa config db pam completions man help" -f -a "unlock" -d 'Clear an account\'s lock, timed lockout and failed-login count (admin)'
complete -c authctl -n "__fish_authctl_using_subcommand help; and not __fish_seen_subcommand_from register login logout whoami passwd show list update delete verify log role lock unlock import export sessions 2fa config db pam completions man help" -f -a "import" -d 'Import accounts from an htpasswd, CSV or JSON Lines file (admin)'
complete -c authctl -n "__fish_authctl_using_subcommand help; and not __fish_seen_subcommand_from register login logout whoami passwd show list update delete verify log role lock unlock import export sessions 2fa config db pam completions man help" -f -a "export" -d 'Write every account to stdout as JSON Lines or CSV (admin)'
complete -c authctl -n "__fish_authctl_using_subcommand help; and not __fish_seen_subcommand_from register login logout whoami passwd show list update delete verify log role lock unlock import export sessions 2fa config db pam completions man help" -f -a "sessions" -d 'List sessions (yours, or as an admin anyone\'s), or revoke them'
complete -c authctl -n "__fish_authctl_using_subcommand help; and not __fish_seen_subcommand_from register login logout whoami passwd show list update delete verify log role lock unlock import export sessions 2fa config db pam completions man help" -f -a "2fa" -d 'Two-factor login with an authenticator app (TOTP)'
complete -c authctl -n "__fish_authctl_using_subcommand help; and not __fish_seen_subcommand_from register login logout whoami passwd show list update delete verify log role lock unlock import export sessions 2fa config db pam completions man help" -f -a "config" -d 'Show or change settings stored in the database (admin)'
complete -c authctl -n "__fish_authctl_using_subcommand help; and not __fish_seen_subcommand_from register login logout whoami passwd show list update delete verify log role lock unlock import export sessions 2fa config db pam completions man help" -f -a "db" -d 'The account database itself: where it is, its schema, its size'
complete -c authctl -n "__fish_authctl_using_subcommand help; and not __fish_seen_subcommand_from register login logout whoami passwd show list update delete verify log role lock unlock import export sessions 2fa config db pam completions man help" -f -a "pam" -d 'Check a login for another service, run by PAM\'s pam_exec module (see README, "Logging in to other services")'
complete -c authctl -n "__fish_authctl_using_subcommand help; and not __fish_seen_subcommand_from register login logout whoami passwd show list update delete verify log role lock unlock import export sessions 2fa config db pam completions man help" -f -a "completions" -d 'Print a shell completion script'
complete -c authctl -n "__fish_authctl_using_subcommand help; and not __fish_seen_subcommand_from register login logout whoami passwd show list update delete verify log role lock unlock import export sessions 2fa config db pam completions man help" -f -a "man" -d 'Print a manual page (roff: `authctl man list | man -l -`)'
complete -c authctl -n "__fish_authctl_using_subcommand help; and not __fish_seen_subcommand_from register login logout whoami passwd show list update delete verify log role lock unlock import export sessions 2fa config db pam completions man help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c authctl -n "__fish_authctl_using_subcommand help; and __fish_seen_subcommand_from 2fa" -f -a "enable" -d 'Turn on two-factor login for your account: scan the QR code (or type the secret) into an authenticator app, then enter its code'
complete -c authctl -n "__fish_authctl_using_subcommand help; and __fish_seen_subcommand_from 2fa" -f -a "disable" -d 'Turn off two-factor login for your account (password and a code)'
complete -c authctl -n "__fish_authctl_using_subcommand help; and __fish_seen_subcommand_from 2fa" -f -a "recovery-codes" -d 'Make new recovery codes, replacing the old (password and a code)'
complete -c authctl -n "__fish_authctl_using_subcommand help; and __fish_seen_subcommand_from 2fa" -f -a "status" -d 'Whether two-factor login is on for your account'
complete -c authctl -n "__fish_authctl_using_subcommand help; and __fish_seen_subcommand_from 2fa" -f -a "reset" -d 'Turn off someone\'s two-factor login, e.g. after a lost phone (admin)'
complete -c authctl -n "__fish_authctl_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "list" -d 'Every setting and its value'
complete -c authctl -n "__fish_authctl_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "get" -d 'One setting\'s value'
complete -c authctl -n "__fish_authctl_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "set" -d 'Change a setting (applies to every later command)'
complete -c authctl -n "__fish_authctl_using_subcommand help; and __fish_seen_subcommand_from db" -f -a "status" -d 'The backend (sqlite or postgresql), its location (never a password), the schema version, and how many accounts, sessions and audit events it holds'
complete -c authctl -n "__fish_authctl_using_subcommand help; and __fish_seen_subcommand_from db" -f -a "copy" -d 'Copy the whole database (accounts with their hashes and two-factor state, settings, audit log; not sessions) into an empty one: a postgres:// URL or a SQLite file, either direction (admin)'
