//! Limits on sign-in attempts, held in memory: so many per client
//! address per minute, and so many failures per account per hour (an
//! account is a server and a user name). Over a limit, the answer is
//! `429` with how long to wait — never a silent delay that ties up the
//! server.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const MINUTE: Duration = Duration::from_secs(60);
const HOUR: Duration = Duration::from_secs(3600);

/// The counters.
#[derive(Debug, Clone)]
pub struct SignInThrottle {
    per_address: u32,
    failures_per_account: u32,
    attempts: Arc<Mutex<HashMap<IpAddr, VecDeque<Instant>>>>,
    failures: Arc<Mutex<HashMap<String, VecDeque<Instant>>>>,
}

impl SignInThrottle {
    pub fn new(per_address_per_minute: u32, failures_per_account_per_hour: u32) -> Self {
        Self {
            per_address: per_address_per_minute,
            failures_per_account: failures_per_account_per_hour,
            attempts: Arc::default(),
            failures: Arc::default(),
        }
    }

    /// Counts an attempt from `address`; `Err(wait)` when it is one too
    /// many (not counted then).
    pub fn attempt(&self, address: IpAddr, now: Instant) -> Result<(), Duration> {
        let mut attempts = lock(&self.attempts);
        let times = attempts.entry(address).or_default();
        check(times, self.per_address, MINUTE, now)?;
        times.push_back(now);
        Ok(())
    }

    /// Whether `account` may try again; `Err(wait)` after too many
    /// failures.
    pub fn account_open(&self, account: &str, now: Instant) -> Result<(), Duration> {
        let mut failures = lock(&self.failures);
        match failures.get_mut(account) {
            Some(times) => check(times, self.failures_per_account, HOUR, now),
            None => Ok(()),
        }
    }

    /// Counts a refused sign-in of `account`.
    pub fn failed(&self, account: &str, now: Instant) {
        lock(&self.failures)
            .entry(account.to_string())
            .or_default()
            .push_back(now);
    }
}

/// Drops times older than `window`; `Err(wait)` when `limit` remain.
fn check(
    times: &mut VecDeque<Instant>,
    limit: u32,
    window: Duration,
    now: Instant,
) -> Result<(), Duration> {
    while times
        .front()
        .is_some_and(|t| now.duration_since(*t) >= window)
    {
        times.pop_front();
    }
    if times.len() >= limit as usize {
        let oldest = times.front().copied().unwrap_or(now);
        return Err(window.saturating_sub(now.duration_since(oldest)));
    }
    Ok(())
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attempts_per_address_are_limited_per_minute() {
        let throttle = SignInThrottle::new(2, 5);
        let (a, b) = ("192.0.2.1".parse().unwrap(), "192.0.2.2".parse().unwrap());
        let start = Instant::now();
        assert!(throttle.attempt(a, start).is_ok());
        assert!(throttle.attempt(a, start).is_ok());
        let wait = throttle
            .attempt(a, start + Duration::from_secs(10))
            .unwrap_err();
        assert_eq!(wait, Duration::from_secs(50));
        assert!(throttle.attempt(b, start).is_ok(), "another address");
        assert!(
            throttle.attempt(a, start + MINUTE).is_ok(),
            "a minute later"
        );
    }

    #[test]
    fn failures_per_account_are_limited_per_hour() {
        let throttle = SignInThrottle::new(100, 2);
        let start = Instant::now();
        assert!(throttle.account_open("imap.example/alice", start).is_ok());
        throttle.failed("imap.example/alice", start);
        throttle.failed("imap.example/alice", start);
        assert!(throttle.account_open("imap.example/alice", start).is_err());
        assert!(throttle.account_open("imap.example/bob", start).is_ok());
        assert!(
            throttle
                .account_open("imap.example/alice", start + HOUR)
                .is_ok()
        );
    }
}
