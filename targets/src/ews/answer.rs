//! What an HTTP answer (or its absence) means to an EWS step, decided
//! without I/O: a SOAP body to read, busy (wait this long), the exchange
//! lost (the server may have carried the request out), refused for good
//! — or an error that stops the whole run (credentials refused, TLS, a
//! redirect elsewhere). Also the count of tries against the limits.

use crate::caldav::outcome::retry_after;
use crate::error::Error;
use crate::ews::options::EwsOptions;
use crate::http::HttpResponse;
use ferry_shared::convert::ews::EwsError;
use std::time::{Duration, SystemTime};

/// Longest server text quoted in a reason, in characters.
pub const MAX_REASON_CHARS: usize = 300;

/// The meaning of one exchange.
#[derive(Debug)]
pub enum Answer {
    /// `200`, or `500` (Exchange sends SOAP faults so): the body to read.
    Body(String),
    /// No usable answer.
    Trouble(Trouble),
}

/// Why a step got no usable answer.
#[derive(Debug)]
pub enum Trouble {
    /// `429`, `503` or `ErrorServerBusy`: wait this long, then send the
    /// same request again (the server did not carry it out).
    Busy(Duration),
    /// No answer: the connection broke off, could not be made, or timed
    /// out, or the answer cannot be read. The server may have carried the
    /// request out.
    Lost(String),
    /// Anything else: this request will not succeed.
    Refused(String),
}

impl Answer {
    /// Classifies `response`; `now` dates a `Retry-After` given as a
    /// date. `Err`: `401`, the run stops.
    pub fn of_response(
        response: &HttpResponse,
        options: &EwsOptions,
        now: SystemTime,
    ) -> Result<Self, Error> {
        Ok(match response.status.as_u16() {
            200 | 500 => Answer::Body(String::from_utf8_lossy(&response.body).into_owned()),
            401 => return Err(Error::AuthFailed { status: 401 }),
            429 | 503 => {
                let wait = response
                    .header("retry-after")
                    .and_then(|value| retry_after(value, now))
                    .unwrap_or(options.default_busy_wait);
                Answer::Trouble(Trouble::Busy(wait.min(options.max_busy_wait)))
            }
            status => Answer::Trouble(Trouble::Refused(format!(
                "HTTP {status}: {}",
                response.reason(MAX_REASON_CHARS)
            ))),
        })
    }

    /// Classifies a transport error. `Err`: no request of this run will
    /// get past it (TLS, a redirect elsewhere, an unusable URL or header).
    pub fn of_error(error: Error) -> Result<Self, Error> {
        match error {
            Error::Http { .. } | Error::Timeout { .. } | Error::Connect { .. } => {
                Ok(Answer::Trouble(Trouble::Lost(error.to_string())))
            }
            Error::ResponseTooLarge { .. } => {
                Ok(Answer::Trouble(Trouble::Refused(error.to_string())))
            }
            other => Err(other),
        }
    }

    /// The body read with `reader`, or why there is nothing to read.
    pub fn read<T>(
        self,
        options: &EwsOptions,
        reader: impl FnOnce(&str) -> Result<T, EwsError>,
    ) -> Result<T, Trouble> {
        match self {
            Answer::Body(xml) => reader(&xml).map_err(|err| Trouble::of_read_error(err, options)),
            Answer::Trouble(trouble) => Err(trouble),
        }
    }
}

impl Trouble {
    /// A reader's error on a body: `ErrorServerBusy` (as a fault or as
    /// the one message of a FindItem) is busy; a fault or error message
    /// is a refusal; an answer that cannot be read is as good as none
    /// (the server may have carried the request out).
    pub fn of_read_error(error: EwsError, options: &EwsOptions) -> Self {
        match error {
            EwsError::ServerBusy { back_off_ms } => Trouble::Busy(busy_wait(back_off_ms, options)),
            EwsError::Fault { .. } | EwsError::Response { .. } => {
                Trouble::Refused(error.to_string())
            }
            other => Trouble::Lost(format!("unreadable answer: {other}")),
        }
    }
}

