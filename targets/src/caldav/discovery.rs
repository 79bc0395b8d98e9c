//! Finding where an account's calendars or address books live, without
//! I/O: a small state machine that hands out the next request and reads
//! each answer.
//!
//! 1. `PROPFIND` (Depth 0) of `current-user-principal` and the home set at
//!    the RFC 6764 well-known URL (`/.well-known/caldav` or
//!    `/.well-known/carddav`; the driver follows its same-server redirect).
//! 2. If that gives nothing, the same at the URL the user gave.
//! 3. `PROPFIND` of the home set at the principal, when step 1 or 2 named
//!    a principal but no home set.

use crate::caldav::kind::CollectionKind;
use crate::caldav::outcome::expect_multistatus;
use crate::caldav::paths::{as_collection, resolve_href};
use crate::caldav::requests::{self, Depth};
use crate::caldav::xml::multistatus::{DavResponse, XmlLimits};
use crate::caldav::xml::names::Property;
use crate::error::{Error, Result};
use crate::http::{HttpRequest, HttpResponse};
use url::Url;

/// Where the collections of one kind live.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HomeSet {
    /// The account's principal, when the server named one.
    pub principal: Option<Url>,
    /// The collection holding the account's calendars or address books.
    pub home: Url,
}

/// What to do next.
#[derive(Debug)]
pub enum DiscoveryStep {
    /// Send this request and give the answer to
    /// [`Discovery::on_response`].
    Send(HttpRequest),
    /// Done.
    Found(HomeSet),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    WellKnown,
    GivenUrl,
    Principal,
}

/// The discovery of one kind's home set for the account at `base`.
#[derive(Debug)]
pub struct Discovery {
    kind: CollectionKind,
    base: Url,
    stage: Stage,
    principal: Option<Url>,
    limits: XmlLimits,
}

impl Discovery {
    pub fn new(base: Url, kind: CollectionKind, limits: XmlLimits) -> Self {
        Self {
            kind,
            base,
            stage: Stage::WellKnown,
            principal: None,
            limits,
        }
    }

    /// The first request: the well-known URL on the server of `base`.
    pub fn first_request(&self) -> Result<HttpRequest> {
        let well_known = resolve_href(&self.base, self.kind.well_known_path())?;
        self.ask_principal_and_home(well_known)
    }

    /// Reads the answer to the last request handed out.
    pub fn on_response(&mut self, response: &HttpResponse) -> Result<DiscoveryStep> {
        match self.stage {
            Stage::WellKnown => {
                let status = response.status.as_u16();
                if status == 401 {
                    return Err(Error::AuthFailed { status });
                }
                // Servers without the well-known URL answer 404, 405, …:
                // fall back to the URL given.
                let found = if status == 207 {
                    self.read_principal_and_home(response)?
                } else {
                    None
                };
                match found {
                    Some(step) => Ok(step),
                    None => {
                        self.stage = Stage::GivenUrl;
                        Ok(DiscoveryStep::Send(
                            self.ask_principal_and_home(self.base.clone())?,
                        ))
                    }
                }
            }
            Stage::GivenUrl => {
                expect_multistatus(response, "discovery", &self.limits)?;
                self.read_principal_and_home(response)?
                    .ok_or(Error::NoHomeSet(self.kind.home_set_label()))
            }
            Stage::Principal => {
                let responses = expect_multistatus(response, "discovery", &self.limits)?;
                match self.home_in(&responses, &response.url)? {
                    Some(home) => Ok(self.found(home)),
                    None => Err(Error::NoHomeSet(self.kind.home_set_label())),
                }
            }
        }
    }

    fn ask_principal_and_home(&self, url: Url) -> Result<HttpRequest> {
        requests::propfind(
            url,
            Depth::Zero,
            &[
                Property::CurrentUserPrincipal,
                self.kind.home_set_property(),
            ],
        )
    }

    /// A home set if named, else the request for it at the principal if
    /// one is named, else `None`.
    fn read_principal_and_home(
        &mut self,
        response: &HttpResponse,
    ) -> Result<Option<DiscoveryStep>> {
        let responses = expect_multistatus(response, "discovery", &self.limits)?;
        if let Some(href) = responses
            .iter()
            .find_map(|r| r.properties.current_user_principal.as_deref())
        {
            self.principal = Some(resolve_href(&response.url, href)?);
        }
        if let Some(home) = self.home_in(&responses, &response.url)? {
            return Ok(Some(self.found(home)));
        }
        match &self.principal {
            Some(principal) => {
                self.stage = Stage::Principal;
                Ok(Some(DiscoveryStep::Send(requests::propfind(
                    principal.clone(),
                    Depth::Zero,
                    &[self.kind.home_set_property()],
                )?)))
            }
            None => Ok(None),
        }
    }

    /// The first home set href among `responses`, resolved.
    fn home_in(&self, responses: &[DavResponse], answered: &Url) -> Result<Option<Url>> {
        let href = responses.iter().find_map(|r| {
            let homes = match self.kind {
                CollectionKind::Calendar => &r.properties.calendar_home_set,
                CollectionKind::AddressBook => &r.properties.addressbook_home_set,
            };
            homes.first()
        });
        href.map(|href| resolve_href(answered, href).map(|url| as_collection(&url)))
            .transpose()
    }

