//! When a mail job's run may reconnect and go on, and how long it waits
//! first — no I/O here.
//!
//! A connection that ended or broke (an I/O error, the server closing
//! it with or without `BYE` — Exchange Online's `Session invalidated -
//! AccessTokenExpired` among them —, no answer within the timeout, a
//! refused connect) or a server asking to slow down is *lost*: a new
//! connection may get further, and since the mail engine records every
//! copy before it moves on, running it again goes on where it stopped.
//! Anything else — a refused login, a command the server refuses, a
//! certificate, a store that cannot be written — is a real failure that
//! another try would only repeat.
//!
//! The tries are bounded (`[jobs] reconnect_attempts` in a row without
//! a message copied in between) and spaced: `reconnect_delay_secs`
//! before the first, doubled for each further one, at most
//! `reconnect_max_delay_secs` — or longer when a throttling server
//! asked for more.

use crate::config::site::JobConfig;
use ferry_mail::imap::ImapError;
use ferry_mail::sync::engine::SyncError;
use std::time::Duration;

/// How a run reconnects after a lost connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReconnectPolicy {
    /// Tries in a row without a message copied in between. 0: never.
    pub attempts: u32,
    /// The wait before the first try.
    pub first_delay: Duration,
    /// The longest wait between tries.
    pub max_delay: Duration,
}

impl Default for ReconnectPolicy {
    fn default() -> Self {
        Self::from(&JobConfig::default())
    }
}

impl From<&JobConfig> for ReconnectPolicy {
    fn from(jobs: &JobConfig) -> Self {
        Self {
            attempts: jobs.reconnect_attempts,
            first_delay: Duration::from_secs(jobs.reconnect_delay_secs),
            max_delay: Duration::from_secs(jobs.reconnect_max_delay_secs),
        }
    }
}

impl ReconnectPolicy {
    /// The wait before try `attempt` (1 for the first): the first delay,
    /// doubled each time, capped; at least what the server asked for.
    pub fn delay(&self, attempt: u32, asked: Option<Duration>) -> Duration {
        let doublings = attempt.saturating_sub(1).min(20);
        let grown = self
            .first_delay
            .saturating_mul(1 << doublings)
            .min(self.max_delay);
        asked.map_or(grown, |asked| grown.max(asked))
    }
}

/// Which side's connection an error came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Old,
    New,
}

impl Side {
    /// "old" or "new", as the page names the mailboxes.
    pub fn name(self) -> &'static str {
        match self {
            Side::Old => "old",
            Side::New => "new",
        }
    }
}

/// A lost connection: worth a new one, after at least the wait the
/// server asked for (when it throttles).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lost {
    pub asked_wait: Option<Duration>,
}

/// Whether `error` means the connection was lost (see the module's
/// documentation) rather than a real refusal or failure.
pub fn connection_lost(error: &ImapError) -> Option<Lost> {
    let asked_wait = error.backoff();
    let lost = matches!(
        error,
        ImapError::Connect(_) | ImapError::Timeout(_) | ImapError::Io(_) | ImapError::Closed(_)
    );
    (lost || asked_wait.is_some()).then_some(Lost { asked_wait })
}

/// [`connection_lost`] for an error of the mail engine, with the side
/// whose connection it was; none for a store that failed.
pub fn engine_connection_lost(error: &SyncError) -> Option<(Side, Lost)> {
    match error {
        SyncError::Source(error) => connection_lost(error).map(|lost| (Side::Old, lost)),
        SyncError::Target(error) => connection_lost(error).map(|lost| (Side::New, lost)),
        SyncError::Store(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ferry_mail::imap::ProtocolError;
    use ferry_mail::sync::StoreError;
    use std::io;

    fn policy() -> ReconnectPolicy {
        ReconnectPolicy {
            attempts: 5,
            first_delay: Duration::from_secs(2),
            max_delay: Duration::from_secs(60),
        }
    }

    #[test]
    fn dropped_broken_silent_or_refused_connections_are_lost() {
        for error in [
            ImapError::Io(io::Error::from(io::ErrorKind::UnexpectedEof)),
            ImapError::Io(io::Error::from(io::ErrorKind::ConnectionReset)),
            ImapError::Closed("Session invalidated - AccessTokenExpired".into()),
            ImapError::Closed("connection closed without BYE".into()),
            ImapError::Closed("no greeting".into()),
            ImapError::Timeout(Duration::from_secs(120)),
            ImapError::Connect(io::Error::from(io::ErrorKind::ConnectionRefused)),
        ] {
            assert_eq!(
                connection_lost(&error),
                Some(Lost { asked_wait: None }),
                "{error}"
            );
        }
    }

    #[test]
    fn a_throttling_server_is_waited_for_as_long_as_it_asks() {
        let throttled = ImapError::AuthenticationFailed(
            "Request is throttled. Suggested Backoff Time: 9000 milliseconds".into(),
        );
        let lost = connection_lost(&throttled).unwrap();
        assert_eq!(lost.asked_wait, Some(Duration::from_secs(9)));
        assert_eq!(
            policy().delay(1, lost.asked_wait),
            Duration::from_secs(9),
            "the server's wait wins over a shorter one"
        );
        assert_eq!(
            policy().delay(4, lost.asked_wait),
            Duration::from_secs(16),
            "and a longer one of ours wins over it"
        );
    }

    #[test]
    fn refusals_and_failures_are_not_lost_connections() {
        for error in [
            ImapError::AuthenticationFailed("[AUTHENTICATIONFAILED] Authentication failed.".into()),
            ImapError::Tls(io::Error::other("invalid peer certificate")),
            ImapError::StartTlsUnavailable,
            ImapError::Protocol(ProtocolError::ResponseTooLarge { limit: 1024 }),
            ImapError::InvalidInput("folder".into()),
        ] {
            assert_eq!(connection_lost(&error), None, "{error}");
        }
        assert_eq!(
            engine_connection_lost(&SyncError::Store(StoreError("disk full".into()))),
            None
        );
    }

    #[test]
    fn the_engine_names_the_side_that_was_lost() {
        let closed = || ImapError::Closed("bye".into());
        assert_eq!(
            engine_connection_lost(&SyncError::Source(closed())).map(|(side, _)| side.name()),
            Some("old")
        );
        assert_eq!(
            engine_connection_lost(&SyncError::Target(closed())).map(|(side, _)| side.name()),
            Some("new")
        );
    }

    #[test]
    fn waits_double_up_to_the_cap() {
        let waits: Vec<u64> = (1..=7)
            .map(|attempt| policy().delay(attempt, None).as_secs())
            .collect();
        assert_eq!(waits, [2, 4, 8, 16, 32, 60, 60]);
        assert_eq!(policy().delay(u32::MAX, None), Duration::from_secs(60));
        let none = ReconnectPolicy {
            first_delay: Duration::ZERO,
            ..policy()
        };
        assert_eq!(none.delay(3, None), Duration::ZERO);
    }
}
