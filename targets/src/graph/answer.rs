//! What an HTTP answer (or its absence) means to a Graph step, decided
//! without I/O: a body to read (2xx), busy (wait this long), the
//! exchange lost (the server may have carried the request out), refused
//! (Graph's `error.code: message`) — or an error that stops the whole
//! run (`401`, TLS, a redirect elsewhere). Also the count of tries
//! against the limits.

use crate::caldav::outcome::retry_after;
use crate::error::Error;
use crate::ews::answer::MAX_REASON_CHARS;
use crate::graph::options::GraphOptions;
use crate::http::HttpResponse;
use ferry_shared::convert::graph::{BatchResponseItem, ErrorResponse, Outcome};
use serde_json::Value;
use std::time::{Duration, SystemTime};

/// The meaning of one exchange.
#[derive(Debug)]
pub enum Answer {
    /// 2xx: the body to read.
    Body(Vec<u8>),
    /// `429` or `503`: wait this long, then send the same request again
    /// (Graph did not carry it out).
    Busy(Duration),
    /// No answer (the connection broke off or timed out, or the body
    /// cannot be read): Graph may have carried the request out.
    Lost(String),
    /// `404` or `ErrorItemNotFound`: the item is not (or no longer) there.
    NotFound(String),
    /// Anything else: this request will not succeed.
    Refused(String),
}

impl Answer {
    /// Classifies `response`; `now` dates a `Retry-After` given as a
    /// date. `Err`: `401`, the run stops.
    pub fn of_response(
        response: &HttpResponse,
        options: &GraphOptions,
        now: SystemTime,
    ) -> Result<Self, Error> {
        let reason = || response.reason(MAX_REASON_CHARS);
        let parts = Parts {
            status: response.status.as_u16(),
            retry: response.header("retry-after"),
            body: &response.body,
        };
        parts.classify(options, now, reason)
    }

    /// Classifies the answer to one request of a `$batch` (its own
    /// status, `Retry-After` and body) as if it had come alone.
    pub fn of_batch_item(
        item: &BatchResponseItem<Value>,
        options: &GraphOptions,
        now: SystemTime,
    ) -> Result<Self, Error> {
        let body = match &item.body {
            Some(value) => serde_json::to_vec(value).unwrap_or_default(),
            None => Vec::new(),
        };
        let parts = Parts {
            status: item.status,
            retry: item.retry_after(),
            body: &body,
        };
        let reason = || cut(&String::from_utf8_lossy(&body));
        parts.classify(options, now, reason)
    }

    /// Classifies a transport error. `Err`: no request of this run will
    /// get past it (TLS, a redirect elsewhere, an unusable URL).
    pub fn of_error(error: Error) -> Result<Self, Error> {
        match error {
            Error::Http { .. } | Error::Timeout { .. } | Error::Connect { .. } => {
                Ok(Answer::Lost(error.to_string()))
            }
            Error::ResponseTooLarge { .. } | Error::InvalidRequest(_) => {
                Ok(Answer::Refused(error.to_string()))
            }
            other => Err(other),
        }
    }
}

/// What an answer is made of, alone or inside a batch.
struct Parts<'a> {
    status: u16,
    retry: Option<&'a str>,
    body: &'a [u8],
}

impl Parts<'_> {
    fn classify(
        &self,
        options: &GraphOptions,
        now: SystemTime,
        reason: impl Fn() -> String,
    ) -> Result<Answer, Error> {
        let status = self.status;
        if status == 401 {
            return Err(Error::AuthFailed { status });
        }
        let error = serde_json::from_slice::<ErrorResponse>(self.body).ok();
        Ok(match Outcome::of(status, self.retry, error.as_ref()) {
            Outcome::Done => Answer::Body(self.body.to_vec()),
            Outcome::RetryLater { .. } => {
                let wait = self
                    .retry
                    .and_then(|value| retry_after(value, now))
                    .unwrap_or(options.default_busy_wait);
                Answer::Busy(wait.min(options.max_busy_wait))
            }
            Outcome::NotFound { code, message } if !code.is_empty() => {
                Answer::NotFound(cut(&format!("{code}: {message}")))
            }
            Outcome::NotFound { .. } => Answer::NotFound(format!("HTTP {status}: {}", reason())),
            Outcome::Failed { code, message, .. } if !code.is_empty() => {
                Answer::Refused(cut(&format!("{code}: {message}")))
            }
            _ => Answer::Refused(format!("HTTP {status}: {}", reason())),
        })
    }
}

