//! Who a token signs in as, sans-I/O: `GET {base}/me?$select=…` and
//! its answer read into a [`Me`]. A sign-in calls it once to check the
//! token works and to name the account (its `mail`, else its
//! `userPrincipalName`). A `401` or `403` is [`Error::AuthFailed`]; any
//! other status is an error with the server's status.

use crate::error::Result;
use crate::graph::users::{get_below, read_json};
use crate::http::{HttpRequest, HttpResponse};
use serde::Deserialize;
use url::Url;

/// The signed-in user.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Me {
    pub display_name: Option<String>,
    pub mail: Option<String>,
    pub user_principal_name: Option<String>,
}

impl Me {
    /// The address naming the account: its mail, else its user name.
    pub fn address(&self) -> Option<&str> {
        [&self.mail, &self.user_principal_name]
            .into_iter()
            .flatten()
            .map(|name| name.trim())
            .find(|name| !name.is_empty())
    }
}

/// The request asking who the token signs in as, below `base` (`…/v1.0`).
pub fn me_request(base: &Url) -> Result<HttpRequest> {
    let mut request = get_below(base, "me")?;
    request
        .url
        .query_pairs_mut()
        .append_pair("$select", "displayName,mail,userPrincipalName");
    Ok(request)
}

/// What the answer to [`me_request`] says.
pub fn read_me(response: &HttpResponse) -> Result<Me> {
    read_json(response, "who is signed in", "a user")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;
    use http::{HeaderMap, StatusCode};

    fn answer(status: u16, body: &str) -> HttpResponse {
        HttpResponse {
            url: Url::parse("https://graph.microsoft.com/v1.0/me").unwrap(),
            status: StatusCode::from_u16(status).unwrap(),
            headers: HeaderMap::new(),
            body: body.as_bytes().to_vec(),
        }
    }

    #[test]
    fn the_request_asks_for_the_names_below_the_base() {
        let base = Url::parse("https://graph.microsoft.com/v1.0/").unwrap();
        let request = me_request(&base).unwrap();
        assert_eq!(request.method, http::Method::GET);
        assert_eq!(request.url.path(), "/v1.0/me");
        assert_eq!(
            request.url.query_pairs().next().unwrap().1,
            "displayName,mail,userPrincipalName"
        );
    }

    #[test]
    fn the_mail_names_the_account_else_the_user_name() {
        let me = read_me(&answer(
            200,
            r#"{"displayName":"Ann","mail":"ann@x","userPrincipalName":"a@x"}"#,
        ))
        .unwrap();
        assert_eq!(me.address(), Some("ann@x"));
        let me = read_me(&answer(200, r#"{"mail":null,"userPrincipalName":"a@x"}"#)).unwrap();
        assert_eq!(me.address(), Some("a@x"));
        let me = read_me(&answer(200, r#"{"mail":" "}"#)).unwrap();
        assert_eq!(me.address(), None);
    }

    #[test]
    fn refusals_and_broken_answers_are_errors() {
        assert!(matches!(
            read_me(&answer(401, "{}")),
            Err(Error::AuthFailed { status: 401 })
        ));
        assert!(matches!(
            read_me(&answer(500, "{}")),
            Err(Error::UnexpectedStatus { status: 500, .. })
        ));
        assert!(matches!(
            read_me(&answer(200, "<html>")),
            Err(Error::UnexpectedStatus { status: 200, .. })
        ));
    }
}
