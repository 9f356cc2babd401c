//! `authctl export`: every account to stdout, as JSON Lines or CSV.

use super::Context;
use crate::cli::{ExportArgs, ExportFormat};
use anyhow::Result;
use authctl::Account;
use authctl::import::csv_cell;
use serde::Serialize;
use std::borrow::Cow;

/// One exported account: exactly the fields `import` reads back.
#[derive(Serialize)]
struct ExportedAccount<'a> {
    username: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    email: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<&'a str>,
    role: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    password_hash: Option<&'a str>,
}

impl<'a> ExportedAccount<'a> {
    fn new(a: &'a Account, hash: Option<&'a str>) -> Self {
        ExportedAccount {
            username: a.username.as_str(),
            email: a.email.as_deref(),
            name: a.name.as_deref(),
            role: a.role.as_str(),
            password_hash: hash,
        }
    }
}

pub fn run(ctx: &mut Context, args: &ExportArgs) -> Result<()> {
    let session = ctx.session()?;
    let out = &ctx.out;
    let mut two_factor = 0;
    match args.format {
        ExportFormat::Jsonl => ctx.accounts.export(&session, args.with_hashes, |a, hash| {
            two_factor += usize::from(a.two_factor);
            out.json_line(&ExportedAccount::new(&a, hash.as_deref()))
        })?,
        ExportFormat::Csv => {
            let mut csv = out.csv();
            let mut header = vec!["username", "email", "name", "role"];
            if args.with_hashes {
                header.push("password_hash");
            }
            let write_err = |e: csv::Error| authctl::Error::io("cannot write output", e.into());
            let mut header_written = false;
            ctx.accounts.export(&session, args.with_hashes, |a, hash| {
                // Written with the first account, so a refusal writes nothing.
                if !std::mem::replace(&mut header_written, true) {
                    csv.write_record(&header).map_err(write_err)?;
                }
                two_factor += usize::from(a.two_factor);
                // Cells a spreadsheet would run as formulas are quoted.
                let mut row = vec![
                    csv_cell(a.username.as_str()),
                    csv_cell(a.email.as_deref().unwrap_or("")),
                    csv_cell(a.name.as_deref().unwrap_or("")),
                    csv_cell(a.role.as_str()),
                ];
                row.extend(hash.as_deref().map(Cow::Borrowed));
                csv.write_record(row.iter().map(|c| c.as_bytes()))
                    .map_err(write_err)
            })?;
            if !header_written {
                csv.write_record(&header).map_err(write_err)?;
            }
            csv.flush()?;
        }
    }
    if two_factor > 0 {
        // Second-factor secrets never leave the database.
        out.message(&format!(
            "note: {two_factor} account(s) use two-factor login, which an export does not carry; after an import they must run `authctl 2fa enable` again"
        ));
    }
    Ok(())
}
