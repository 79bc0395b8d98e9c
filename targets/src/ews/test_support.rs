//! Helpers for the unit tests of the sans-I/O steps: operations from
//! calendar and contact text, answers shaped like Exchange's (after
//! `fixtures/ews/responses`), and a driver that checks each step.

use crate::ews::endpoint::Endpoint;
use crate::ews::insert::{Insert, Step};
use crate::ews::options::EwsOptions;
use crate::http::HttpResponse;
use ferry_shared::ParseLimits;
use ferry_shared::convert::exchange::{ExchangeOptions, Operation, convert};
use ferry_shared::convert::{SOURCE_PROPERTY_NAME, SOURCE_PROPERTY_SET, encode_source_key};
use ferry_shared::mapping::{AttendeeMode, MappingRules, map_report};
use http::{HeaderMap, HeaderValue, StatusCode};
use quick_xml::escape::escape;
use std::path::Path;
use std::time::{Duration, SystemTime};
use url::Url;

pub const URL: &str = "http://127.0.0.1:1/EWS/Exchange.asmx";

/// The operations of a calendar or contact file (Europe/Berlin, flat
/// attendees).
pub fn operations(text: &str) -> Vec<Operation> {
    let limits = ParseLimits::default();
    let report = ferry_shared::inspect(text.as_bytes(), &limits).unwrap();
    let zones = ferry_shared::ical::vtimezone::defined_zones(text.as_bytes(), &limits);
    let rules = MappingRules {
        default_zone: Some("Europe/Berlin".into()),
        attendees: AttendeeMode::Flat,
        ..MappingRules::default()
    };
    let options = ExchangeOptions {
        date_zone: Some("Europe/Berlin".into()),
        ..ExchangeOptions::default()
    };
    map_report(&report, &rules)
        .iter()
        .flat_map(|mapped| convert(mapped, &zones, &options).operations)
        .collect()
}

/// A vCard with `uid`.
pub fn contact(uid: &str) -> String {
    format!("BEGIN:VCARD\r\nVERSION:3.0\r\nUID:{uid}\r\nFN:{uid}\r\nN:{uid};;;;\r\nEND:VCARD\r\n")
}

/// A repository file as text.
pub fn fixture(relative: &str) -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("..")
            .join(relative),
    )
    .unwrap()
}

pub fn insert(operations: Vec<Operation>, options: EwsOptions) -> Insert {
    let endpoint = Endpoint::new(Url::parse(URL).unwrap(), None).unwrap();
    Insert::new(operations, endpoint, options)
}

/// The next step must send `operation`; its body.
pub fn expect_send(insert: &mut Insert, operation: &str) -> String {
    match insert.next_step() {
        Step::Send(request) => {
            assert_eq!(request.url.as_str(), URL);
            assert_eq!(request.headers["content-type"], "text/xml; charset=utf-8");
            let body = String::from_utf8(request.body).unwrap();
            assert!(body.contains(&format!("<m:{operation} ")), "{body}");
            body
        }
        other => panic!("expected {operation}, got {other:?}"),
    }
}

pub fn expect_wait(insert: &mut Insert) -> Duration {
    match insert.next_step() {
        Step::Wait(wait) => wait,
        other => panic!("expected a wait, got {other:?}"),
    }
}

pub fn respond(insert: &mut Insert, status: u16, headers: &[(&'static str, &str)], body: &str) {
    insert.on_response(&http_response(status, headers, body), SystemTime::now());
}

/// Hands an answer of `status` with `body` to `take` (any sans-I/O step's
/// `on_response`).
pub fn respond_to(take: impl FnOnce(&HttpResponse, SystemTime), status: u16, body: &str) {
    take(&http_response(status, &[], body), SystemTime::now());
}

pub fn http_response(status: u16, headers: &[(&'static str, &str)], body: &str) -> HttpResponse {
    let mut map = HeaderMap::new();
    for (name, value) in headers {
        map.insert(*name, HeaderValue::from_str(value).unwrap());
    }
    HttpResponse {
        url: Url::parse(URL).unwrap(),
        status: StatusCode::from_u16(status).unwrap(),
        headers: map,
        body: body.as_bytes().to_vec(),
    }
}

fn envelope(element: &str, messages: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><m:{element} xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages" xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types"><m:ResponseMessages>{messages}</m:ResponseMessages></m:{element}></s:Body></s:Envelope>"#
    )
}

/// One item a FindItem answer lists.
pub struct Listed<'a> {
    pub id: &'a str,
    pub key: Option<&'a str>,
    pub original_start: Option<&'a str>,
}

/// A FindItem answer listing `items`, the last page.
pub fn found(items: &[Listed<'_>]) -> String {
    found_page(items, None)
}

/// A FindItem answer listing `items`; `next` is the offset of the page
/// that follows, if any.
pub fn found_page(items: &[Listed<'_>], next: Option<usize>) -> String {
    let mut listed = String::new();
    for item in items {
        listed.push_str(&format!(r#"<t:CalendarItem><t:ItemId Id="{}"/>"#, item.id));
        if let Some(key) = item.key {
            listed.push_str(&format!(
                r#"<t:ExtendedProperty><t:ExtendedFieldURI PropertySetId="{SOURCE_PROPERTY_SET}" PropertyName="{SOURCE_PROPERTY_NAME}" PropertyType="String"/><t:Value>{}</t:Value></t:ExtendedProperty>"#,
                escape(encode_source_key(key))
            ));
        }
        if let Some(start) = item.original_start {
            listed.push_str(&format!(
                "<t:Start>{start}</t:Start><t:OriginalStart>{start}</t:OriginalStart><t:CalendarItemType>Occurrence</t:CalendarItemType>"
            ));
        }
        listed.push_str("</t:CalendarItem>");
    }
    envelope(
        "FindItemResponse",
        &format!(
            r#"<m:FindItemResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode><m:RootFolder IndexedPagingOffset="{}" TotalItemsInView="{}" IncludesLastItemInRange="{}"><t:Items>{listed}</t:Items></m:RootFolder></m:FindItemResponseMessage>"#,
            next.unwrap_or(items.len()),
            next.map_or(items.len(), |at| at + 1),
            next.is_none()
        ),
    )
}

/// One item's answer in a CreateItem, DeleteItem or UpdateItem response.
pub enum Message<'a> {
    Success(&'a str),
    Busy(u64),
    Error(&'a str, &'a str),
}

/// An answer of `element` (`CreateItemResponse`, …) with `messages`.
pub fn outcomes(element: &str, messages: &[Message<'_>]) -> String {
    let message = element.replace("Response", "ResponseMessage");
    let mut all = String::new();
    for m in messages {
        all.push_str(&match m {
            Message::Success(id) => format!(
                r#"<m:{message} ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode><m:Items><t:Contact><t:ItemId Id="{id}"/></t:Contact></m:Items></m:{message}>"#
            ),
            Message::Busy(ms) => format!(
                r#"<m:{message} ResponseClass="Error"><m:MessageText>busy</m:MessageText><m:ResponseCode>ErrorServerBusy</m:ResponseCode><m:MessageXml><t:Value Name="BackOffMilliseconds">{ms}</t:Value></m:MessageXml><m:Items/></m:{message}>"#
            ),
            Message::Error(code, text) => format!(
                r#"<m:{message} ResponseClass="Error"><m:MessageText>{}</m:MessageText><m:ResponseCode>{code}</m:ResponseCode><m:Items/></m:{message}>"#,
                escape(*text)
            ),
        });
    }
    envelope(element, &all)
}
