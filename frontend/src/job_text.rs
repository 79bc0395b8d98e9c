//! A job in plain words: its state, when it started, how far it is.

use ferry_shared::api::{JobState, JobView};

/// The state as the page says it.
pub fn state_words(state: JobState) -> &'static str {
    match state {
        JobState::Queued => "Waiting for its turn",
        JobState::Running => "Copying your mail",
        JobState::WaitingForSignIn => "Waiting for you to sign in again",
        JobState::Done => "Done",
        JobState::Failed => "Stopped by an error",
        JobState::Cancelled => "Cancelled",
    }
}

/// The badge colour class of a state.
pub fn state_class(state: JobState) -> &'static str {
    match state {
        JobState::Done => "badge ok",
        JobState::Failed => "badge bad",
        JobState::Cancelled | JobState::WaitingForSignIn => "badge warn",
        JobState::Queued | JobState::Running => "badge busy",
    }
}

/// `2026-12-01T15:04:05Z` as `2026-12-01 15:04 UTC`.
pub fn when_text(timestamp: &str) -> String {
    match timestamp.split_once('T') {
        Some((date, time)) => {
            let time = time.trim_end_matches('Z');
            format!("{date} {} UTC", time.get(..5).unwrap_or(time))
        }
        None => timestamp.to_string(),
    }
}

/// How much of `total` is `done`, in whole percent: 100 only when all is.
pub fn percent(done: u64, total: u64) -> u64 {
    if total == 0 || done >= total {
        100
    } else {
        (done * 100 / total).min(99)
    }
}

/// The job's overall percent: by bytes when known, else by messages.
pub fn job_percent(job: &JobView) -> u64 {
    let (bytes, bytes_done) = job.bytes();
    let (messages, copied) = job.messages();
    if bytes > 0 && copied < messages {
        percent(bytes_done, bytes).min(99)
    } else {
        percent(copied, messages)
    }
}

/// "alice at imap.old.example".
pub fn account_text(account: &ferry_shared::api::Account) -> String {
    format!("{} at {}", account.user, account.server)
}
