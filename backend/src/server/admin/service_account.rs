//! What a service account signs in with, and how it acts for a listed
//! user.
//!
//! IMAP: SASL PLAIN, the admin's name and password with the user as the
//! authorization identity (a Dovecot master user, Cyrus/Exchange
//! proxy-auth). Checking the account at sign-in uses a user it may act
//! for when the admin names one (`act_as`), else signs the admin in
//! alone.
//!
//! EWS (a seam, not built yet): the same service account would sign in
//! once and act for each user through impersonation (the
//! `ExchangeImpersonation` header naming the user's address); an EWS
//! target becomes possible here when sign-in from the page offers EWS.

use crate::server::auth::sessions::SignedIn;
use ferry_mail::imap::Credentials;
use ferry_shared::api::Account;
use secrecy::SecretString;

/// The credentials that check the service account `admin` at sign-in:
/// acting for `act_as` when given.
pub(super) fn checking(admin: &str, password: SecretString, act_as: Option<&str>) -> Credentials {
    Credentials::Plain {
        authzid: act_as.map(str::to_string),
        user: admin.to_string(),
        password,
    }
}

/// The credentials kept in the admin's session: the service account
/// alone, acting for nobody yet.
pub(super) fn kept(credentials: Credentials) -> Credentials {
    match credentials {
        Credentials::Plain { user, password, .. } => Credentials::Plain {
            authzid: None,
            user,
            password,
        },
        other => other,
    }
}

/// The service account `service` acting for the mailbox of `user`.
pub(super) fn acting_for(service: &SignedIn, user: &str) -> SignedIn {
    let credentials = match &service.credentials {
        Credentials::Plain {
            user: admin,
            password,
            ..
        }
        | Credentials::Login {
            user: admin,
            password,
        } => Credentials::Plain {
            authzid: Some(user.to_string()),
            user: admin.clone(),
            password: password.clone(),
        },
        // Tokens are not offered to service accounts.
        other => other.clone(),
    };
    SignedIn {
        account: Account {
            server: service.account.server.clone(),
            user: user.to_string(),
        },
        endpoint: service.endpoint.clone(),
        credentials,
        token_source: None,
    }
}
