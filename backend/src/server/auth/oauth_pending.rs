//! OAuth2 sign-ins under way, held in memory between leaving for the
//! provider and coming back: each under its random `state`, with the
//! PKCE verifier (never sent to the browser), what was chosen, and the
//! random value of the browser's own `ferry-oauth` cookie, so that only
//! the browser that left may come back. Each is taken once; one older
//! than the configured wait, or beyond the configured number under way,
//! is gone.

use ferry_shared::api::Side;
use secrecy::SecretString;
use serde::Deserialize;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// What a sign-in is for: a mailbox on one side, or the calendar
/// target (a Microsoft Graph server, see [`super::graph_sign_in`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SignInFor {
    Source,
    Target,
    Calendar,
}

impl SignInFor {
    /// The mailbox side, when it is for one.
    pub fn side(self) -> Option<Side> {
        match self {
            Self::Source => Some(Side::Source),
            Self::Target => Some(Side::Target),
            Self::Calendar => None,
        }
    }
}

/// One sign-in under way.
pub struct Pending {
    /// The value of the browser's `ferry-oauth` cookie.
    pub browser: String,
    pub verifier: SecretString,
    pub server_id: String,
    pub side: SignInFor,
    /// The user the page named, used when the provider does not say.
    pub login_hint: Option<String>,
    /// The session the browser had when it left (its other side stays
    /// signed in).
    pub session: Option<String>,
    pub created: Instant,
}

/// Why a sign-in cannot be taken back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PendingError {
    /// Unknown, already used, expired, or from another browser.
    #[error("no such sign-in is under way")]
    Unknown,
    /// Too many under way.
    #[error("too many sign-ins are under way")]
    Full,
}

/// Every sign-in under way.
#[derive(Clone)]
pub struct PendingSignIns {
    entries: Arc<Mutex<HashMap<String, Pending>>>,
    wait: Duration,
    max: usize,
}

impl std::fmt::Debug for PendingSignIns {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PendingSignIns")
            .field("wait", &self.wait)
            .field("max", &self.max)
            .finish_non_exhaustive()
    }
}

impl PendingSignIns {
    /// Sign-ins that must come back within `wait`, at most `max` at once.
    pub fn new(wait: Duration, max: usize) -> Self {
        Self {
            entries: Arc::default(),
            wait,
            max,
        }
    }

    /// How long a sign-in may take.
    pub fn wait(&self) -> Duration {
        self.wait
    }

    /// Keeps `pending` under `state`.
    pub fn put(&self, state: String, pending: Pending) -> Result<(), PendingError> {
        let mut entries = self.lock();
        let now = Instant::now();
        entries.retain(|_, entry| now.duration_since(entry.created) <= self.wait);
        if entries.len() >= self.max {
            return Err(PendingError::Full);
        }
        entries.insert(state, pending);
        Ok(())
    }

    /// Takes the sign-in under `state` if it is live and `browser` is the
    /// one that left; it is gone afterwards either way.
    pub fn take(&self, state: &str, browser: Option<&str>) -> Result<Pending, PendingError> {
        let pending = self.lock().remove(state).ok_or(PendingError::Unknown)?;
        let live = pending.created.elapsed() <= self.wait;
        if live && browser == Some(pending.browser.as_str()) {
            Ok(pending)
        } else {
            Err(PendingError::Unknown)
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Pending>> {
        self.entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pending(browser: &str) -> Pending {
        Pending {
            browser: browser.into(),
            verifier: SecretString::from("v"),
            server_id: "m365".into(),
            side: SignInFor::Source,
            login_hint: None,
            session: None,
            created: Instant::now(),
        }
    }

    #[test]
    fn a_sign_in_is_taken_once_and_only_by_its_browser() {
        let signins = PendingSignIns::new(Duration::from_secs(60), 10);
        signins.put("s1".into(), pending("b1")).unwrap();
        assert_eq!(signins.take("s1", Some("b1")).unwrap().server_id, "m365");
        assert!(matches!(
            signins.take("s1", Some("b1")),
            Err(PendingError::Unknown)
        ));
        signins.put("s2".into(), pending("b2")).unwrap();
        assert!(signins.take("s2", Some("other")).is_err());
        assert!(
            signins.take("s2", Some("b2")).is_err(),
            "a wrong try ends it"
        );
        signins.put("s3".into(), pending("b3")).unwrap();
        assert!(signins.take("s3", None).is_err());
        assert!(signins.take("never", Some("b1")).is_err());
    }

    #[test]
    fn old_sign_ins_expire_and_the_number_under_way_is_bounded() {
        let signins = PendingSignIns::new(Duration::ZERO, 10);
        signins.put("s".into(), pending("b")).unwrap();
        std::thread::sleep(Duration::from_millis(5));
        assert!(signins.take("s", Some("b")).is_err());
        let full = PendingSignIns::new(Duration::from_secs(60), 1);
        full.put("a".into(), pending("b")).unwrap();
        assert_eq!(
            full.put("c".into(), pending("b")).unwrap_err(),
            PendingError::Full
        );
    }
}
