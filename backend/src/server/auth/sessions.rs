//! Browser sessions, held in memory only: a random id in a cookie
//! (`__Host-ferry`: HttpOnly, Secure, SameSite=Strict, Path=/), and per
//! session the mailboxes signed in with their credentials (secrets that
//! never reach a log, a file or `Debug` output). A sign-in always gives
//! a new id, so an id planted before it is worth nothing. Sessions
//! unused for the configured idle time end.
//!
//! A session has a [`Role`]: a user's (their own mailboxes) or an
//! admin's (service accounts acting for listed users). The two never mix:
//! signing in with the other role starts a fresh session.

use super::calendar_target::SignedInCalendar;
use crate::oauth::token_source::TokenSource;
use axum::http::{HeaderMap, HeaderValue, header};
use base64::Engine as _;
use ferry_mail::imap::{Credentials, Endpoint};
use ferry_shared::api::{Account, SessionView, Side};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The cookie's name: `__Host-` makes the browser insist on Secure,
/// Path=/ and no Domain. Over plain HTTP on loopback (development) the
/// prefix cannot be used.
const SECURE_NAME: &str = "__Host-ferry";
const PLAIN_NAME: &str = "ferry";

/// A mailbox a user signed in to, with what it takes to connect again.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub account: Account,
    pub endpoint: Endpoint,
    pub credentials: Credentials,
    /// For a mailbox signed in with OAuth2: its tokens, renewed before
    /// each connection (then `credentials` holds the first access token
    /// only). `None` for passwords.
    pub token_source: Option<TokenSource>,
}

/// Whose a session is.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// A user moving their own mailbox.
    #[default]
    User,
    /// An admin: the mailboxes signed in are service accounts.
    Admin,
}

/// What one session holds.
#[derive(Debug, Default, Clone)]
pub struct SessionData {
    pub role: Role,
    pub source: Option<SignedIn>,
    pub target: Option<SignedIn>,
    /// The calendar and contacts target (EWS, CalDAV or Graph), beside the mail
    /// target: see [`super::calendar_target`].
    pub calendar: Option<SignedInCalendar>,
}

impl SessionData {
    /// Who is signed in, as the user's page sees it: nobody in an
    /// admin's session.
    pub fn view(&self) -> SessionView {
        if self.role == Role::Admin {
            return SessionView::default();
        }
        SessionView {
            source: self.source.as_ref().map(|s| s.account.clone()),
            target: self.target.as_ref().map(|s| s.account.clone()),
            calendar: self.calendar.as_ref().map(SignedInCalendar::view),
        }
    }

    fn side_mut(&mut self, side: Side) -> &mut Option<SignedIn> {
        match side {
            Side::Source => &mut self.source,
            Side::Target => &mut self.target,
        }
    }
}

struct Entry {
    last_seen: Instant,
    data: SessionData,
}

/// Every live session.
#[derive(Clone)]
pub struct Sessions {
    entries: Arc<Mutex<HashMap<String, Entry>>>,
    idle: Duration,
    secure: bool,
}

impl std::fmt::Debug for Sessions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sessions")
            .field("idle", &self.idle)
            .field("secure", &self.secure)
            .finish_non_exhaustive()
    }
}

impl Sessions {
    /// Sessions ending after `idle` unused; cookies marked Secure unless
    /// `secure` is false (loopback development only).
    pub fn new(idle: Duration, secure: bool) -> Self {
        Self {
            entries: Arc::default(),
            idle,
            secure,
        }
    }

