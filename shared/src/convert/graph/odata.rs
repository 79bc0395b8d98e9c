//! OData query text and URL encoding: string literals quoted the OData
//! way (single quotes, a quote inside doubled), the source-key filter
//! built from them, and path segments and query values percent-encoded
//! so that no user text can change a URL's structure.

use super::values::{source_property_id, source_property_value};

/// `text` as an OData string literal: `'O''Brien'`.
pub fn string_literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// `$filter` text matching items whose source-key property is `key`.
pub fn source_key_filter(key: &str) -> String {
    format!(
        "singleValueExtendedProperties/Any(ep: ep/id eq {} and ep/value eq {})",
        string_literal(&source_property_id()),
        string_literal(&source_property_value(key)),
    )
}

/// `$expand` text that returns the source-key property with each item.
pub fn source_key_expand() -> String {
    format!(
        "singleValueExtendedProperties($filter=id eq {})",
        string_literal(&source_property_id())
    )
}

/// Percent-encodes every byte of `text` but RFC 3986's unreserved
/// characters and `keep`.
fn percent_encode(text: &str, keep: &[u8]) -> String {
    let mut encoded = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) || keep.contains(&byte) {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    encoded
}

/// `text` as one path segment (an item or folder id).
pub fn path_segment(text: &str) -> String {
    percent_encode(text, b"")
}

/// `text` as a query parameter's value; OData's punctuation stays
/// readable, `&`, `=`, `+`, `#`, `%`, spaces and braces are encoded.
pub fn query_value(text: &str) -> String {
    percent_encode(text, b"'()/:,$*@!;")
}

/// `?name=value&…` with every value encoded.
pub fn query(parameters: &[(&str, String)]) -> String {
    let pairs: Vec<String> = parameters
        .iter()
        .map(|(name, value)| format!("{name}={}", query_value(value)))
        .collect();
    format!("?{}", pairs.join("&"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_are_doubled_and_structure_is_encoded() {
        assert_eq!(string_literal("O'Brien's"), "'O''Brien''s'");
        assert_eq!(path_segment("AAMk/AD=="), "AAMk%2FAD%3D%3D");
        assert_eq!(
            query(&[("$filter", "a eq 'x&y=z'".into())]),
            "?$filter=a%20eq%20'x%26y%3Dz'"
        );
        assert_eq!(query_value("ü #{}"), "%C3%BC%20%23%7B%7D");
    }
}
