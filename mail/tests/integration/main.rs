//! The mail engine against real Dovecot servers on loopback, in one test
//! binary.

mod copy;
mod scripted;
mod session;

use ferry_mail::imap::{Credentials, Endpoint, Security, Session, SessionOptions};
use ferry_testkit::dovecot::Dovecot;
use secrecy::SecretString;

/// The plain-text endpoint of a test server.
pub fn endpoint(server: &Dovecot) -> Endpoint {
    Endpoint {
        host: "127.0.0.1".into(),
        port: server.addr().port(),
        security: Security::Plain,
        pinned_certificate: None,
        address_policy: None,
    }
}

pub fn alice() -> Credentials {
    Credentials::Login {
        user: "alice".into(),
        password: SecretString::from("alice-secret"),
    }
}

pub async fn logged_in(server: &Dovecot) -> Session {
    let mut session = Session::connect(&endpoint(server), SessionOptions::default())
        .await
        .expect("connects");
    session.authenticate(&alice()).await.expect("logs in");
    session
}
