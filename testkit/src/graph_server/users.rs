//! The Graph stand-in's directory: `GET /users?$filter=…` answered from
//! the users set with [`super::GraphServer::set_directory`]. The filter
//! is read strictly — clauses `mail eq '…'`, `userPrincipalName eq '…'`
//! and `proxyAddresses/any(p:p eq '…')` joined by ` or `, each literal
//! in single quotes with `''` for a quote — so a request that quotes
//! badly is a `400`, as Graph answers it; comparisons ignore case.

use super::Answer;
use serde_json::json;

/// One user of the directory.
#[derive(Debug, Clone)]
pub struct DirectoryUser {
    pub display_name: String,
    pub mail: String,
    pub user_principal_name: String,
    /// `SMTP:primary@…`, `smtp:alias@…`.
    pub proxy_addresses: Vec<String>,
}

#[derive(Debug, PartialEq, Eq)]
enum Clause {
    Mail(String),
    UserPrincipalName(String),
    ProxyAddress(String),
}

/// The answer to `GET …/users` with `url`'s query.
pub(super) fn answer(directory: &[DirectoryUser], url: &url::Url) -> Answer {
    let Some((_, filter)) = url.query_pairs().find(|(name, _)| name == "$filter") else {
        return Answer::json(
            200,
            json!({ "value": directory.iter().map(user_json).collect::<Vec<_>>() }),
        );
    };
    let clauses = match parse(&filter) {
        Ok(clauses) => clauses,
        Err(reason) => return Answer::error(400, "BadRequest", &reason),
    };
    let found: Vec<_> = directory
        .iter()
        .filter(|user| clauses.iter().any(|clause| matches(user, clause)))
        .map(user_json)
        .collect();
    Answer::json(200, json!({ "value": found }))
}

fn user_json(user: &DirectoryUser) -> serde_json::Value {
    json!({
        "displayName": user.display_name,
        "mail": user.mail,
        "userPrincipalName": user.user_principal_name,
    })
}

fn matches(user: &DirectoryUser, clause: &Clause) -> bool {
    match clause {
        Clause::Mail(value) => user.mail.eq_ignore_ascii_case(value),
        Clause::UserPrincipalName(value) => user.user_principal_name.eq_ignore_ascii_case(value),
        Clause::ProxyAddress(value) => user
            .proxy_addresses
            .iter()
            .any(|proxy| proxy.eq_ignore_ascii_case(value)),
    }
}

fn parse(filter: &str) -> Result<Vec<Clause>, String> {
    let mut clauses = Vec::new();
    let mut rest = filter;
    loop {
        let (clause, after) = if let Some(after) = rest.strip_prefix("mail eq ") {
            let (value, after) = literal(after)?;
            (Clause::Mail(value), after)
        } else if let Some(after) = rest.strip_prefix("userPrincipalName eq ") {
            let (value, after) = literal(after)?;
            (Clause::UserPrincipalName(value), after)
        } else if let Some(after) = rest.strip_prefix("proxyAddresses/any(p:p eq ") {
            let (value, after) = literal(after)?;
            let after = after
                .strip_prefix(')')
                .ok_or("Syntax error: ')' expected in lambda")?;
            (Clause::ProxyAddress(value), after)
        } else {
            return Err(format!("Invalid filter clause at: {rest}"));
        };
        clauses.push(clause);
        if after.is_empty() {
            return Ok(clauses);
        }
        rest = after
            .strip_prefix(" or ")
            .ok_or_else(|| format!("Syntax error at: {after}"))?;
    }
}

/// A quoted literal at the start of `text`, and what follows it.
fn literal(text: &str) -> Result<(String, &str), String> {
    let body = text
        .strip_prefix('\'')
        .ok_or("Syntax error: string literal expected")?;
    let mut value = String::new();
    let mut chars = body.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        if c != '\'' {
            value.push(c);
        } else if matches!(chars.peek(), Some((_, '\''))) {
            chars.next();
            value.push('\'');
        } else {
            return Ok((value, &body[at + 1..]));
        }
    }
    Err("Syntax error: unterminated string literal".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_filter_is_read_strictly() {
        assert_eq!(
            parse("mail eq 'o''b@x' or proxyAddresses/any(p:p eq 'smtp:o''b@x')").unwrap(),
            vec![
                Clause::Mail("o'b@x".into()),
                Clause::ProxyAddress("smtp:o'b@x".into())
            ]
        );
        for bad in [
            "mail eq 'x",
            "mail eq x",
            "mail ne 'x'",
            "mail eq 'x' and mail eq 'y'",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }
}
