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
use ferry_shared::convert::graph::{ErrorResponse, Outcome};
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
        let status = response.status.as_u16();
        if status == 401 {
            return Err(Error::AuthFailed { status });
        }
        let error = serde_json::from_slice::<ErrorResponse>(&response.body).ok();
        let retry = response.header("retry-after");
        Ok(match Outcome::of(status, retry, error.as_ref()) {
            Outcome::Done => Answer::Body(response.body.clone()),
            Outcome::RetryLater { .. } => {
                let wait = retry
                    .and_then(|value| retry_after(value, now))
                    .unwrap_or(options.default_busy_wait);
                Answer::Busy(wait.min(options.max_busy_wait))
            }
            Outcome::NotFound { code, message } if !code.is_empty() => {
                Answer::NotFound(cut(&format!("{code}: {message}")))
            }
            Outcome::NotFound { .. } => Answer::NotFound(format!(
                "HTTP {status}: {}",
                response.reason(MAX_REASON_CHARS)
            )),
            Outcome::Failed { code, message, .. } if !code.is_empty() => {
                Answer::Refused(cut(&format!("{code}: {message}")))
            }
            _ => Answer::Refused(format!(
                "HTTP {status}: {}",
                response.reason(MAX_REASON_CHARS)
            )),
        })
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
