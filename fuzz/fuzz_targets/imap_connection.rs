//! Whatever a server sends, the client connection yields events or a
//! protocol error, never a panic.
#![no_main]

use ferry_mail::imap::ClientConnection;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut conn = ClientConnection::new(1 << 16);
    conn.feed(b"* OK ready\r\n");
    conn.feed(data);
    for _ in 0..10_000 {
        match conn.next_event() {
            Ok(Some(_)) => {}
            Ok(None) | Err(_) => break,
        }
    }
});
