//! Finding a mailbox's EWS URL from its address with SOAP Autodiscover
//! (`GetUserSettings` for `ExternalEwsUrl` and `InternalEwsUrl`),
//! sans-I/O. Used only when no EWS URL is given.
//!
//! The candidates of the address's domain are asked in the documented
//! order ([`target::candidates`]); one that cannot be reached or answers
//! no Autodiscover response is passed over for the next. An answer
//! settles it: the EWS URL (the external one first), an error code
//! (`InvalidUser`, …) reported as the server put it, or a redirect —
//! `RedirectAddress` (ask again for that address, at its domain's
//! candidates) or `RedirectUrl` (ask that URL) — followed at most
//! [`AutodiscoverOptions::max_redirects`] times, and only to URLs that
//! pass [`target::check`] (https, no loopback or private address unless
//! the options allow loopback). When no SOAP candidate answers, the POX
//! Autodiscover of the same hosts is asked (a candidate whose path ends
//! in `.xml` speaks POX; its redirects are followed alike). The HTTP
//! redirect method (a plain-`http` redirect to the Autodiscover host)
//! and DNS SRV lookups are not used.
//!
//! * [`target`] — the candidate URLs and the check of every URL.

pub mod target;

use crate::error::{Error, Result};
use crate::ews::endpoint::Endpoint;
use crate::ews::insert::Step;
use crate::ews::options::AutodiscoverOptions;
use crate::http::HttpResponse;
use ferry_shared::convert::ews::{
    UserSettingsAnswer, get_user_settings, pox_request, read_get_user_settings, read_pox_response,
};
use std::collections::VecDeque;
use url::Url;

/// Longest part of a server's message quoted in an error, in characters.
const MAX_QUOTED: usize = 200;

/// The state of one discovery.
#[derive(Debug)]
pub struct Autodiscover {
    options: AutodiscoverOptions,
    address: String,
    candidates: VecDeque<Url>,
    in_flight: Option<Url>,
    redirects: usize,
    /// Why each candidate passed over was.
    passed: Vec<String>,
    /// A candidate refused the credentials.
    refused: bool,
    outcome: Option<Result<Url>>,
}

impl Autodiscover {
    /// A discovery for `address`, at its domain's candidates.
    pub fn new(address: &str, options: AutodiscoverOptions) -> Result<Self> {
        let domain = target::domain_of(address).ok_or_else(|| {
            Error::Autodiscover(format!(
                "{address:?} is not an e-mail address with a domain"
            ))
        })?;
        Ok(Self::with_candidates(
            address,
            target::candidates(&domain),
            options,
        ))
    }

    /// A discovery for `address` at these `candidates` (for a server
    /// whose Autodiscover is elsewhere, and for tests).
    pub fn with_candidates(
        address: &str,
        candidates: Vec<Url>,
        options: AutodiscoverOptions,
    ) -> Self {
        Self {
            options,
            address: address.trim().to_string(),
            candidates: candidates.into(),
            in_flight: None,
            redirects: 0,
            passed: Vec::new(),
            refused: false,
            outcome: None,
        }
    }

    /// What to do next (never a wait).
    pub fn next_step(&mut self) -> Step {
        while self.outcome.is_none() {
            let Some(url) = self.candidates.pop_front() else {
                self.outcome = Some(Err(self.nothing_found()));
                break;
            };
            if let Err(reason) = target::check(&url, self.options.allow_loopback) {
                self.passed.push(reason);
                continue;
            }
            let envelope = if target::is_pox(&url) {
                pox_request(&self.address)
            } else {
                get_user_settings(&self.address, url.as_str())
            };
            let request = envelope
                .map_err(|err| Error::InvalidRequest(err.to_string()))
                .and_then(|envelope| Ok(Endpoint::new(url.clone(), None)?.request(envelope)));
            match request {
                Ok(request) => {
                    self.in_flight = Some(url);
                    return Step::Send(Box::new(request));
                }
                Err(error) => self.outcome = Some(Err(error)),
            }
        }
        Step::Done
    }

