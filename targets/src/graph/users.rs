//! Addresses checked against the Microsoft 365 directory, sans-I/O: the
//! Graph sibling of EWS ResolveNames ([`crate::ews::resolve`]). One
//! address is one request,
//! `GET {base}/users?$filter=mail eq '…' or userPrincipalName eq '…' or
//! proxyAddresses/any(p:p eq 'smtp:…')&$select=displayName,mail,userPrincipalName&$top=N`:
//! the address is an OData string literal (each `'` doubled) and the
//! query is percent-encoded by the `url` crate (a space as `%20`), never
//! written by hand.
//! The answer's `value` is read into a [`Resolution`]: none found, one
//! (or exactly one whose mail or user name is the address), or several.
//! A `401` is [`Error::AuthFailed`]; any other status is an error with
//! the server's status.

use crate::error::{Error, Result};
use crate::ews::resolve::{Candidate, Resolution};
use crate::http::{HttpRequest, HttpResponse};
use http::HeaderValue;
use http::header::ACCEPT;
use serde::Deserialize;
use url::Url;

/// Most users asked for per address: more than one is already ambiguous;
/// a few let the page name the candidates.
pub const MAX_CANDIDATES: usize = 5;

/// `text` as an OData string literal: in quotes, each `'` doubled.
pub fn odata_string(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// The `$filter` finding the user whose mail, user name or one of whose
/// SMTP addresses is `address`.
pub fn users_filter(address: &str) -> String {
    let address = address.trim();
    let literal = odata_string(address);
    let proxy = odata_string(&format!("smtp:{address}"));
    format!(
        "mail eq {literal} or userPrincipalName eq {literal} or proxyAddresses/any(p:p eq {proxy})"
    )
}

/// A JSON `GET` of `name` (one path segment) below `base` (`…/v1.0`).
pub(crate) fn get_below(base: &Url, name: &str) -> Result<HttpRequest> {
    let mut url = base.clone();
    url.path_segments_mut()
        .map_err(|()| Error::InvalidUrl {
            url: base.origin().ascii_serialization(),
            reason: "the Graph URL cannot have a path".into(),
        })?
        .pop_if_empty()
        .push(name);
    let mut request = HttpRequest::new(http::Method::GET, url);
    request
        .headers
        .insert(ACCEPT, HeaderValue::from_static("application/json"));
    Ok(request)
}

/// The body of a `200` answer to the `step` read as `T` (`what` names
/// it when it cannot be); `401` and `403` are [`Error::AuthFailed`].
pub(crate) fn read_json<T: serde::de::DeserializeOwned>(
    response: &HttpResponse,
    step: &'static str,
    what: &str,
) -> Result<T> {
    match response.status.as_u16() {
        200 => {}
        status @ (401 | 403) => return Err(Error::AuthFailed { status }),
        status => {
            return Err(Error::UnexpectedStatus {
                step,
                status,
                reason: response.reason(200),
            });
        }
    }
    serde_json::from_slice(&response.body).map_err(|error| Error::UnexpectedStatus {
        step,
        status: 200,
        reason: format!("the answer is not {what}: {error}"),
    })
}

/// The request looking `address` up below `base` (`…/v1.0`).
pub fn users_request(base: &Url, address: &str) -> Result<HttpRequest> {
    let mut request = get_below(base, "users")?;
    let pairs = [
        ("$filter", users_filter(address)),
        ("$select", "displayName,mail,userPrincipalName".to_string()),
        ("$top", MAX_CANDIDATES.to_string()),
    ];
    let query: Vec<String> = pairs
        .iter()
        .map(|(name, value)| format!("{}={}", encode(name), encode(value)))
        .collect();
    request.url.set_query(Some(&query.join("&")));
    Ok(request)
}

/// `text` percent-encoded for a query value, a space as `%20`: form
/// encoding's `+` would reach Graph as a plus sign on some paths.
fn encode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes())
        .collect::<String>()
        .replace('+', "%20")
}

#[derive(Deserialize)]
struct Users {
    #[serde(default)]
    value: Vec<User>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct User {
    display_name: Option<String>,
    mail: Option<String>,
    user_principal_name: Option<String>,
}

impl User {
    fn is(&self, address: &str) -> bool {
        [&self.mail, &self.user_principal_name]
            .into_iter()
            .flatten()
            .any(|known| known.eq_ignore_ascii_case(address))
    }

