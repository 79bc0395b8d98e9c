//! Address rules: the user map (the legacy `exceptions.txt` style,
//! `zyg=zyg-furmaniuk`, one per line, `#` comments) and domain rewrites
//! (`sumatra.local=sumatra.onmicrosoft.com`). Both are read from and
//! written back to plain text, so users can load and save them as files.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A line of a rules file that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleError {
    /// 1-based line in the rules text.
    pub line: usize,
    pub message: String,
}

impl fmt::Display for RuleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Line {}: {}", self.line, self.message)
    }
}

/// `old = new` pairs, in file order, compared without regard to case.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RulePairs(pub Vec<(String, String)>);

impl RulePairs {
    /// Reads `old=new` lines; blank lines and `#` comments (whole-line or
    /// after a value) are ignored. `what` names the kind of value for
    /// messages ("user name", "domain"). All bad lines are reported.
    fn parse(text: &str, what: &str, valid: fn(&str) -> bool) -> Result<Self, Vec<RuleError>> {
        let mut pairs: Vec<(String, String)> = Vec::new();
        let mut errors = Vec::new();
        for (index, raw) in text.lines().enumerate() {
            let line = index + 1;
            let content = raw.split('#').next().unwrap_or("").trim();
            if content.is_empty() {
                continue;
            }
            let Some((old, new)) = content.split_once('=') else {
                errors.push(RuleError {
                    line,
                    message: format!(
                        "expected “old=new” (an old and a new {what}), found “{content}”"
                    ),
                });
                continue;
            };
            let (old, new) = (old.trim(), new.trim());
            if !valid(old) || !valid(new) {
                errors.push(RuleError {
                    line,
                    message: format!(
                        "“{content}” is not a valid rule: both sides must be a {what} without spaces"
                    ),
                });
                continue;
            }
            if let Some((earlier, _)) = pairs
                .iter()
                .enumerate()
                .find(|(_, (o, _))| o.eq_ignore_ascii_case(old))
            {
                errors.push(RuleError {
                    line,
                    message: format!(
                        "“{old}” is already mapped by rule {} of this list",
                        earlier + 1
                    ),
                });
                continue;
            }
            pairs.push((old.to_string(), new.to_string()));
        }
        if errors.is_empty() {
            Ok(Self(pairs))
        } else {
            Err(errors)
        }
    }

    /// The rules as text, one `old=new` per line (what [`Self::parse`] reads).
    pub fn to_text(&self) -> String {
        self.0
            .iter()
            .map(|(old, new)| format!("{old}={new}\n"))
            .collect()
    }

    fn lookup(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(old, _)| old.eq_ignore_ascii_case(key))
            .map(|(_, new)| new.as_str())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

fn valid_user(value: &str) -> bool {
    !value.is_empty() && !value.chars().any(|c| c.is_whitespace() || c.is_control())
}

fn valid_domain(value: &str) -> bool {
    valid_user(value)
        && !value.contains('@')
        && value
            .chars()
            .all(|c| c.is_alphanumeric() || c == '.' || c == '-')
}

/// The user map: old user name (the part before `@`, or a whole address)
/// to the new one.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserMap(pub RulePairs);

impl UserMap {
    pub fn parse(text: &str) -> Result<Self, Vec<RuleError>> {
        RulePairs::parse(text, "user name", valid_user).map(Self)
    }
}

/// Domain rewrites: old domain to new domain.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DomainRewrites(pub RulePairs);

impl DomainRewrites {
    pub fn parse(text: &str) -> Result<Self, Vec<RuleError>> {
        RulePairs::parse(text, "domain", valid_domain).map(Self)
    }
}

/// What became of an address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rewritten {
    /// No rule applied.
    Unchanged,
    /// Rules changed it to this address.
    Changed(String),
}

/// Applies the rules to one address: a whole-address entry of the user
/// map wins; otherwise the user part is mapped and the domain rewritten.
/// The user map applies to addresses in a rewritten (old) domain, or to
/// every address when there are no domain rewrites.
pub fn rewrite(address: &str, users: &UserMap, domains: &DomainRewrites) -> Rewritten {
    if let Some(new) = users.0.lookup(address) {
        return changed(address, new.to_string());
    }
    let Some((user, domain)) = address.rsplit_once('@') else {
        return Rewritten::Unchanged;
    };
    let new_domain = domains.0.lookup(domain);
    let in_scope = new_domain.is_some() || domains.is_empty();
    let new_user = if in_scope {
        users.0.lookup(user).unwrap_or(user)
    } else {
        user
    };
    changed(
        address,
        format!("{new_user}@{}", new_domain.unwrap_or(domain)),
    )
}

impl DomainRewrites {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// True when `domain` is one of the old domains.
    pub fn is_old(&self, domain: &str) -> bool {
        self.0.lookup(domain).is_some()
    }
}

fn changed(old: &str, new: String) -> Rewritten {
    if new == old {
        Rewritten::Unchanged
    } else {
        Rewritten::Changed(new)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exceptions_txt_style_user_maps_are_read_with_comments() {
        let text = "# legacy exceptions\nzyg=zyg-furmaniuk\n\n  ana = ana.lima  # renamed\nBOSS@old.example=ceo@new.example\n";
        let users = UserMap::parse(text).unwrap();
        assert_eq!(users.0.0.len(), 3);
        assert_eq!(
            users.0.to_text(),
            "zyg=zyg-furmaniuk\nana=ana.lima\nBOSS@old.example=ceo@new.example\n"
        );
        assert_eq!(UserMap::parse(&users.0.to_text()).unwrap(), users);
    }

    #[test]
    fn bad_rule_lines_are_all_named() {
        let errors = UserMap::parse("ok=fine\nno equals sign\nx=\nok=again\n").unwrap_err();
        let lines: Vec<usize> = errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, [2, 3, 4]);
        assert!(errors[2].message.contains("already mapped"), "{errors:?}");
        let errors = DomainRewrites::parse("old.local=new example.com\n").unwrap_err();
        assert_eq!(errors[0].line, 1);
    }

    #[test]
    fn addresses_are_rewritten_by_user_and_domain() {
        let users =
            UserMap::parse("zyg=zyg-furmaniuk\nboss@sumatra.local=ceo@sumatra.com").unwrap();
        let domains = DomainRewrites::parse("sumatra.local=sumatra.onmicrosoft.com").unwrap();
        let go = |a: &str| rewrite(a, &users, &domains);
        assert_eq!(
            go("Zyg@SUMATRA.local"),
            Rewritten::Changed("zyg-furmaniuk@sumatra.onmicrosoft.com".into())
        );
        assert_eq!(
            go("ana@sumatra.local"),
            Rewritten::Changed("ana@sumatra.onmicrosoft.com".into())
        );
        assert_eq!(
            go("boss@sumatra.local"),
            Rewritten::Changed("ceo@sumatra.com".into())
        );
        // Outside the old domains the user map does not apply.
        assert_eq!(go("zyg@gmail.com"), Rewritten::Unchanged);
        // Without domain rules it applies everywhere.
        let none = DomainRewrites::default();
        assert_eq!(
            rewrite("zyg@gmail.com", &users, &none),
            Rewritten::Changed("zyg-furmaniuk@gmail.com".into())
        );
    }
}
