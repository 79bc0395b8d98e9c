//! One batch of creates, exactly once. The batch's source keys are
//! first looked up together ([`crate::ews::lookup`]: one FindItem with
//! an `Or` of the keys, read page by page): found means already there.
//! The rest go in one CreateItem, whose per-item answers settle them:
//! created (its ItemId kept), `ErrorServerBusy` (tried again after
//! `BackOffMilliseconds`, alone with the other busy ones), or failed with
//! the server's message. When the answer to a CreateItem is lost, the
//! server may have created the items: they are looked up again before
//! anything is sent again, and an item without a source key, which
//! cannot be looked up, is not sent again.

use crate::ews::answer::{Answer, Trouble, busy_wait};
use crate::ews::ledger::Ledger;
use crate::ews::lookup::{Lookup, Progress};
use crate::ews::options::EwsOptions;
use crate::ews::report::Outcome;
use crate::ews::step::Next;
use crate::tries::Tries;
use ferry_shared::convert::ews::{
    Folder, ItemId, ItemOutcome, ResponseClass, create_item_requests, read_create_item_response,
    read_find_item_page,
};
use ferry_shared::convert::exchange::ExchangeItem;
use std::time::Duration;

/// The `ResponseCode` of a busy item.
const SERVER_BUSY: &str = "ErrorServerBusy";

/// One item to create and its operation's index in the ledger.
#[derive(Debug, Clone)]
pub struct Entry {
    pub index: usize,
    pub item: ExchangeItem,
}

/// What the request in flight was.
#[derive(Debug, Clone)]
enum InFlight {
    /// FindItem for the keys of the lookup under way.
    Find,
    /// CreateItem of the entries at these positions, in order.
    Create(Vec<usize>),
}

/// The state of one batch (all of one folder).
#[derive(Debug)]
pub struct CreateBatch {
    folder: Folder,
    entries: Vec<Entry>,
    /// Positions not settled yet, in order.
    open: Vec<usize>,
    /// Positions to look up in the next lookup.
    to_look_up: Vec<usize>,
    lookup: Option<Lookup>,
    in_flight: Option<InFlight>,
    wait: Option<Duration>,
    tries: Tries,
}

impl CreateBatch {
    /// A batch of `entries`, all of `folder`.
    pub fn new(folder: Folder, entries: Vec<Entry>) -> Self {
        let to_look_up = (0..entries.len())
            .filter(|&pos| entries[pos].item.source_key().is_some())
            .collect();
        Self {
            folder,
            open: (0..entries.len()).collect(),
            entries,
            to_look_up,
            lookup: None,
            in_flight: None,
            wait: None,
            tries: Tries::default(),
        }
    }

    /// The next request (or wait) of the batch.
    pub fn next(&mut self, options: &EwsOptions, ledger: &mut Ledger) -> Next {
        if let Some(wait) = self.wait.take() {
            return Next::Wait(wait);
        }
        if self.lookup.is_none() {
            let keys: Vec<(usize, String)> = std::mem::take(&mut self.to_look_up)
                .into_iter()
                .filter_map(|pos| self.open_key(pos).map(|key| (pos, key)))
                .collect();
            if !keys.is_empty() {
                self.lookup = Some(Lookup::new(keys));
            }
        }
        if let Some(lookup) = &self.lookup {
            match lookup.envelope(self.folder, options) {
                Ok(envelope) => {
                    self.in_flight = Some(InFlight::Find);
                    return Next::Send(envelope);
                }
                Err(err) => {
                    let reason = format!("the lookup cannot be written: {err}");
                    self.fail_lookup(&reason, ledger);
                }
            }
        }
        if self.open.is_empty() {
            return Next::Finished;
        }
        let items: Vec<ExchangeItem> = self
            .open
            .iter()
            .map(|&pos| self.entries[pos].item.clone())
            .collect();
        match create_item_requests(&items, &options.settings, items.len()).map(Vec::into_iter) {
            Ok(mut requests) => match (requests.next(), requests.next()) {
                (Some(request), None) if request.folder == self.folder => {
                    self.in_flight = Some(InFlight::Create(self.open.clone()));
                    Next::Send(request.envelope)
                }
                _ => {
                    self.fail_open("the items do not fit one CreateItem request", ledger);
                    Next::Finished
                }
            },
            Err(err) => {
                self.fail_open(&format!("the request cannot be written: {err}"), ledger);
                Next::Finished
            }
        }
    }

