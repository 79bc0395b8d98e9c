//! A real Radicale 3 (Debian `radicale`) CalDAV/CardDAV server on loopback,
//! for tests.
//!
//! Each [`Radicale`] gets its own folder holding its configuration file, an
//! htpasswd file (plain passwords: test accounts only), its collection
//! storage and its log; it listens on a free port on 127.0.0.1 and is
//! stopped when dropped. Nothing outside that folder is read or written:
//! the system configuration (`/etc/radicale/config`) is bypassed with `-C`.

use crate::server_process::{free_port, make_certificate, start_with_retries};
use std::fmt::Write as _;
use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Where Debian installs the server.
pub const RADICALE_BIN: &str = "/usr/bin/radicale";

/// What to start.
#[derive(Debug, Clone)]
pub struct RadicaleOptions {
    /// `(user, password)` pairs written to the htpasswd file.
    pub users: Vec<(String, String)>,
    /// Largest request body the server accepts (`max_content_length`).
    pub max_content_length: u64,
    /// Seconds Radicale waits before answering a failed login (`delay`);
    /// short by default so wrong-password tests stay fast.
    pub auth_delay_secs: f64,
    /// Serve HTTPS with a fresh self-signed certificate for 127.0.0.1
    /// (made with `openssl`); see [`Radicale::certificate_der`].
    pub tls: bool,
}

impl Default for RadicaleOptions {
    fn default() -> Self {
        Self {
            users: vec![("alice".into(), "alice-secret".into())],
            max_content_length: 10_000_000,
            auth_delay_secs: 0.1,
            tls: false,
        }
    }
}

/// A running Radicale. Stopped (and its folder removed) on drop.
pub struct Radicale {
    child: Child,
    addr: SocketAddr,
    dir: tempfile::TempDir,
    options: RadicaleOptions,
}

impl Radicale {
    /// Starts a server and waits until it answers HTTP.
    pub fn start(options: RadicaleOptions) -> io::Result<Self> {
        start_with_retries("radicale", || Self::try_start(&options))
    }

    fn try_start(options: &RadicaleOptions) -> io::Result<Self> {
        let dir = tempfile::Builder::new()
            .prefix("ferry-radicale-")
            .tempdir()?;
        let port = free_port()?;
        write_config(dir.path(), port, options)?;
        let log = std::fs::File::create(dir.path().join("radicale.log"))?;
        let child = Command::new(RADICALE_BIN)
            .arg("-C")
            .arg(dir.path().join("config"))
            .env_remove("RADICALE_CONFIG")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::from(log))
            .spawn()?;
        let mut server = Self {
            child,
            addr: SocketAddr::from(([127, 0, 0, 1], port)),
            dir,
            options: options.clone(),
        };
        // On failure `server` is dropped, which stops the child.
        server.wait_ready(Duration::from_secs(20))?;
        Ok(server)
    }

    /// Address of the HTTP listener.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The server's root URL, with a trailing slash:
    /// `http://127.0.0.1:PORT/` (`https` when started with `tls`).
    pub fn base_url(&self) -> String {
        let scheme = if self.options.tls { "https" } else { "http" };
        format!("{scheme}://{}/", self.addr)
    }

    /// The server certificate (DER), when started with `tls`: what an admin
    /// would pin for a self-signed server.
    pub fn certificate_der(&self) -> Option<Vec<u8>> {
        std::fs::read(self.dir.path().join("cert.der")).ok()
    }

    /// The accounts, as `(user, password)`.
    pub fn users(&self) -> &[(String, String)] {
        &self.options.users
    }

    /// Where Radicale keeps the collections (`collection-root/USER/…`).
    pub fn storage_path(&self) -> PathBuf {
        self.dir.path().join("collections")
    }

    /// Radicale's log, for diagnosing a failed test.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("radicale.log")).unwrap_or_default()
    }

    /// The server's own folder (configuration, users, storage, log).
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    fn wait_ready(&mut self, timeout: Duration) -> io::Result<()> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(status) = self.child.try_wait()? {
                return Err(io::Error::other(format!(
                    "radicale exited with {status}: {}",
                    self.log()
                )));
            }
            if answers(self.addr, self.options.tls) {
                return Ok(());
            }
            if Instant::now() > deadline {
                return Err(io::Error::new(
                    io::ErrorKind::TimedOut,
                    format!("radicale did not answer: {}", self.log()),
                ));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Radicale {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Whether the server at `addr` answers: an HTTP status line for plain
/// HTTP; for TLS, accepting the connection (the handshake is the test's).
fn answers(addr: SocketAddr, tls: bool) -> bool {
    let Ok(mut stream) = TcpStream::connect_timeout(&addr, Duration::from_millis(200)) else {
        return false;
    };
    if tls {
        return true;
    }
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    if stream
        .write_all(b"OPTIONS / HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
        .is_err()
    {
        return false;
    }
    let mut head = [0u8; 5];
    stream.read_exact(&mut head).is_ok() && &head == b"HTTP/"
}

fn write_config(dir: &Path, port: u16, options: &RadicaleOptions) -> io::Result<()> {
    let mut htpasswd = String::new();
    for (user, password) in &options.users {
        // Test accounts only; the file lives in the temp folder.
        let _ = writeln!(htpasswd, "{user}:{password}");
    }
    std::fs::write(dir.join("users"), htpasswd)?;
    std::fs::create_dir_all(dir.join("collections"))?;
    let ssl = if options.tls {
        make_certificate(dir)?;
        format!(
            "ssl = True\ncertificate = {}\nkey = {}\n",
            dir.join("cert.pem").display(),
            dir.join("key.pem").display()
        )
    } else {
        String::new()
    };
    let config = format!(
        "# Generated by ferry-testkit for one test; not for production.\n\
         [server]\n\
         hosts = 127.0.0.1:{port}\n\
         max_content_length = {max_content_length}\n\
         {ssl}\
         [auth]\n\
         type = htpasswd\n\
         htpasswd_filename = {users}\n\
         htpasswd_encryption = plain\n\
         delay = {delay}\n\
         [rights]\n\
         type = owner_only\n\
         [storage]\n\
         filesystem_folder = {collections}\n\
         [web]\n\
         type = none\n\
         [logging]\n\
         level = warning\n\
         mask_passwords = True\n",
        max_content_length = options.max_content_length,
        users = dir.join("users").display(),
        delay = options.auth_delay_secs,
        collections = dir.join("collections").display(),
    );
    std::fs::write(dir.join("config"), config)
}
