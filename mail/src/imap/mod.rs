//! IMAP client: a sans-I/O connection ([`connection`]) that turns commands
//! into bytes and bytes into events, with imap-codec doing all the grammar;
//! its async driver ([`session`]) over TCP, TLS or STARTTLS ([`transport`]).

pub mod connection;
pub mod framing;
pub mod session;
pub mod throttle;
pub mod transport;

pub use connection::{ClientConnection, Event, ProtocolError};
pub use session::{
    Capabilities, Completion, Credentials, Endpoint, ImapError, Session, SessionOptions,
};
pub use transport::Security;