/// `text` cut to [`MAX_REASON_CHARS`].
fn cut(text: &str) -> String {
    let mut reason: String = text.chars().take(MAX_REASON_CHARS).collect();
    if text.chars().count() > MAX_REASON_CHARS {
        reason.push('…');
    }
    reason
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tries::Tries;
    use http::{HeaderMap, HeaderValue, StatusCode};
    use url::Url;

    fn fixture(name: &str) -> Vec<u8> {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../fixtures/graph")
            .join(name);
        std::fs::read(path).unwrap()
    }

    fn response(status: u16, retry: Option<&str>, body: Vec<u8>) -> HttpResponse {
        let mut headers = HeaderMap::new();
        if let Some(value) = retry {
            headers.insert("retry-after", HeaderValue::from_str(value).unwrap());
        }
        HttpResponse {
            url: Url::parse("http://127.0.0.1/v1.0/me/events").unwrap(),
            status: StatusCode::from_u16(status).unwrap(),
            headers,
            body,
        }
    }

    #[test]
    fn statuses_are_classified() {
        let options = GraphOptions::default();
        let now = SystemTime::now();
        let answer = |status, retry, body| {
            Answer::of_response(&response(status, retry, body), &options, now)
        };
        let created = fixture("created-event.json");
        assert!(matches!(answer(201, None, created.clone()), Ok(Answer::Body(b)) if b == created));
        assert!(matches!(
            answer(401, None, Vec::new()),
            Err(Error::AuthFailed { status: 401 })
        ));
        assert!(matches!(
            answer(429, Some("7"), fixture("error-throttled.json")),
            Ok(Answer::Busy(d)) if d == Duration::from_secs(7)
        ));
        assert!(matches!(
            answer(503, None, fixture("error-service-unavailable.json")),
            Ok(Answer::Busy(d)) if d == options.default_busy_wait
        ));
        assert!(matches!(
            answer(503, Some("99999"), Vec::new()),
            Ok(Answer::Busy(d)) if d == options.max_busy_wait
        ));
        assert!(matches!(
            answer(404, None, fixture("error-item-not-found.json")),
            Ok(Answer::NotFound(r)) if r.starts_with("ErrorItemNotFound: ")
        ));
        assert!(matches!(
            answer(400, None, b"not json".to_vec()),
            Ok(Answer::Refused(r)) if r == "HTTP 400: not json"
        ));
    }

    #[test]
    fn answers_inside_a_batch_are_classified_alone() {
        let options = GraphOptions::default();
        let batch: ferry_shared::convert::graph::BatchResponse<Value> =
            serde_json::from_slice(&fixture("batch-partial-failure.json")).unwrap();
        let answers: Vec<_> = batch
            .responses
            .iter()
            .map(|item| Answer::of_batch_item(item, &options, SystemTime::now()).unwrap())
            .collect();
        assert!(matches!(&answers[0], Answer::Body(b) if b.starts_with(b"{")));
        assert!(matches!(&answers[1], Answer::NotFound(r) if r.starts_with("ErrorItemNotFound")));
        assert!(matches!(answers[2], Answer::Busy(d) if d == Duration::from_secs(7)));
        assert!(matches!(&answers[3], Answer::Body(b) if b.is_empty()));
        assert!(matches!(&answers[5], Answer::Refused(r) if r.starts_with("ErrorInvalidRequest")));
        let unauthorized: BatchResponseItem<Value> =
            serde_json::from_str(r#"{"id":"0","status":401}"#).unwrap();
        assert!(Answer::of_batch_item(&unauthorized, &options, SystemTime::now()).is_err());
    }

    #[test]
    fn transport_errors_are_lost_or_fatal() {
        let lost = Error::Timeout {
            step: "request",
            limit: Duration::from_secs(1),
        };
        assert!(matches!(Answer::of_error(lost), Ok(Answer::Lost(_))));
        let fatal = Error::UnsupportedScheme("ftp".into());
        assert!(matches!(
            Answer::of_error(fatal),
            Err(Error::UnsupportedScheme(_))
        ));
    }

    #[test]
    fn tries_stop_at_the_limit() {
        let options = GraphOptions {
            max_busy_tries: 2,
            max_lost_tries: 1,
            ..GraphOptions::default()
        };
        let mut tries = Tries::default();
        assert!(tries.busy(&options).is_ok());
        assert!(tries.busy(&options).unwrap_err().contains("2 tries"));
        assert!(tries.lost("reset", &options).unwrap_err().contains("reset"));
    }
}
