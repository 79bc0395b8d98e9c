//! What a protocol step wants next: a SOAP envelope sent, a wait, or
//! nothing more (it has settled all its operations).

use std::time::Duration;

/// The next move of one step of an insert.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Next {
    /// Send this envelope and hand back the answer.
    Send(String),
    /// Wait this long (the server asked for it), then ask again.
    Wait(Duration),
    /// Every operation of the step is settled.
    Finished,
}
