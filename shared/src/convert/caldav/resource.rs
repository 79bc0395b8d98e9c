//! What a CalDAV or CardDAV resource is called, and the UID of an item
//! that has none.
//!
//! * A resource is named after its UID: the bytes in `[A-Za-z0-9._-]` are
//!   kept and every other byte is percent-encoded (`%40` for `@`), so the
//!   name is a valid URL path segment as it stands, distinct UIDs give
//!   distinct names, and the same UID gives the same name on every run (a
//!   re-run overwrites instead of duplicating). A leading `.` is encoded
//!   too (no hidden files on servers that store resources as files). A
//!   name that would exceed [`MAX_NAME_STEM`] bytes is replaced by
//!   `uid-` and a hash of the UID.
//! * An item without UID gets `ferry-` and the hash of its written text
//!   (every property but UID and DTSTAMP): the same item gets the same
//!   UID on every run, different items get different ones, and two
//!   identical items get the same UID, so the second is a duplicate.
//!
//! The hash is 128-bit FNV-1a: stable across platforms and versions
//! (unlike `std`'s hasher), with no dependency.

/// The longest name before its extension, in bytes (servers and file
/// systems commonly allow 255 bytes for a path segment).
pub const MAX_NAME_STEM: usize = 200;

/// The resource name for `uid` with `extension` (`ics`, `vcf`).
pub fn resource_name(uid: &str, extension: &str) -> String {
    let mut stem = String::with_capacity(uid.len());
    for (index, byte) in uid.bytes().enumerate() {
        let safe = byte.is_ascii_alphanumeric() || matches!(byte, b'.' | b'_' | b'-');
        if safe && !(index == 0 && byte == b'.') {
            stem.push(char::from(byte));
        } else {
            stem.push_str(&format!("%{byte:02X}"));
        }
    }
    if stem.is_empty() || stem.len() > MAX_NAME_STEM {
        stem = format!("uid-{:032x}", fnv1a_128(uid.as_bytes()));
    }
    format!("{stem}.{extension}")
}

/// The UID given to an item without one, from its written text.
pub fn content_uid(text: &str) -> String {
    format!("ferry-{:032x}", fnv1a_128(text.as_bytes()))
}

/// 128-bit FNV-1a.
fn fnv1a_128(bytes: &[u8]) -> u128 {
    const OFFSET: u128 = 0x6c62272e07bb014262b821756295c58d;
    const PRIME: u128 = 0x0000000001000000000000000000013b;
    bytes.iter().fold(OFFSET, |hash, byte| {
        (hash ^ u128::from(*byte)).wrapping_mul(PRIME)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn safe_uids_are_kept_and_the_rest_percent_encoded() {
        assert_eq!(resource_name("abc-1.2_3", "ics"), "abc-1.2_3.ics");
        assert_eq!(
            resource_name("a@b/c d%é", "vcf"),
            "a%40b%2Fc%20d%25%C3%A9.vcf"
        );
        assert_eq!(resource_name("..", "ics"), "%2E..ics");
    }

    #[test]
    fn empty_and_overlong_uids_are_hashed() {
        let long = "x".repeat(MAX_NAME_STEM + 1);
        let name = resource_name(&long, "ics");
        assert_eq!(name.len(), "uid-".len() + 32 + ".ics".len());
        assert_ne!(name, resource_name(&"x".repeat(MAX_NAME_STEM + 2), "ics"));
        assert!(resource_name("", "ics").starts_with("uid-"));
        let exactly = "y".repeat(MAX_NAME_STEM);
        assert_eq!(resource_name(&exactly, "ics"), format!("{exactly}.ics"));
    }

    #[test]
    fn content_uids_are_stable_and_distinct() {
        // FNV-1a 128 of the empty input is its offset basis.
        assert_eq!(content_uid(""), "ferry-6c62272e07bb014262b821756295c58d");
        assert_eq!(content_uid("SUMMARY:a"), content_uid("SUMMARY:a"));
        assert_ne!(content_uid("SUMMARY:a"), content_uid("SUMMARY:b"));
    }
}
