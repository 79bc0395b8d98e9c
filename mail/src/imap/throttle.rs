//! Recognising "slow down" answers. Office 365 answers an overloaded
//! mailbox with `NO Request is throttled. Suggested Backoff Time: 4000
//! milliseconds`; other servers just say "throttled" or "try again later".

use std::time::Duration;

/// Longest wait honoured, whatever the server suggests.
pub const MAX_BACKOFF: Duration = Duration::from_secs(300);

/// Wait used when a server throttles without saying how long.
pub const DEFAULT_BACKOFF: Duration = Duration::from_secs(2);

/// If `text` (a NO/BAD/BYE text) asks the client to slow down, how long to
/// wait before trying again.
pub fn backoff(text: &str) -> Option<Duration> {
    let lower = text.to_ascii_lowercase();
    if !(lower.contains("throttl")
        || lower.contains("try again later")
        || lower.contains("too many"))
    {
        return None;
    }
    let suggested = lower
        .find("backoff time:")
        .map(|at| &lower[at + "backoff time:".len()..])
        .and_then(|rest| {
            let digits: String = rest
                .trim_start()
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            let value: u64 = digits.parse().ok()?;
            let unit = rest.trim_start()[digits.len()..].trim_start();
            Some(if unit.starts_with("s") && !unit.starts_with("ms") {
                Duration::from_secs(value)
            } else {
                Duration::from_millis(value)
            })
        });
    Some(suggested.unwrap_or(DEFAULT_BACKOFF).min(MAX_BACKOFF))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn office_365_suggestion_is_honoured() {
        assert_eq!(
            backoff("Request is throttled. Suggested Backoff Time: 4000 milliseconds"),
            Some(Duration::from_millis(4000))
        );
        assert_eq!(
            backoff("Request is throttled. Suggested Backoff Time: 900000 milliseconds"),
            Some(MAX_BACKOFF)
        );
    }

    #[test]
    fn other_slow_down_answers_get_the_default() {
        assert_eq!(
            backoff("[LIMIT] Too many simultaneous connections"),
            Some(DEFAULT_BACKOFF)
        );
        assert_eq!(
            backoff("Server busy, try again later"),
            Some(DEFAULT_BACKOFF)
        );
        assert_eq!(backoff("[OVERQUOTA] Quota exceeded"), None);
        assert_eq!(backoff("Mailbox doesn't exist"), None);
    }
}