/// The wait a `BackOffMilliseconds` asks for, within the limit.
pub fn busy_wait(back_off_ms: Option<u64>, options: &EwsOptions) -> Duration {
    back_off_ms
        .map(Duration::from_millis)
        .unwrap_or(options.default_busy_wait)
        .min(options.max_busy_wait)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tries::Tries;
    use http::{HeaderMap, HeaderValue, StatusCode};
    use url::Url;

    fn response(status: u16, retry: Option<&str>) -> HttpResponse {
        let mut headers = HeaderMap::new();
        if let Some(value) = retry {
            headers.insert("retry-after", HeaderValue::from_str(value).unwrap());
        }
        HttpResponse {
            url: Url::parse("http://127.0.0.1/EWS/Exchange.asmx").unwrap(),
            status: StatusCode::from_u16(status).unwrap(),
            headers,
            body: b"body".to_vec(),
        }
    }

    #[test]
    fn statuses_are_classified() {
        let options = EwsOptions::default();
        let now = SystemTime::now();
        let answer = |status, retry| Answer::of_response(&response(status, retry), &options, now);
        assert!(matches!(answer(200, None), Ok(Answer::Body(b)) if b == "body"));
        assert!(matches!(answer(500, None), Ok(Answer::Body(_))));
        assert!(matches!(
            answer(401, None),
            Err(Error::AuthFailed { status: 401 })
        ));
        assert!(matches!(
            answer(503, Some("7")),
            Ok(Answer::Trouble(Trouble::Busy(d))) if d == Duration::from_secs(7)
        ));
        assert!(matches!(
            answer(429, None),
            Ok(Answer::Trouble(Trouble::Busy(d))) if d == options.default_busy_wait
        ));
        assert!(matches!(
            answer(503, Some("99999")),
            Ok(Answer::Trouble(Trouble::Busy(d))) if d == options.max_busy_wait
        ));
        assert!(matches!(
            answer(400, None),
            Ok(Answer::Trouble(Trouble::Refused(r))) if r == "HTTP 400: body"
        ));
    }

    #[test]
    fn transport_errors_are_lost_or_fatal() {
        let lost = Error::Timeout {
            step: "request",
            limit: Duration::from_secs(1),
        };
        assert!(matches!(
            Answer::of_error(lost),
            Ok(Answer::Trouble(Trouble::Lost(_)))
        ));
        let fatal = Error::UnsupportedScheme("ftp".into());
        assert!(matches!(
            Answer::of_error(fatal),
            Err(Error::UnsupportedScheme(_))
        ));
    }

    #[test]
    fn back_off_is_obeyed_within_the_limit() {
        let options = EwsOptions::default();
        assert_eq!(busy_wait(Some(250), &options), Duration::from_millis(250));
        assert_eq!(busy_wait(None, &options), options.default_busy_wait);
        assert_eq!(busy_wait(Some(u64::MAX), &options), options.max_busy_wait);
        let answer = Trouble::of_read_error(
            EwsError::ServerBusy {
                back_off_ms: Some(10),
            },
            &options,
        );
        assert!(matches!(answer, Trouble::Busy(d) if d == Duration::from_millis(10)));
        let fault = EwsError::Fault {
            code: "ErrorSchemaValidation".into(),
            message: "bad".into(),
        };
        assert!(
            matches!(Trouble::of_read_error(fault, &options), Trouble::Refused(r) if r.contains("bad"))
        );
        let broken = EwsError::MalformedXml("cut off".into());
        assert!(matches!(
            Trouble::of_read_error(broken, &options),
            Trouble::Lost(_)
        ));
    }

    #[test]
    fn tries_stop_at_the_limit() {
        let options = EwsOptions {
            max_busy_tries: 2,
            max_lost_tries: 1,
            ..EwsOptions::default()
        };
        let mut tries = Tries::default();
        assert!(tries.busy(&options).is_ok());
        assert!(tries.busy(&options).unwrap_err().contains("2 tries"));
        assert!(tries.lost("reset", &options).unwrap_err().contains("reset"));
    }
}
