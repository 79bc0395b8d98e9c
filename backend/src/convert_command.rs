//! `ferry convert FILE… --to TARGET`: the requests Ferry would send for
//! the items of calendar and contact exports, written out in full by the
//! same `ferry-shared` code the preview page uses, and what each item
//! loses on the way. Nothing is sent.

use crate::cli::ConvertArgs;
use crate::inspect::{FileError, read_within_limit, rules};
use ferry_shared::convert::caldav::zone_definitions;
use ferry_shared::convert::ews::EwsSettings;
use ferry_shared::convert::exchange::ExchangeOptions;
use ferry_shared::convert::requests::{RequestContext, WrittenRequests, write_requests};
use ferry_shared::ical::vtimezone::defined_zones;
use ferry_shared::mapping::{MappingRules, map_report};
use ferry_shared::{ParseLimits, inspect};
use serde::Serialize;
use std::io::Write;
use std::path::Path;

/// The requests for one file, or why it could not be read.
#[derive(Debug, Serialize)]
pub struct ConvertedFile {
    pub file: String,
    #[serde(flatten)]
    pub outcome: Converted,
}

#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum Converted {
    Requests(WrittenRequests),
    Error { error: FileError },
}

/// Runs `ferry convert`; the exit status: 0 all read, 1 a file could not
/// be read, 2 bad mapping rules.
pub fn run(args: &ConvertArgs, out: &mut impl Write, err: &mut impl Write) -> std::io::Result<u8> {
    let limits = args.limits.apply_to(ParseLimits::default());
    let rules = match rules(&args.rules) {
        Ok(rules) => rules,
        Err(error) => {
            writeln!(err, "ferry convert: {error}")?;
            return Ok(2);
        }
    };
    let files: Vec<ConvertedFile> = args
        .files
        .iter()
        .map(|path| convert_file(path, args, &limits, &rules))
        .collect();
    let all_read = files
        .iter()
        .all(|f| matches!(f.outcome, Converted::Requests(_)));
    if args.json {
        serde_json::to_writer_pretty(&mut *out, &files)?;
        writeln!(out)?;
    } else {
        for file in &files {
            write_text(out, file, args)?;
        }
    }
    Ok(if all_read { 0 } else { 1 })
}

fn convert_file(
    path: &Path,
    args: &ConvertArgs,
    limits: &ParseLimits,
    rules: &MappingRules,
) -> ConvertedFile {
    let file = path.display().to_string();
    let outcome = match read_within_limit(path, limits) {
        Ok(bytes) => match inspect(&bytes, limits) {
            Ok(report) => {
                let mapped = map_report(&report, rules);
                let zones = defined_zones(&bytes, limits);
                let text = ferry_shared::text::decode_content_lines(&bytes);
                let source_zones = zone_definitions(&text.text, limits);
                let context = RequestContext {
                    zones: &zones,
                    source_zones: &source_zones,
                    exchange: ExchangeOptions {
                        date_zone: rules.default_zone.clone(),
                        ..ExchangeOptions::default()
                    },
                    ews: EwsSettings {
                        server_version: args.server_version.clone(),
                        impersonate: args.impersonate.clone(),
                    },
                    batch_size: args.batch_size,
                    stamp: chrono::Utc::now(),
                };
                Converted::Requests(write_requests(args.to, &mapped, &context))
            }
            Err(error) => Converted::Error {
                error: error.into(),
            },
        },
        Err(error) => Converted::Error { error },
    };
    ConvertedFile { file, outcome }
}

/// The text form: a heading per file and per request, the bodies as they
/// would be sent, then the losses by line.
fn write_text(
    out: &mut impl Write,
    file: &ConvertedFile,
    args: &ConvertArgs,
) -> std::io::Result<()> {
    let written = match &file.outcome {
        Converted::Requests(written) => written,
        Converted::Error { error } => {
            writeln!(out, "# {}: {}\n", file.file, error.message)?;
            return Ok(());
        }
    };
    writeln!(
        out,
        "# {}: {} requests to {}\n",
        file.file,
        written.requests.len(),
        args.to.label()
    )?;
    for (number, request) in written.requests.iter().enumerate() {
        writeln!(out, "## {}. {}", number + 1, request.action)?;
        if !request.body.is_empty() {
            writeln!(out, "{}", request.body.trim_end())?;
        }
        writeln!(out)?;
    }
    if !written.losses.is_empty() {
        writeln!(out, "## What the target will not hold")?;
        for item in &written.losses {
            for loss in &item.losses {
                writeln!(out, "line {}: {loss}", item.line)?;
            }
        }
        writeln!(out)?;
    }
    Ok(())
}
