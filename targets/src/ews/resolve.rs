//! Addresses checked against the server's directory (ResolveNames),
//! sans-I/O. The schema lets one ResolveNames carry one
//! `UnresolvedEntry`, so each address is one request, sent one after
//! another, without contact data (`ReturnFullContactData="false"`); at
//! most [`EwsOptions::max_resolve_addresses`] addresses per call. A busy
//! or lost answer is asked again within the tries of the options (a
//! lookup changes nothing); a `401` or a failure no request gets past
//! stops the call.

use crate::error::{Error, Result};
use crate::ews::answer::{Answer, Trouble};
use crate::ews::endpoint::Endpoint;
use crate::ews::insert::Step;
use crate::ews::options::EwsOptions;
use crate::http::HttpResponse;
use crate::tries::Tries;
use ferry_shared::convert::ews::{ResolvedName, read_resolve_names_response, resolve_names};
use std::time::{Duration, SystemTime};

/// One mailbox the directory offers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub name: Option<String>,
    pub email: Option<String>,
}

/// What the directory says about one address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolution {
    /// One mailbox (or the one of several whose address is exactly it).
    Resolved { name: Option<String>, email: String },
    /// No mailbox.
    NotFound,
    /// Several mailboxes, none with exactly this address.
    Ambiguous { candidates: Vec<Candidate> },
    /// No answer could be had (busy or lost past the limits, refused).
    Failed { reason: String },
}

impl Resolution {
    /// The resolution of `address` from the mailboxes the server found.
    pub fn of(address: &str, names: Vec<ResolvedName>) -> Self {
        let exact = |name: &&ResolvedName| {
            name.email
                .as_deref()
                .is_some_and(|email| email.eq_ignore_ascii_case(address.trim()))
        };
        let one = match names.as_slice() {
            [] => return Resolution::NotFound,
            [one] => one,
            several => match several.iter().filter(exact).collect::<Vec<_>>().as_slice() {
                [one] => *one,
                _ => {
                    return Resolution::Ambiguous {
                        candidates: names
                            .into_iter()
                            .map(|n| Candidate {
                                name: n.name,
                                email: n.email,
                            })
                            .collect(),
                    };
                }
            },
        };
        Resolution::Resolved {
            name: one.name.clone(),
            email: one
                .email
                .clone()
                .unwrap_or_else(|| address.trim().to_string()),
        }
    }
}

/// The state of one call.
#[derive(Debug)]
pub struct Resolve {
    options: EwsOptions,
    endpoint: Endpoint,
    addresses: Vec<String>,
    results: Vec<Option<Resolution>>,
    /// The address asked about (or to ask about next).
    current: usize,
    wait: Option<Duration>,
    tries: Tries,
    stopped: Option<Error>,
}

impl Resolve {
    /// A call for `addresses`; `Err` when there are more than the options
    /// allow.
    pub fn new(addresses: Vec<String>, endpoint: Endpoint, options: EwsOptions) -> Result<Self> {
        if addresses.len() > options.max_resolve_addresses {
            return Err(Error::InvalidRequest(format!(
                "{} addresses to resolve, more than the limit of {}",
                addresses.len(),
                options.max_resolve_addresses
            )));
        }
        Ok(Self {
            results: vec![None; addresses.len()],
            addresses,
            options,
            endpoint,
            current: 0,
            wait: None,
            tries: Tries::default(),
            stopped: None,
        })
    }

    /// What to do next.
    pub fn next_step(&mut self) -> Step {
        if self.stopped.is_some() {
            return Step::Done;
        }
        if let Some(wait) = self.wait.take() {
            return Step::Wait(wait);
        }
        while let Some(address) = self.addresses.get(self.current) {
            if address.trim().is_empty() {
                self.settle(Resolution::Failed {
                    reason: "the address is empty".into(),
                });
                continue;
            }
            match resolve_names(address.trim(), &self.options.settings) {
                Ok(envelope) => return Step::Send(Box::new(self.endpoint.request(envelope))),
                Err(err) => self.settle(Resolution::Failed {
                    reason: format!("the request cannot be written: {err}"),
                }),
            }
        }
        Step::Done
    }

    /// Takes the response to the request last sent.
    pub fn on_response(&mut self, response: &HttpResponse, now: SystemTime) {
        let answer = Answer::of_response(response, &self.options, now);
        self.on_answer(answer);
    }

    /// Takes the error that ended the request last sent.
    pub fn on_error(&mut self, error: Error) {
        self.on_answer(Answer::of_error(error));
    }

    fn on_answer(&mut self, answer: Result<Answer>) {
        let answer = match answer {
            Ok(answer) => answer,
            Err(error) => {
                self.stopped = Some(error);
                return;
            }
        };
        let trouble = match answer.read(&self.options, read_resolve_names_response) {
            Ok(names) => {
                let address = self.addresses[self.current].clone();
                self.settle(Resolution::of(&address, names));
                return;
            }
            Err(trouble) => trouble,
        };
        let retry = match trouble {
            Trouble::Busy(wait) => self.tries.busy(&self.options).map(|()| {
                self.wait = Some(wait);
            }),
            Trouble::Lost(reason) => self.tries.lost(&reason, &self.options),
            Trouble::Refused(reason) => Err(reason),
        };
        if let Err(reason) = retry {
            self.settle(Resolution::Failed { reason });
        }
    }

