//! Every setting and limit of an EWS insert, each with a documented
//! default: where the server is and how it is found (Autodiscover), how
//! requests are headed, batch size and lookup pages, how many addresses
//! one check resolves, how often and how long to retry.

use crate::http::HttpOptions;
use ferry_shared::convert::ews::EwsSettings;
use ferry_shared::convert::requests::DEFAULT_BATCH_SIZE;
use std::time::Duration;

/// How an insert talks to the EWS endpoint.
#[derive(Debug, Clone)]
pub struct EwsOptions {
    /// Timeouts, response size limit, pinned certificate (see
    /// [`HttpOptions`]).
    pub http: HttpOptions,
    /// `RequestServerVersion` and `ExchangeImpersonation` (the mailbox
    /// acted for), written into every SOAP header. Default: Exchange
    /// 2013 SP1, no impersonation.
    pub settings: EwsSettings,
    /// Sent as `X-AnchorMailbox` (the impersonated mailbox's address, so
    /// Exchange routes to its server). Default none.
    pub anchor_mailbox: Option<String>,
    /// Items per FindItem-then-CreateItem batch, and so the most source
    /// keys one lookup's `Or` restriction names. Default 50.
    pub batch_size: usize,
    /// Items listed per page of a lookup's answer
    /// (`MaxEntriesReturned`). Default 100 (two per key of a full
    /// batch: a key is normally there once).
    pub lookup_page_size: usize,
    /// Pages of one lookup's answer read at most; when more follow, the
    /// keys not found by then are failed, not created. Default 10.
    pub max_lookup_pages: usize,
    /// Addresses one [`resolve_names`](crate::ews::EwsClient::resolve_names)
    /// call checks at most (one ResolveNames request each, as the schema
    /// allows one entry per request). Default 500.
    pub max_resolve_addresses: usize,
    /// Tries of one request while the server answers busy
    /// (`ErrorServerBusy`, HTTP 429 or 503), the first included. Default 5.
    pub max_busy_tries: u32,
    /// Tries of one step after the connection broke off or timed out,
    /// the first included; before a CreateItem is tried again, its items
    /// are looked up again. Default 3.
    pub max_lost_tries: u32,
    /// Wait after a busy answer naming no time. Default 2 s.
    pub default_busy_wait: Duration,
    /// Longest wait honoured from `BackOffMilliseconds` or
    /// `Retry-After`. Default 5 min (Exchange Online asks up to about
    /// that).
    pub max_busy_wait: Duration,
    /// How the EWS URL is found when none is given.
    pub autodiscover: AutodiscoverOptions,
}

/// How Autodiscover looks for the EWS URL.
#[derive(Debug, Clone)]
pub struct AutodiscoverOptions {
    /// Redirects (`RedirectAddress`, `RedirectUrl`) followed at most.
    /// Default 3.
    pub max_redirects: usize,
    /// Whether loopback addresses (and plain `http` to them) may be
    /// asked and used: for tests against a server on this machine only.
    /// Private and link-local addresses stay refused. Default false.
    pub allow_loopback: bool,
}

impl Default for AutodiscoverOptions {
    fn default() -> Self {
        Self {
            max_redirects: 3,
            allow_loopback: false,
        }
    }
}

impl Default for EwsOptions {
    fn default() -> Self {
        Self {
            http: HttpOptions::default(),
            settings: EwsSettings::default(),
            anchor_mailbox: None,
            batch_size: DEFAULT_BATCH_SIZE,
            lookup_page_size: 100,
            max_lookup_pages: 10,
            max_resolve_addresses: 500,
            max_busy_tries: 5,
            max_lost_tries: 3,
            default_busy_wait: Duration::from_secs(2),
            max_busy_wait: Duration::from_secs(300),
            autodiscover: AutodiscoverOptions::default(),
        }
    }
}

impl crate::tries::TryLimits for EwsOptions {
    fn max_busy_tries(&self) -> u32 {
        self.max_busy_tries
    }

    fn max_lost_tries(&self) -> u32 {
        self.max_lost_tries
    }

    fn server_name(&self) -> &'static str {
        "the server"
    }
}