    fn found(&self, home: Url) -> DiscoveryStep {
        DiscoveryStep::Found(HomeSet {
            principal: self.principal.clone(),
            home,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::{HeaderMap, StatusCode};

    fn answer(request: &HttpRequest, status: u16, body: &str) -> HttpResponse {
        HttpResponse {
            url: request.url.clone(),
            status: StatusCode::from_u16(status).unwrap(),
            headers: HeaderMap::new(),
            body: body.as_bytes().to_vec(),
        }
    }

    fn multistatus(href: &str, props: &str) -> String {
        format!(
            r#"<multistatus xmlns="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav" xmlns:A="urn:ietf:params:xml:ns:carddav"><response><href>{href}</href><propstat><prop>{props}</prop><status>HTTP/1.1 200 OK</status></propstat></response></multistatus>"#
        )
    }

    fn send(step: DiscoveryStep) -> HttpRequest {
        match step {
            DiscoveryStep::Send(request) => request,
            DiscoveryStep::Found(home) => panic!("found early: {home:?}"),
        }
    }

    fn found(step: DiscoveryStep) -> HomeSet {
        match step {
            DiscoveryStep::Found(home) => home,
            DiscoveryStep::Send(request) => panic!("asks more: {request:?}"),
        }
    }

    fn base() -> Url {
        Url::parse("https://dav.example/remote.php/dav/").unwrap()
    }

    #[test]
    fn well_known_principal_then_home_set() {
        let mut discovery = Discovery::new(base(), CollectionKind::Calendar, XmlLimits::default());
        let first = discovery.first_request().unwrap();
        assert_eq!(first.url.as_str(), "https://dav.example/.well-known/caldav");
        assert_eq!(first.headers["depth"], "0");
        // The driver followed a redirect to /dav/: relative hrefs resolve
        // against the URL that answered.
        let mut redirected = answer(
            &first,
            207,
            &multistatus(
                "/dav/",
                "<current-user-principal><href>principals/bob/</href></current-user-principal>",
            ),
        );
        redirected.url = Url::parse("https://dav.example/dav/").unwrap();
        let second = send(discovery.on_response(&redirected).unwrap());
        assert_eq!(
            second.url.as_str(),
            "https://dav.example/dav/principals/bob/"
        );
        let body = String::from_utf8(second.body.clone()).unwrap();
        assert!(body.contains("calendar-home-set"), "{body}");
        let home = found(
            discovery
                .on_response(&answer(
                    &second,
                    207,
                    &multistatus("/dav/principals/bob/", "<C:calendar-home-set><href>/dav/calendars/bob</href></C:calendar-home-set>"),
                ))
                .unwrap(),
        );
        assert_eq!(home.home.as_str(), "https://dav.example/dav/calendars/bob/");
        assert_eq!(
            home.principal.unwrap().as_str(),
            "https://dav.example/dav/principals/bob/"
        );
    }

    #[test]
    fn missing_well_known_falls_back_to_the_given_url_and_reads_home_directly() {
        let mut discovery =
            Discovery::new(base(), CollectionKind::AddressBook, XmlLimits::default());
        let first = discovery.first_request().unwrap();
        assert_eq!(
            first.url.as_str(),
            "https://dav.example/.well-known/carddav"
        );
        let second = send(discovery.on_response(&answer(&first, 404, "")).unwrap());
        assert_eq!(second.url, base());
        let home = found(
            discovery
                .on_response(&answer(
                    &second,
                    207,
                    &multistatus("/remote.php/dav/", "<A:addressbook-home-set><href>https://dav.example/books/bob/</href></A:addressbook-home-set>"),
                ))
                .unwrap(),
        );
        assert_eq!(home.home.as_str(), "https://dav.example/books/bob/");
        assert_eq!(home.principal, None);
    }

    #[test]
    fn auth_failure_and_missing_home_are_errors() {
        let mut discovery = Discovery::new(base(), CollectionKind::Calendar, XmlLimits::default());
        let first = discovery.first_request().unwrap();
        assert!(matches!(
            discovery.on_response(&answer(&first, 401, "")),
            Err(Error::AuthFailed { status: 401 })
        ));

        let mut discovery = Discovery::new(base(), CollectionKind::Calendar, XmlLimits::default());
        let first = discovery.first_request().unwrap();
        let second = send(
            discovery
                .on_response(&answer(&first, 207, &multistatus("/", "")))
                .unwrap(),
        );
        assert!(matches!(
            discovery.on_response(&answer(&second, 207, &multistatus("/", ""))),
            Err(Error::NoHomeSet("calendar-home-set"))
        ));

        let mut discovery = Discovery::new(base(), CollectionKind::Calendar, XmlLimits::default());
        let first = discovery.first_request().unwrap();
        let second = send(discovery.on_response(&answer(&first, 500, "")).unwrap());
        assert!(matches!(
            discovery.on_response(&answer(&second, 403, "no")),
            Err(Error::UnexpectedStatus { status: 403, .. })
        ));
    }
}
