//! Settings of `ferry serve`, resolved from four layers in rising precedence:
//! built-in defaults, a TOML file, environment variables, flags.
//!
//! Environment variables and flags are both read by clap into
//! [`ServeArgs`]; this module lays them over the file and the defaults.
//! Unknown keys in the file are an error, so a typo never goes unnoticed.
//! `ferry.example.toml` at the repository's root names every key with
//! its default.
//!
//! * [`site`] — the deployment's own decisions: servers users may pick,
//!   allowed networks and ports, OAuth2 providers, sign-in limits,
//!   sessions, jobs, the store, admin mode.

pub mod site;

use crate::cli::ServeArgs;
use crate::error::BackendError;
use ferry_shared::ParseLimits;
use serde::Deserialize;
use site::{
    AdminConfig, JobConfig, LoginConfig, NetworkConfig, OAuthProvider, ServerConfig, SessionConfig,
    SiteConfig, StoreConfig,
};
use std::collections::BTreeMap;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The file read when no `--config` is given, if it exists.
pub const DEFAULT_CONFIG_FILE: &str = "ferry.toml";

/// Fully resolved settings of `ferry serve`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServeConfig {
    pub listen: SocketAddr,
    pub data_dir: PathBuf,
    pub static_dir: PathBuf,
    pub max_body_bytes: usize,
    pub request_timeout: Duration,
    pub limits: ParseLimits,
    pub site: SiteConfig,
}

impl Default for ServeConfig {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from((Ipv4Addr::LOCALHOST, 8080)),
            data_dir: PathBuf::from("ferry-data"),
            static_dir: PathBuf::from("dist"),
            max_body_bytes: 1024 * 1024,
            request_timeout: Duration::from_secs(30),
            limits: ParseLimits::default(),
            site: SiteConfig::default(),
        }
    }
}

/// The configuration file's shape. Every key is optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    listen: Option<SocketAddr>,
    data_dir: Option<PathBuf>,
    static_dir: Option<PathBuf>,
    max_body_bytes: Option<usize>,
    request_timeout_secs: Option<u64>,
    limits: Option<ParseLimits>,
    network: Option<NetworkConfig>,
    #[serde(default)]
    servers: Vec<ServerConfig>,
    #[serde(default)]
    oauth: BTreeMap<String, OAuthProvider>,
    login: Option<LoginConfig>,
    sessions: Option<SessionConfig>,
    jobs: Option<JobConfig>,
    store: Option<StoreConfig>,
    admin: Option<AdminConfig>,
}

impl ServeConfig {
    /// Resolves the settings from the defaults, the configuration file named
    /// by `args` (or `ferry.toml` if present) and `args` itself.
    pub fn resolve(args: &ServeArgs) -> Result<Self, BackendError> {
        let file = match &args.config {
            Some(path) => Some(read_file(path)?),
            None if Path::new(DEFAULT_CONFIG_FILE).is_file() => {
                Some(read_file(Path::new(DEFAULT_CONFIG_FILE))?)
            }
            None => None,
        };
        let config = Self::layer(file.unwrap_or_default(), args);
        config
            .check()
            .map_err(|message| BackendError::ConfigInvalid {
                path: args
                    .config
                    .clone()
                    .unwrap_or_else(|| PathBuf::from(DEFAULT_CONFIG_FILE)),
                message,
            })?;
        Ok(config)
    }

    /// What the file's shape cannot say: the site's servers complete,
    /// and a cookie without `Secure` only on loopback.
    pub fn check(&self) -> Result<(), String> {
        self.site.validate().map_err(|e| e.to_string())?;
        if !self.site.sessions.secure_cookie && !self.listen.ip().is_loopback() {
            return Err(
                "sessions.secure_cookie = false is allowed only when listening on loopback".into(),
            );
        }
        Ok(())
    }

    /// Parses a configuration file's text (used by `resolve` and tests).
    pub fn from_toml(text: &str, args: &ServeArgs) -> Result<Self, String> {
        let file = toml::from_str::<FileConfig>(text).map_err(|e| e.to_string())?;
        let config = Self::layer(file, args);
        config.check()?;
        Ok(config)
    }

    fn layer(file: FileConfig, args: &ServeArgs) -> Self {
        let defaults = Self::default();
        let limits = args.limits.apply_to(file.limits.unwrap_or(defaults.limits));
        Self {
            listen: args.listen.or(file.listen).unwrap_or(defaults.listen),
            data_dir: args
                .data_dir
                .clone()
                .or(file.data_dir)
                .unwrap_or(defaults.data_dir),
            static_dir: args
                .static_dir
                .clone()
                .or(file.static_dir)
                .unwrap_or(defaults.static_dir),
            max_body_bytes: args
                .max_body_bytes
                .or(file.max_body_bytes)
                .unwrap_or(defaults.max_body_bytes),
            request_timeout: args
                .request_timeout_secs
                .or(file.request_timeout_secs)
                .map(Duration::from_secs)
                .unwrap_or(defaults.request_timeout),
            limits,
            site: SiteConfig {
                network: file.network.unwrap_or_default(),
                servers: file.servers,
                oauth: file.oauth,
                login: file.login.unwrap_or_default(),
                sessions: file.sessions.unwrap_or_default(),
                jobs: file.jobs.unwrap_or_default(),
                store: file.store.unwrap_or_default(),
                admin: file.admin.unwrap_or_default(),
            },
        }
    }
}

