//! A small EWS server on 127.0.0.1 for the EWS transport's tests. It
//! keeps the items created (by source key), answers FindItem (by source
//! key, and as a calendar view listing the occurrences of the series it
//! was told about), CreateItem, DeleteItem and UpdateItem with envelopes
//! shaped like Microsoft's published ones (`fixtures/ews/samples`,
//! `fixtures/ews/responses`), and can be scripted to misbehave once per
//! entry: `ErrorServerBusy` (as a fault or per item), items refused,
//! `401`, `503` with `Retry-After`, or a CreateItem carried out and the
//! connection then dropped unanswered (at once, or after a stall longer
//! than the client's timeout). FindItem by source key evaluates the
//! request's restriction (one `IsEqualTo` or an `Or` of them), pages
//! through `IndexedPageItemView` and lists the key only when the shape
//! asks for it; ResolveNames answers from a configured directory
//! ([`EwsServer::set_directory`]). Every request body is kept as a
//! file; [`EwsServer::assert_requests_valid`] checks them all against
//! Microsoft's schemas with one xmllint run.
//!
//! Items are kept per mailbox: the address an `ExchangeImpersonation`
//! header names (`PrimarySmtpAddress`), else the signed-in user (the
//! Basic user name; empty behind another login). More accounts may be
//! let in ([`EwsServer::add_account`], e.g. a service account), and
//! acting for some mailboxes refused with Exchange's published fault
//! `ErrorImpersonateUserDenied` ([`EwsServer::deny_impersonation`]).

use crate::http_server::{self, Handler, Reply, Request};
use quick_xml::Reader;
use quick_xml::escape::escape;
use quick_xml::events::{BytesStart, Event};
use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};

/// One misbehaviour, for the first request of operation `on`
/// (`CreateItem`, `FindItem`, …) that arrives after the ones before it.
pub struct Scripted {
    pub on: &'static str,
    pub fault: Fault,
}

pub enum Fault {
    /// A SOAP fault `ErrorServerBusy` with this back-off (HTTP 500).
    ServerBusy { back_off_ms: u64 },
    /// CreateItem: the items at these positions answered
    /// `ErrorServerBusy` (not created); the others created.
    BusyItems {
        positions: Vec<usize>,
        back_off_ms: u64,
    },
    /// CreateItem: the items at these positions refused for good; the
    /// others created.
    RefuseItems { positions: Vec<usize> },
    /// HTTP 401.
    Unauthorized,
    /// HTTP 503 with `Retry-After: seconds`.
    Unavailable { retry_after: u64 },
    /// CreateItem carried out, then the connection closed unanswered.
    CommitThenDrop,
    /// CreateItem carried out, then no answer for this long (longer than
    /// the client's request timeout), then the connection closed.
    CommitThenStall { ms: u64 },
}

/// The text the server gives a refused item.
pub const REFUSAL_TEXT: &str = "The property value is not valid & cannot be saved.";

/// An item in the store.
#[derive(Debug, Clone)]
pub struct Stored {
    pub id: String,
    /// `CalendarItem`, `Task` or `Contact`.
    pub element: String,
    pub key: Option<String>,
    /// The mailbox it is in (lower case): see the module's doc.
    pub mailbox: String,
}

#[derive(Default)]
struct State {
    authorization: String,
    /// More `Authorization` values let in.
    accounts: Vec<String>,
    /// Mailboxes (lower case) no one may act for.
    denied: HashSet<String>,
    /// The impersonated address of every request.
    impersonated: Vec<Option<String>>,
    items: Vec<Stored>,
    next_id: usize,
    /// Occurrence starts (UTC, `…Z`) of each series key.
    series: HashMap<String, Vec<String>>,
    deleted: HashSet<(String, String)>,
    /// Changed occurrences and the key they carry now.
    updated: HashMap<(String, String), String>,
    script: VecDeque<Scripted>,
    operations: Vec<String>,
    anchors: Vec<Option<String>>,
    saved: Vec<PathBuf>,
    /// ResolveNames' directory: display name and address.
    directory: Vec<(String, String)>,
    /// The mailbox of the request being answered.
    mailbox: String,
}

