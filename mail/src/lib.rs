//! Ferry's mail engine: copies a mailbox from one IMAP server to another,
//! exactly once per message, with flags and dates, resumable and fast.
//!
//! The protocol logic is sans-I/O — it takes what the servers said and says
//! what to do next — so it is tested without a network; a thin tokio driver
//! owns the sockets.
//!
//! * [`folders`] — folder names: modified UTF-7, separators and prefixes,
//!   special-use roles, include/exclude and rename rules.
//! * [`imap`] — the IMAP client: a sans-I/O connection and its driver.

pub mod folders;
pub mod imap;
pub mod sync;
