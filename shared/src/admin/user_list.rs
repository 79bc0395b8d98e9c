//! The admin's user list: CSV lines `source_user,target_user,group`, a
//! header line optional. Every name must be able to travel in a
//! protocol line (no CR, LF or NUL, at most [`MAX_NAME`] bytes); a source
//! or target user listed twice is refused; the list holds at most the
//! site's limit of users. Errors are plain sentences naming the line.

use csv::{ReaderBuilder, StringRecord};
use std::collections::HashMap;

/// Longest user or group name, in bytes.
pub const MAX_NAME: usize = 256;

/// Default most users in one list (`[admin] max_users`).
pub const DEFAULT_MAX_USERS: usize = 5000;

/// One line of the list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedUser {
    pub source_user: String,
    pub target_user: String,
    pub group: String,
}

/// Why a list was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UserListError {
    #[error("The list holds no users.")]
    Empty,
    #[error(
        "Line {line}: expected three values — source user, target user, group — but found {found}."
    )]
    Columns { line: u64, found: usize },
    #[error("Line {line}: the {what} is empty.")]
    EmptyName { line: u64, what: &'static str },
    #[error("Line {line}: the {what} holds a line break or a NUL character.")]
    ControlCharacter { line: u64, what: &'static str },
    #[error("Line {line}: the {what} is longer than {MAX_NAME} bytes.")]
    TooLong { line: u64, what: &'static str },
    #[error("Line {line}: the {what} “{name}” is listed already on line {first}.")]
    Duplicate {
        line: u64,
        what: &'static str,
        name: String,
        first: u64,
    },
    #[error("Line {line}: the list holds more than {max} users; split it into several lists.")]
    TooMany { line: u64, max: usize },
    #[error("Line {line}: this is not readable CSV.")]
    Unreadable { line: u64 },
}

const WHAT: [&str; 3] = ["source user", "target user", "group"];

/// Reads the list `text`, at most `max_users` users.
pub fn parse_user_list(text: &str, max_users: usize) -> Result<Vec<ListedUser>, UserListError> {
    let mut reader = ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let mut users = Vec::new();
    let mut seen: [HashMap<String, u64>; 2] = [HashMap::new(), HashMap::new()];
    let mut record = StringRecord::new();
    let mut first = true;
    loop {
        let line = reader.position().line();
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(_) => return Err(UserListError::Unreadable { line }),
        }
        let line = record.position().map_or(line, |p| p.line());
        if std::mem::take(&mut first) && is_header(&record) {
            continue;
        }
        if record.iter().all(str::is_empty) {
            continue;
        }
        if record.len() != 3 {
            return Err(UserListError::Columns {
                line,
                found: record.len(),
            });
        }
        for (field, what) in record.iter().zip(WHAT) {
            check_name(field, what, line)?;
        }
        if users.len() == max_users {
            return Err(UserListError::TooMany {
                line,
                max: max_users,
            });
        }
        for (index, seen) in seen.iter_mut().enumerate() {
            let name = &record[index];
            if let Some(first) = seen.insert(name.to_lowercase(), line) {
                return Err(UserListError::Duplicate {
                    line,
                    what: WHAT[index],
                    name: name.to_string(),
                    first,
                });
            }
        }
        users.push(ListedUser {
            source_user: record[0].to_string(),
            target_user: record[1].to_string(),
            group: record[2].to_string(),
        });
    }
    if users.is_empty() {
        return Err(UserListError::Empty);
    }
    Ok(users)
}

fn is_header(record: &StringRecord) -> bool {
    let normal = |text: &str| text.to_lowercase().replace([' ', '-'], "_");
    record.len() == 3
        && normal(&record[0]) == "source_user"
        && normal(&record[1]) == "target_user"
        && normal(&record[2]) == "group"
}

fn check_name(name: &str, what: &'static str, line: u64) -> Result<(), UserListError> {
    if name.is_empty() {
        Err(UserListError::EmptyName { line, what })
    } else if name.chars().any(|c| matches!(c, '\r' | '\n' | '\0')) {
        Err(UserListError::ControlCharacter { line, what })
    } else if name.len() > MAX_NAME {
        Err(UserListError::TooLong { line, what })
    } else {
        Ok(())
    }
}

/// The groups of `users`, in the order they first appear.
pub fn groups(users: &[ListedUser]) -> Vec<String> {
    let mut groups: Vec<String> = Vec::new();
    for user in users {
        if !groups.contains(&user.group) {
            groups.push(user.group.clone());
        }
    }
    groups
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(text: &str) -> String {
        parse_user_list(text, 3).unwrap_err().to_string()
    }

    #[test]
    fn reads_lines_with_or_without_a_header() {
        let with = "source_user,target_user,group\nalice,alice@new,A\n\n bob , bob@new , B \n";
        let users = parse_user_list(with, 10).unwrap();
        assert_eq!(users.len(), 2);
        assert_eq!(users[1].source_user, "bob");
        assert_eq!(users[1].target_user, "bob@new");
        assert_eq!(users[1].group, "B");
        let without = parse_user_list("alice,alice,A\r\nbob,bob,A", 10).unwrap();
        assert_eq!(groups(&without), vec!["A"]);
    }

    #[test]
    fn refusals_are_plain_and_name_the_line() {
        assert_eq!(
            error("alice,alice,A\nbob,bob\n"),
            "Line 2: expected three values — source user, target user, group — but found 2."
        );
        assert_eq!(
            error("alice,alice,A\n,bob,A\n"),
            "Line 2: the source user is empty."
        );
        assert_eq!(
            error("alice,alice,A\nbob,\"b\nob\",A\n"),
            "Line 2: the target user holds a line break or a NUL character."
        );
        assert_eq!(
            error("alice,alice,A\nbob,bob,B\nAlice,carol,B\n"),
            "Line 3: the source user “Alice” is listed already on line 1."
        );
        assert_eq!(
            error("a,a,A\nb,b,A\nc,c,A\nd,d,A\n"),
            "Line 4: the list holds more than 3 users; split it into several lists."
        );
        assert_eq!(
            error("source_user,target_user,group\n"),
            "The list holds no users."
        );
        let long = format!("{},a,A\n", "x".repeat(MAX_NAME + 1));
        assert!(error(&long).starts_with("Line 1: the source user is longer"));
    }
}