/// A running server; its threads end with the test process.
pub struct EwsServer {
    pub url: url::Url,
    state: Arc<Mutex<State>>,
    dir: PathBuf,
}

impl EwsServer {
    /// A server accepting exactly `authorization` (the whole header
    /// value), knowing the occurrences of `series`, misbehaving as
    /// `script` says.
    pub fn start(
        name: &str,
        authorization: &str,
        series: HashMap<String, Vec<String>>,
        script: Vec<Scripted>,
    ) -> Self {
        Self::start_behind(name, authorization, series, script, |handler| handler)
    }

    /// As [`EwsServer::start`], every request passing `guard`'s handler
    /// first (a login of its own, such as [`crate::ntlm_guard`]).
    pub fn start_behind(
        name: &str,
        authorization: &str,
        series: HashMap<String, Vec<String>>,
        script: Vec<Scripted>,
        guard: impl FnOnce(Handler) -> Handler,
    ) -> Self {
        let dir = std::env::temp_dir().join(format!("ferry-ews-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let state = Arc::new(Mutex::new(State {
            authorization: authorization.to_string(),
            series,
            script: script.into(),
            ..State::default()
        }));
        let (shared, folder) = (state.clone(), dir.clone());
        let address = http_server::start(guard(Arc::new(move |request: &Request| {
            handle(&shared, &folder, request)
        })));
        let url = url::Url::parse(&format!("http://{address}/EWS/Exchange.asmx"))
            .expect("a loopback URL");
        Self { url, state, dir }
    }

    /// Everything created, in order.
    pub fn items(&self) -> Vec<Stored> {
        self.state.lock().unwrap().items.clone()
    }

    /// How often each source key is in the store.
    pub fn key_counts(&self) -> BTreeMap<String, usize> {
        let mut counts = BTreeMap::new();
        for item in self.items() {
            if let Some(key) = item.key {
                *counts.entry(key).or_default() += 1;
            }
        }
        counts
    }

    /// Everything created in `mailbox` (case aside), in order.
    pub fn items_in(&self, mailbox: &str) -> Vec<Stored> {
        let mailbox = mailbox.to_lowercase();
        self.items()
            .into_iter()
            .filter(|item| item.mailbox == mailbox)
            .collect()
    }

    /// Lets `authorization` (the whole header value) in too.
    pub fn add_account(&self, authorization: &str) {
        self.state
            .lock()
            .unwrap()
            .accounts
            .push(authorization.to_string());
    }

    /// Requests acting for any of `mailboxes` get Exchange's
    /// `ErrorImpersonateUserDenied` fault
    /// (`fixtures/ews/responses/impersonation-denied-fault.xml`).
    pub fn deny_impersonation(&self, mailboxes: &[&str]) {
        self.state
            .lock()
            .unwrap()
            .denied
            .extend(mailboxes.iter().map(|m| m.to_lowercase()));
    }

    /// The address each request's `ExchangeImpersonation` named, in order
    /// (`None`: it acted for nobody).
    pub fn impersonated(&self) -> Vec<Option<String>> {
        self.state.lock().unwrap().impersonated.clone()
    }

    /// Occurrences deleted and changed: `(series key, UTC start)`.
    pub fn deleted(&self) -> HashSet<(String, String)> {
        self.state.lock().unwrap().deleted.clone()
    }

    pub fn updated(&self) -> HashMap<(String, String), String> {
        self.state.lock().unwrap().updated.clone()
    }

    /// The mailboxes ResolveNames finds: `(display name, address)`.
    pub fn set_directory(&self, entries: &[(&str, &str)]) {
        self.state.lock().unwrap().directory = entries
            .iter()
            .map(|(name, address)| (name.to_string(), address.to_string()))
            .collect();
    }

    /// How many requests of `operation` arrived.
    pub fn count(&self, operation: &str) -> usize {
        self.operations()
            .iter()
            .filter(|op| *op == operation)
            .count()
    }

    /// The operation of every request, in order.
    pub fn operations(&self) -> Vec<String> {
        self.state.lock().unwrap().operations.clone()
    }

    /// The `X-AnchorMailbox` of every request.
    pub fn anchors(&self) -> Vec<Option<String>> {
        self.state.lock().unwrap().anchors.clone()
    }

    /// Every request received validates against Microsoft's schemas (one
    /// xmllint run for all); the number of requests checked.
    pub fn assert_requests_valid(&self) -> usize {
        let files = self.state.lock().unwrap().saved.clone();
        if files.is_empty() {
            return 0;
        }
        let schema =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/ews/schema/driver.xsd");
        let output = Command::new("xmllint")
            .args(["--noout", "--nonet", "--schema"])
            .arg(schema)
            .args(&files)
            .output()
            .expect("xmllint runs (Debian package libxml2-utils)");
        let stderr = String::from_utf8_lossy(&output.stderr);
        let failures: Vec<&str> = stderr
            .lines()
            .filter(|line| !line.ends_with(" validates"))
            .collect();
        assert!(
            output.status.success() && failures.is_empty(),
            "requests not valid: {failures:#?}"
        );
        files.len()
    }
}

