//! Semantic comparison of a calendar sent and the one Radicale returns.
//! Radicale stores what its iCalendar library re-serialises: property
//! order, folding, parameter quoting and value spellings change, and it
//! adds VERSION, PRODID, DTSTAMP and VTIMEZONE blocks. Bytes therefore
//! cannot be compared. What must hold: the same components (kind, UID,
//! RECURRENCE-ID date) come back, none missing or added, and each keeps
//! every property it was sent with.

use std::collections::BTreeSet;

/// One top-level component (VTIMEZONE left out: the server adds some).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Component {
    kind: String,
    uid: String,
    recurrence_date: String,
    properties: BTreeSet<String>,
}

/// `None` when `stored` holds every component of `sent` with at least its
/// properties, else what differs.
pub fn difference(sent: &str, stored: &str) -> Option<String> {
    let (sent, stored) = (components(sent), components(stored));
    let key = |c: &Component| (c.kind.clone(), c.uid.clone(), c.recurrence_date.clone());
    let sent_keys: Vec<_> = sent.iter().map(key).collect();
    let stored_keys: Vec<_> = stored.iter().map(key).collect();
    if sent_keys != stored_keys {
        return Some(format!(
            "components sent {sent_keys:?}, stored {stored_keys:?}"
        ));
    }
    for (sent, stored) in sent.iter().zip(&stored) {
        let lost: Vec<_> = sent.properties.difference(&stored.properties).collect();
        if !lost.is_empty() {
            return Some(format!("{} {} lost {lost:?}", sent.kind, sent.uid));
        }
    }
    None
}

/// The top-level components inside VCALENDAR, sorted by kind, UID and
/// RECURRENCE-ID date.
fn components(text: &str) -> Vec<Component> {
    let unfolded = text
        .replace("\r\n", "\n")
        .replace("\n ", "")
        .replace("\n\t", "");
    let mut found = Vec::new();
    let mut depth = 0usize;
    let mut current: Option<Component> = None;
    for line in unfolded.lines() {
        let name_end = line.find([';', ':']).unwrap_or(line.len());
        let name = line[..name_end].to_ascii_uppercase();
        let value = line.split_once(':').map_or("", |(_, v)| v.trim());
        match name.as_str() {
            "BEGIN" => {
                depth += 1;
                if depth == 2 && !value.eq_ignore_ascii_case("VTIMEZONE") {
                    current = Some(Component {
                        kind: value.to_ascii_uppercase(),
                        uid: String::new(),
                        recurrence_date: String::new(),
                        properties: BTreeSet::new(),
                    });
                }
            }
            "END" => {
                if depth == 2 {
                    found.extend(current.take());
                }
                depth = depth.saturating_sub(1);
            }
            _ if depth == 2 => {
                if let Some(component) = current.as_mut() {
                    match name.as_str() {
                        "UID" => component.uid = value.to_string(),
                        "RECURRENCE-ID" => {
                            component.recurrence_date =
                                value.chars().filter(char::is_ascii_digit).take(8).collect();
                        }
                        _ => {}
                    }
                    component.properties.insert(name);
                }
            }
            _ => {}
        }
    }
    found.sort();
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    const SENT: &str = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:a\r\nSUMMARY:x\r\nDTSTART;TZID=\"W\":20200101T100000\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";

    #[test]
    fn rewrites_and_additions_are_the_same_calendar() {
        let stored = "BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VTIMEZONE\nTZID:W\nEND:VTIMEZONE\nBEGIN:VEVENT\nDTSTAMP:20260101T000000Z\nDTSTART;TZID=W:20200101T100000\nSUMMARY:\n x\nUID:a\nEND:VEVENT\nEND:VCALENDAR\n";
        assert_eq!(difference(SENT, stored), None);
    }

    #[test]
    fn a_lost_property_or_component_is_a_difference() {
        let lost_summary = SENT.replace("SUMMARY:x\r\n", "");
        assert!(difference(SENT, &lost_summary).unwrap().contains("SUMMARY"));
        let other_uid = SENT.replace("UID:a", "UID:b");
        assert!(difference(SENT, &other_uid).is_some());
    }
}
