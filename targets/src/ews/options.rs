//! Every setting and limit of an EWS insert, each with a documented
//! default: where the server is, how requests are headed, batch size,
//! how often and how long to retry.

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
    /// Items per FindItem-then-CreateItem batch. Default 50.
    pub batch_size: usize,
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
}

impl Default for EwsOptions {
    fn default() -> Self {
        Self {
            http: HttpOptions::default(),
            settings: EwsSettings::default(),
            anchor_mailbox: None,
            batch_size: DEFAULT_BATCH_SIZE,
            max_busy_tries: 5,
            max_lost_tries: 3,
            default_busy_wait: Duration::from_secs(2),
            max_busy_wait: Duration::from_secs(300),
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