impl Drop for EwsServer {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn answer(body: String) -> Reply {
    Reply::new("200 OK", XML, body)
}

const XML: &str = "text/xml; charset=utf-8";

fn handle(state: &Mutex<State>, dir: &Path, received: &Request) -> Reply {
    let mut state = state.lock().unwrap();
    let authorization = received.header("authorization").unwrap_or_default();
    if authorization != state.authorization && !state.accounts.iter().any(|a| a == authorization) {
        return Reply::new("401 Unauthorized", XML, String::new())
            .with_header("WWW-Authenticate", "Basic realm=\"ews\"".into());
    }
    let anchor = received.header("x-anchormailbox").map(str::to_string);
    let body = received.text();
    let path = dir.join(format!("request-{:04}.xml", state.saved.len()));
    std::fs::write(&path, &body).unwrap();
    state.saved.push(path);
    let request = parse(&body);
    let operation = request
        .find("Body")
        .and_then(|b| b.children.first())
        .map(|n| n.name.clone())
        .unwrap_or_default();
    state.operations.push(operation.clone());
    state.anchors.push(anchor);
    let impersonated = request
        .find("ExchangeImpersonation")
        .and_then(|i| i.find("PrimarySmtpAddress"))
        .map(|address| address.text.trim().to_lowercase());
    state.impersonated.push(impersonated.clone());
    if impersonated
        .as_ref()
        .is_some_and(|address| state.denied.contains(address))
    {
        return Reply::new("500 Internal Server Error", XML, denied_fault());
    }
    state.mailbox = impersonated.unwrap_or_else(|| basic_user(authorization));
    let fault = state
        .script
        .iter()
        .position(|s| s.on == operation)
        .and_then(|at| state.script.remove(at))
        .map(|s| s.fault);
    match (operation.as_str(), fault) {
        (_, Some(Fault::Unauthorized)) => Reply::new("401 Unauthorized", XML, String::new()),
        (_, Some(Fault::Unavailable { retry_after })) => {
            Reply::new("503 Service Unavailable", XML, String::new())
                .with_header("Retry-After", retry_after.to_string())
        }
        (_, Some(Fault::ServerBusy { back_off_ms })) => {
            Reply::new("500 Internal Server Error", XML, busy_fault(back_off_ms))
        }
        ("CreateItem", fault) => {
            let none = Vec::new;
            let (busy, refused, back_off_ms, drop) = match fault {
                Some(Fault::BusyItems {
                    positions,
                    back_off_ms,
                }) => (positions, none(), back_off_ms, None),
                Some(Fault::RefuseItems { positions }) => (none(), positions, 0, None),
                Some(Fault::CommitThenDrop) => (none(), none(), 0, Some(0)),
                Some(Fault::CommitThenStall { ms }) => (none(), none(), 0, Some(ms)),
                _ => (none(), none(), 0, None),
            };
            let body = state.create(&request, &busy, &refused, back_off_ms);
            match drop {
                Some(ms) => Reply::Drop(std::time::Duration::from_millis(ms)),
                None => answer(body),
            }
        }
        ("FindItem", _) => answer(state.find(&request)),
        ("DeleteItem", _) => answer(state.delete(&request)),
        ("UpdateItem", _) => answer(state.update(&request)),
        ("ResolveNames", _) => answer(state.resolve(&request)),
        (other, _) => panic!("the test server does not answer {other}"),
    }
}

impl State {
    fn create(
        &mut self,
        request: &Node,
        busy: &[usize],
        refused: &[usize],
        back_off_ms: u64,
    ) -> String {
        let items = request
            .find("Items")
            .map(|n| n.children.clone())
            .unwrap_or_default();
        let mut messages = String::new();
        for (position, item) in items.iter().enumerate() {
            if busy.contains(&position) {
                messages.push_str(&format!(
                    r#"<m:CreateItemResponseMessage ResponseClass="Error"><m:MessageText>The server cannot service this request right now. Try again later.</m:MessageText><m:ResponseCode>ErrorServerBusy</m:ResponseCode><m:DescriptiveLinkKey>0</m:DescriptiveLinkKey><m:MessageXml><t:Value Name="BackOffMilliseconds">{back_off_ms}</t:Value></m:MessageXml><m:Items/></m:CreateItemResponseMessage>"#
                ));
                continue;
            }
            if refused.contains(&position) {
                messages.push_str(&format!(
                    r#"<m:CreateItemResponseMessage ResponseClass="Error"><m:MessageText>{}</m:MessageText><m:ResponseCode>ErrorInvalidPropertyValue</m:ResponseCode><m:DescriptiveLinkKey>0</m:DescriptiveLinkKey><m:Items/></m:CreateItemResponseMessage>"#,
                    escape(REFUSAL_TEXT)
                ));
                continue;
            }
            self.next_id += 1;
            let stored = Stored {
                id: format!("AAMkADk1-{:06}", self.next_id),
                element: item.name.clone(),
                key: source_key(item),
                mailbox: self.mailbox.clone(),
            };
            messages.push_str(&format!(
                r#"<m:CreateItemResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode><m:Items><t:{element}><t:ItemId Id="{id}" ChangeKey="DwAAABYAAAA1"/></t:{element}></m:Items></m:CreateItemResponseMessage>"#,
                element = stored.element,
                id = stored.id
            ));
            self.items.push(stored);
        }
        response("CreateItemResponse", &messages)
    }