    /// Takes the response to the request last sent.
    pub fn on_response(&mut self, response: &HttpResponse) {
        let Some(url) = self.in_flight.take() else {
            return;
        };
        match response.status.as_u16() {
            200 | 500 => {}
            401 | 403 => {
                self.refused = true;
                self.passed.push(format!("{url}: credentials refused"));
                return;
            }
            status => {
                self.passed.push(format!("{url}: HTTP {status}"));
                return;
            }
        }
        let text = String::from_utf8_lossy(&response.body);
        let read = if target::is_pox(&url) {
            read_pox_response(&text)
        } else {
            read_get_user_settings(&text)
        };
        match read {
            Ok(answer) => self.on_answer(&url, answer),
            Err(err) => self.passed.push(format!("{url}: {err}")),
        }
    }

    /// Takes the error that ended the request last sent: the candidate is
    /// passed over.
    pub fn on_error(&mut self, error: Error) {
        if let Some(url) = self.in_flight.take() {
            self.passed.push(format!("{url}: {error}"));
        }
    }

    fn on_answer(&mut self, url: &Url, answer: UserSettingsAnswer) {
        match answer {
            UserSettingsAnswer::Settings {
                external_ews_url,
                internal_ews_url,
            } => {
                let found = external_ews_url.or(internal_ews_url).ok_or_else(|| {
                    Error::Autodiscover(format!("{url} names no EWS URL for {}", self.address))
                });
                self.outcome = Some(found.and_then(|text| self.usable(&text)));
            }
            UserSettingsAnswer::RedirectAddress(address) => {
                if self.redirect(url).is_ok() {
                    match target::domain_of(&address) {
                        Some(domain) => {
                            self.address = address.trim().to_string();
                            self.candidates = target::candidates(&domain).into();
                        }
                        None => {
                            self.outcome = Some(Err(Error::Autodiscover(format!(
                                "{url} redirects to {:?}, not an e-mail address",
                                quoted(&address)
                            ))));
                        }
                    }
                }
            }
            UserSettingsAnswer::RedirectUrl(target) => {
                if self.redirect(url).is_ok() {
                    match self.usable(&target) {
                        Ok(next) => self.candidates = VecDeque::from([next]),
                        Err(error) => self.outcome = Some(Err(error)),
                    }
                }
            }
            UserSettingsAnswer::Error { code, message } => {
                self.outcome = Some(Err(Error::Autodiscover(format!(
                    "{url} answered {}: {}",
                    quoted(&code),
                    quoted(&message)
                ))));
            }
        }
    }

    /// Counts a redirect; past the limit the discovery ends.
    fn redirect(&mut self, url: &Url) -> Result<(), ()> {
        self.redirects += 1;
        if self.redirects > self.options.max_redirects {
            self.outcome = Some(Err(Error::Autodiscover(format!(
                "{url} redirects once more after {} redirects",
                self.options.max_redirects
            ))));
            return Err(());
        }
        Ok(())
    }

    /// `text` as a URL that passes the check.
    fn usable(&self, text: &str) -> Result<Url> {
        let url = Url::parse(text.trim()).map_err(|err| Error::InvalidUrl {
            url: quoted(text),
            reason: err.to_string(),
        })?;
        target::check(&url, self.options.allow_loopback)
            .map_err(|reason| Error::Autodiscover(format!("refused: {reason}")))?;
        Ok(url)
    }

    fn nothing_found(&self) -> Error {
        if self.refused {
            return Error::AuthFailed { status: 401 };
        }
        Error::Autodiscover(format!(
            "no Autodiscover answer for {} ({})",
            self.address,
            self.passed.join("; ")
        ))
    }

    /// The EWS URL found, or why there is none.
    pub fn finish(self) -> Result<Url> {
        self.outcome
            .unwrap_or_else(|| Err(Error::Autodiscover("the discovery did not end".into())))
    }
}

fn quoted(text: &str) -> String {
    text.chars().take(MAX_QUOTED).collect()
}

#[cfg(test)]
mod tests;
