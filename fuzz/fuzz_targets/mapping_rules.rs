//! Any text read as a user map or domain rewrites gives rules or errors
//! naming lines inside the text, never a panic; rules that were read
//! survive being written out and read again, and rewriting any address
//! with them never panics.
#![no_main]

use ferry_shared::mapping::addresses::{DomainRewrites, UserMap, rewrite};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let lines = text.lines().count().max(1);
    let (users, domains) = match (UserMap::parse(text), DomainRewrites::parse(text)) {
        (Ok(users), Ok(domains)) => (users, domains),
        (Err(errors), _) | (_, Err(errors)) => {
            for error in errors {
                assert!(error.line >= 1 && error.line <= lines);
            }
            return;
        }
    };
    assert_eq!(UserMap::parse(&users.0.to_text()).as_ref(), Ok(&users));
    for line in text.lines() {
        let _ = rewrite(line.trim(), &users, &domains);
    }
});
