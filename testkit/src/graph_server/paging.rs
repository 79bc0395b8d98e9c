//! Lists answered in pages, as Graph does: with a page size set, a list
//! longer than a page is cut, and the answer links to the next page with
//! `@odata.nextLink` — an absolute URL on this server, the same query
//! and a `$skiptoken` saying where the next page starts. Scripted, the
//! next list answered links to another server instead.

use super::State;

impl State {
    /// The page of `all` that `url` asks for, and the link to the next.
    pub(super) fn page<T: Clone>(&mut self, url: &url::Url, all: &[T]) -> (Vec<T>, Option<String>) {
        let start: usize = url
            .query_pairs()
            .find(|(name, _)| name == "$skiptoken")
            .and_then(|(_, value)| value.parse().ok())
            .unwrap_or(0)
            .min(all.len());
        let size = self.page_size.unwrap_or(all.len().max(1));
        let end = start.saturating_add(size).min(all.len());
        let page = all[start..end].to_vec();
        let foreign = std::mem::take(&mut self.foreign_next_link);
        if end >= all.len() && !foreign {
            return (page, None);
        }
        let Some(mut next) = self.base_url.clone() else {
            return (page, None);
        };
        next.set_path(url.path());
        next.set_query(None);
        {
            let mut query = next.query_pairs_mut();
            for (name, value) in url.query_pairs().filter(|(name, _)| name != "$skiptoken") {
                query.append_pair(&name, &value);
            }
            query.append_pair("$skiptoken", &end.to_string());
        }
        if foreign {
            // Another port of the loopback address: another server, which
            // nothing listens on.
            let _ = next.set_port(Some(1));
        }
        (page, Some(next.to_string()))
    }
}
