//! How a user name and password are sent ([`AuthMethod`]), and which
//! method "automatic" picks from a server's `WWW-Authenticate` offers,
//! decided without I/O.

use crate::error::{Error, Result};
use crate::http::message::HttpResponse;
use crate::http::ntlm::TokenScheme;
use http::header::WWW_AUTHENTICATE;
use http::{HeaderMap, StatusCode};

/// How the credentials log in. The default is [`AuthMethod::Automatic`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum AuthMethod {
    /// Ask the server first (one body-less `GET`), then use the best
    /// password method it offers: Negotiate, then NTLM, then Basic. A
    /// server that asks for no login at all gets Basic.
    #[default]
    Automatic,
    /// `Authorization: Basic` on every request.
    Basic,
    /// NTLMv2, once per connection (the connection stays logged in).
    Ntlm,
    /// `Negotiate`: NTLMv2 inside SPNEGO (no Kerberos), once per
    /// connection.
    Negotiate,
    /// `Authorization: Bearer TOKEN` (OAuth2) on every request.
    Bearer,
    /// No `Authorization` at all: the request proves who sends it by
    /// itself (an OAuth2 token request, its client in the form).
    Anonymous,
}

impl AuthMethod {
    /// Whether the login belongs to the connection (NTLM, Negotiate)
    /// rather than to each request.
    pub fn is_connection_bound(self) -> bool {
        matches!(self, AuthMethod::Ntlm | AuthMethod::Negotiate)
    }

    /// The token scheme of a method that logs in per connection.
    pub fn token_scheme(self) -> Option<TokenScheme> {
        match self {
            AuthMethod::Ntlm => Some(TokenScheme::Ntlm),
            AuthMethod::Negotiate => Some(TokenScheme::Negotiate),
            _ => None,
        }
    }
}

/// The method automatic takes after the server's answer to a body-less
/// `GET`: from the offers of a `401`; Basic when no login was asked for.
pub fn after_probe(answer: &HttpResponse) -> Result<AuthMethod> {
    if answer.status != StatusCode::UNAUTHORIZED {
        return Ok(AuthMethod::Basic);
    }
    choose(&answer.headers).ok_or_else(|| Error::NoAuthMethod {
        offered: offers(&answer.headers).collect::<Vec<_>>().join(", "),
    })
}

/// The password method [`AuthMethod::Automatic`] takes from the
/// `WWW-Authenticate` headers of a `401`: Negotiate, then NTLM, then
/// Basic; `None` when none of them is offered.
pub fn choose(headers: &HeaderMap) -> Option<AuthMethod> {
    let offered = |wanted: &str| offers(headers).any(|scheme| scheme.eq_ignore_ascii_case(wanted));
    [
        ("Negotiate", AuthMethod::Negotiate),
        ("NTLM", AuthMethod::Ntlm),
        ("Basic", AuthMethod::Basic),
    ]
    .into_iter()
    .find(|(scheme, _)| offered(scheme))
    .map(|(_, method)| method)
}

/// The scheme names of every challenge offered (`WWW-Authenticate` may
/// come several times, and one header may list several challenges).
pub fn offers(headers: &HeaderMap) -> impl Iterator<Item = &str> {
    challenges(headers).map(|(scheme, _)| scheme)
}

/// Every challenge as (scheme, the rest of it): `NTLM TlRMTVNT…` gives
/// `("NTLM", "TlRMTVNT…")`. Parameters after a comma (`realm="x"`) are
/// kept with the scheme they follow: a new scheme starts after a comma
/// only when the next word has no `=` and no quote.
pub fn challenges(headers: &HeaderMap) -> impl Iterator<Item = (&str, &str)> {
    headers
        .get_all(WWW_AUTHENTICATE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .filter_map(|part| {
            let (word, rest) = part.split_once(' ').unwrap_or((part, ""));
            let scheme = !word.contains(['=', '"']);
            scheme.then_some((word, rest.trim()))
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn offered(values: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for value in values {
            headers.append(WWW_AUTHENTICATE, HeaderValue::from_str(value).unwrap());
        }
        headers
    }

    #[test]
    fn automatic_prefers_negotiate_then_ntlm_then_basic() {
        let all = offered(&["Basic realm=\"ex\"", "NTLM", "Negotiate"]);
        assert_eq!(choose(&all), Some(AuthMethod::Negotiate));
        let two = offered(&["Basic realm=\"ex\", NTLM"]);
        assert_eq!(choose(&two), Some(AuthMethod::Ntlm));
        let basic = offered(&["basic realm=\"a, b\""]);
        assert_eq!(choose(&basic), Some(AuthMethod::Basic));
        assert_eq!(choose(&offered(&["Bearer realm=\"x\""])), None);
        assert_eq!(choose(&HeaderMap::new()), None);
    }

    #[test]
    fn challenges_split_scheme_and_token() {
        let headers = offered(&[
            "NTLM TlRMTVNTUAACAAAA",
            "Basic realm=\"x\", charset=\"UTF-8\"",
        ]);
        let all: Vec<_> = challenges(&headers).collect();
        assert_eq!(
            all,
            vec![("NTLM", "TlRMTVNTUAACAAAA"), ("Basic", "realm=\"x\"")]
        );
    }

    fn answer(status: u16, headers: HeaderMap) -> HttpResponse {
        HttpResponse {
            url: url::Url::parse("http://127.0.0.1/EWS/Exchange.asmx").unwrap(),
            status: StatusCode::from_u16(status).unwrap(),
            headers,
            body: Vec::new(),
        }
    }

    #[test]
    fn after_the_probe_the_offers_decide() {
        let offers = offered(&["NTLM", "Basic realm=\"x\""]);
        assert_eq!(after_probe(&answer(401, offers)).unwrap(), AuthMethod::Ntlm);
        assert_eq!(
            after_probe(&answer(200, HeaderMap::new())).unwrap(),
            AuthMethod::Basic
        );
        let unknown = offered(&["Bearer realm=\"x\"", "Digest realm=\"y\", qop=\"auth\""]);
        let err = after_probe(&answer(401, unknown)).unwrap_err();
        assert!(
            matches!(&err, Error::NoAuthMethod { offered } if offered == "Bearer, Digest"),
            "{err:?}"
        );
    }

    #[test]
    fn only_ntlm_and_negotiate_are_bound_to_the_connection() {
        assert!(AuthMethod::Ntlm.is_connection_bound());
        assert!(AuthMethod::Negotiate.is_connection_bound());
        assert!(!AuthMethod::Basic.is_connection_bound());
        assert!(!AuthMethod::Bearer.is_connection_bound());
        assert!(!AuthMethod::Automatic.is_connection_bound());
        assert_eq!(AuthMethod::default(), AuthMethod::Automatic);
        assert_eq!(AuthMethod::Ntlm.token_scheme(), Some(TokenScheme::Ntlm));
        assert_eq!(
            AuthMethod::Negotiate.token_scheme(),
            Some(TokenScheme::Negotiate)
        );
        assert_eq!(AuthMethod::Basic.token_scheme(), None);
    }
}
