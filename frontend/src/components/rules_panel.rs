//! The mapping rules, editable on the page: the user map (legacy
//! `exceptions.txt` style) and domain rewrites as text that can be loaded
//! from and saved to files, the default time zone, full or flat
//! attendees, and the category for meetings without organizer. "Apply"
//! checks everything and re-reads the files with the new rules.

use crate::files;
use ferry_shared::mapping::{AttendeeMode, DomainRewrites, MappingRules, UserMap, zones};
use leptos::prelude::*;
use leptos::task::spawn_local;
use web_sys::HtmlInputElement;

/// Reads the text fields into rules, or lists every mistake.
fn build(
    users: &str,
    domains: &str,
    zone: &str,
    flat: bool,
    category: &str,
) -> Result<MappingRules, Vec<String>> {
    let mut errors = Vec::new();
    let users = UserMap::parse(users).unwrap_or_else(|e| {
        errors.extend(e.iter().map(|e| format!("User map, {e}")));
        UserMap::default()
    });
    let domains = DomainRewrites::parse(domains).unwrap_or_else(|e| {
        errors.extend(e.iter().map(|e| format!("Domain rewrites, {e}")));
        DomainRewrites::default()
    });
    let zone = zone.trim();
    if !zone.is_empty() && !zones::is_known(zone) {
        errors.push(format!(
            "“{zone}” is not a time zone Ferry knows; pick one from the list, e.g. Europe/Berlin."
        ));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(MappingRules {
        users,
        domains,
        default_zone: (!zone.is_empty()).then(|| zone.to_string()),
        attendees: if flat {
            AttendeeMode::Flat
        } else {
            AttendeeMode::Full
        },
        missing_organizer_category: category.trim().to_string(),
    })
}

/// A text area for a rules file, with "Load file…" and "Save" buttons.
#[component]
fn RulesText(
    id: &'static str,
    label: &'static str,
    hint: &'static str,
    placeholder: &'static str,
    file_name: &'static str,
    text: RwSignal<String>,
) -> impl IntoView {
    let load_error = RwSignal::new(None::<String>);
    let on_load = move |ev: web_sys::Event| {
        let input: HtmlInputElement = event_target(&ev);
        let Some(file) = files::list(input.files()).into_iter().next() else {
            return;
        };
        input.set_value("");
        spawn_local(async move {
            match files::read_text(&file).await {
                Ok(content) => {
                    text.set(content);
                    load_error.set(None);
                }
                Err(message) => load_error.set(Some(message)),
            }
        });
    };
    let save = move |_| {
        load_error.set(files::download(file_name, "text/plain", &text.get_untracked()).err());
    };
    view! {
        <div class="rules-text">
            <label for=id>{label}</label>
            <p class="hint">{hint}</p>
            <textarea
                id=id
                rows="4"
                spellcheck="false"
                placeholder=placeholder
                prop:value=move || text.get()
                on:input=move |ev| text.set(event_target_value(&ev))
            ></textarea>
            <div class="rules-file-actions">
                <label class="button secondary small file-picker">
                    <input type="file" accept=".txt,text/plain" on:change=on_load/>
                    "Load file…"
                </label>
                <button type="button" class="button secondary small" on:click=save>"Save"</button>
            </div>
            {move || load_error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
        </div>
    }
}

#[component]
pub fn RulesPanel(on_apply: Callback<MappingRules>) -> impl IntoView {
    let users = RwSignal::new(String::new());
    let domains = RwSignal::new(String::new());
    let zone = RwSignal::new(String::new());
    let flat = RwSignal::new(false);
    let category = RwSignal::new(MappingRules::DEFAULT_MISSING_ORGANIZER_CATEGORY.to_string());
    let errors = RwSignal::new(Vec::<String>::new());
    let applied = RwSignal::new(false);
    let zone_names = zones::iana_names();

    let apply = move |ev: web_sys::SubmitEvent| {
        ev.prevent_default();
        match build(
            &users.get_untracked(),
            &domains.get_untracked(),
            &zone.get_untracked(),
            flat.get_untracked(),
            &category.get_untracked(),
        ) {
            Ok(rules) => {
                errors.set(Vec::new());
                applied.set(true);
                on_apply.run(rules);
            }
            Err(list) => {
                applied.set(false);
                errors.set(list);
            }
        }
    };

    view! {
        <details class="rules-panel">
            <summary>"Mapping rules"</summary>
            <form class="rules-form" on:submit=apply>
                <p class="hint">
                    "How addresses, time zones and attendees are changed on the way. The preview below updates when you apply them."
                </p>
                <div class="rules-grid">
                    <RulesText
                        id="rules-users"
                        label="User map"
                        hint="One per line: old user=new user (as in exceptions.txt). # starts a comment."
                        placeholder="zyg=zyg-furmaniuk"
                        file_name="ferry-users.txt"
                        text=users
                    />
                    <RulesText
                        id="rules-domains"
                        label="Domain rewrites"
                        hint="One per line: old domain=new domain."
                        placeholder="sumatra.local=sumatra.onmicrosoft.com"
                        file_name="ferry-domains.txt"
                        text=domains
                    />
                </div>
                <div class="rules-row">
                    <label for="rules-zone">"Default time zone"</label>
                    <input
                        id="rules-zone"
                        type="text"
                        list="zone-names"
                        autocomplete="off"
                        placeholder="e.g. Europe/Berlin"
                        prop:value=move || zone.get()
                        on:input=move |ev| zone.set(event_target_value(&ev))
                    />
                    <datalist id="zone-names">
                        {zone_names.into_iter().map(|z| view! { <option value=z></option> }).collect_view()}
                    </datalist>
                    <p class="hint">"Used for times written without a zone, and for CSV exports."</p>
                </div>
                <fieldset class="rules-row">
                    <legend>"Attendees"</legend>
                    <label class="choice">
                        <input
                            type="radio"
                            name="attendee-mode"
                            value="full"
                            prop:checked=move || !flat.get()
                            on:change=move |_| flat.set(false)
                        />
                        "Keep attendees (the new server may send them updates)"
                    </label>
                    <label class="choice">
                        <input
                            type="radio"
                            name="attendee-mode"
                            value="flat"
                            prop:checked=move || flat.get()
                            on:change=move |_| flat.set(true)
                        />
                        "Write attendees into the description (nobody is e-mailed; needed for Microsoft 365)"
                    </label>
                </fieldset>
                <div class="rules-row">
                    <label for="rules-category">"Category for meetings without organizer"</label>
                    <input
                        id="rules-category"
                        type="text"
                        prop:value=move || category.get()
                        on:input=move |ev| category.set(event_target_value(&ev))
                    />
                </div>
                {move || (!errors.with(Vec::is_empty)).then(|| view! {
                    <ul class="form-error" role="alert">
                        {errors.get().into_iter().map(|e| view! { <li>{e}</li> }).collect_view()}
                    </ul>
                })}
                <div class="rules-actions">
                    <button type="submit" class="button primary">"Apply rules"</button>
                    {move || applied.get().then(|| view! { <span class="applied" role="status">"Applied."</span> })}
                </div>
            </form>
        </details>
    }
}
