//! What a step of a Graph insert wants next: a request sent, a wait, or
//! nothing more (its action is settled), and the requests it sends: a
//! Graph request, the next page of a list, a `$batch` of lookups, or a
//! contact's photo.

use ferry_shared::convert::graph::{BatchRequest, ContactPhoto, GraphRequest};
use std::time::Duration;
use url::Url;

/// One request to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outgoing {
    /// A request below the API root.
    Graph(GraphRequest),
    /// `GET` of a list's next page (a checked `@odata.nextLink`).
    Page(Url),
    /// `POST /$batch`.
    Batch(BatchRequest),
    /// `PUT` of a photo's bytes to `url` (below the API root).
    Photo { url: String, photo: ContactPhoto },
}

/// The next move of one step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Next {
    /// Send this request and hand back the answer.
    Send(Outgoing),
    /// Wait this long (Graph asked for it), then ask again.
    Wait(Duration),
    /// The action is settled.
    Finished,
}