    fn find(&self, request: &Node) -> String {
        let mut found = String::new();
        let mut count = 0;
        if let Some(view) = request.find("CalendarView") {
            let from = view.attribute("StartDate").unwrap_or_default();
            let to = view.attribute("EndDate").unwrap_or_default();
            for item in self.items.iter().filter(|i| i.mailbox == self.mailbox) {
                let Some(starts) = item.key.as_ref().and_then(|k| self.series.get(k)) else {
                    continue;
                };
                let key = item.key.clone().unwrap_or_default();
                for start in starts
                    .iter()
                    .filter(|s| from <= s.as_str() && s.as_str() < to)
                {
                    let at = (key.clone(), start.clone());
                    if self.deleted.contains(&at) {
                        continue;
                    }
                    let (kind, carried) = match self.updated.get(&at) {
                        Some(own) => ("Exception", own.clone()),
                        None => ("Occurrence", key.clone()),
                    };
                    count += 1;
                    found.push_str(&format!(
                        r#"<t:CalendarItem><t:ItemId Id="occ|{}|{start}" ChangeKey="DwAAABYAAAA3"/>{}<t:Start>{start}</t:Start><t:End>{start}</t:End><t:OriginalStart>{start}</t:OriginalStart><t:CalendarItemType>{kind}</t:CalendarItemType></t:CalendarItem>"#,
                        item.id,
                        property(&carried),
                    ));
                }
            }
        } else {
            // The restriction: one IsEqualTo, or an Or of them, on the key.
            let wanted: HashSet<String> = request
                .find("Restriction")
                .map(Node::descendants)
                .unwrap_or_default()
                .into_iter()
                .filter(|node| node.name == "Constant")
                .filter_map(|c| c.attribute("Value"))
                .map(decode)
                .collect();
            // The property is listed only when the shape asks for it.
            let with_key = request
                .find("AdditionalProperties")
                .and_then(|p| p.find("ExtendedFieldURI"))
                .is_some();
            let folder = request
                .find("ParentFolderIds")
                .and_then(|p| p.find("DistinguishedFolderId"))
                .and_then(|f| f.attribute("Id"))
                .unwrap_or_default();
            let element = match folder {
                "calendar" => "CalendarItem",
                "tasks" => "Task",
                _ => "Contact",
            };
            let matches: Vec<&Stored> = self
                .items
                .iter()
                .filter(|item| {
                    item.mailbox == self.mailbox
                        && item.element == element
                        && item.key.as_ref().is_some_and(|k| wanted.contains(k))
                })
                .collect();
            let view = request.find("IndexedPageItemView");
            let number = |name: &str| view.and_then(|v| v.attribute(name)?.parse::<usize>().ok());
            let offset = number("Offset").unwrap_or(0);
            let max = number("MaxEntriesReturned").unwrap_or(usize::MAX);
            for item in matches.iter().skip(offset).take(max) {
                count += 1;
                let key = item.key.clone().unwrap_or_default();
                found.push_str(&format!(
                    r#"<t:{element}><t:ItemId Id="{}" ChangeKey="DwAAABYAAAA2"/>{}</t:{element}>"#,
                    item.id,
                    if with_key {
                        property(&key)
                    } else {
                        String::new()
                    }
                ));
            }
            let next = offset + count;
            let last = next >= matches.len();
            let message = format!(
                r#"<m:FindItemResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode><m:RootFolder IndexedPagingOffset="{next}" TotalItemsInView="{}" IncludesLastItemInRange="{last}"><t:Items>{found}</t:Items></m:RootFolder></m:FindItemResponseMessage>"#,
                matches.len()
            );
            return response("FindItemResponse", &message);
        }
        let message = format!(
            r#"<m:FindItemResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode><m:RootFolder TotalItemsInView="{count}" IncludesLastItemInRange="true"><t:Items>{found}</t:Items></m:RootFolder></m:FindItemResponseMessage>"#
        );
        response("FindItemResponse", &message)
    }

