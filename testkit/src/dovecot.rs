//! A real Dovecot 2.3 (Debian `dovecot-imapd`) on loopback, for tests.
//!
//! Each [`Dovecot`] gets its own folder with its configuration, runtime
//! directory, log, password file and mail, a free port on 127.0.0.1, and is
//! stopped when dropped. Two shapes model the usual migration: a legacy
//! server with separator `.` and every folder under `INBOX.`, and an
//! Exchange-like one with separator `/` and folders at the top.

use crate::server_process::{free_port, make_certificate, start_with_retries};
use std::fmt::Write as _;
use std::io::{self, BufRead, BufReader};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Where Debian installs the server.
pub const DOVECOT_BIN: &str = "/usr/sbin/dovecot";

/// How folders are named on the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// Separator `.`, personal folders under `INBOX.` (Courier, old Dovecot,
    /// Cyrus style).
    LegacyDotted,
    /// Separator `/`, folders at the top level (Exchange, Gmail style).
    Slash,
}

/// What to start.
#[derive(Debug, Clone)]
pub struct DovecotOptions {
    pub layout: Layout,
    /// `(user, password)` pairs.
    pub users: Vec<(String, String)>,
    /// Flush to disk on every change. Off for benchmarks, so the tools are
    /// measured rather than the disk.
    pub fsync: bool,
    /// Offer COMPRESS=DEFLATE (the `imap_zlib` plugin).
    pub compress: bool,
    /// Mark `Sent`, `Drafts`, `Trash`, `Junk`, `Archive` with SPECIAL-USE
    /// flags, under these names (relative to the personal namespace).
    pub special_use: Vec<(&'static str, &'static str)>,
    /// An admin account that may log in as any user (Dovecot master user;
    /// SASL PLAIN with an authorization identity): `(name, password)`.
    pub master_user: Option<(String, String)>,
    /// Accept OAuth2 bearer tokens (XOAUTH2, OAUTHBEARER): JWTs signed with
    /// HS256 and this key, validated locally by Dovecot's oauth2 passdb.
    /// Make tokens with [`Dovecot::oauth2_token`].
    pub oauth2_key: Option<Vec<u8>>,
    /// Serve TLS (a fresh self-signed certificate for 127.0.0.1): STARTTLS
    /// on the plain port, implicit TLS on [`Dovecot::tls_addr`].
    pub tls: bool,
    /// Refuse messages larger than this (quota plugin's
    /// `quota_max_mail_size`): APPEND answers NO.
    pub max_mail_size: Option<u64>,
}

impl DovecotOptions {
    pub fn new(layout: Layout) -> Self {
        Self {
            layout,
            users: vec![("alice".into(), "alice-secret".into())],
            fsync: true,
            compress: false,
            special_use: Vec::new(),
            max_mail_size: None,
            tls: false,
            master_user: None,
            oauth2_key: None,
        }
    }
}

/// A running Dovecot. Stopped (and its folder removed) on drop.
pub struct Dovecot {
    child: Child,
    addr: SocketAddr,
    tls_addr: Option<SocketAddr>,
    dir: tempfile::TempDir,
    options: DovecotOptions,
}

impl Dovecot {
    /// Starts a server and waits until it greets.
    pub fn start(options: DovecotOptions) -> io::Result<Self> {
        start_with_retries("dovecot", || Self::try_start(&options))
    }