fn read_file(path: &Path) -> Result<FileConfig, BackendError> {
    let text = std::fs::read_to_string(path).map_err(|source| BackendError::ConfigRead {
        path: path.to_path_buf(),
        source,
    })?;
    toml::from_str(&text).map_err(|e| BackendError::ConfigInvalid {
        path: path.to_path_buf(),
        message: e.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::LimitArgs;

    #[test]
    fn defaults_apply_without_file_or_flags() {
        let config = ServeConfig::from_toml("", &ServeArgs::default()).unwrap();
        assert_eq!(config, ServeConfig::default());
        assert_eq!(config.listen.to_string(), "127.0.0.1:8080");
    }

    #[test]
    fn flags_beat_the_file_which_beats_defaults() {
        let text = "listen = \"127.0.0.1:9000\"\ndata_dir = \"/var/lib/ferry\"\n\
                    [limits]\nmax_items = 10\nmax_line_bytes = 99\n";
        let args = ServeArgs {
            listen: Some("127.0.0.1:9100".parse().unwrap()),
            limits: LimitArgs {
                max_items: Some(20),
                ..LimitArgs::default()
            },
            ..ServeArgs::default()
        };
        let config = ServeConfig::from_toml(text, &args).unwrap();
        assert_eq!(config.listen.port(), 9100);
        assert_eq!(config.data_dir, PathBuf::from("/var/lib/ferry"));
        assert_eq!(config.limits.max_items, 20);
        assert_eq!(config.limits.max_line_bytes, 99);
        assert_eq!(
            config.limits.max_file_bytes,
            ParseLimits::DEFAULT_MAX_FILE_BYTES
        );
    }

    /// `ferry.example.toml` names every key with its default: read, it
    /// gives exactly the defaults (its servers and providers are
    /// commented out).
    #[test]
    fn the_example_file_is_the_defaults() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../ferry.example.toml");
        let text = std::fs::read_to_string(path).unwrap();
        let config = ServeConfig::from_toml(&text, &ServeArgs::default()).unwrap();
        assert_eq!(config, ServeConfig::default());
        // Uncommented, its example servers and provider are valid.
        let uncommented: String = text
            .lines()
            .map(|line| {
                line.strip_prefix("# ")
                    .filter(|rest| is_setting(rest))
                    .unwrap_or(line)
            })
            .collect::<Vec<_>>()
            .join("\n");
        let config = ServeConfig::from_toml(&uncommented, &ServeArgs::default()).unwrap();
        assert_eq!(config.site.servers.len(), 3, "{uncommented}");
        assert!(config.site.oauth.contains_key("microsoft"));
    }

    /// `scripts/local-demo.toml` (the README's local try-out) reads, lets
    /// users reach loopback on any port, and sends the cookie over plain
    /// HTTP only because it listens on loopback.
    #[test]
    fn the_local_demo_settings_are_valid_and_loopback_only() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/local-demo.toml");
        let text = std::fs::read_to_string(path).unwrap();
        let config = ServeConfig::from_toml(&text, &ServeArgs::default()).unwrap();
        assert!(config.listen.ip().is_loopback());
        assert!(!config.site.sessions.secure_cookie);
        let policy = config.site.network.policy();
        assert!(policy.allowed_ports.is_empty());
        assert_eq!(
            policy.allowed_networks,
            vec!["127.0.0.0/8".parse().unwrap()]
        );
    }

    /// A commented line of the example that is a setting, not prose.
    fn is_setting(line: &str) -> bool {
        line.starts_with('[')
            || line
                .split_once(" = ")
                .is_some_and(|(key, _)| !key.contains(' '))
    }

    #[test]
    fn incomplete_servers_and_an_insecure_cookie_off_loopback_are_refused() {
        let args = ServeArgs::default();
        let twice = "[[servers]]\nid = \"a\"\nlabel = \"A\"\nkind = \"imap\"\nhost = \"imap.example\"\n\
                     [[servers]]\nid = \"a\"\nlabel = \"B\"\nkind = \"graph\"\n";
        assert!(
            ServeConfig::from_toml(twice, &args)
                .unwrap_err()
                .contains("listed twice")
        );
        let no_host = "[[servers]]\nid = \"a\"\nlabel = \"A\"\nkind = \"imap\"\n";
        assert!(
            ServeConfig::from_toml(no_host, &args)
                .unwrap_err()
                .contains("needs a host")
        );
        let no_provider =
            "[[servers]]\nid = \"a\"\nlabel = \"A\"\nkind = \"graph\"\nauth = [\"oauth2\"]\n";
        assert!(
            ServeConfig::from_toml(no_provider, &args)
                .unwrap_err()
                .contains("oauth provider")
        );
        let unknown_admin_server = "[admin]\nenabled = true\nservers = [\"nowhere\"]\n";
        assert!(
            ServeConfig::from_toml(unknown_admin_server, &args)
                .unwrap_err()
                .contains("nowhere")
        );
        let insecure = "listen = \"0.0.0.0:8080\"\n[sessions]\nsecure_cookie = false\n";
        assert!(
            ServeConfig::from_toml(insecure, &args)
                .unwrap_err()
                .contains("loopback")
        );
        let local =
            "[sessions]\nsecure_cookie = false\n[network]\nallowed_networks = [\"127.0.0.0/8\"]\n";
        let config = ServeConfig::from_toml(local, &args).unwrap();
        assert!(!config.site.sessions.secure_cookie);
        assert_eq!(config.site.network.policy().allowed_networks.len(), 1);
    }

    #[test]
    fn unknown_keys_are_refused() {
        let err =
            ServeConfig::from_toml("lisen = \"127.0.0.1:1\"", &ServeArgs::default()).unwrap_err();
        assert!(err.contains("lisen"), "{err}");
    }
}