    fn settle(&mut self, resolution: Resolution) {
        if let Some(slot) = self.results.get_mut(self.current) {
            *slot = Some(resolution);
        }
        self.current += 1;
        self.tries = Tries::default();
    }

    /// Every address with its resolution, in the order given; `Err` when
    /// the call stopped.
    pub fn finish(self) -> Result<Vec<(String, Resolution)>> {
        if let Some(error) = self.stopped {
            return Err(error);
        }
        Ok(self
            .addresses
            .into_iter()
            .zip(self.results)
            .map(|(address, result)| {
                let resolution = result.unwrap_or(Resolution::Failed {
                    reason: "not asked".into(),
                });
                (address, resolution)
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ews::test_support::{URL, fixture, respond_to};
    use url::Url;

    fn call(addresses: &[&str], options: EwsOptions) -> Resolve {
        let endpoint = Endpoint::new(Url::parse(URL).unwrap(), None).unwrap();
        let addresses = addresses.iter().map(|a| a.to_string()).collect();
        Resolve::new(addresses, endpoint, options).unwrap()
    }

    fn sent(run: &mut Resolve) -> String {
        match run.next_step() {
            Step::Send(request) => String::from_utf8(request.body).unwrap(),
            other => panic!("expected a request, got {other:?}"),
        }
    }

    #[test]
    fn each_address_is_one_request_and_its_answer_decides() {
        let mut run = call(
            &["user2@example.com", "nobody@x", "sadie"],
            EwsOptions::default(),
        );
        let first = sent(&mut run);
        assert!(
            first.contains(r#"ReturnFullContactData="false""#),
            "{first}"
        );
        assert!(first.contains("<m:UnresolvedEntry>user2@example.com</m:UnresolvedEntry>"));
        let one = fixture("fixtures/ews/samples/resolvenames-operation--02-resp.xml");
        respond_to(|r, t| run.on_response(r, t), 200, &one);
        sent(&mut run);
        let none = fixture("fixtures/ews/responses/resolvenames-no-results.xml");
        respond_to(|r, t| run.on_response(r, t), 200, &none);
        sent(&mut run);
        respond_to(|r, t| run.on_response(r, t), 503, "");
        assert!(matches!(run.next_step(), Step::Wait(_)));
        sent(&mut run);
        let two = one.replace(
            "</t:Resolution>",
            "</t:Resolution><t:Resolution><t:Mailbox><t:Name>Sadie D</t:Name><t:EmailAddress>sd@x</t:EmailAddress></t:Mailbox></t:Resolution>",
        );
        respond_to(|r, t| run.on_response(r, t), 200, &two);
        assert!(matches!(run.next_step(), Step::Done));
        let got = run.finish().unwrap();
        assert_eq!(
            got[0].1,
            Resolution::Resolved {
                name: Some("User2".into()),
                email: "User2@example.com".into()
            }
        );
        assert_eq!(got[1].1, Resolution::NotFound);
        assert!(matches!(&got[2].1, Resolution::Ambiguous { candidates } if candidates.len() == 2));
    }

    #[test]
    fn an_exact_address_among_several_resolves() {
        let names = ["a@x", "ab@x"]
            .iter()
            .map(|email| ResolvedName {
                name: None,
                email: Some(email.to_string()),
                routing_type: None,
                mailbox_type: None,
            })
            .collect();
        assert_eq!(
            Resolution::of("A@X", names),
            Resolution::Resolved {
                name: None,
                email: "a@x".into()
            }
        );
    }

    #[test]
    fn limits_and_stops() {
        let options = EwsOptions {
            max_resolve_addresses: 1,
            ..EwsOptions::default()
        };
        let endpoint = Endpoint::new(Url::parse(URL).unwrap(), None).unwrap();
        let two = vec!["a".to_string(), "b".to_string()];
        assert!(matches!(
            Resolve::new(two, endpoint, options),
            Err(Error::InvalidRequest(_))
        ));
        let mut run = call(&["", "a@x"], EwsOptions::default());
        sent(&mut run);
        respond_to(|r, t| run.on_response(r, t), 401, "");
        assert!(matches!(run.next_step(), Step::Done));
        assert!(matches!(
            run.finish(),
            Err(Error::AuthFailed { status: 401 })
        ));
        let mut run = call(&["a@x"], EwsOptions::default());
        sent(&mut run);
        respond_to(|r, t| run.on_response(r, t), 400, "no");
        let got = run.finish().unwrap();
        assert!(matches!(&got[0].1, Resolution::Failed { reason } if reason.contains("400")));
    }
}
