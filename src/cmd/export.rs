//! `authctl export`: every account, as JSON Lines or CSV, to stdout or to a
//! private file.

use super::Context;
use crate::cli::{ExportArgs, ExportFormat};
use anyhow::Result;
use authctl::import::csv_cell;
use authctl::totp::TwoFactorBackup;
use authctl::{Account, Error};
use serde::Serialize;
use std::borrow::Cow;
use std::io::{self, BufWriter, Write};

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
    #[serde(skip_serializing_if = "Option::is_none")]
    totp_secret: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    totp_last_step: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    recovery_code_sha256: Option<Vec<String>>,
}

impl<'a> ExportedAccount<'a> {
    fn new(a: &'a Account, hash: Option<&'a str>, two_factor: Option<&'a TwoFactorBackup>) -> Self {
        ExportedAccount {
            username: a.username.as_str(),
            email: a.email.as_deref(),
            name: a.name.as_deref(),
            role: a.role.as_str(),
            password_hash: hash,
            totp_secret: two_factor.map(|t| t.secret.as_str()),
            totp_last_step: two_factor.and_then(|t| t.last_step),
            recovery_code_sha256: two_factor.map(|t| {
                let hex = |d: &Vec<u8>| d.iter().map(|b| format!("{b:02x}")).collect();
                t.recovery_code_digests.iter().map(hex).collect()
            }),
        }
    }
}

#[inline(never)]
pub fn run(ctx: &mut Context, args: &ExportArgs) -> Result<()> {
    let session = ctx.session()?;
    let destination = match &args.output {
        Some(path) => Some(crate::fsutil::PrivateFile::create(path, args.force)?),
        None => None,
    };
    let mut sink: Box<dyn Write> = match &destination {
        Some(file) => Box::new(BufWriter::new(file.writer()?)),
        None => Box::new(BufWriter::new(io::stdout().lock())),
    };
    let write_err = |e: io::Error| Error::io("cannot write output", e);
    let mut without_2fa = 0;
    match args.format {
        ExportFormat::Jsonl => {
            ctx.accounts
                .export(&session, args.with_hashes, |a, hash, two_factor| {
                    let row = ExportedAccount::new(&a, hash.as_deref(), two_factor.as_ref());
                    crate::json::write_compact(&mut sink, &row)
                        .map_err(io::Error::from)
                        .and_then(|()| writeln!(sink))
                        .map_err(write_err)
                })?
        }
        ExportFormat::Csv => {
            let mut csv = csv::Writer::from_writer(&mut sink);
            let mut header = vec!["username", "email", "name", "role"];
            if args.with_hashes {
                header.push("password_hash");
            }
            let csv_err = |e: csv::Error| Error::io("cannot write output", e.into());
            let mut header_written = false;
            ctx.accounts
                .export(&session, args.with_hashes, |a, hash, _| {
                    // Written with the first account, so a refusal writes nothing.
                    if !std::mem::replace(&mut header_written, true) {
                        csv.write_record(&header).map_err(csv_err)?;
                    }
                    without_2fa += usize::from(a.two_factor);
                    // Cells a spreadsheet would run as formulas are quoted.
                    let mut row = vec![
                        csv_cell(a.username.as_str()),
                        csv_cell(a.email.as_deref().unwrap_or("")),
                        csv_cell(a.name.as_deref().unwrap_or("")),
                        csv_cell(a.role.as_str()),
                    ];
                    row.extend(hash.as_deref().map(Cow::Borrowed));
                    csv.write_record(row.iter().map(|c| c.as_bytes()))
                        .map_err(csv_err)
                })?;
            if !header_written {
                csv.write_record(&header).map_err(csv_err)?;
            }
            csv.flush()?;
        }
    }
    sink.flush()?;
    drop(sink);
    if let Some(file) = destination {
        file.commit()?;
    }
    if without_2fa > 0 && args.with_hashes {
        // CSV has no columns for it; JSON Lines carries it.
        ctx.out.message(&format!(
            "note: {without_2fa} account(s) use two-factor login, which CSV does not carry (use --format jsonl); after a CSV import they must run `authctl 2fa enable` again"
        ));
    }
    Ok(())
}
