//! What the test servers (Dovecot, Radicale) share when they start: a
//! free port on 127.0.0.1, a few tries (a port found free may be taken by
//! another process before the server binds it), and a self-signed
//! certificate for TLS.

use std::io;
use std::net::TcpListener;
use std::path::Path;
use std::process::{Command, Stdio};

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

/// Makes a self-signed certificate for 127.0.0.1 with openssl, in `dir`:
/// `key.pem` and `cert.pem` for the server, `cert.der` for pinning.
pub fn make_certificate(dir: &Path) -> io::Result<()> {
    let status = Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=127.0.0.1",
        ])
        .args(["-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"])
        .arg("-keyout")
        .arg(dir.join("key.pem"))
        .arg("-out")
        .arg(dir.join("cert.pem"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()?;
    let der = Command::new("openssl")
        .args(["x509", "-outform", "der", "-in"])
        .arg(dir.join("cert.pem"))
        .arg("-out")
        .arg(dir.join("cert.der"))
        .status()?;
    if status.success() && der.success() {
        Ok(())
    } else {
        Err(io::Error::other(
            "openssl could not make a test certificate",
        ))
    }
}
