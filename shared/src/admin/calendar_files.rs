//! Which listed user each of the admin's calendar export files belongs
//! to. The rule, told to the admin as it is: a file is named after the
//! user — its name without the last extension equals the source or the
//! target user, case aside (`alice@old.example.ics`,
//! `Alice@Old.Example.vcf`). A file matching no user, or two different
//! users, is left out and named back.

/// What the admin's files came to.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FileMatches {
    /// `(file index, index of the user in the list)`, in file order.
    pub matched: Vec<(usize, usize)>,
    /// Indexes of files named after no listed user (or after two).
    pub unmatched: Vec<usize>,
}

/// The name of `file` without its last extension (`a@b.ics` → `a@b`;
/// a name without a dot stays whole).
pub fn stem(file: &str) -> &str {
    match file.rsplit_once('.') {
        Some((stem, _)) if !stem.is_empty() => stem,
        _ => file,
    }
}

/// Matches every file name of `files` to the user of `users` (`(source
/// user, target user)` pairs) it is named after.
pub fn match_files<'a>(
    files: impl IntoIterator<Item = &'a str>,
    users: &[(&str, &str)],
) -> FileMatches {
    let mut matches = FileMatches::default();
    for (index, file) in files.into_iter().enumerate() {
        let stem = stem(file.trim());
        let named = |user: &str| !user.is_empty() && user.eq_ignore_ascii_case(stem);
        let mut found = users
            .iter()
            .enumerate()
            .filter(|(_, (source, target))| named(source) || named(target))
            .map(|(at, _)| at);
        match (found.next(), found.next()) {
            (Some(user), None) => matches.matched.push((index, user)),
            _ => matches.unmatched.push(index),
        }
    }
    matches
}

#[cfg(test)]
mod tests {
    use super::*;

    const USERS: [(&str, &str); 3] = [
        ("alice@old.example", "alice@new.example"),
        ("bob", "robert@new.example"),
        ("carol", "bob.smith"),
    ];

    #[test]
    fn files_named_after_the_source_or_target_user_go_to_them() {
        let files = [
            "alice@old.example.ics",
            "Alice@New.Example.VCF",
            "robert@new.example.xml",
            "carol.csv",
            "dave.ics",
            "alice@old.example",
            "bob.ics",
        ];
        let found = match_files(files, &USERS);
        assert_eq!(found.matched, vec![(0, 0), (1, 0), (2, 1), (3, 2), (6, 1)]);
        // Without an extension the last dot still ends the stem.
        assert_eq!(found.unmatched, vec![4, 5]);
    }

    #[test]
    fn a_name_two_users_share_goes_to_nobody() {
        let users = [("bob", "x"), ("y", "bob")];
        let found = match_files(["bob.ics"], &users);
        assert_eq!(
            found,
            FileMatches {
                matched: vec![],
                unmatched: vec![0]
            }
        );
        assert_eq!(stem(".ics"), ".ics");
        assert_eq!(stem("a.b.ics"), "a.b");
    }
}