    fn name(&self) -> &'static str {
        if self.secure { SECURE_NAME } else { PLAIN_NAME }
    }

    /// The session id the request's cookie names, if any.
    pub fn id_in(&self, headers: &HeaderMap) -> Option<String> {
        cookie_value(headers, self.name())
    }

    /// The live session `id`'s data (a copy), marking it used.
    pub fn get(&self, id: &str) -> Option<SessionData> {
        let mut entries = self.lock();
        let now = Instant::now();
        match entries.get_mut(id) {
            Some(entry) if now.duration_since(entry.last_seen) <= self.idle => {
                entry.last_seen = now;
                Some(entry.data.clone())
            }
            Some(_) => {
                entries.remove(id);
                None
            }
            None => None,
        }
    }

    /// Signs `signed_in` in on `side`, keeping what the session `old`
    /// (if live) held, under a new id, which is returned; `old` ends.
    pub fn sign_in(&self, old: Option<&str>, side: Side, signed_in: SignedIn) -> String {
        self.sign_in_as(old, Role::User, side, signed_in)
    }

    /// [`Sessions::sign_in`] with `role`: what `old` held is kept only
    /// when it had the same role.
    pub fn sign_in_as(
        &self,
        old: Option<&str>,
        role: Role,
        side: Side,
        signed_in: SignedIn,
    ) -> String {
        let mut data = self.carried_over(old, role);
        *data.side_mut(side) = Some(signed_in);
        self.replace(old, data)
    }

    /// What a sign-in in `role` keeps of the session `old`: all it held
    /// when live and of the same role, else nothing.
    fn carried_over(&self, old: Option<&str>, role: Role) -> SessionData {
        let mut data = old
            .and_then(|id| self.get(id))
            .filter(|data| data.role == role)
            .unwrap_or_default();
        data.role = role;
        data
    }

    /// Keeps `data` under a new id, which is returned; `old` ends.
    fn replace(&self, old: Option<&str>, data: SessionData) -> String {
        let id = new_id();
        let mut entries = self.lock();
        let now = Instant::now();
        entries.retain(|_, entry| now.duration_since(entry.last_seen) <= self.idle);
        if let Some(old) = old {
            entries.remove(old);
        }
        entries.insert(
            id.clone(),
            Entry {
                last_seen: now,
                data,
            },
        );
        id
    }

    /// Signs the calendar target `signed_in` in, keeping what the
    /// session `old` (if live) held, under a new id, which is returned;
    /// `old` ends.
    pub fn sign_in_calendar(&self, old: Option<&str>, signed_in: SignedInCalendar) -> String {
        self.sign_in_calendar_as(old, Role::User, signed_in)
    }

    /// [`Sessions::sign_in_calendar`] with `role` (an admin's EWS
    /// service account): what `old` held is kept only when it had the
    /// same role.
    pub fn sign_in_calendar_as(
        &self,
        old: Option<&str>,
        role: Role,
        signed_in: SignedInCalendar,
    ) -> String {
        let mut data = self.carried_over(old, role);
        data.calendar = Some(signed_in);
        self.replace(old, data)
    }

    /// [`Sessions::sign_in_as`] over the session the request's `headers`
    /// name: the new id and what the session now holds.
    pub fn sign_in_request(
        &self,
        headers: &HeaderMap,
        role: Role,
        side: Side,
        signed_in: SignedIn,
    ) -> (String, SessionData) {
        let old = self.id_in(headers);
        let id = self.sign_in_as(old.as_deref(), role, side, signed_in);
        let data = self.get(&id).unwrap_or_default();
        (id, data)
    }

    /// Ends the session `id`.
    pub fn end(&self, id: &str) {
        self.lock().remove(id);
    }

    /// The `Set-Cookie` value that hands `id` to the browser.
    pub fn cookie(&self, id: &str) -> HeaderValue {
        let secure = if self.secure { "; Secure" } else { "" };
        let value = format!(
            "{}={id}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}{secure}",
            self.name(),
            self.idle.as_secs()
        );
        HeaderValue::from_str(&value).unwrap_or_else(|_| HeaderValue::from_static(""))
    }

    /// The `Set-Cookie` value that removes the cookie.
    pub fn removal_cookie(&self) -> HeaderValue {
        let secure = if self.secure { "; Secure" } else { "" };
        let value = format!(
            "{}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0{secure}",
            self.name()
        );
        HeaderValue::from_str(&value).unwrap_or_else(|_| HeaderValue::from_static(""))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Entry>> {
        // A panic while holding the lock leaves the map whole.
        self.entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// The value of the cookie `name` the request carries, if any.
pub fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.to_string())
}