    /// Takes the answer to the request in flight.
    pub fn on_answer(&mut self, answer: Answer, options: &EwsOptions, ledger: &mut Ledger) {
        match self.in_flight.take() {
            Some(InFlight::Find) => self.on_find(answer, options, ledger),
            Some(InFlight::Create(positions)) => {
                self.on_create(&positions, answer, options, ledger)
            }
            None => {}
        }
    }

    fn on_find(&mut self, answer: Answer, options: &EwsOptions, ledger: &mut Ledger) {
        let Some(lookup) = self.lookup.as_mut() else {
            return;
        };
        let trouble = match answer.read(options, read_find_item_page) {
            Ok(page) => {
                self.tries = Tries::default();
                let (found, progress) = lookup.on_page(page, options);
                for (pos, id) in found {
                    if self.open.contains(&pos) {
                        self.settle(pos, Outcome::AlreadyThere, Some(id), ledger);
                    }
                }
                let all_found = self
                    .lookup
                    .as_ref()
                    .is_some_and(|l| l.positions().all(|pos| !self.open.contains(&pos)));
                match progress {
                    // Every key found: later pages can only repeat them.
                    Progress::More if all_found => self.lookup = None,
                    Progress::More => {}
                    Progress::Done => self.lookup = None,
                    Progress::PageLimit => {
                        let reason = format!(
                            "the lookup listed more than {} pages of matches; whether the item is there is unknown, so it is not created",
                            options.max_lookup_pages.max(1)
                        );
                        self.fail_lookup(&reason, ledger);
                    }
                }
                return;
            }
            Err(trouble) => trouble,
        };
        // The same page is asked for again (a lookup changes nothing).
        let retry = match trouble {
            Trouble::Busy(wait) => self.tries.busy(options).map(|()| self.wait = Some(wait)),
            Trouble::Lost(reason) => self.tries.lost(&reason, options),
            Trouble::Refused(reason) => Err(format!("the lookup was refused: {reason}")),
        };
        if let Err(reason) = retry {
            self.fail_lookup(&reason, ledger);
        }
    }

    /// Ends the lookup under way, failing its items still open.
    fn fail_lookup(&mut self, reason: &str, ledger: &mut Ledger) {
        if let Some(lookup) = self.lookup.take() {
            let positions: Vec<usize> = lookup.positions().collect();
            self.fail_all(&positions, reason, ledger);
        }
    }

    fn on_create(
        &mut self,
        positions: &[usize],
        answer: Answer,
        options: &EwsOptions,
        ledger: &mut Ledger,
    ) {
        let trouble = match answer.read(options, read_create_item_response) {
            Ok(outcomes) if outcomes.len() == positions.len() => {
                self.on_outcomes(positions, outcomes, options, ledger);
                return;
            }
            Ok(outcomes) => Trouble::Lost(format!(
                "the server answered {} messages for {} items",
                outcomes.len(),
                positions.len()
            )),
            Err(trouble) => trouble,
        };
        match trouble {
            // Nothing was created: the same items go again after the wait.
            Trouble::Busy(wait) => match self.tries.busy(options) {
                Ok(()) => self.wait = Some(wait),
                Err(reason) => self.fail_all(positions, &reason, ledger),
            },
            Trouble::Lost(reason) => match self.tries.lost(&reason, options) {
                Ok(()) => self.look_up_again(positions, ledger),
                Err(reason) => self.fail_all(positions, &reason, ledger),
            },
            Trouble::Refused(reason) => self.fail_all(positions, &reason, ledger),
        }
    }

    fn on_outcomes(
        &mut self,
        positions: &[usize],
        outcomes: Vec<ItemOutcome>,
        options: &EwsOptions,
        ledger: &mut Ledger,
    ) {
        let mut busy: Vec<(usize, Option<u64>)> = Vec::new();
        for (&pos, outcome) in positions.iter().zip(outcomes) {
            if outcome.class != ResponseClass::Error {
                self.settle(pos, Outcome::Created, outcome.item_id, ledger);
            } else if outcome.code == SERVER_BUSY {
                busy.push((pos, outcome.back_off_ms));
            } else {
                let reason = match outcome.message_text {
                    Some(text) => format!("{}: {text}", outcome.code),
                    None => outcome.code,
                };
                self.fail(pos, reason, ledger);
            }
        }
        if busy.is_empty() {
            self.tries = Tries::default();
            return;
        }
        match self.tries.busy(options) {
            Ok(()) => {
                let longest = busy
                    .iter()
                    .map(|&(_, back_off)| busy_wait(back_off, options))
                    .max();
                self.wait = longest;
            }
            Err(reason) => {
                for (pos, _) in busy {
                    self.fail(pos, reason.clone(), ledger);
                }
            }
        }
    }

