//! Server bytes, split at arbitrary points, frame into contiguous, in-bounds
//! responses; the same bytes fed whole frame identically.
#![no_main]

use ferry_mail::imap::framing::Framer;
use libfuzzer_sys::fuzz_target;

fn frame(pieces: &[&[u8]]) -> Option<Vec<Vec<u8>>> {
    let mut framer = Framer::new(1 << 16);
    let mut out = Vec::new();
    for piece in pieces {
        framer.feed(piece);
        loop {
            match framer.next_response() {
                Ok(Some(range)) => {
                    assert!(range.start <= range.end && range.end <= framer.bytes().len());
                    out.push(framer.bytes()[range].to_vec());
                }
                Ok(None) => break,
                Err(_) => return None,
            }
        }
    }
    Some(out)
}

fuzz_target!(|data: &[u8]| {
    let Some((&split, rest)) = data.split_first() else {
        return;
    };
    let at = (split as usize).min(rest.len());
    let whole = frame(&[rest]);
    let pieces = frame(&[&rest[..at], &rest[at..]]);
    if let (Some(whole), Some(pieces)) = (whole, pieces) {
        assert_eq!(whole, pieces);
    }
});
