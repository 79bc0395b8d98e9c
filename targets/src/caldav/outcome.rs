//! What a `PUT` answer means, decided from the status and headers alone:
//! created, already there (`412` to `If-None-Match: *`), authentication
//! failed, server busy (with how long to wait), or refused with the
//! server's reason. Also the common check of a WebDAV step's answer.

use crate::caldav::xml::error_body;
use crate::caldav::xml::multistatus::{self, DavResponse, XmlLimits};
use crate::error::{Error, Result};
use crate::http::HttpResponse;
use std::time::{Duration, SystemTime};

/// Longest server reason quoted in an outcome, in characters.
pub const MAX_REASON_CHARS: usize = 300;

/// The meaning of one `PUT` answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PutOutcome {
    /// `201`, or `200`/`204` (some servers answer a create so).
    Created,
    /// `412 Precondition Failed`: a resource with this name exists.
    AlreadyThere,
    /// `401`: the credentials were not accepted.
    AuthFailed,
    /// `429`, `503`: try again after this long (from `Retry-After`, or
    /// `None` when the server named no time).
    Busy { retry_after: Option<Duration> },
    /// Any other status: the server will not take this resource.
    Refused { status: u16, reason: String },
}

/// Classifies `response`; `now` dates a `Retry-After` given as an HTTP date.
pub fn classify_put(response: &HttpResponse, now: SystemTime) -> PutOutcome {
    match response.status.as_u16() {
        200 | 201 | 204 => PutOutcome::Created,
        412 => PutOutcome::AlreadyThere,
        401 => PutOutcome::AuthFailed,
        429 | 503 => PutOutcome::Busy {
            retry_after: response
                .header("retry-after")
                .and_then(|value| retry_after(value, now)),
        },
        status => PutOutcome::Refused {
            status,
            reason: refusal_reason(response),
        },
    }
}

/// The failed WebDAV conditions when the body names them, else the body
/// text (or the status text).
pub fn refusal_reason(response: &HttpResponse) -> String {
    match error_body::conditions(&response.body) {
        Some(conditions) => format!(
            "{}: {}",
            response.status.canonical_reason().unwrap_or("refused"),
            conditions.join(", ")
        ),
        None => response.reason(MAX_REASON_CHARS),
    }
}

/// The responses of a `207 Multi-Status` answer to `step`; `401` is an
/// authentication failure, any other status an unexpected one.
pub fn expect_multistatus(
    response: &HttpResponse,
    step: &'static str,
    limits: &XmlLimits,
) -> Result<Vec<DavResponse>> {
    match response.status.as_u16() {
        207 => multistatus::parse(&response.body, limits),
        status => Err(unexpected(response, step, status)),
    }
}

/// The error for an answer `step` cannot go on after.
pub fn unexpected(response: &HttpResponse, step: &'static str, status: u16) -> Error {
    if status == 401 {
        Error::AuthFailed { status }
    } else {
        Error::UnexpectedStatus {
            step,
            status,
            reason: refusal_reason(response),
        }
    }
}

/// `Retry-After` as seconds or as an HTTP date (RFC 9110 §10.2.3); a date
/// in the past means no wait.
pub fn retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(date.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::{HeaderMap, HeaderValue, StatusCode};
    use url::Url;

    fn response(status: u16, headers: &[(&'static str, &str)], body: &str) -> HttpResponse {
        let mut map = HeaderMap::new();
        for (name, value) in headers {
            map.insert(*name, HeaderValue::from_str(value).unwrap());
        }
        HttpResponse {
            url: Url::parse("http://127.0.0.1/a.ics").unwrap(),
            status: StatusCode::from_u16(status).unwrap(),
            headers: map,
            body: body.as_bytes().to_vec(),
        }
    }

    #[test]
    fn statuses_map_to_outcomes() {
        let now = SystemTime::now();
        assert_eq!(
            classify_put(&response(201, &[], ""), now),
            PutOutcome::Created
        );
        assert_eq!(
            classify_put(&response(204, &[], ""), now),
            PutOutcome::Created
        );
        assert_eq!(
            classify_put(&response(412, &[], ""), now),
            PutOutcome::AlreadyThere
        );
        assert_eq!(
            classify_put(&response(401, &[], ""), now),
            PutOutcome::AuthFailed
        );
        assert_eq!(
            classify_put(&response(400, &[], "Bad Request\n\nInvalid VCALENDAR"), now),
            PutOutcome::Refused {
                status: 400,
                reason: "Bad Request Invalid VCALENDAR".into()
            }
        );
        assert_eq!(
            classify_put(&response(507, &[], ""), now),
            PutOutcome::Refused {
                status: 507,
                reason: "Insufficient Storage".into()
            }
        );
    }

    #[test]
    fn dav_error_bodies_give_their_conditions() {
        let body = r#"<error xmlns="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><C:no-uid-conflict><href>/a/b.ics</href></C:no-uid-conflict></error>"#;
        assert_eq!(
            classify_put(&response(409, &[], body), SystemTime::now()),
            PutOutcome::Refused {
                status: 409,
                reason: "Conflict: caldav:no-uid-conflict".into()
            }
        );
    }

    #[test]
    fn busy_carries_the_wait() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(784_111_777);
        assert_eq!(
            classify_put(&response(503, &[("retry-after", "120")], ""), now),
            PutOutcome::Busy {
                retry_after: Some(Duration::from_secs(120))
            }
        );
        assert_eq!(
            classify_put(
                &response(429, &[("retry-after", "Sun, 06 Nov 1994 08:49:47 GMT")], ""),
                now
            ),
            PutOutcome::Busy {
                retry_after: Some(Duration::from_secs(10))
            }
        );
        assert_eq!(
            classify_put(&response(503, &[("retry-after", "soon")], ""), now),
            PutOutcome::Busy { retry_after: None }
        );
        assert_eq!(
            retry_after("Sun, 06 Nov 1994 08:49:00 GMT", now),
            Some(Duration::ZERO)
        );
    }
}
