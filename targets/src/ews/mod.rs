//! Exchange Web Services: the operations of a conversion
//! ([`ferry_shared::convert::exchange::convert`]) carried out exactly
//! once. Each batch of items is looked up by source key (one FindItem
//! on Ferry's extended property for the whole batch) before the rest is
//! created (CreateItem);
//! per-item `ErrorServerBusy` is retried alone after its back-off; a
//! lost answer leads to a new lookup, never to a blind resend. Then the
//! occurrences of series are deleted or changed. The SOAP envelopes are
//! written and read by [`ferry_shared::convert::ews`]; the protocol logic
//! here is sans-I/O ([`insert`]), driven by [`client`]. Authentication is
//! Basic, NTLM, Negotiate (SPNEGO carrying NTLM, as Exchange
//! on-premises takes it without Kerberos), OAuth2 bearer, or chosen from
//! the server's offers (see [`crate::http::AuthMethod`]).
//!
//! * [`options`] — every setting and limit, with its default.
//! * [`endpoint`] — the URL and the SOAP `POST` with its headers.
//! * [`autodiscover`] — the EWS URL found from an e-mail address, when
//!   none is given.
//! * [`answer`] — what an HTTP answer means; tries against the limits.
//! * [`step`] — what a step wants next.
//! * [`ledger`] — outcomes and ItemIds recorded during a run.
//! * [`lookup`] — one FindItem for a batch's source keys, page by page.
//! * [`create`] — one batch of creates, exactly once.
//! * [`occurrence`] — one occurrence deleted or changed.
//! * [`insert`] — all operations, in order.
//! * [`report`] — per-operation outcomes and totals.
//! * [`resolve`] — addresses checked against the directory (ResolveNames).
//! * [`client`] — the tokio driver.
//!
//! The unit tests drive [`insert::Insert`] with answers shaped like
//! Exchange's (`test_support`), without a network.

pub mod answer;
pub mod autodiscover;
pub mod client;
pub mod create;
pub mod endpoint;
pub mod insert;
pub mod ledger;
pub mod lookup;
pub mod occurrence;
pub mod options;
pub mod report;
pub mod resolve;
pub mod step;
#[cfg(test)]
mod test_support;

pub use client::EwsClient;
pub use endpoint::{Endpoint, default_url};
pub use insert::{Insert, Step};
pub use options::{AutodiscoverOptions, EwsOptions};
pub use report::{InsertReport, ItemReport, OperationKind, Outcome, Totals};
pub use resolve::{Candidate, Resolution};