    fn try_start(options: &DovecotOptions) -> io::Result<Self> {
        let dir = tempfile::Builder::new()
            .prefix("ferry-dovecot-")
            .tempdir()?;
        let port = free_port()?;
        let tls_port = if options.tls {
            Some(free_port()?)
        } else {
            None
        };
        write_config(dir.path(), port, tls_port, options)?;
        let child = Command::new(DOVECOT_BIN)
            .arg("-F")
            .arg("-c")
            .arg(dir.path().join("dovecot.conf"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()?;
        let mut server = Self {
            child,
            addr: SocketAddr::from(([127, 0, 0, 1], port)),
            tls_addr: tls_port.map(|p| SocketAddr::from(([127, 0, 0, 1], p))),
            dir,
            options: options.clone(),
        };
        // On failure `server` is dropped, which stops the child.
        server.wait_ready(Duration::from_secs(20))?;
        Ok(server)
    }

    /// Address of the plain IMAP listener.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Address of the implicit-TLS listener, when started with `tls`.
    pub fn tls_addr(&self) -> Option<SocketAddr> {
        self.tls_addr
    }

    /// The server certificate (DER), when started with `tls`: what an admin
    /// would pin for a self-signed server.
    pub fn certificate_der(&self) -> Option<Vec<u8>> {
        std::fs::read(self.dir.path().join("cert.der")).ok()
    }

    /// A signed access token for `user`, valid for an hour, when started
    /// with `oauth2_key`.
    pub fn oauth2_token(&self, user: &str) -> Option<String> {
        let key = self.options.oauth2_key.as_ref()?;
        Some(oauth2_token_with(key, user, Duration::from_secs(3600)))
    }

    /// The options it was started with.
    pub fn options(&self) -> &DovecotOptions {
        &self.options
    }

    /// Dovecot's log, for diagnosing a failed test.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("dovecot.log")).unwrap_or_default()
    }

    /// The server's own folder (configuration, mail, log).
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    fn wait_ready(&mut self, timeout: Duration) -> io::Result<()> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(status) = self.child.try_wait()? {
                let mut stderr = String::new();
                if let Some(pipe) = self.child.stderr.take() {
                    for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                        stderr.push_str(&line);
                        stderr.push('\n');
                    }
                }
                return Err(io::Error::other(format!(
                    "dovecot exited with {status}: {stderr}{}",
                    self.log()
                )));
            }
            if let Ok(stream) = TcpStream::connect_timeout(&self.addr, Duration::from_millis(200)) {
                stream.set_read_timeout(Some(Duration::from_secs(5)))?;
                let mut greeting = String::new();
                BufReader::new(stream).read_line(&mut greeting)?;
                if greeting.starts_with("* OK") {
                    return Ok(());
                }
            }
            if Instant::now() > deadline {
                return Err(io::Error::new(
                    io::ErrorKind::TimedOut,
                    "dovecot did not greet",
                ));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Dovecot {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        // Dovecot's children exit when the master goes; give them a moment
        // before the folder is removed.
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// An access token Dovecot started with `oauth2_key = key` accepts for
/// `user` until `lifetime` has passed (the `exp` claim, whole seconds;
/// Dovecot refuses it afterwards): HS256, key id `default`.
pub fn oauth2_token_with(key: &[u8], user: &str, lifetime: Duration) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs();
    let header = base64url(br#"{"alg":"HS256","typ":"JWT","kid":"default"}"#);
    // Test user names are plain words: no JSON escaping needed.
    let claims = format!(
        r#"{{"sub":"{user}","iat":{now},"exp":{}}}"#,
        now + lifetime.as_secs()
    );
    let signed = format!("{header}.{}", base64url(claims.as_bytes()));
    let signature = base64url(&hmac_sha256(key, signed.as_bytes()));
    format!("{signed}.{signature}")
}

/// The user (`sub`) of a token [`oauth2_token_with`] made with `key`,
/// when its signature is right and it has not expired: what a server
/// accepting the test provider's tokens checks.
pub fn oauth2_token_user(key: &[u8], token: &str) -> Option<String> {
    use base64::Engine as _;
    let (signed, signature) = token.rsplit_once('.')?;
    if base64url(&hmac_sha256(key, signed.as_bytes())) != signature {
        return None;
    }
    let claims = signed.split_once('.')?.1;
    let claims = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(claims)
        .ok()?;
    let claims: serde_json::Value = serde_json::from_slice(&claims).ok()?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs();
    if claims["exp"].as_u64()? <= now {
        return None;
    }
    claims["sub"].as_str().map(str::to_string)
}

fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    use sha2::{Digest, Sha256};
    let mut block = [0u8; 64];
    if key.len() > 64 {
        block[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let pad = |byte: u8| block.map(|b| b ^ byte);
    let inner = Sha256::new()
        .chain_update(pad(0x36))
        .chain_update(message)
        .finalize();
    Sha256::new()
        .chain_update(pad(0x5c))
        .chain_update(inner)
        .finalize()
        .into()
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

fn base64_with(bytes: &[u8], alphabet: &[u8; 64], pad: bool) -> String {
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let v = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(alphabet[((v >> (18 - 6 * i)) & 63) as usize] as char);
            } else if pad {
                out.push('=');
            }
        }
    }
    out
}

fn base64url(bytes: &[u8]) -> String {
    let mut alphabet = *B64;
    alphabet[62] = b'-';
    alphabet[63] = b'_';
    base64_with(bytes, &alphabet, false)
}

/// The account that owns mail files. Dovecot refuses root for mail access,
/// so when tests run as root the mail belongs to Debian's `dovecot` user.
fn mail_owner() -> (String, bool) {
    let uid = current_uid();
    if uid == 0 {
        ("dovecot".to_string(), true)
    } else {
        (uid.to_string(), false)
    }
}

/// The real user id, read from /proc (no libc dependency needed).
fn current_uid() -> u32 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|line| line.strip_prefix("Uid:"))
                .and_then(|rest| rest.split_whitespace().next())
                .and_then(|uid| uid.parse().ok())
        })
        .unwrap_or(0)
}