/// 32 random bytes, base64url: 256 bits no one can guess.
fn new_id() -> String {
    let mut bytes = [0u8; 32];
    // The operating system's generator; failing means no safe id exists.
    getrandom::fill(&mut bytes).expect("the system's random number generator works");
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ferry_mail::imap::Security;
    use secrecy::SecretString;

    fn signed_in(user: &str) -> SignedIn {
        SignedIn {
            account: Account {
                server: "imap.example".into(),
                user: user.into(),
            },
            endpoint: Endpoint {
                host: "imap.example".into(),
                port: 993,
                security: Security::Tls,
                pinned_certificate: None,
                address_policy: None,
            },
            credentials: Credentials::Login {
                user: user.into(),
                password: SecretString::from("canary-session-pw"),
            },
            token_source: None,
        }
    }

    #[test]
    fn a_sign_in_rotates_the_id_and_keeps_the_other_side() {
        let sessions = Sessions::new(Duration::from_secs(60), true);
        let first = sessions.sign_in(None, Side::Source, signed_in("alice"));
        let second = sessions.sign_in(Some(&first), Side::Target, signed_in("alice2"));
        assert_ne!(first, second);
        assert!(sessions.get(&first).is_none(), "the old id is dead");
        let view = sessions.get(&second).unwrap().view();
        assert_eq!(view.source.unwrap().user, "alice");
        assert_eq!(view.target.unwrap().user, "alice2");
        // A planted, unknown id gives a fresh session, not the planted id.
        let fresh = sessions.sign_in(Some("planted"), Side::Source, signed_in("bob"));
        assert_ne!(fresh, "planted");
        assert!(sessions.get(&fresh).unwrap().target.is_none());
        assert!(!format!("{:?}", sessions.get(&second)).contains("canary-session-pw"));
    }

    #[test]
    fn roles_never_mix_in_one_session() {
        let sessions = Sessions::new(Duration::from_secs(60), true);
        let user = sessions.sign_in(None, Side::Source, signed_in("alice"));
        let admin = sessions.sign_in_as(Some(&user), Role::Admin, Side::Target, signed_in("root"));
        let data = sessions.get(&admin).unwrap();
        assert_eq!(data.role, Role::Admin);
        assert!(
            data.source.is_none(),
            "the user's mailbox is not the admin's"
        );
        assert_eq!(data.view(), SessionView::default());
        let back = sessions.sign_in(Some(&admin), Side::Source, signed_in("alice"));
        let data = sessions.get(&back).unwrap();
        assert_eq!(data.role, Role::User);
        assert!(data.target.is_none());
    }

    #[test]
    fn idle_sessions_end_and_cookies_are_strict() {
        let sessions = Sessions::new(Duration::ZERO, true);
        let id = sessions.sign_in(None, Side::Source, signed_in("alice"));
        std::thread::sleep(Duration::from_millis(5));
        assert!(sessions.get(&id).is_none());
        let cookie = sessions.cookie(&id);
        let cookie = cookie.to_str().unwrap();
        assert!(cookie.starts_with("__Host-ferry="), "{cookie}");
        for part in ["HttpOnly", "Secure", "SameSite=Strict", "Path=/"] {
            assert!(cookie.contains(part), "{cookie}");
        }
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("a=b; __Host-ferry=xyz"),
        );
        assert_eq!(sessions.id_in(&headers).as_deref(), Some("xyz"));
        let plain = Sessions::new(Duration::from_secs(1), false);
        assert!(!plain.cookie("x").to_str().unwrap().contains("Secure"));
    }
}