    fn email(&self) -> Option<String> {
        self.mail.clone().or(self.user_principal_name.clone())
    }
}

/// What the answer to [`users_request`] for `address` says.
pub fn read_users(address: &str, response: &HttpResponse) -> Result<Resolution> {
    let address = address.trim();
    let users: Users = read_json(response, "directory lookup", "a list of users")?;
    let exact: Vec<&User> = users.value.iter().filter(|user| user.is(address)).collect();
    let one = match (users.value.as_slice(), exact.as_slice()) {
        ([], _) => return Ok(Resolution::NotFound),
        ([one], _) => one,
        (_, [one]) => *one,
        (several, _) => {
            return Ok(Resolution::Ambiguous {
                candidates: several
                    .iter()
                    .map(|user| Candidate {
                        name: user.display_name.clone(),
                        email: user.email(),
                    })
                    .collect(),
            });
        }
    };
    Ok(Resolution::Resolved {
        name: one.display_name.clone(),
        email: one.email().unwrap_or_else(|| address.to_string()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::{HeaderMap, StatusCode};

    fn base() -> Url {
        Url::parse("https://graph.microsoft.com/v1.0").unwrap()
    }

    fn answer(status: u16, body: &str) -> HttpResponse {
        HttpResponse {
            url: base(),
            status: StatusCode::from_u16(status).unwrap(),
            headers: HeaderMap::new(),
            body: body.as_bytes().to_vec(),
        }
    }

    #[test]
    fn the_filter_quotes_the_address_as_an_odata_literal() {
        assert_eq!(
            users_filter(" o'brien@example.com "),
            "mail eq 'o''brien@example.com' or userPrincipalName eq 'o''brien@example.com' \
             or proxyAddresses/any(p:p eq 'smtp:o''brien@example.com')"
        );
        // A quote cannot end the literal early and add a clause.
        let sneaky = users_filter("x' or mail ne 'y");
        assert!(
            sneaky.starts_with("mail eq 'x'' or mail ne ''y' or"),
            "{sneaky}"
        );
    }

    #[test]
    fn the_request_is_percent_encoded_and_decodes_to_the_filter() {
        let request = users_request(&base(), "a+b&c=d#e@example.com").unwrap();
        assert_eq!(request.method, http::Method::GET);
        assert_eq!(request.url.path(), "/v1.0/users");
        let query = request.url.query().unwrap();
        for raw in ['+', '#', ' ', '\''] {
            let field = query
                .split('&')
                .find(|p| p.starts_with("%24filter="))
                .unwrap();
            assert!(!field.contains(raw), "{raw:?} unencoded in {query}");
        }
        let pairs: Vec<(String, String)> = request.url.query_pairs().into_owned().collect();
        assert_eq!(
            pairs,
            vec![
                ("$filter".into(), users_filter("a+b&c=d#e@example.com")),
                (
                    "$select".into(),
                    "displayName,mail,userPrincipalName".into()
                ),
                ("$top".into(), MAX_CANDIDATES.to_string()),
            ]
        );
        // A base with a trailing slash gives the same path.
        let slash = Url::parse("https://graph.microsoft.com/v1.0/").unwrap();
        assert_eq!(
            users_request(&slash, "a@b").unwrap().url.path(),
            "/v1.0/users"
        );
    }

    #[test]
    fn answers_are_read_into_resolutions() {
        let none = answer(200, r#"{"value": []}"#);
        assert_eq!(read_users("a@x", &none).unwrap(), Resolution::NotFound);

        let one = answer(
            200,
            r#"{"value": [{"displayName": "Ann", "mail": "Ann@x", "userPrincipalName": "ann@x"}]}"#,
        );
        assert_eq!(
            read_users("ann@x", &one).unwrap(),
            Resolution::Resolved {
                name: Some("Ann".into()),
                email: "Ann@x".into()
            }
        );

        let several = r#"{"value": [
            {"displayName": "Bo One", "mail": "bo@x"},
            {"displayName": "Bo Two", "mail": null, "userPrincipalName": "bo2@x"}]}"#;
        assert_eq!(
            read_users("BO@x", &answer(200, several)).unwrap(),
            Resolution::Resolved {
                name: Some("Bo One".into()),
                email: "bo@x".into()
            },
            "exactly one whose mail is the address"
        );
        match read_users("alias@x", &answer(200, several)).unwrap() {
            Resolution::Ambiguous { candidates } => {
                assert_eq!(candidates.len(), 2);
                assert_eq!(candidates[1].email.as_deref(), Some("bo2@x"));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn refusals_and_broken_answers_are_errors() {
        assert!(matches!(
            read_users("a@x", &answer(401, "{}")),
            Err(Error::AuthFailed { status: 401 })
        ));
        assert!(matches!(
            read_users("a@x", &answer(400, r#"{"error": {"code": "BadRequest"}}"#)),
            Err(Error::UnexpectedStatus { status: 400, .. })
        ));
        assert!(matches!(
            read_users("a@x", &answer(200, "<html>")),
            Err(Error::UnexpectedStatus { status: 200, .. })
        ));
    }
}
