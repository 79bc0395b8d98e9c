//! What a step of a Graph insert wants next: a request sent, a wait, or
//! nothing more (its action is settled).

use ferry_shared::convert::graph::GraphRequest;
use std::time::Duration;

/// The next move of one step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Next {
    /// Send this request and hand back the answer.
    Send(GraphRequest),
    /// Wait this long (Graph asked for it), then ask again.
    Wait(Duration),
    /// The action is settled.
    Finished,
}
