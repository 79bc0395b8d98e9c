//! The folder map: which source folder is copied into which target folder,
//! and which target folders must be created first.
//!
//! The rules follow imapsync's, so admins can reuse their scripts:
//! 1. `--folder`, `--include` and `--exclude` choose source folders;
//! 2. `--f1f2 SOURCE=TARGET` names a target outright, and nothing else
//!    applies to that folder;
//! 3. otherwise the name is rebuilt with the target's separator and prefix
//!    (`INBOX.Sent Items` with `.` → `Sent Items` with `/`);
//! 4. with `--automap`, role folders (Sent, Drafts, Trash, Junk, Archive)
//!    go to the target's folder of the same role, whatever its name;
//! 5. `--regextrans2` substitutions are applied last, in order.

use super::name::{FolderName, encode_utf7};
use super::role::Role;
use regex::Regex;
use serde::Serialize;
use std::collections::HashMap;
use thiserror::Error;

/// One folder as a server lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerFolder {
    /// Full name, decoded from modified UTF-7.
    pub name: String,
    /// LIST attributes, e.g. `\HasChildren`, `\Sent`, `\Noselect`.
    pub attributes: Vec<String>,
    pub subscribed: bool,
}

impl ServerFolder {
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            attributes: Vec::new(),
            subscribed: true,
        }
    }

    pub fn with_attribute(mut self, attribute: &str) -> Self {
        self.attributes.push(attribute.to_string());
        self
    }

    fn has_attribute(&self, wanted: &str) -> bool {
        self.attributes
            .iter()
            .any(|a| a.eq_ignore_ascii_case(wanted))
    }

    /// Folders that cannot hold messages.
    pub fn is_selectable(&self) -> bool {
        !self.has_attribute("\\Noselect") && !self.has_attribute("\\NonExistent")
    }

    fn announced_role(&self) -> Option<Role> {
        self.attributes.iter().find_map(|a| Role::from_attribute(a))
    }
}

/// A server's personal namespace and its folders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerFolders {
    /// Personal namespace prefix, e.g. `INBOX.` or empty.
    pub prefix: String,
    /// Hierarchy separator; `None` for a flat server.
    pub separator: Option<char>,
    pub folders: Vec<ServerFolder>,
}

impl ServerFolders {
    fn relative(&self, folder: &ServerFolder) -> FolderName {
        FolderName::from_server(&folder.name, self.separator, &self.prefix)
    }

    /// True when the server marks at least one folder with a role.
    fn announces_roles(&self) -> bool {
        self.folders.iter().any(|f| f.announced_role().is_some())
    }

    /// The folder holding `role`: by announcement, or by a known top-level
    /// name when the server announces no roles.
    fn role_of(&self, folder: &ServerFolder) -> Option<Role> {
        if self.announces_roles() {
            return folder.announced_role();
        }
        let name = self.relative(folder);
        match name.components() {
            [leaf] if !name.is_inbox() => Role::from_name(leaf),
            _ => None,
        }
    }

    fn find(&self, full_name: &str) -> Option<&ServerFolder> {
        self.folders.iter().find(|f| same_name(&f.name, full_name))
    }
}

/// Folder names compare exactly, except INBOX which ignores case.
fn same_name(a: &str, b: &str) -> bool {
    a == b || (a.eq_ignore_ascii_case("INBOX") && b.eq_ignore_ascii_case("INBOX"))
}

/// A `s/REGEX/REPLACEMENT/FLAGS` substitution, as imapsync's --regextrans2.
#[derive(Debug, Clone)]
pub struct Substitution {
    regex: Regex,
    replacement: String,
    global: bool,
}