    /// After a lost CreateItem: its keyed items are looked up before
    /// anything is created again; keyless ones are not sent again.
    fn look_up_again(&mut self, positions: &[usize], ledger: &mut Ledger) {
        for &pos in positions {
            if self.open_key(pos).is_some() {
                self.to_look_up.push(pos);
            } else if self.open.contains(&pos) {
                self.fail(
                    pos,
                    "the server's answer was lost and the item has no source key to check whether it was created; not sent again".into(),
                    ledger,
                );
            }
        }
    }

    /// The source key of the open entry at `pos`.
    fn open_key(&self, pos: usize) -> Option<String> {
        if !self.open.contains(&pos) {
            return None;
        }
        self.entries
            .get(pos)
            .and_then(|entry| entry.item.source_key())
            .map(str::to_string)
    }

    fn settle(&mut self, pos: usize, outcome: Outcome, id: Option<ItemId>, ledger: &mut Ledger) {
        self.open.retain(|&open| open != pos);
        if let Some(entry) = self.entries.get(pos) {
            ledger.settle(entry.index, outcome, id);
        }
    }

    fn fail(&mut self, pos: usize, reason: String, ledger: &mut Ledger) {
        self.settle(pos, Outcome::Failed { reason }, None, ledger);
    }

    fn fail_all(&mut self, positions: &[usize], reason: &str, ledger: &mut Ledger) {
        for &pos in positions {
            if self.open.contains(&pos) {
                self.fail(pos, reason.to_string(), ledger);
            }
        }
    }

    fn fail_open(&mut self, reason: &str, ledger: &mut Ledger) {
        let open = self.open.clone();
        self.fail_all(&open, reason, ledger);
    }
}

#[cfg(test)]
mod tests {
    use crate::error::Error;
    use crate::ews::options::EwsOptions;
    use crate::ews::report::Outcome;
    use crate::ews::test_support::{
        Listed, Message, contact, expect_send, expect_wait, found, found_page, insert, operations,
        outcomes, respond,
    };
    use std::time::Duration;

    fn contacts(uids: &[&str]) -> Vec<ferry_shared::convert::exchange::Operation> {
        operations(&uids.iter().map(|uid| contact(uid)).collect::<String>())
    }

