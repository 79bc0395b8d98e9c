//! What a service account signs in with, and how it acts for a listed
//! user.
//!
//! IMAP: SASL PLAIN, the admin's name and password with the user as the
//! authorization identity (a Dovecot master user, Cyrus/Exchange
//! proxy-auth). Checking the account at sign-in uses a user it may act
//! for when the admin names one (`act_as`), else signs the admin in
//! alone.
//!
//! EWS (the new server's calendars): the service account signs in once
//! (Basic or NTLM, as the site lists the server) and acts for each
//! user through impersonation — every request carries the
//! `ExchangeImpersonation` header naming the user's address
//! (`PrimarySmtpAddress`) and `X-AnchorMailbox` with it, so the items go
//! into the user's own mailbox. Exchange answers
//! `ErrorImpersonateUserDenied` for a mailbox the account may not act
//! for (it lacks the ApplicationImpersonation role for it).

use crate::server::auth::calendar_target::SignedInCalendar;
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

/// The EWS service account `service` acting for the mailbox of `user`.
pub(super) fn calendar_acting_for(service: &SignedInCalendar, user: &str) -> SignedInCalendar {
    SignedInCalendar {
        acting_for: Some(user.to_string()),
        ..service.clone()
    }
}

/// Whether an EWS failure's `reason` is Exchange denying the
/// impersonation.
pub fn impersonation_denied(reason: &str) -> bool {
    reason.contains("ErrorImpersonateUserDenied")
}