impl Substitution {
    /// Parses `s/from/to/` with optional flags `g` (all matches) and `i`
    /// (ignore case). Any character may delimit, as in Perl: `s#a/b#c#`.
    /// Replacements use `$1` or `${1}` for groups.
    pub fn parse(text: &str) -> Result<Self, MappingError> {
        let invalid = |reason: &str| MappingError::InvalidRule {
            rule: text.to_string(),
            reason: reason.to_string(),
        };
        let rest = text
            .strip_prefix('s')
            .ok_or_else(|| invalid("it must start with s"))?;
        let delimiter = rest.chars().next().ok_or_else(|| invalid("it is empty"))?;
        if delimiter.is_alphanumeric() || delimiter == '\\' {
            return Err(invalid("the delimiter must be a punctuation character"));
        }
        let parts = split_unescaped(&rest[delimiter.len_utf8()..], delimiter);
        let [pattern, replacement, flags] = parts.as_slice() else {
            return Err(invalid("expected s/pattern/replacement/flags"));
        };
        let mut global = false;
        let mut ignore_case = false;
        for flag in flags.chars() {
            match flag {
                'g' => global = true,
                'i' => ignore_case = true,
                other => return Err(invalid(&format!("unknown flag {other}"))),
            }
        }
        let pattern = if ignore_case {
            format!("(?i){pattern}")
        } else {
            pattern.clone()
        };
        let regex = Regex::new(&pattern).map_err(|e| invalid(&e.to_string()))?;
        Ok(Self {
            regex,
            replacement: replacement.clone(),
            global,
        })
    }

    fn apply(&self, input: &str) -> String {
        if self.global {
            self.regex
                .replace_all(input, self.replacement.as_str())
                .into_owned()
        } else {
            self.regex
                .replace(input, self.replacement.as_str())
                .into_owned()
        }
    }
}

/// Splits at unescaped `delimiter`; `\delimiter` becomes `delimiter`.
fn split_unescaped(text: &str, delimiter: char) -> Vec<String> {
    let mut parts = vec![String::new()];
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' && chars.peek() == Some(&delimiter) {
            parts.last_mut().expect("never empty").push(delimiter);
            chars.next();
        } else if c == delimiter {
            parts.push(String::new());
        } else {
            parts.last_mut().expect("never empty").push(c);
        }
    }
    parts
}

/// How folders are chosen and renamed. Defaults copy every folder under the
/// same name, adapted to the target's separator and prefix.
#[derive(Debug, Clone, Default)]
pub struct MappingRules {
    /// Only these source folders (full names), when not empty.
    pub folders: Vec<String>,
    /// Only source folders matching one of these, when not empty.
    pub include: Vec<Regex>,
    /// Never source folders matching one of these.
    pub exclude: Vec<Regex>,
    /// Explicit `source=target` full names; nothing else applies to them.
    pub f1f2: Vec<(String, String)>,
    /// Map role folders to the target's folders of the same role.
    pub automap: bool,
    /// Applied in order to the target's full name.
    pub regextrans2: Vec<Substitution>,
}

/// What happens to one source folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FolderPlan {
    /// Source full name (Unicode).
    pub source: String,
    /// Target full name (Unicode).
    pub target: String,
    /// Target name as sent to the server (modified UTF-7).
    pub target_wire: String,
    /// The target folder does not exist yet.
    pub create: bool,
    /// Subscribe to the target folder (the source one is subscribed).
    pub subscribe: bool,
    /// The role the folder was mapped by, with `--automap`.
    pub role: Option<Role>,
}

/// Why a source folder is not copied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SkipReason {
    NotSelectable,
    NotInFolderList,
    NotIncluded,
    Excluded,
}

/// The whole map.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FolderMap {
    pub plans: Vec<FolderPlan>,
    pub skipped: Vec<(String, SkipReason)>,
    /// Target folders that receive mail from several source folders.
    pub merged: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum MappingError {
    #[error("the folder rule “{rule}” is not valid: {reason}")]
    InvalidRule { rule: String, reason: String },
}

