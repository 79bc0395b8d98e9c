//! The page: header, the tabs of its two parts, and the preview part:
//! drop zone, mapping rules, one report per file, the conversion report
//! download and the item detail view. The other part, moving mail, is
//! [`MoveMail`].
//!
//! Files are read, parsed and mapped in a Web Worker ([`crate::parser`])
//! with the same `ferry-shared` code that `ferry inspect` runs on the
//! server; the page stays responsive and shows each file's progress.

use crate::components::{
    AddressCheckButton, AddressChecks, AdminMode, DetailPanel, DropZone, EmptyState, FileReport,
    MoveMail, PageIntro, PageTabs, Part, RulesPanel, shown_part,
};
use crate::{api, files, parser};
use ferry_shared::ParseLimits;
use ferry_shared::mapping::MappingRules;
use ferry_shared::preview::{FilePreview, report_csv};
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::sync::Arc;

/// Where a file is in its short life on the page.
#[derive(Debug, Clone)]
pub enum FileState {
    /// Being read: bytes done of total (total 0 while unknown).
    Reading {
        done: f64,
        total: f64,
    },
    Read(Arc<FilePreview>),
    Failed(String),
}

/// A file the user gave to the page.
#[derive(Debug, Clone)]
pub struct LoadedFile {
    pub id: usize,
    pub name: String,
    pub size: f64,
    pub state: RwSignal<FileState>,
}

/// The item shown in the detail view: file id and item index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Selected {
    pub file: usize,
    pub index: usize,
}

/// Page-wide state the components share.
#[derive(Debug, Clone, Copy)]
pub struct PageState {
    pub limits: RwSignal<ParseLimits>,
    pub rules: RwSignal<MappingRules>,
    pub files: RwSignal<Vec<LoadedFile>>,
    pub selected: RwSignal<Option<Selected>>,
}

/// A file to load: its name and where its bytes are.
pub enum Source {
    Picked(web_sys::File),
    Sample(&'static str, &'static str),
}

/// (Re)reads file `id` in the worker and keeps the result in `state`.
fn read_file(page: PageState, id: usize, state: RwSignal<FileState>) {
    let Some(blob) = files::blob(id) else {
        return;
    };
    let limits = page.limits.get_untracked();
    let rules = page.rules.get_untracked();
    state.set(FileState::Reading {
        done: 0.0,
        total: blob.size(),
    });
    spawn_local(async move {
        let progress = move |done, total| {
            // The file may have been removed meanwhile.
            let _ = state.try_set(FileState::Reading { done, total });
        };
        let result = match parser::preview(&blob, &limits, &rules, progress).await {
            Ok(preview) => FileState::Read(Arc::new(preview)),
            Err(message) => FileState::Failed(message),
        };
        let _ = state.try_set(result);
    });
}