fn write_config(
    dir: &Path,
    port: u16,
    tls_port: Option<u16>,
    options: &DovecotOptions,
) -> io::Result<()> {
    let path = |name: &str| -> PathBuf { dir.join(name) };
    for sub in ["run", "state", "home"] {
        std::fs::create_dir_all(path(sub))?;
    }
    let mut passwd = String::new();
    for (user, password) in &options.users {
        // Test accounts only; the password file lives in the temp folder.
        let _ = writeln!(passwd, "{user}:{{PLAIN}}{password}::::::");
        std::fs::create_dir_all(path("home").join(user))?;
    }
    std::fs::write(path("passwd"), passwd)?;

    let (owner, as_root) = mail_owner();
    if as_root {
        let status = Command::new("chown")
            .arg("-R")
            .arg(format!("{owner}:{owner}"))
            .arg(path("home"))
            .status()?;
        if !status.success() {
            return Err(io::Error::other("chown of the mail folder failed"));
        }
    }
    let (login_user, internal_user) = if as_root {
        ("dovenull".to_string(), "dovecot".to_string())
    } else {
        (owner.clone(), owner.clone())
    };
    let owner_line = if as_root {
        format!("mail_uid = {owner}\nmail_gid = {owner}\n")
    } else {
        String::new()
    };
    let (separator, prefix, location) = match options.layout {
        Layout::LegacyDotted => (".", "INBOX.", "maildir:~/Maildir"),
        Layout::Slash => ("/", "", "maildir:~/Maildir:LAYOUT=fs"),
    };
    let mut plugins = String::new();
    if options.compress {
        plugins.push_str("protocol imap {\n  mail_plugins = $mail_plugins imap_zlib\n}\n");
    }
    let quota_plugin = if let Some(max) = options.max_mail_size {
        plugins.push_str(&format!(
            "plugin {{\n  quota = count:User quota\n  quota_vsizes = yes\n  quota_max_mail_size = {max}\n}}\n"
        ));
        " quota"
    } else {
        ""
    };
    let mut special = String::new();
    for (name, flag) in &options.special_use {
        let _ = write!(
            special,
            "  mailbox \"{name}\" {{\n    special_use = {flag}\n    auto = create\n  }}\n"
        );
    }
    let oauth2 = match &options.oauth2_key {
        Some(key) => {
            // Dovecot looks HS256 keys up as <prefix>/<azp>/<alg>/<kid>.
            let keys = path("oauth2-keys").join("default").join("HS256");
            std::fs::create_dir_all(&keys)?;
            std::fs::write(keys.join("default"), base64_with(key, B64, true))?;
            if as_root {
                Command::new("chmod")
                    .arg("-R")
                    .arg("a+rX")
                    .arg(path("oauth2-keys"))
                    .status()?;
            }
            std::fs::write(
                path("oauth2.conf"),
                format!(
                    "introspection_mode = local\nlocal_validation_key_dict = fs:posix:prefix={}/\nusername_attribute = sub\nusername_format = %u\n",
                    path("oauth2-keys").display()
                ),
            )?;
            format!(
                "passdb {{\n  driver = oauth2\n  mechanisms = xoauth2 oauthbearer\n  args = {}\n}}\n",
                path("oauth2.conf").display()
            )
        }
        None => String::new(),
    };
    let mechanisms = if options.oauth2_key.is_some() {
        "plain login xoauth2 oauthbearer"
    } else {
        "plain login"
    };
    let master = match &options.master_user {
        Some((name, password)) => {
            std::fs::write(
                path("master-users"),
                format!("{name}:{{PLAIN}}{password}::::::\n"),
            )?;
            format!(
                "passdb {{\n  driver = passwd-file\n  master = yes\n  pass = yes\n  args = scheme=PLAIN username_format=%u {}\n}}\n",
                path("master-users").display()
            )
        }
        None => String::new(),
    };
    let ssl = match tls_port {
        Some(_) => {
            make_certificate(dir)?;
            format!(
                "ssl = yes\nssl_cert = <{}\nssl_key = <{}\n",
                path("cert.pem").display(),
                path("key.pem").display()
            )
        }
        None => "ssl = no\n".to_string(),
    };
    let imaps_port = tls_port.unwrap_or(0);
    let config = format!(
        "# Generated by ferry-testkit for one test; not for production.\n\
         base_dir = {run}\n\
         state_dir = {state}\n\
         instance_name = ferry-test-{port}\n\
         log_path = {log}\n\
         protocols = imap\n\
         listen = 127.0.0.1\n\
         {ssl}\
         disable_plaintext_auth = no\n\
         auth_mechanisms = {mechanisms}\n\
         mail_location = {location}\n\
         mail_fsync = {fsync}\n\
         first_valid_uid = 0\n\
         first_valid_gid = 0\n\
         {owner_line}\
         default_login_user = {login_user}\n\
         default_internal_user = {internal_user}\n\
         default_internal_group = {internal_user}\n\
         imap_max_line_length = 1M\n\
         # listescape: folder names may hold '/' and the other separator,
         # as on the servers users migrate from.\n\
         mail_plugins = $mail_plugins listescape{quota_plugin}\n\
         {oauth2}{master}passdb {{\n  driver = passwd-file\n  args = scheme=PLAIN username_format=%u {passwd}\n}}\n\
         userdb {{\n  driver = static\n  args = home={home}/%u\n}}\n\
         namespace inbox {{\n  inbox = yes\n  separator = {separator}\n  prefix = {prefix}\n{special}}}\n\
         service imap-login {{\n  chroot =\n  inet_listener imap {{\n    address = 127.0.0.1\n    port = {port}\n  }}\n  inet_listener imaps {{\n    address = 127.0.0.1\n    port = {imaps_port}\n  }}\n}}\n\
         service anvil {{\n  chroot =\n}}\n\
         {plugins}",
        run = path("run").display(),
        state = path("state").display(),
        log = path("dovecot.log").display(),
        passwd = path("passwd").display(),
        home = path("home").display(),
        fsync = if options.fsync { "optimized" } else { "never" },
    );
    std::fs::write(path("dovecot.conf"), config)
}
