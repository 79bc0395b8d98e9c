//! The page: header, drop zone, one report per file.
//!
//! Files are read and parsed here, in the browser, with the same
//! `ferry-shared` code that `ferry inspect` runs on the server.

use crate::components::{DropZone, EmptyState, FileReport};
use crate::{api, files};
use ferry_shared::{FileReport, ParseLimits, inspect};
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::sync::Arc;

/// Where a file is in its short life on the page.
#[derive(Debug, Clone)]
pub enum FileState {
    Reading,
    Read(Arc<FileReport>),
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

/// A file to load: its name, size and a way to get its bytes.
pub enum Source {
    Picked(web_sys::File),
    Sample(&'static str, &'static str),
}

#[component]
pub fn App() -> impl IntoView {
    let limits = RwSignal::new(ParseLimits::default());
    let version = RwSignal::new(None::<String>);
    spawn_local(async move {
        if let Some(config) = api::page_config().await {
            limits.set(config.limits);
            version.set(Some(config.version));
        }
    });

    let loaded = RwSignal::new(Vec::<LoadedFile>::new());
    let next_id = StoredValue::new(0usize);

    let load = move |sources: Vec<Source>| {
        for source in sources {
            let id = next_id.get_value();
            next_id.set_value(id + 1);
            let (name, size) = match &source {
                Source::Picked(file) => (file.name(), file.size()),
                Source::Sample(name, _) => ((*name).to_string(), 0.0),
            };
            let state = RwSignal::new(FileState::Reading);
            loaded.update(|list| {
                list.push(LoadedFile {
                    id,
                    name,
                    size,
                    state,
                })
            });
            let limits = limits.get_untracked();
            spawn_local(async move {
                state.set(read_and_parse(source, size, &limits).await);
            });
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
    let remove = Callback::new(move |id: usize| loaded.update(|list| list.retain(|f| f.id != id)));
    let clear = move |_| loaded.set(Vec::new());

    view! {
        <header class="site-header">
            <div class="brand">
                <img src="/favicon.svg" alt="" width="32" height="32"/>
                <span class="brand-name">"Ferry"</span>
            </div>
            <p class="tagline">"Move your mailbox — mail, calendar, tasks and contacts — to your new server."</p>
        </header>
        <main class="page">
            <section class="intro" aria-labelledby="preview-title">
                <h1 id="preview-title">"Preview a calendar export"</h1>
                <p class="lead">
                    "See how each event and task will arrive before anything is written. "
                    <strong>"Your files are read on this computer; nothing is uploaded at this step."</strong>
                </p>
            </section>
            <DropZone on_files=on_files on_sample=on_sample/>
            <Show
                when=move || !loaded.with(Vec::is_empty)
                fallback=|| view! { <EmptyState/> }
            >
                <div class="files-toolbar">
                    <span class="files-count">
                        {move || match loaded.with(Vec::len) {
                            1 => "1 file".to_string(),
                            n => format!("{n} files"),
                        }}
                    </span>
                    <button type="button" class="button secondary" on:click=clear>"Clear all"</button>
                </div>
                <For
                    each=move || loaded.get()
                    key=|file| file.id
                    children=move |file| view! { <FileReport file=file on_remove=remove/> }
                />
            </Show>
        </main>
        <footer class="site-footer">
            <p>
                "Ferry"
                {move || version.get().map(|v| format!(" {v}"))}
                " · files are parsed in your browser with WebAssembly"
            </p>
        </footer>
    }
}

async fn read_and_parse(source: Source, size: f64, limits: &ParseLimits) -> FileState {
    // Checked before reading: a huge file is refused without loading it.
    if size > limits.max_file_bytes as f64 {
        let err = ferry_shared::InspectError::TooLarge {
            size: size as usize,
            limit: limits.max_file_bytes,
        };
        return FileState::Failed(err.to_string());
    }
    let bytes = match source {
        Source::Picked(file) => files::read_bytes(&file).await,
        Source::Sample(_, path) => files::fetch_bytes(path).await,
    };
    match bytes {
        Ok(bytes) => match inspect(&bytes, limits) {
            Ok(report) => FileState::Read(Arc::new(report)),
            Err(err) => FileState::Failed(err.to_string()),
        },
        Err(message) => FileState::Failed(message),
    }
}