/// Builds the folder map from what both servers listed.
pub fn map_folders(
    source: &ServerFolders,
    target: &ServerFolders,
    rules: &MappingRules,
) -> FolderMap {
    let mut map = FolderMap::default();
    let target_by_role: HashMap<Role, &ServerFolder> = target
        .folders
        .iter()
        .filter_map(|f| target.role_of(f).map(|role| (role, f)))
        .collect();

    for folder in &source.folders {
        if let Some(reason) = skip_reason(folder, rules) {
            map.skipped.push((folder.name.clone(), reason));
            continue;
        }
        let explicit = rules
            .f1f2
            .iter()
            .find(|(from, _)| same_name(from, &folder.name))
            .map(|(_, to)| to.clone());
        let (target_name, role) = match explicit {
            Some(name) => (name, None),
            None => {
                let relative = source.relative(folder);
                let mut name = relative.to_server(target.separator, &target.prefix, '_');
                let mut mapped_role = None;
                if rules.automap
                    && let Some(role) = source.role_of(folder)
                    && let Some(existing) = target_by_role.get(&role)
                {
                    name = existing.name.clone();
                    mapped_role = Some(role);
                }
                for substitution in &rules.regextrans2 {
                    name = substitution.apply(&name);
                }
                (name, mapped_role)
            }
        };
        let create = target.find(&target_name).is_none();
        map.plans.push(FolderPlan {
            source: folder.name.clone(),
            target_wire: if target_name.eq_ignore_ascii_case("INBOX") {
                "INBOX".to_string()
            } else {
                encode_utf7(&target_name)
            },
            target: target_name,
            create,
            subscribe: folder.subscribed,
            role,
        });
    }

    let mut seen: HashMap<&str, usize> = HashMap::new();
    for plan in &map.plans {
        *seen.entry(plan.target.as_str()).or_default() += 1;
    }
    let mut merged: Vec<String> = seen
        .into_iter()
        .filter(|(_, count)| *count > 1)
        .map(|(name, _)| name.to_string())
        .collect();
    merged.sort();
    map.merged = merged;
    map
}

