//! URLs of collections and resources: `href`s resolved against the URL
//! that answered, names added as one percent-encoded path segment, and
//! names read back from `href`s.

use crate::error::{Error, Result};
use percent_encoding::percent_decode_str;
use url::Url;

/// Resolves an `href` from a response (absolute URL, absolute path or
/// relative path) against the URL that answered.
pub fn resolve_href(base: &Url, href: &str) -> Result<Url> {
    base.join(href).map_err(|err| Error::InvalidUrl {
        url: href.to_string(),
        reason: err.to_string(),
    })
}

/// The URL of `name` inside `collection`: one path segment,
/// percent-encoded, with a trailing `/` when it names a collection.
pub fn child_url(collection: &Url, name: &str, is_collection: bool) -> Result<Url> {
    if name.is_empty() || name == "." || name == ".." {
        return Err(Error::InvalidRequest(format!(
            "{name:?} cannot name a resource"
        )));
    }
    let mut url = collection.clone();
    {
        let mut segments = url.path_segments_mut().map_err(|()| Error::InvalidUrl {
            url: collection.to_string(),
            reason: "cannot hold a path".into(),
        })?;
        segments.pop_if_empty().push(name);
        if is_collection {
            segments.push("");
        }
    }
    Ok(url)
}

/// The collection URL with a trailing `/` (as WebDAV servers expect).
pub fn as_collection(url: &Url) -> Url {
    let mut url = url.clone();
    if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    url
}

/// The decoded last segment of a URL path (`/a/b%20c/` → `b c`), if it
/// is valid UTF-8 and not empty.
pub fn last_segment(url: &Url) -> Option<String> {
    let segment = url.path().trim_end_matches('/').rsplit('/').next()?;
    let decoded = percent_decode_str(segment).decode_utf8().ok()?;
    (!decoded.is_empty()).then(|| decoded.into_owned())
}

/// Whether two URLs name the same resource: same server, same decoded
/// path, ignoring a trailing `/`.
pub fn same_resource(a: &Url, b: &Url) -> bool {
    let path = |url: &Url| {
        percent_decode_str(url.path().trim_end_matches('/'))
            .decode_utf8_lossy()
            .into_owned()
    };
    crate::http::redirect::same_origin(a, b) && path(a) == path(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn hrefs_absolute_path_relative_and_full() {
        let base = url("http://127.0.0.1:5232/alice/");
        assert_eq!(
            resolve_href(&base, "/bob/").unwrap().as_str(),
            "http://127.0.0.1:5232/bob/"
        );
        assert_eq!(
            resolve_href(&base, "cal/").unwrap().as_str(),
            "http://127.0.0.1:5232/alice/cal/"
        );
        assert_eq!(
            resolve_href(&base, "https://dav.example/x/")
                .unwrap()
                .as_str(),
            "https://dav.example/x/"
        );
        // A server writing a raw space gets it encoded.
        assert_eq!(
            resolve_href(&base, "/alice/my cal/").unwrap().as_str(),
            "http://127.0.0.1:5232/alice/my%20cal/"
        );
    }

    #[test]
    fn child_names_are_one_encoded_segment() {
        let home = url("http://127.0.0.1/alice/");
        assert_eq!(
            child_url(&home, "a/b?c#d%e f.ics", false).unwrap().as_str(),
            "http://127.0.0.1/alice/a%2Fb%3Fc%23d%25e%20f.ics"
        );
        assert_eq!(
            child_url(&home, "Work", true).unwrap().as_str(),
            "http://127.0.0.1/alice/Work/"
        );
        let no_slash = url("http://127.0.0.1/alice/cal");
        assert_eq!(
            child_url(&no_slash, "x.ics", false).unwrap().as_str(),
            "http://127.0.0.1/alice/cal/x.ics"
        );
        for bad in ["", ".", ".."] {
            assert!(child_url(&home, bad, false).is_err());
        }
    }

    #[test]
    fn names_round_trip_through_urls() {
        let home = url("http://127.0.0.1/alice/");
        for name in [
            "plain.ics",
            "sp ace.ics",
            "ü@x.ics",
            "a%2Fb.vcf",
            "semi;colon+plus.ics",
        ] {
            let child = child_url(&home, name, false).unwrap();
            assert_eq!(last_segment(&child).as_deref(), Some(name));
        }
        assert_eq!(
            last_segment(&url("http://h/a/b%20c/")).as_deref(),
            Some("b c")
        );
        assert_eq!(last_segment(&url("http://h/")), None);
    }

    #[test]
    fn same_resource_ignores_trailing_slash_and_encoding_form() {
        assert!(same_resource(&url("http://h/a/b/"), &url("http://h/a/b")));
        assert!(same_resource(
            &url("http://h/a/%7Eb/"),
            &url("http://h/a/~b/")
        ));
        assert!(!same_resource(&url("http://h/a/b/"), &url("http://h/a/c/")));
        assert!(!same_resource(&url("http://h/a/"), &url("http://other/a/")));
    }

    #[test]
    fn as_collection_adds_one_slash() {
        assert_eq!(as_collection(&url("http://h/a")).as_str(), "http://h/a/");
        assert_eq!(as_collection(&url("http://h/a/")).as_str(), "http://h/a/");
    }
}
