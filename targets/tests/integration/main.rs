//! CalDAV/CardDAV against a real Radicale on 127.0.0.1: discovery,
//! collections, the iCalendar corpus uploaded exactly once and read back,
//! a second run creating nothing, `412`, and a wrong password. EWS
//! against a scripted EWS test server on 127.0.0.1 (`ews_*`), Microsoft
//! Graph against a scripted Graph test server (`graph_*`).

mod address_book;
mod auth;
mod busy;
mod calendar_upload;
mod compare;
mod corpus;
mod discovery;
mod ews_autodiscover;
mod ews_insert;
mod ews_ntlm;
mod ews_resolve;
mod graph_insert;
mod graph_lists;
mod graph_users;
mod precondition;
mod scripted;
mod transport;

use ferry_targets::caldav::DavClient;
use ferry_targets::caldav::xml::multistatus::XmlLimits;
use ferry_targets::http::{Credentials, HttpOptions};
use ferry_testkit::radicale::{Radicale, RadicaleOptions};
use secrecy::SecretString;
use url::Url;

/// A server with the default account (`alice`).
fn start() -> Radicale {
    Radicale::start(RadicaleOptions::default()).unwrap()
}

fn base_url(server: &Radicale) -> Url {
    Url::parse(&server.base_url()).unwrap()
}

/// The first account's credentials.
fn credentials(server: &Radicale) -> Credentials {
    let (user, password) = &server.users()[0];
    Credentials::new(user.clone(), SecretString::from(password.clone()))
}

fn client(server: &Radicale) -> DavClient {
    DavClient::new(
        base_url(server),
        credentials(server),
        HttpOptions::default(),
        XmlLimits::default(),
    )
    .unwrap()
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}
