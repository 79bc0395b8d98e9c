//! Every setting and limit of a Graph insert, each with a documented
//! default: where the API is, whose mailbox and which folders, how
//! often and how long to retry, how many pages of a list are read, how
//! many lookups go in one `$batch`, and which To Do list tasks go to.

use crate::http::HttpOptions;
use ferry_shared::convert::graph::{GraphTarget, MAX_BATCH_REQUESTS};
use std::time::Duration;
use url::Url;

/// Microsoft Graph's v1.0 endpoint, the default base URL.
pub const DEFAULT_BASE_URL: &str = "https://graph.microsoft.com/v1.0";

/// Default for [`GraphOptions::max_pages`].
pub const DEFAULT_MAX_PAGES: u32 = 50;

/// Which To Do list tasks go to, when [`GraphTarget::task_list_id`]
/// names none (or the placeholder of written requests,
/// [`ferry_shared::convert::requests::TASK_LIST_PLACEHOLDER`]).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum TodoList {
    /// The user's default list (`wellknownListName` `defaultList`).
    #[default]
    Default,
    /// The list with this display name (exactly), created when there is
    /// none; found again on a re-run, so never made twice.
    Named(String),
}

/// How an insert talks to Graph.
#[derive(Debug, Clone)]
pub struct GraphOptions {
    /// Timeouts, response size limit, pinned certificate (see
    /// [`HttpOptions`]).
    pub http: HttpOptions,
    /// The API root the request paths (`/me/events`) are appended to.
    /// Default [`DEFAULT_BASE_URL`].
    pub base_url: Url,
    /// Whose mailbox, and which calendar, To Do list and contact folder
    /// (used for the lookups; the creates carry their own URLs). Default:
    /// the signed-in user's default folders.
    pub target: GraphTarget,
    /// Tries of one request while Graph answers `429` or `503`, the
    /// first included. Default 5.
    pub max_busy_tries: u32,
    /// Tries of one item after the connection broke off or timed out,
    /// the first included; before a `POST` is tried again, the item is
    /// looked up again. Default 3.
    pub max_lost_tries: u32,
    /// Wait after a busy answer naming no time. Default 2 s.
    pub default_busy_wait: Duration,
    /// Longest wait honoured from `Retry-After`. Default 5 min.
    pub max_busy_wait: Duration,
    /// Most pages (`@odata.nextLink`) read of one list: a lookup, a
    /// series' instances, the To Do lists. A list longer than this fails
    /// its step (an item is not created on a lookup not read to the
    /// end). Default [`DEFAULT_MAX_PAGES`].
    pub max_pages: u32,
    /// Lookups by source key sent together in one `POST /$batch`: 1 to
    /// [`MAX_BATCH_REQUESTS`] (Graph's limit; larger values count as
    /// 20, 0 as 1). Default 20.
    pub batch_size: usize,
    /// The To Do list tasks go to. Default [`TodoList::Default`].
    pub todo_list: TodoList,
}

impl GraphOptions {
    /// [`GraphOptions::batch_size`] within Graph's limit.
    pub fn batch_size(&self) -> usize {
        self.batch_size.clamp(1, MAX_BATCH_REQUESTS)
    }
}

impl Default for GraphOptions {
    fn default() -> Self {
        Self {
            http: HttpOptions::default(),
            base_url: Url::parse(DEFAULT_BASE_URL).unwrap_or_else(|_| unreachable!()),
            target: GraphTarget::default(),
            max_busy_tries: 5,
            max_lost_tries: 3,
            default_busy_wait: Duration::from_secs(2),
            max_busy_wait: Duration::from_secs(300),
            max_pages: DEFAULT_MAX_PAGES,
            batch_size: MAX_BATCH_REQUESTS,
            todo_list: TodoList::Default,
        }
    }
}

impl crate::tries::TryLimits for GraphOptions {
    fn max_busy_tries(&self) -> u32 {
        self.max_busy_tries
    }

    fn max_lost_tries(&self) -> u32 {
        self.max_lost_tries
    }

    fn server_name(&self) -> &'static str {
        "Graph"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_base_url_is_graph_v1() {
        assert_eq!(
            GraphOptions::default().base_url.as_str(),
            "https://graph.microsoft.com/v1.0"
        );
    }

    #[test]
    fn the_new_limits_have_their_documented_defaults() {
        let options = GraphOptions::default();
        assert_eq!(options.max_pages, 50);
        assert_eq!(options.batch_size(), 20);
        assert_eq!(options.todo_list, TodoList::Default);
        let odd = |batch_size| GraphOptions {
            batch_size,
            ..GraphOptions::default()
        };
        assert_eq!(odd(0).batch_size(), 1);
        assert_eq!(odd(500).batch_size(), 20);
    }
}
