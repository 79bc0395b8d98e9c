//! IMAP client: a sans-I/O connection ([`connection`]) that turns commands
//! into bytes and bytes into events, with imap-codec doing all the grammar.

pub mod connection;

pub use connection::{ClientConnection, Event, ProtocolError};