    /// The series key and start an occurrence ID names.
    fn occurrence(&self, request: &Node) -> Option<(String, String)> {
        let id = request.find("ItemId")?.attribute("Id")?;
        let mut parts = id.split('|');
        let (Some("occ"), Some(master), Some(start)) = (parts.next(), parts.next(), parts.next())
        else {
            return None;
        };
        let key = self.items.iter().find(|i| i.id == master)?.key.clone()?;
        Some((key, start.to_string()))
    }

    fn delete(&mut self, request: &Node) -> String {
        let message = match self.occurrence(request) {
            Some(at) if !self.deleted.contains(&at) => {
                self.deleted.insert(at);
                r#"<m:DeleteItemResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode></m:DeleteItemResponseMessage>"#.to_string()
            }
            _ => not_found("DeleteItemResponseMessage"),
        };
        response("DeleteItemResponse", &message)
    }

    fn update(&mut self, request: &Node) -> String {
        let own = request
            .find("Updates")
            .and_then(source_key)
            .unwrap_or_default();
        let id = request
            .find("ItemId")
            .and_then(|i| i.attribute("Id"))
            .unwrap_or_default()
            .to_string();
        let message = match self.occurrence(request) {
            Some(at) => {
                self.updated.insert(at, own);
                format!(
                    r#"<m:UpdateItemResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode><m:Items><t:CalendarItem><t:ItemId Id="{}" ChangeKey="DwAAABYAAAA9"/></t:CalendarItem></m:Items><m:ConflictResults><t:Count>0</t:Count></m:ConflictResults></m:UpdateItemResponseMessage>"#,
                    escape(&id)
                )
            }
            None => not_found("UpdateItemResponseMessage"),
        };
        response("UpdateItemResponse", &message)
    }
}

impl State {
    /// ResolveNames against the directory: an address matches exactly
    /// (case aside); anything else matches names and addresses that
    /// start with it. Several matches answer with Exchange's warning.
    fn resolve(&self, request: &Node) -> String {
        let entry = request
            .find("UnresolvedEntry")
            .map(|e| e.text.trim().to_lowercase())
            .unwrap_or_default();
        let entry = entry.strip_prefix("smtp:").unwrap_or(&entry).to_string();
        let exact: Vec<&(String, String)> = self
            .directory
            .iter()
            .filter(|(_, address)| address.to_lowercase() == entry)
            .collect();
        let matches = if exact.is_empty() {
            self.directory
                .iter()
                .filter(|(name, address)| {
                    name.to_lowercase().starts_with(&entry)
                        || address.to_lowercase().starts_with(&entry)
                })
                .collect()
        } else {
            exact
        };
        let message = if matches.is_empty() {
            r#"<m:ResolveNamesResponseMessage ResponseClass="Error"><m:MessageText>No results were found.</m:MessageText><m:ResponseCode>ErrorNameResolutionNoResults</m:ResponseCode><m:DescriptiveLinkKey>0</m:DescriptiveLinkKey></m:ResolveNamesResponseMessage>"#.to_string()
        } else {
            let head = if matches.len() == 1 {
                r#"<m:ResolveNamesResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode>"#
            } else {
                r#"<m:ResolveNamesResponseMessage ResponseClass="Warning"><m:MessageText>Multiple results were found.</m:MessageText><m:ResponseCode>ErrorNameResolutionMultipleResults</m:ResponseCode><m:DescriptiveLinkKey>0</m:DescriptiveLinkKey>"#
            };
            let mut resolutions = String::new();
            for (name, address) in &matches {
                resolutions.push_str(&format!(
                    r#"<t:Resolution><t:Mailbox><t:Name>{}</t:Name><t:EmailAddress>{}</t:EmailAddress><t:RoutingType>SMTP</t:RoutingType><t:MailboxType>Mailbox</t:MailboxType></t:Mailbox></t:Resolution>"#,
                    escape(name.as_str()),
                    escape(address.as_str())
                ));
            }
            format!(
                r#"{head}<m:ResolutionSet TotalItemsInView="{}" IncludesLastItemInRange="true">{resolutions}</m:ResolutionSet></m:ResolveNamesResponseMessage>"#,
                matches.len()
            )
        };
        response("ResolveNamesResponse", &message)
    }
}

fn not_found(element: &str) -> String {
    format!(
        r#"<m:{element} ResponseClass="Error"><m:MessageText>The specified object was not found in the store.</m:MessageText><m:ResponseCode>ErrorItemNotFound</m:ResponseCode><m:DescriptiveLinkKey>0</m:DescriptiveLinkKey></m:{element}>"#
    )
}

/// Ferry's extended property holding `key`, as Exchange returns it.
fn property(key: &str) -> String {
    format!(
        r#"<t:ExtendedProperty><t:ExtendedFieldURI PropertySetId="{}" PropertyName="{}" PropertyType="String"/><t:Value>{}</t:Value></t:ExtendedProperty>"#,
        ferry_shared::convert::SOURCE_PROPERTY_SET,
        ferry_shared::convert::SOURCE_PROPERTY_NAME,
        escape(ferry_shared::convert::encode_source_key(key))
    )
}

/// A whole response envelope, as Exchange 2016 heads it.
fn response(element: &str, messages: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Header><h:ServerVersionInfo MajorVersion="15" MinorVersion="1" MajorBuildNumber="2507" MinorBuildNumber="6" Version="V2017_07_11" xmlns:h="http://schemas.microsoft.com/exchange/services/2006/types"/></s:Header><s:Body><m:{element} xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages" xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types"><m:ResponseMessages>{messages}</m:ResponseMessages></m:{element}></s:Body></s:Envelope>"#
    )
}

