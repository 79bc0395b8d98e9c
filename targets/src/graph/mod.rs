//! Microsoft Graph: the actions of a conversion
//! ([`ferry_shared::convert::graph::convert`]) carried out exactly once,
//! the sibling of [`crate::ews`]. Each create is looked up by its source
//! key (Ferry's extended property) before it is `POST`ed; `429` and
//! `503` are retried after `Retry-After`; a lost answer leads to a new
//! lookup, never to a blind resend; `401` stops the run. The requests
//! and answers are written and read by
//! [`ferry_shared::convert::graph`]; the protocol logic here is sans-I/O
//! ([`insert`]), driven by [`client`] with an OAuth2 bearer token.
//! The lookups of many items go together in `POST /$batch` (each
//! answer inside handled on its own; the creates stay one `POST` each,
//! see [`creates`]); every list is read to its last page; tasks go to a
//! To Do list found or made by name; a contact's photo follows it.
//! Then the occurrences of series are deleted or changed.
//!
//! * [`options`] — every setting and limit, with its default.
//! * [`endpoint`] — a step's request made an HTTP request.
//! * [`answer`] — what an HTTP answer (alone or in a `$batch`) means.
//! * [`step`] — what a step wants next.
//! * [`paging`] — lists read to their last page (`@odata.nextLink`).
//! * [`todo_list`] — the To Do list tasks go to, found or made.
//! * [`waiting_tasks`] — tasks held back until their list is known.
//! * [`create`] — one item created, exactly once.
//! * [`photo`] — a contact's photo, after the contact.
//! * [`creates`] — all creates, their lookups in `$batch`es.
//! * [`occurrence`] — one occurrence deleted or changed.
//! * [`insert`] — all actions, in order, and the report.
//! * [`client`] — the tokio driver.
//! * [`users`] — an address looked up in the directory (`/users`).
//! * [`me`] — who the token signs in as (`/me`).
//!
//! The report, its outcomes, the run's ledger and the driver's steps are
//! those of the EWS transport ([`crate::ews::report`],
//! [`crate::ews::ledger`], [`crate::ews::Step`]).

pub mod answer;
pub mod client;
pub mod create;
pub mod creates;
#[cfg(test)]
mod creates_tests;
pub mod endpoint;
pub mod insert;
#[cfg(test)]
mod insert_tests;
pub mod me;
pub mod occurrence;
#[cfg(test)]
mod occurrence_tests;
pub mod options;
pub mod paging;
pub mod photo;
#[cfg(test)]
mod photo_tests;
pub mod step;
pub mod todo_list;
#[cfg(test)]
mod todo_list_tests;
pub mod users;
pub mod waiting_tasks;

pub use client::GraphClient;
pub use insert::Insert;
pub use options::{DEFAULT_BASE_URL, GraphOptions, TodoList};