fn skip_reason(folder: &ServerFolder, rules: &MappingRules) -> Option<SkipReason> {
    if !folder.is_selectable() {
        return Some(SkipReason::NotSelectable);
    }
    if !rules.folders.is_empty() && !rules.folders.iter().any(|f| same_name(f, &folder.name)) {
        return Some(SkipReason::NotInFolderList);
    }
    if !rules.include.is_empty() && !rules.include.iter().any(|r| r.is_match(&folder.name)) {
        return Some(SkipReason::NotIncluded);
    }
    if rules.exclude.iter().any(|r| r.is_match(&folder.name)) {
        return Some(SkipReason::Excluded);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn legacy() -> ServerFolders {
        ServerFolders {
            prefix: "INBOX.".into(),
            separator: Some('.'),
            folders: vec![
                ServerFolder::new("INBOX"),
                ServerFolder::new("INBOX.Sent Items"),
                ServerFolder::new("INBOX.Drafts"),
                ServerFolder::new("INBOX.Papierkorb"),
                ServerFolder::new("INBOX.Projects").with_attribute("\\Noselect"),
                ServerFolder::new("INBOX.Projects.2024"),
                ServerFolder::new("INBOX.Entwürfe alt"),
                ServerFolder::new("INBOX.Q1/Q2"),
            ],
        }
    }

    fn exchange() -> ServerFolders {
        ServerFolders {
            prefix: String::new(),
            separator: Some('/'),
            folders: vec![
                ServerFolder::new("INBOX"),
                ServerFolder::new("Gesendete Elemente").with_attribute("\\Sent"),
                ServerFolder::new("Entwürfe").with_attribute("\\Drafts"),
                ServerFolder::new("Gelöschte Elemente").with_attribute("\\Trash"),
            ],
        }
    }

    fn targets(map: &FolderMap) -> Vec<(&str, &str, bool)> {
        map.plans
            .iter()
            .map(|p| (p.source.as_str(), p.target.as_str(), p.create))
            .collect()
    }

    #[test]
    fn separators_and_prefixes_are_converted() {
        let map = map_folders(&legacy(), &exchange(), &MappingRules::default());
        assert_eq!(
            targets(&map),
            [
                ("INBOX", "INBOX", false),
                ("INBOX.Sent Items", "Sent Items", true),
                ("INBOX.Drafts", "Drafts", true),
                ("INBOX.Papierkorb", "Papierkorb", true),
                ("INBOX.Projects.2024", "Projects/2024", true),
                ("INBOX.Entwürfe alt", "Entwürfe alt", true),
                ("INBOX.Q1/Q2", "Q1_Q2", true),
            ]
        );
        assert_eq!(
            map.skipped,
            [("INBOX.Projects".to_string(), SkipReason::NotSelectable)]
        );
        let drafts_old = &map.plans[5];
        assert_eq!(drafts_old.target_wire, "Entw&APw-rfe alt");
    }

    #[test]
    fn automap_follows_roles_whatever_the_names() {
        let rules = MappingRules {
            automap: true,
            ..MappingRules::default()
        };
        let map = map_folders(&legacy(), &exchange(), &rules);
        let t = targets(&map);
        assert!(
            t.contains(&("INBOX.Sent Items", "Gesendete Elemente", false)),
            "{t:?}"
        );
        assert!(t.contains(&("INBOX.Drafts", "Entwürfe", false)));
        assert!(t.contains(&("INBOX.Papierkorb", "Gelöschte Elemente", false)));
        // Not a role folder: only the name says "Entwürfe", and it is nested
        // under another word.
        assert!(t.contains(&("INBOX.Entwürfe alt", "Entwürfe alt", true)));
        assert_eq!(map.plans[1].role, Some(Role::Sent));
    }

    #[test]
    fn announced_roles_beat_names() {
        let mut source = legacy();
        // The source announces roles: names are no longer guessed.
        source.folders[3] = ServerFolder::new("INBOX.Papierkorb").with_attribute("\\Trash");
        let rules = MappingRules {
            automap: true,
            ..MappingRules::default()
        };
        let map = map_folders(&source, &exchange(), &rules);
        let t = targets(&map);
        assert!(t.contains(&("INBOX.Papierkorb", "Gelöschte Elemente", false)));
        assert!(
            t.contains(&("INBOX.Sent Items", "Sent Items", true)),
            "{t:?}"
        );
    }

    #[test]
    fn include_exclude_folder_f1f2_and_regextrans2() {
        let rules = MappingRules {
            exclude: vec![Regex::new("^INBOX\\.Papierkorb$").unwrap()],
            f1f2: vec![("INBOX.Drafts".into(), "Old drafts".into())],
            regextrans2: vec![
                Substitution::parse("s/^Projects\\//Archive\\/Projects\\//").unwrap(),
                Substitution::parse("s#\\s+#-#g").unwrap(),
            ],
            ..MappingRules::default()
        };
        let map = map_folders(&legacy(), &exchange(), &rules);
        let t = targets(&map);
        assert!(
            t.contains(&("INBOX.Drafts", "Old drafts", true)),
            "f1f2 is final: {t:?}"
        );
        assert!(t.contains(&("INBOX.Projects.2024", "Archive/Projects/2024", true)));
        assert!(t.contains(&("INBOX.Sent Items", "Sent-Items", true)));
        assert!(
            map.skipped
                .contains(&("INBOX.Papierkorb".to_string(), SkipReason::Excluded))
        );

        let only = MappingRules {
            folders: vec!["INBOX".into()],
            ..MappingRules::default()
        };
        assert_eq!(map_folders(&legacy(), &exchange(), &only).plans.len(), 1);
        let included = MappingRules {
            include: vec![Regex::new("Projects").unwrap()],
            ..MappingRules::default()
        };
        assert_eq!(
            targets(&map_folders(&legacy(), &exchange(), &included)),
            [("INBOX.Projects.2024", "Projects/2024", true)]
        );
    }

    #[test]
    fn merged_targets_are_reported() {
        let rules = MappingRules {
            regextrans2: vec![Substitution::parse("s/^(Drafts|Papierkorb)$/Old/").unwrap()],
            ..MappingRules::default()
        };
        let map = map_folders(&legacy(), &exchange(), &rules);
        assert_eq!(map.merged, ["Old"]);
    }

    #[test]
    fn substitutions_parse_like_perl() {
        assert_eq!(Substitution::parse("s/a/b/").unwrap().apply("aaa"), "baa");
        assert_eq!(Substitution::parse("s/a/b/g").unwrap().apply("aaa"), "bbb");
        assert_eq!(Substitution::parse("s/A/b/gi").unwrap().apply("aAa"), "bbb");
        assert_eq!(
            Substitution::parse("s/^(.*)$/X.$1/").unwrap().apply("y"),
            "X.y"
        );
        assert_eq!(
            Substitution::parse("s/\\//./g").unwrap().apply("a/b"),
            "a.b"
        );
        assert!(Substitution::parse("x/a/b/").is_err());
        assert!(Substitution::parse("s/a/b").is_err());
        assert!(Substitution::parse("s/(/b/").is_err());
        assert!(Substitution::parse("s/a/b/q").is_err());
    }
}
