//! Test and benchmark support for Ferry, used by the integration tests and
//! the mail benchmark; never by the product.
//!
//! * [`dovecot`] starts a real Dovecot IMAP server on 127.0.0.1 from a
//!   generated configuration in a temporary folder: no system-wide change.
//! * [`mailgen`] generates a seeded, realistic, awkward mailbox.
//! * [`verify`] seeds servers and compares whole mailboxes strictly.
//! * [`radicale`] starts a real Radicale CalDAV/CardDAV server on 127.0.0.1.
//! * [`server_process`] — free ports and start retries for those servers.
//! * [`http_server`] — the HTTP plumbing of the stand-ins below.
//! * [`autodiscover_server`] answers SOAP Autodiscover's
//!   `GetUserSettings` for the EWS target's discovery.
//! * [`ews_server`] and [`graph_server`] stand in for Exchange's EWS and
//!   Microsoft Graph, which cannot run here: they validate what they
//!   receive and answer like Microsoft's published examples;
//!   [`exchange_series`] gives them the occurrences of a file's series.
//! * [`ntlm_guard`] puts an NTLM (and Negotiate) login, per connection,
//!   in front of a stand-in's handler, as IIS does for Exchange;
//!   [`ntlmv2`] checks each answer from the password on its own.
//! * [`oauth_provider`] stands in for an OAuth2 provider (code with
//!   PKCE, refresh with rotation) whose tokens Dovecot accepts.
//! * [`proxy`] cuts a connection mid-transfer, to test reconnecting.
//! * [`imap_client`] is the small blocking client those two use,
//!   independent of Ferry's own.

pub mod autodiscover_server;
pub mod dovecot;
pub mod ews_server;
pub mod exchange_series;
pub mod graph_server;
pub mod http_server;
pub mod imap_client;
pub mod mailgen;
pub mod ntlm_guard;
pub mod ntlmv2;
pub mod oauth_provider;
pub mod proxy;
pub mod radicale;
pub mod server_process;
pub mod verify;
