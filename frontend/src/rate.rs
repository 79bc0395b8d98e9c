//! How fast a running job copies and how long it still needs, from the
//! progress it reports over time (the events of one run).

use std::collections::VecDeque;

/// The speed is measured over about this long.
const WINDOW_MS: f64 = 30_000.0;
/// Shorter than this, a measurement says nothing yet.
const MIN_SPAN_MS: f64 = 1_500.0;

#[derive(Debug, Clone, Copy)]
struct Sample {
    at_ms: f64,
    bytes: u64,
    messages: u64,
}

/// Progress samples of one run.
#[derive(Debug, Clone, Default)]
pub struct RateMeter {
    samples: VecDeque<Sample>,
}

/// Speed and time left.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rate {
    pub bytes_per_second: f64,
    pub messages_per_second: f64,
    /// Unknown while nothing moves.
    pub seconds_left: Option<f64>,
}

impl RateMeter {
    /// Notes the bytes and messages done at `at_ms` (milliseconds). A
    /// count that goes down starts a new measurement (a new run).
    pub fn record(&mut self, at_ms: f64, bytes: u64, messages: u64) {
        if self.samples.back().is_some_and(|last| {
            bytes < last.bytes || messages < last.messages || at_ms < last.at_ms
        }) {
            self.samples.clear();
        }
        self.samples.push_back(Sample {
            at_ms,
            bytes,
            messages,
        });
        while self.samples.len() > 2 && at_ms - self.samples[1].at_ms >= WINDOW_MS {
            self.samples.pop_front();
        }
    }

    /// Forgets every sample (the job stopped).
    pub fn clear(&mut self) {
        self.samples.clear();
    }

    /// The speed, and the time the `bytes_left` and `messages_left` take
    /// at that speed (bytes when known, else messages).
    pub fn rate(&self, bytes_left: u64, messages_left: u64) -> Option<Rate> {
        let (first, last) = (self.samples.front()?, self.samples.back()?);
        let span = last.at_ms - first.at_ms;
        if span < MIN_SPAN_MS {
            return None;
        }
        let per_second = |done: u64| done as f64 * 1000.0 / span;
        let bytes_per_second = per_second(last.bytes - first.bytes);
        let messages_per_second = per_second(last.messages - first.messages);
        let seconds_left = if bytes_per_second > 0.0 && bytes_left > 0 {
            Some(bytes_left as f64 / bytes_per_second)
        } else if messages_per_second > 0.0 {
            Some(messages_left as f64 / messages_per_second)
        } else {
            None
        };
        Some(Rate {
            bytes_per_second,
            messages_per_second,
            seconds_left,
        })
    }
}

/// "about 5 minutes left", in plain words.
pub fn time_left_text(seconds: f64) -> String {
    let seconds = seconds.max(0.0).round() as u64;
    let minutes = (seconds + 30) / 60;
    let unit = |n: u64, one: &str| {
        if n == 1 {
            format!("1 {one}")
        } else {
            format!("{n} {one}s")
        }
    };
    match minutes {
        _ if seconds < 60 => "less than a minute left".to_string(),
        0..60 => format!("about {} left", unit(minutes.max(1), "minute")),
        _ => {
            let (hours, rest) = (minutes / 60, minutes % 60);
            if rest == 0 {
                format!("about {} left", unit(hours, "hour"))
            } else {
                format!(
                    "about {} {} left",
                    unit(hours, "hour"),
                    unit(rest, "minute")
                )
            }
        }
    }
}
