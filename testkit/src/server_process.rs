//! What the test servers (Dovecot, Radicale) share when they start: a
//! free port on 127.0.0.1 and a few tries, since a port found free may be
//! taken by another process before the server binds it.

use std::io;
use std::net::TcpListener;

/// A port on 127.0.0.1 that was free a moment ago.
pub fn free_port() -> io::Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// Runs `start` up to five times, returning its first success or its
/// last error (`name` names the server when it never ran).
pub fn start_with_retries<T>(
    name: &str,
    mut start: impl FnMut() -> io::Result<T>,
) -> io::Result<T> {
    let mut last_error = None;
    for _ in 0..5 {
        match start() {
            Ok(server) => return Ok(server),
            Err(err) => last_error = Some(err),
        }
    }
    Err(last_error.unwrap_or_else(|| io::Error::other(format!("{name} did not start"))))
}