/// `fixtures/ews/responses/server-busy-fault.xml` with `back_off_ms`.
fn busy_fault(back_off_ms: u64) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../fixtures/ews/responses/server-busy-fault.xml");
    std::fs::read_to_string(path)
        .unwrap()
        .replace(">297749<", &format!(">{back_off_ms}<"))
}

/// `fixtures/ews/responses/impersonation-denied-fault.xml`.
fn denied_fault() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../fixtures/ews/responses/impersonation-denied-fault.xml");
    std::fs::read_to_string(path).unwrap()
}

/// The user of a Basic `Authorization` value (lower case); empty for
/// any other.
fn basic_user(authorization: &str) -> String {
    use base64::Engine as _;
    authorization
        .strip_prefix("Basic ")
        .and_then(|encoded| {
            base64::engine::general_purpose::STANDARD
                .decode(encoded.trim())
                .ok()
        })
        .and_then(|pair| String::from_utf8(pair).ok())
        .and_then(|pair| pair.split_once(':').map(|(user, _)| user.to_lowercase()))
        .unwrap_or_default()
}

/// The decoded source key in an item's (or update's) extended property.
fn source_key(node: &Node) -> Option<String> {
    let property = node.find("ExtendedProperty")?;
    Some(decode(&property.find("Value")?.text))
}

