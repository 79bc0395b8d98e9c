//! Folder names and rename rules from users or servers never panic the
//! mapping code, and names round-trip through modified UTF-7.
#![no_main]

use ferry_mail::folders::mapping::Substitution;
use ferry_mail::folders::name::{FolderName, decode_utf7, encode_utf7};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let name = FolderName::from_server(text, Some('.'), "INBOX.");
    let _ = name.to_server(Some('/'), "", '_');
    assert_eq!(decode_utf7(&encode_utf7(text)), text);
    if let Ok(rule) = Substitution::parse(text) {
        let _ = format!("{rule:?}");
    }
});