#[component]
pub fn App() -> impl IntoView {
    let page = PageState {
        limits: RwSignal::new(ParseLimits::default()),
        rules: RwSignal::new(MappingRules::default()),
        files: RwSignal::new(Vec::new()),
        selected: RwSignal::new(None),
    };
    provide_context(page);
    provide_context(AddressChecks::new());
    // The parser workers load while the person picks a file.
    crate::parser::warm_up();
    let version = RwSignal::new(None::<String>);
    spawn_local(async move {
        if let Some(config) = api::page_config().await {
            page.limits.set(config.limits);
            version.set(Some(config.version));
        }
    });

    let next_id = StoredValue::new(0usize);
    let load = move |sources: Vec<Source>| {
        for source in sources {
            let id = next_id.get_value();
            next_id.set_value(id + 1);
            let (name, size) = match &source {
                Source::Picked(file) => (file.name(), file.size()),
                Source::Sample(name, _) => ((*name).to_string(), 0.0),
            };
            let state = RwSignal::new(FileState::Reading {
                done: 0.0,
                total: size,
            });
            page.files.update(|list| {
                list.push(LoadedFile {
                    id,
                    name,
                    size,
                    state,
                })
            });
            match source {
                Source::Picked(file) => {
                    files::remember(id, file.into());
                    read_file(page, id, state);
                }
                Source::Sample(_, path) => spawn_local(async move {
                    match files::fetch_blob(path).await {
                        Ok(blob) => {
                            files::remember(id, blob);
                            read_file(page, id, state);
                        }
                        Err(message) => state.set(FileState::Failed(message)),
                    }
                }),
            }
        }
    };
    let on_files = Callback::new(move |picked: Vec<web_sys::File>| {
        load(picked.into_iter().map(Source::Picked).collect());
    });
    let on_sample = Callback::new(move |()| {
        load(vec![Source::Sample(
            "team-calendar.ics",
            "/samples/team-calendar.ics",
        )]);
    });
    let remove = Callback::new(move |id: usize| {
        files::forget(id);
        page.files.update(|list| list.retain(|f| f.id != id));
    });
    let clear = move |_| {
        for file in page.files.get_untracked() {
            files::forget(file.id);
        }
        page.files.set(Vec::new());
    };
    let on_rules = Callback::new(move |rules: MappingRules| {
        page.rules.set(rules);
        for file in page.files.get_untracked() {
            read_file(page, file.id, file.state);
        }
    });
    let download_error = RwSignal::new(None::<String>);
    let download_report = move |_| {
        let loaded = page.files.get_untracked();
        let read: Vec<(String, Arc<FilePreview>)> = loaded
            .iter()
            .filter_map(|f| match f.state.get_untracked() {
                FileState::Read(preview) => Some((f.name.clone(), preview)),
                _ => None,
            })
            .collect();
        let csv = report_csv(read.iter().map(|(name, p)| (name.as_str(), p.as_ref())));
        download_error.set(files::download("ferry-conversion-report.csv", "text/csv", &csv).err());
    };
    let part = shown_part();
    // Admin mode is offered when the site answers for it.
    let admin_session = RwSignal::new(Default::default());
    let admin = RwSignal::new(false);
    spawn_local(async move {
        if let Ok(view) = crate::admin_api::session().await {
            admin.set(view.enabled);
            admin_session.set(view);
        }
    });
    let any_read = move || {
        page.files.with(|list| {
            list.iter()
                .any(|f| f.state.with(|s| matches!(s, FileState::Read(_))))
        })
    };

    view! {
        <header class="site-header">
            <div class="brand">
                <img src="/favicon.svg" alt="" width="32" height="32"/>
                <span class="brand-name">"Ferry"</span>
            </div>
            <p class="tagline">"Move your mailbox — mail, calendar, tasks and contacts — to your new server."</p>
        </header>
        <PageTabs part=part admin=admin/>
        <main class="page" hidden=move || part.get() != Part::Preview>
            <PageIntro
                id="preview-title"
                title="Preview a calendar or contacts export"
                lead="See how each event, task and contact will arrive before anything is written. "
                promise="Your files are read on this computer; nothing is uploaded at this step."
            />
            <DropZone on_files=on_files on_sample=on_sample/>
            <RulesPanel on_apply=on_rules/>
            <Show
                when=move || !page.files.with(Vec::is_empty)
                fallback=|| view! { <EmptyState/> }
            >
                <div class="files-toolbar">
                    <span class="files-count">
                        {move || match page.files.with(Vec::len) {
                            1 => "1 file".to_string(),
                            n => format!("{n} files"),
                        }}
                    </span>
                    <div class="toolbar-actions">
                        <button
                            type="button"
                            class="button secondary"
                            disabled=move || !any_read()
                            on:click=download_report
                        >
                            "Download report (CSV)"
                        </button>
                        <button type="button" class="button secondary" on:click=clear>"Clear all"</button>
                    </div>
                </div>
                {move || download_error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
                <AddressCheckButton/>
                <For
                    each=move || page.files.get()
                    key=|file| file.id
                    children=move |file| view! { <FileReport file=file on_remove=remove/> }
                />
            </Show>
            <DetailPanel/>
        </main>
        <main class="page" hidden=move || part.get() != Part::Move>
            <MoveMail/>
        </main>
        <main class="page" hidden=move || part.get() != Part::Admin>
            <Show when=move || admin.get() fallback=|| view! { <p>"This site does not offer admin mode."</p> }>
                <AdminMode session=admin_session/>
            </Show>
        </main>
        <footer class="site-footer">
            <p>
                "Ferry"
                {move || version.get().map(|v| format!(" {v}"))}
                {move || match part.get() {
                    Part::Preview => " · files are read in your browser with WebAssembly",
                    Part::Move | Part::Admin => " · your mail goes straight from server to server",
                }}
            </p>
        </footer>
    }
}
