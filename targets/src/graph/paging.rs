//! Lists read to the end: Graph answers a long list in pages, each but
//! the last naming the next with `@odata.nextLink` (an absolute URL).
//! [`Pages`] gathers the items of every page and says which page comes
//! next, up to [`GraphOptions::max_pages`]; a next link to another
//! server (scheme, host or port) or outside the API root is refused,
//! never followed (the bearer token would go with it).

use crate::graph::options::GraphOptions;
use ferry_shared::convert::graph::ItemList;
use serde::de::DeserializeOwned;
use url::Url;

/// What a page read leads to.
#[derive(Debug, PartialEq, Eq)]
pub enum Paged<T> {
    /// Read this page next.
    Next(Url),
    /// The list is complete: every item of every page.
    Done(Vec<T>),
}

/// Why a list cannot be read to the end.
#[derive(Debug, PartialEq, Eq)]
pub enum PageError {
    /// The page is not a list (as if the answer were lost).
    Unreadable(String),
    /// A next link refused, or more pages than allowed: the list is
    /// not trusted.
    Refused(String),
}

/// The items of the pages read so far.
#[derive(Debug)]
pub struct Pages<T> {
    items: Vec<T>,
    pages: u32,
}

impl<T> Default for Pages<T> {
    fn default() -> Self {
        Self {
            items: Vec::new(),
            pages: 0,
        }
    }
}

impl<T: DeserializeOwned> Pages<T> {
    /// Reads one page's `body`.
    pub fn take(&mut self, body: &[u8], options: &GraphOptions) -> Result<Paged<T>, PageError> {
        let list = serde_json::from_slice::<ItemList<T>>(body)
            .map_err(|err| PageError::Unreadable(format!("unreadable list: {err}")))?;
        self.pages += 1;
        self.items.extend(list.value);
        let Some(link) = list.next_link else {
            self.pages = 0;
            return Ok(Paged::Done(std::mem::take(&mut self.items)));
        };
        if self.pages >= options.max_pages.max(1) {
            return Err(PageError::Refused(format!(
                "the list has more than {} pages (GraphOptions::max_pages)",
                options.max_pages.max(1)
            )));
        }
        next_page(&link, &options.base_url)
            .map(Paged::Next)
            .map_err(PageError::Refused)
    }

    /// Forgets the pages read (the list is read again from the start).
    pub fn reset(&mut self) {
        self.items.clear();
        self.pages = 0;
    }
}

/// `link` as a URL to follow: on the server of `base` and below its
/// path; `Err` (the reason) otherwise.
pub fn next_page(link: &str, base: &Url) -> Result<Url, String> {
    let url = Url::parse(link).map_err(|err| format!("unusable next link: {err}"))?;
    let root = base.path().trim_end_matches('/');
    let same_server = url.scheme() == base.scheme()
        && url.host_str() == base.host_str()
        && url.port_or_known_default() == base.port_or_known_default();
    let below_root = url
        .path()
        .strip_prefix(root)
        .is_some_and(|rest| rest.starts_with('/'));
    if !same_server || !below_root || !url.username().is_empty() || url.password().is_some() {
        return Err(format!(
            "a next link to another server or outside the API was refused: {}",
            url.origin().ascii_serialization()
        ));
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn options(max_pages: u32) -> GraphOptions {
        GraphOptions {
            base_url: Url::parse("https://graph.test/v1.0").unwrap(),
            max_pages,
            ..GraphOptions::default()
        }
    }

    fn page(items: &[u32], next: Option<&str>) -> Vec<u8> {
        let mut page = json!({ "value": items });
        if let Some(link) = next {
            page["@odata.nextLink"] = json!(link);
        }
        serde_json::to_vec(&page).unwrap()
    }

    #[test]
    fn pages_are_gathered_until_no_next_link() {
        let options = options(5);
        let mut pages = Pages::<u32>::default();
        let next = "https://graph.test/v1.0/me/events?$skiptoken=x";
        assert_eq!(
            pages.take(&page(&[1, 2], Some(next)), &options),
            Ok(Paged::Next(Url::parse(next).unwrap()))
        );
        assert_eq!(
            pages.take(&page(&[3], None), &options),
            Ok(Paged::Done(vec![1, 2, 3]))
        );
    }

    #[test]
    fn a_next_link_elsewhere_is_refused() {
        let options = options(5);
        for link in [
            "https://evil.test/v1.0/me/events",
            "http://graph.test/v1.0/me/events",
            "https://graph.test:8443/v1.0/me/events",
            "https://graph.test/beta/me/events",
            "https://user@graph.test/v1.0/me/events",
            "/v1.0/me/events",
        ] {
            let mut pages = Pages::<u32>::default();
            assert!(
                matches!(
                    pages.take(&page(&[1], Some(link)), &options),
                    Err(PageError::Refused(_))
                ),
                "{link}"
            );
        }
    }

    #[test]
    fn more_pages_than_allowed_are_refused() {
        let options = options(2);
        let mut pages = Pages::<u32>::default();
        let next = Some("https://graph.test/v1.0/me/events?$skiptoken=x");
        assert!(matches!(
            pages.take(&page(&[1], next), &options),
            Ok(Paged::Next(_))
        ));
        assert!(matches!(
            pages.take(&page(&[2], next), &options),
            Err(PageError::Refused(reason)) if reason.contains("more than 2 pages")
        ));
        assert!(matches!(
            pages.take(b"{}", &options),
            Err(PageError::Unreadable(_))
        ));
    }
}
