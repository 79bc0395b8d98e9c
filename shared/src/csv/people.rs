//! People in Outlook's organizer and attendee columns: display names
//! (`Okafor, Ben`), bare addresses, or both (`Ben Okafor <ben@example.com>`),
//! several separated by `;`.

use super::values::list;
use crate::model::Person;

/// One organizer or attendee. An entry with `@` is an e-mail address.
pub(super) fn person(entry: &str) -> Option<Person> {
    let entry = unquote(entry.trim());
    if entry.is_empty() {
        return None;
    }
    if let Some((name, rest)) = entry.split_once('<')
        && let Some(address) = rest.strip_suffix('>')
    {
        let email = address_of(address);
        let name = unquote(name.trim());
        let name = if name.is_empty() && email.is_none() {
            address.trim()
        } else {
            name
        };
        let person = Person {
            name: (!name.is_empty()).then(|| name.to_string()),
            email,
        };
        return (person.name.is_some() || person.email.is_some()).then_some(person);
    }
    Some(match address_of(entry) {
        Some(email) => Person {
            name: None,
            email: Some(email),
        },
        None => Person {
            name: Some(entry.to_string()),
            email: None,
        },
    })
}

/// Every person of a `;`-separated column.
pub(super) fn people(value: &str) -> Vec<Person> {
    list(value)
        .iter()
        .filter_map(|entry| person(entry))
        .collect()
}

/// The address in `text` when it is one (`mailto:` removed).
fn address_of(text: &str) -> Option<String> {
    let text = text.trim();
    let text = text
        .get(..7)
        .filter(|prefix| prefix.eq_ignore_ascii_case("mailto:"))
        .and_then(|_| text.get(7..))
        .unwrap_or(text)
        .trim();
    (text.contains('@') && !text.contains(char::is_whitespace)).then(|| text.to_string())
}

/// `'Jane Doe'` or `"Jane Doe"` without the quotes.
fn unquote(text: &str) -> &str {
    for quote in ['"', '\''] {
        if let Some(inner) = text
            .strip_prefix(quote)
            .and_then(|rest| rest.strip_suffix(quote))
        {
            return inner.trim();
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(name: Option<&str>, email: Option<&str>) -> Person {
        Person {
            name: name.map(str::to_string),
            email: email.map(str::to_string),
        }
    }

    #[test]
    fn names_addresses_and_both() {
        assert_eq!(person("Okafor, Ben"), Some(p(Some("Okafor, Ben"), None)));
        assert_eq!(
            person(" ana@example.com "),
            Some(p(None, Some("ana@example.com")))
        );
        assert_eq!(
            person("'Ana Ruiz' <mailto:ana@example.com>"),
            Some(p(Some("Ana Ruiz"), Some("ana@example.com")))
        );
        assert_eq!(person("  "), None);
        assert_eq!(person("<>"), None);
    }

    #[test]
    fn lists_of_people() {
        assert_eq!(
            people("Ana Ruiz;chen@example.com; ;Okafor, Ben"),
            vec![
                p(Some("Ana Ruiz"), None),
                p(None, Some("chen@example.com")),
                p(Some("Okafor, Ben"), None),
            ]
        );
    }
}
