//! `ferry inspect FILE…`: the same per-item result the preview page shows,
//! as JSON, computed by the same `ferry-shared` code.

use crate::cli::RuleArgs;
use ferry_shared::mapping::{
    AttendeeMode, DomainRewrites, MappedItem, MappingRules, RuleError, UserMap, map_report, zones,
};
use ferry_shared::{FileReport, InspectError, ParseLimits, inspect};
use serde::Serialize;
use std::path::Path;

/// The result for one file: a report, or why the file could not be read.
#[derive(Debug, Serialize)]
pub struct FileResult {
    pub file: String,
    #[serde(flatten)]
    pub outcome: Outcome,
}

#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum Outcome {
    /// The file as read, and each item as it will be written (same order):
    /// status, warnings and the mapped item.
    Report {
        report: FileReport,
        mapped: Vec<MappedItem>,
    },
    Error {
        error: FileError,
    },
}

/// Mapping rules given on the command line that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum RulesError {
    #[error("{file} cannot be read: {source}")]
    Unreadable {
        file: String,
        source: std::io::Error,
    },
    #[error("{file} has mistakes:\n{}", list(.errors))]
    Invalid {
        file: String,
        errors: Vec<RuleError>,
    },
    #[error(
        "“{0}” is not a time zone Ferry knows; use an IANA name such as Europe/Berlin, or a Windows name"
    )]
    UnknownZone(String),
}

fn list(errors: &[RuleError]) -> String {
    errors
        .iter()
        .map(|e| format!("  {e}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Builds the mapping rules from the command-line options.
pub fn rules(args: &RuleArgs) -> Result<MappingRules, RulesError> {
    fn load<T>(path: &Path, parse: fn(&str) -> Result<T, Vec<RuleError>>) -> Result<T, RulesError> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| RulesError::Unreadable {
            file: file.clone(),
            source,
        })?;
        parse(&text).map_err(|errors| RulesError::Invalid { file, errors })
    }
    if let Some(zone) = &args.zone
        && !zones::is_known(zone)
    {
        return Err(RulesError::UnknownZone(zone.clone()));
    }
    Ok(MappingRules {
        users: match &args.users {
            Some(path) => load(path, UserMap::parse)?,
            None => UserMap::default(),
        },
        domains: match &args.domains {
            Some(path) => load(path, DomainRewrites::parse)?,
            None => DomainRewrites::default(),
        },
        default_zone: args.zone.clone(),
        attendees: if args.flat {
            AttendeeMode::Flat
        } else {
            AttendeeMode::Full
        },
        missing_organizer_category: args.missing_organizer_category.clone(),
    })
}

/// A file-level failure with a stable code and a plain message.
#[derive(Debug, Serialize)]
pub struct FileError {
    pub code: &'static str,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
}

impl From<InspectError> for FileError {
    fn from(err: InspectError) -> Self {
        Self {
            code: err.code(),
            line: err.line(),
            message: err.to_string(),
        }
    }
}

/// Reads one file within `limits`. The size is checked before reading, so a
/// huge file is refused without being loaded.
pub fn inspect_file(path: &Path, limits: &ParseLimits, rules: &MappingRules) -> FileResult {
    let file = path.display().to_string();
    let outcome = match read_within_limit(path, limits) {
        Ok(bytes) => match inspect(&bytes, limits) {
            Ok(report) => Outcome::Report {
                mapped: map_report(&report, rules),
                report,
            },
            Err(err) => Outcome::Error { error: err.into() },
        },
        Err(error) => Outcome::Error { error },
    };
    FileResult { file, outcome }
}

/// Reads `path`, refusing a file over the size limit before reading it.
pub fn read_within_limit(path: &Path, limits: &ParseLimits) -> Result<Vec<u8>, FileError> {
    let unreadable = |err: std::io::Error| FileError {
        code: "unreadable_file",
        message: format!("The file cannot be read: {err}."),
        line: None,
    };
    let size = std::fs::metadata(path).map_err(unreadable)?.len();
    let size = usize::try_from(size).unwrap_or(usize::MAX);
    if size > limits.max_file_bytes {
        return Err(InspectError::TooLarge {
            size,
            limit: limits.max_file_bytes,
        }
        .into());
    }
    std::fs::read(path).map_err(unreadable)
}
