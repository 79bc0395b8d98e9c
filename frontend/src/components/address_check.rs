//! Checking the organizer and attendee addresses of the previewed items
//! (after the user and domain mapping) against the new server's
//! directory: one button in the Preview tab, a count summary, and each
//! address's answer (found, not found, several matches) in the item
//! detail ([`address_list`]). It needs an Exchange server signed in
//! under "Calendar and contacts" in the Move tab; the back end says so
//! in plain words otherwise.

use crate::app::{FileState, PageState};
use crate::calendar_api;
use ferry_shared::api::AddressStatus;
use ferry_shared::model::Item;
use leptos::prelude::*;
use std::collections::HashMap;

/// Most addresses sent at once (the back end's default limit).
const MAX_SENT: usize = 500;

/// What the check found, by address in lower case; shared by the button
/// and the detail view.
#[derive(Debug, Clone, Copy)]
pub struct AddressChecks(pub RwSignal<HashMap<String, AddressStatus>>);

impl AddressChecks {
    pub fn new() -> Self {
        Self(RwSignal::new(HashMap::new()))
    }
}

impl Default for AddressChecks {
    fn default() -> Self {
        Self::new()
    }
}

/// Words and badge class for one answer.
fn status_words(status: &AddressStatus) -> (String, &'static str) {
    match status {
        AddressStatus::Resolved {
            name: Some(name), ..
        } => (format!("Found: {name}"), "badge ok"),
        AddressStatus::Resolved { name: None, email } => (format!("Found: {email}"), "badge ok"),
        AddressStatus::NotFound => ("Not found".to_string(), "badge bad"),
        AddressStatus::Ambiguous { candidates } => (
            format!("Several matches: {}", candidates.join(", ")),
            "badge warn",
        ),
        AddressStatus::Failed { reason } => (format!("Not checked: {reason}"), "badge warn"),
    }
}

/// Every distinct address of the items read, in order of appearance.
fn addresses(page: PageState) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for file in page.files.get_untracked() {
        if let FileState::Read(preview) = file.state.get_untracked() {
            for address in preview.rows.iter().flat_map(|row| row.addresses.iter()) {
                if seen.insert(address.to_lowercase()) {
                    out.push(address.clone());
                }
            }
        }
    }
    out
}

fn summary(checks: &HashMap<String, AddressStatus>, left_out: usize) -> String {
    let count = |test: fn(&AddressStatus) -> bool| checks.values().filter(|s| test(s)).count();
    let mut text = format!(
        "{} addresses checked: {} found, {} not found, {} with several matches",
        checks.len(),
        count(|s| matches!(s, AddressStatus::Resolved { .. })),
        count(|s| matches!(s, AddressStatus::NotFound)),
        count(|s| matches!(s, AddressStatus::Ambiguous { .. })),
    );
    let failed = count(|s| matches!(s, AddressStatus::Failed { .. }));
    if failed > 0 {
        text.push_str(&format!(", {failed} could not be checked"));
    }
    if left_out > 0 {
        text.push_str(&format!(
            " ({left_out} more were not sent: at most {MAX_SENT} at once)"
        ));
    }
    text.push('.');
    text
}

#[component]
pub fn AddressCheckButton() -> impl IntoView {
    let page = expect_context::<PageState>();
    let checks = expect_context::<AddressChecks>().0;
    let message = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<String>);
    let check = Action::new_local(move |_: &()| async move {
        let mut all = addresses(page);
        if all.is_empty() {
            message.set(Some(
                "The items read name no addresses to check.".to_string(),
            ));
            return;
        }
        let left_out = all.len().saturating_sub(MAX_SENT);
        all.truncate(MAX_SENT);
        match calendar_api::check_addresses(all).await {
            Ok(result) => match result.unavailable {
                Some(reason) => message.set(Some(reason)),
                None => {
                    let found: HashMap<String, AddressStatus> = result
                        .addresses
                        .into_iter()
                        .map(|check| (check.address.to_lowercase(), check.status))
                        .collect();
                    message.set(Some(summary(&found, left_out)));
                    checks.set(found);
                }
            },
            Err(text) => error.set(Some(format!(
                "{text} Sign in to your new Exchange or Microsoft 365 server under “Calendar and contacts” in the Move tab first."
            ))),
        }
    });
    let busy = check.pending();
    view! {
        <div class="address-check">
            <button
                type="button"
                class="button secondary"
                aria-disabled=move || busy.get().to_string()
                on:click=move |_| {
                    if busy.get_untracked() {
                        return;
                    }
                    message.set(None);
                    error.set(None);
                    check.dispatch(());
                }
            >
                {move || if busy.get() { "Checking addresses…" } else { "Check addresses" }}
            </button>
            <p class="form-status" role="status" aria-live="polite">{move || message.get()}</p>
            {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
        </div>
    }
}

/// The item's organizer and attendees with what the check found, when
/// addresses were checked.
pub fn address_list(item: &Item) -> impl IntoView + use<> {
    let checks = use_context::<AddressChecks>()
        .map(|c| c.0.get())
        .unwrap_or_default();
    let people: Vec<(String, String)> = item
        .organizer
        .iter()
        .map(|p| ("Organizer", p))
        .chain(item.attendees.iter().map(|a| ("Attendee", &a.person)))
        .filter_map(|(role, person)| {
            let email = person.email.clone()?;
            Some((format!("{role}: {person}"), email))
        })
        .collect();
    (!checks.is_empty() && !people.is_empty()).then(|| {
        view! {
            <section class="address-results" aria-labelledby="address-results-title">
                <h3 id="address-results-title">"Addresses on the new server"</h3>
                <ul>
                    {people.into_iter().map(|(who, email)| {
                        let (words, class) = checks
                            .get(&email.to_lowercase())
                            .map(status_words)
                            .unwrap_or(("Not checked".to_string(), "badge"));
                        view! { <li>{who}" "<span class=class>{words}</span></li> }
                    }).collect_view()}
                </ul>
            </section>
        }
    })
}