    fn listed(id: &'static str, key: &'static str) -> Listed<'static> {
        Listed {
            id,
            key: Some(key),
            original_start: None,
        }
    }

    /// The next request is a CreateItem of `wanted` without `absent`;
    /// it is answered created (`id-b`).
    fn create_only(run: &mut crate::ews::Insert, wanted: &str, absent: &[&str]) {
        let create = expect_send(run, "CreateItem");
        assert!(create.contains(wanted), "{create}");
        assert!(absent.iter().all(|a| !create.contains(a)), "{create}");
        created(run, "id-b");
    }

    /// Answers the lookup in flight with a page listing `key` as `id`,
    /// the next page starting at `next`.
    fn page(run: &mut crate::ews::Insert, id: &str, key: &str, next: usize) {
        let listed = Listed {
            id,
            key: Some(key),
            original_start: None,
        };
        respond(run, 200, &[], &found_page(&[listed], Some(next)));
    }

    /// Pages of one item, at most `max_pages` of them.
    fn paged(max_pages: usize) -> EwsOptions {
        EwsOptions {
            lookup_page_size: 1,
            max_lookup_pages: max_pages,
            ..EwsOptions::default()
        }
    }

    /// The run's report counts these items already there and created.
    fn assert_totals(run: crate::ews::Insert, already_there: usize, created: usize) {
        let totals = run.finish().totals;
        assert_eq!(
            (totals.already_there, totals.created),
            (already_there, created)
        );
    }

    /// Answers the CreateItem in flight: its one item created as `id`.
    fn created(run: &mut crate::ews::Insert, id: &str) {
        let answer = outcomes("CreateItemResponse", &[Message::Success(id)]);
        respond(run, 200, &[], &answer);
    }

    fn lost() -> Error {
        Error::Http {
            host: "127.0.0.1".into(),
            reason: "connection closed before message completed".into(),
        }
    }

    #[test]
    fn one_lookup_names_the_whole_batch_and_the_rest_go_in_one_create() {
        let mut run = insert(contacts(&["a@x", "b@x"]), EwsOptions::default());
        let find = expect_send(&mut run, "FindItem");
        assert!(find.contains(r#"Value="a@x""#) && find.contains(r#"Value="b@x""#));
        assert!(find.contains("<t:Or>") && find.contains(r#"Id="contacts""#));
        respond(&mut run, 200, &[], &found(&[listed("id-a", "a@x")]));
        let create = expect_send(&mut run, "CreateItem");
        assert!(
            create.contains("b@x") && !create.contains("a@x"),
            "{create}"
        );
        created(&mut run, "id-b");
        let report = run.finish();
        let got: Vec<_> = report
            .items
            .iter()
            .map(|i| {
                (
                    i.outcome.clone(),
                    i.item_id.as_ref().map(|id| id.id.as_str()),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                (Outcome::AlreadyThere, Some("id-a")),
                (Outcome::Created, Some("id-b"))
            ]
        );
        // One lookup and one create, where a lookup per item took three.
        assert_eq!(report.totals.requests_sent, 2);
    }

    #[test]
    fn the_lookup_reads_every_page_before_creating() {
        let options = paged(10);
        let mut run = insert(contacts(&["a@x", "b@x", "c@x"]), options);
        let first = expect_send(&mut run, "FindItem");
        assert!(
            first.contains(r#"MaxEntriesReturned="1" Offset="0""#),
            "{first}"
        );
        page(&mut run, "id-c", "c@x", 1);
        let second = expect_send(&mut run, "FindItem");
        assert!(second.contains(r#"Offset="1""#) && second.contains("a@x"));
        respond(&mut run, 200, &[], &found(&[listed("id-a", "a@x")]));
        create_only(&mut run, "b@x", &["a@x", "c@x"]);
        assert_totals(run, 2, 1);
    }

    #[test]
    fn a_lookup_past_its_page_limit_creates_nothing_it_did_not_find() {
        let options = paged(2);
        let mut run = insert(contacts(&["a@x", "b@x", "c@x"]), options);
        expect_send(&mut run, "FindItem");
        page(&mut run, "id-a", "a@x", 1);
        expect_send(&mut run, "FindItem");
        page(&mut run, "id-a2", "a@x", 2);
        assert!(matches!(run.next_step(), crate::ews::Step::Done));
        let report = run.finish();
        assert_eq!(report.items[0].outcome, Outcome::AlreadyThere);
        for item in &report.items[1..] {
            assert!(
                matches!(&item.outcome, Outcome::Failed { reason } if reason.contains("more than 2 pages")),
                "{report:?}"
            );
        }
        assert_eq!(report.totals.requests_sent, 2);
    }

    #[test]
    fn busy_items_wait_their_back_off_and_only_they_go_again() {
        let mut run = insert(contacts(&["a@x", "b@x", "c@x"]), EwsOptions::default());
        expect_send(&mut run, "FindItem");
        respond(&mut run, 200, &[], &found(&[]));
        expect_send(&mut run, "CreateItem");
        let answer = outcomes(
            "CreateItemResponse",
            &[
                Message::Success("id-a"),
                Message::Busy(1500),
                Message::Error("ErrorInvalidPropertyValue", "bad & broken"),
            ],
        );
        respond(&mut run, 200, &[], &answer);
        assert_eq!(expect_wait(&mut run), Duration::from_millis(1500));
        let again = expect_send(&mut run, "CreateItem");
        assert!(again.contains("b@x") && !again.contains("a@x") && !again.contains("c@x"));
        created(&mut run, "id-b");
        let report = run.finish();
        assert_eq!(report.items[0].outcome, Outcome::Created);
        assert_eq!(report.items[1].outcome, Outcome::Created);
        assert_eq!(
            report.items[2].outcome,
            Outcome::Failed {
                reason: "ErrorInvalidPropertyValue: bad & broken".into()
            }
        );
    }

    #[test]
    fn a_lost_create_is_looked_up_before_anything_is_sent_again() {
        let mut run = insert(contacts(&["a@x", "b@x"]), EwsOptions::default());
        expect_send(&mut run, "FindItem");
        respond(&mut run, 200, &[], &found(&[]));
        expect_send(&mut run, "CreateItem");
        run.on_error(lost());
        let again = expect_send(&mut run, "FindItem");
        assert!(again.contains("a@x") && again.contains("b@x"));
        respond(&mut run, 200, &[], &found(&[listed("id-a", "a@x")]));
        create_only(&mut run, "b@x", &["a@x"]);
        assert_totals(run, 1, 1);
    }

    #[test]
    fn a_lookup_ends_once_every_key_is_found() {
        let mut run = insert(contacts(&["a@x", "b@x"]), EwsOptions::default());
        expect_send(&mut run, "FindItem");
        let both = [listed("id-a", "a@x"), listed("id-b", "b@x")];
        respond(&mut run, 200, &[], &found_page(&both, Some(2)));
        assert!(matches!(run.next_step(), crate::ews::Step::Done));
        assert_totals(run, 2, 0);
    }

    #[test]
    fn a_lost_lookup_page_is_asked_for_again() {
        let options = paged(10);
        let mut run = insert(contacts(&["a@x", "b@x"]), options);
        expect_send(&mut run, "FindItem");
        page(&mut run, "id-a", "a@x", 1);
        let second = expect_send(&mut run, "FindItem");
        run.on_error(lost());
        assert_eq!(expect_send(&mut run, "FindItem"), second);
        respond(&mut run, 200, &[], &found(&[listed("id-b", "b@x")]));
        assert!(matches!(run.next_step(), crate::ews::Step::Done));
        assert_eq!(run.finish().totals.already_there, 2);
    }

    #[test]
    fn a_busy_fault_and_503_are_waited_for_then_the_request_is_repeated() {
        let mut run = insert(contacts(&["a@x"]), EwsOptions::default());
        expect_send(&mut run, "FindItem");
        let fault =
            crate::ews::test_support::fixture("fixtures/ews/responses/server-busy-fault.xml");
        respond(&mut run, 500, &[], &fault);
        assert_eq!(expect_wait(&mut run), Duration::from_millis(297_749));
        expect_send(&mut run, "FindItem");
        respond(&mut run, 503, &[("retry-after", "3")], "");
        assert_eq!(expect_wait(&mut run), Duration::from_secs(3));
        expect_send(&mut run, "FindItem");
        respond(&mut run, 200, &[], &found(&[listed("id-a", "a@x")]));
        assert_eq!(run.finish().totals.already_there, 1);
    }

    #[test]
    fn the_tries_are_limited() {
        let options = EwsOptions {
            max_lost_tries: 2,
            max_busy_tries: 2,
            batch_size: 1,
            ..EwsOptions::default()
        };
        let mut run = insert(contacts(&["a@x", "b@x"]), options);
        expect_send(&mut run, "FindItem");
        run.on_error(lost());
        expect_send(&mut run, "FindItem");
        run.on_error(lost());
        expect_send(&mut run, "FindItem");
        respond(&mut run, 429, &[], "");
        expect_wait(&mut run);
        expect_send(&mut run, "FindItem");
        respond(&mut run, 429, &[], "");
        let report = run.finish();
        let reasons: Vec<_> = report
            .items
            .iter()
            .map(|i| match &i.outcome {
                Outcome::Failed { reason } => reason.clone(),
                other => format!("{other:?}"),
            })
            .collect();
        assert!(
            reasons[0].starts_with("no answer after 2 tries"),
            "{reasons:?}"
        );
        assert_eq!(reasons[1], "the server was still busy after 2 tries");
    }

    #[test]
    fn a_fault_fails_the_batch_with_the_servers_message() {
        let mut run = insert(contacts(&["a@x"]), EwsOptions::default());
        expect_send(&mut run, "FindItem");
        respond(&mut run, 200, &[], &found(&[]));
        expect_send(&mut run, "CreateItem");
        let fault = crate::ews::test_support::fixture(
            "fixtures/ews/responses/impersonation-denied-fault.xml",
        );
        respond(&mut run, 500, &[], &fault);
        let report = run.finish();
        assert!(
            matches!(&report.items[0].outcome, Outcome::Failed { reason } if reason.contains("ErrorImpersonateUserDenied") && reason.contains("permission to impersonate")),
            "{report:?}"
        );
    }

    #[test]
    fn batches_hold_at_most_the_batch_size() {
        let options = EwsOptions {
            batch_size: 2,
            ..EwsOptions::default()
        };
        let mut run = insert(contacts(&["a@x", "b@x", "c@x"]), options);
        let find = expect_send(&mut run, "FindItem");
        assert!(find.contains("b@x") && !find.contains("c@x"));
        respond(&mut run, 200, &[], &found(&[]));
        let first = expect_send(&mut run, "CreateItem");
        assert!(first.contains("b@x") && !first.contains("c@x"));
        let answer = outcomes(
            "CreateItemResponse",
            &[Message::Success("1"), Message::Success("2")],
        );
        respond(&mut run, 200, &[], &answer);
        expect_send(&mut run, "FindItem");
        respond(&mut run, 200, &[], &found(&[]));
        assert!(expect_send(&mut run, "CreateItem").contains("c@x"));
    }
}
