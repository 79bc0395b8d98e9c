//! Test-only stand-in for the project's iCalendar writer (not yet there):
//! turns each corpus `.ics` file into resources. A file whose components
//! share one UID goes whole; a file with several UIDs is split into one
//! calendar per UID (its VCALENDAR properties and every VTIMEZONE copied
//! into each); anything else (no VCALENDAR, no UID, not UTF-8) goes whole
//! under its file name, for the server to accept or refuse.

use ferry_targets::caldav::{ContentType, Resource};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Every `.ics` file under `fixtures/corpora`, sorted.
pub fn ics_files() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/corpora");
    let mut files = Vec::new();
    let mut folders = vec![root];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|e| e == "ics") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// One file's resources (see the module documentation).
pub fn resources_of(path: &Path) -> Vec<Resource> {
    let bytes = std::fs::read(path).unwrap();
    let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
    let whole = |name: String| Resource {
        name,
        body: bytes.clone(),
        content_type: ContentType::Calendar,
    };
    let Ok(text) = std::str::from_utf8(&bytes) else {
        return vec![whole(format!("file-{stem}.ics"))];
    };
    let calendar = Calendar::read(text);
    match calendar.by_uid.len() {
        0 => vec![whole(format!("file-{stem}.ics"))],
        1 if calendar.whole_file_is_one_calendar => {
            let uid = calendar.by_uid.keys().next().unwrap();
            vec![whole(resource_name(uid))]
        }
        _ => calendar
            .by_uid
            .iter()
            .map(|(uid, blocks)| Resource {
                name: resource_name(uid),
                body: calendar.body_with(blocks).into_bytes(),
                content_type: ContentType::Calendar,
            })
            .collect(),
    }
}

/// A resource name from a UID: characters a file system or URL path may
/// trip over become `_` (the real converter will choose its own rule).
pub fn resource_name(uid: &str) -> String {
    let safe: String = uid
        .chars()
        .take(120)
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-_.@+ ".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("{}.ics", safe.trim_start_matches('.'))
}

/// The parts of a file that splitting needs.
struct Calendar {
    /// VCALENDAR's own property lines (first calendar of the file).
    header: Vec<String>,
    timezones: Vec<String>,
    by_uid: BTreeMap<String, Vec<String>>,
    whole_file_is_one_calendar: bool,
}

impl Calendar {
    fn read(text: &str) -> Self {
        let mut calendar = Calendar {
            header: Vec::new(),
            timezones: Vec::new(),
            by_uid: BTreeMap::new(),
            whole_file_is_one_calendar: true,
        };
        let (mut depth, mut calendars) = (0usize, 0usize);
        let (mut block, mut uid) = (String::new(), None::<String>);
        let mut rest = text;
        while let Some(line) = next_line(&mut rest) {
            let upper = line.to_ascii_uppercase();
            if upper.starts_with("BEGIN:") {
                depth += 1;
                calendars += usize::from(depth == 1);
            }
            match depth {
                0 => calendar.whole_file_is_one_calendar &= line.trim().is_empty(),
                1 if calendars == 1
                    && !upper.starts_with("BEGIN:VCALENDAR")
                    && !upper.starts_with("END:") =>
                {
                    calendar.header.push(line.clone());
                }
                1 => {}
                _ => {
                    block.push_str(&line);
                    block.push_str("\r\n");
                    if depth == 2 && upper.starts_with("UID:") {
                        uid = Some(line[4..].trim().to_string());
                    }
                }
            }
            if upper.starts_with("END:") {
                depth = depth.saturating_sub(1);
                if depth == 1 {
                    let finished = std::mem::take(&mut block);
                    if upper.starts_with("END:VTIMEZONE") {
                        calendar.timezones.push(finished);
                    } else if let Some(uid) = uid.take() {
                        calendar.by_uid.entry(uid).or_default().push(finished);
                    }
                }
            }
        }
        calendar.whole_file_is_one_calendar &= calendars == 1;
        calendar
    }

    fn body_with(&self, blocks: &[String]) -> String {
        let mut body = String::from("BEGIN:VCALENDAR\r\n");
        for line in &self.header {
            body.push_str(line);
            body.push_str("\r\n");
        }
        for part in self.timezones.iter().chain(blocks) {
            body.push_str(part);
        }
        body.push_str("END:VCALENDAR\r\n");
        body
    }
}

/// The next content line, unfolded (some files fold even `UID`), without
/// its line end.
fn next_line(rest: &mut &str) -> Option<String> {
    let mut line = physical_line(rest)?.to_string();
    while rest.starts_with([' ', '\t']) {
        let continuation = physical_line(rest).unwrap_or_default();
        line.push_str(&continuation[1..]);
    }
    Some(line)
}

fn physical_line<'a>(rest: &mut &'a str) -> Option<&'a str> {
    if rest.is_empty() {
        return None;
    }
    let (line, tail) = rest.split_once('\n').unwrap_or((rest, ""));
    *rest = tail;
    Some(line.strip_suffix('\r').unwrap_or(line))
}
