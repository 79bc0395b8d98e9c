//! Rate limits (imapsync's --maxbytespersecond, --maxmessagespersecond):
//! before each batch the engine waits as long as needed for the totals so
//! far to stay within the limits. Pure time arithmetic, tested without
//! clocks.

use std::time::Duration;

/// Limits on the copy rate; `None` is unlimited.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct RateLimit {
    pub bytes_per_second: Option<u64>,
    pub messages_per_second: Option<f64>,
}

impl RateLimit {
    pub fn is_unlimited(&self) -> bool {
        self.bytes_per_second.is_none() && self.messages_per_second.is_none()
    }

    /// How long to wait, `elapsed` after the start, having copied `bytes`
    /// and `messages`, so that neither limit is exceeded.
    pub fn delay(&self, bytes: u64, messages: u64, elapsed: Duration) -> Duration {
        let mut earliest = Duration::ZERO;
        if let Some(limit) = self.bytes_per_second.filter(|l| *l > 0) {
            earliest = earliest.max(Duration::from_secs_f64(bytes as f64 / limit as f64));
        }
        if let Some(limit) = self.messages_per_second.filter(|l| *l > 0.0) {
            earliest = earliest.max(Duration::from_secs_f64(messages as f64 / limit));
        }
        earliest.saturating_sub(elapsed)
    }
}

/// Applies a [`RateLimit`] over a whole run, fed by the folders' reports.
#[derive(Debug)]
pub struct Pacer {
    limit: RateLimit,
    started: std::time::Instant,
    bytes: u64,
    messages: u64,
    seen_bytes: u64,
    seen_messages: u64,
}

impl Pacer {
    pub fn new(limit: RateLimit) -> Self {
        Self {
            limit,
            started: std::time::Instant::now(),
            bytes: 0,
            messages: 0,
            seen_bytes: 0,
            seen_messages: 0,
        }
    }

    /// A new folder's report starts from zero.
    pub fn next_folder(&mut self) {
        self.seen_bytes = 0;
        self.seen_messages = 0;
    }

    /// Counts what the current folder copied since the last call, then
    /// waits as long as the limits require.
    pub async fn pace(&mut self, folder_bytes: u64, folder_messages: u64) {
        self.bytes += folder_bytes.saturating_sub(self.seen_bytes);
        self.messages += (folder_messages).saturating_sub(self.seen_messages);
        self.seen_bytes = folder_bytes;
        self.seen_messages = folder_messages;
        if self.limit.is_unlimited() {
            return;
        }
        let wait = self
            .limit
            .delay(self.bytes, self.messages, self.started.elapsed());
        if !wait.is_zero() {
            tokio::time::sleep(wait).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_until_the_totals_fit_the_limits() {
        let limit = RateLimit {
            bytes_per_second: Some(1_000_000),
            messages_per_second: Some(10.0),
        };
        // 3 MB after 1 s: two more seconds are needed.
        assert_eq!(
            limit.delay(3_000_000, 1, Duration::from_secs(1)),
            Duration::from_secs(2)
        );
        // 50 messages after 2 s: the message limit wants 5 s.
        assert_eq!(
            limit.delay(100, 50, Duration::from_secs(2)),
            Duration::from_secs(3)
        );
        // Within both: no wait.
        assert_eq!(
            limit.delay(500_000, 5, Duration::from_secs(1)),
            Duration::ZERO
        );
        assert_eq!(
            RateLimit::default().delay(u64::MAX, u64::MAX, Duration::ZERO),
            Duration::ZERO
        );
    }
}