/// Reverses `encode_source_key` (`%XX` bytes).
fn decode(value: &str) -> String {
    let bytes = value.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(byte) = value
                .get(i + 1..i + 3)
                .and_then(|hex| u8::from_str_radix(hex, 16).ok())
        {
            out.push(byte);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

/// An element of a request: local name, attributes, children, text.
#[derive(Debug, Default, Clone)]
pub struct Node {
    name: String,
    attributes: Vec<(String, String)>,
    children: Vec<Node>,
    text: String,
}

impl Node {
    fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Every element below this one, depth first.
    fn descendants(&self) -> Vec<&Node> {
        self.children
            .iter()
            .flat_map(|child| std::iter::once(child).chain(child.descendants()))
            .collect()
    }

    /// The first descendant named `name` (depth first).
    fn find(&self, name: &str) -> Option<&Node> {
        self.children.iter().find_map(|c| {
            if c.name == name {
                Some(c)
            } else {
                c.find(name)
            }
        })
    }
}

fn local(name: &[u8]) -> String {
    let name = String::from_utf8_lossy(name);
    name.rsplit(':').next().unwrap_or_default().to_string()
}

fn element(start: &BytesStart<'_>) -> Node {
    Node {
        name: local(start.name().as_ref()),
        attributes: start
            .attributes()
            .map(|a| {
                let a = a.unwrap();
                (
                    local(a.key.as_ref()),
                    a.unescape_value().unwrap().into_owned(),
                )
            })
            .collect(),
        ..Node::default()
    }
}

/// A request body as a tree (its root element).
fn parse(xml: &str) -> Node {
    let mut reader = Reader::from_str(xml);
    let mut stack = vec![Node::default()];
    loop {
        match reader.read_event().unwrap() {
            Event::Start(start) => stack.push(element(&start)),
            Event::Empty(start) => stack.last_mut().unwrap().children.push(element(&start)),
            Event::End(_) => {
                let done = stack.pop().unwrap();
                stack.last_mut().unwrap().children.push(done);
            }
            Event::Text(text) => stack
                .last_mut()
                .unwrap()
                .text
                .push_str(&text.decode().unwrap()),
            Event::GeneralRef(reference) => {
                let c = match reference.resolve_char_ref().unwrap() {
                    Some(c) => c,
                    None => match reference.decode().unwrap().as_ref() {
                        "amp" => '&',
                        "lt" => '<',
                        "gt" => '>',
                        "quot" => '"',
                        _ => '\'',
                    },
                };
                stack.last_mut().unwrap().text.push(c);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    stack.pop().unwrap().children.remove(0)
}
