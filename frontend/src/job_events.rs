//! A job's live progress: the server-sent events of
//! `GET /api/jobs/{id}/events` (event `job`, a `JobView` in JSON each),
//! read with the browser's `EventSource`. The stream is closed when the
//! job ends (the server stops sending then, and the browser would
//! otherwise reconnect) or when the [`JobEvents`] is dropped.

use crate::mail_api;
use ferry_shared::api::JobView;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{EventSource, MessageEvent};

/// An open stream of one job's views.
pub struct JobEvents {
    source: EventSource,
    _on_job: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(web_sys::Event)>,
}

impl JobEvents {
    /// Opens the stream of job `id`: `on_view` gets every view,
    /// `on_trouble` a plain sentence while the connection is lost (and
    /// `None` once views arrive again).
    pub fn open(
        id: &str,
        on_view: impl Fn(JobView) + 'static,
        on_trouble: impl Fn(Option<String>) + 'static,
    ) -> Result<Self, String> {
        let source = EventSource::new(&mail_api::job_url(id, "/events"))
            .map_err(|_| "Live progress could not be started. Reload the page.".to_string())?;
        let on_trouble = std::rc::Rc::new(on_trouble);
        let job_source = source.clone();
        let trouble = on_trouble.clone();
        let on_job = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            let Some(data) = event.data().as_string() else {
                return;
            };
            let Ok(view) = serde_json::from_str::<JobView>(&data) else {
                return;
            };
            if view.state.is_final() {
                job_source.close();
            }
            trouble(None);
            on_view(view);
        });
        let error_source = source.clone();
        let on_error = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
            on_trouble(Some(
                if error_source.ready_state() == EventSource::CLOSED {
                    "Live progress stopped. Reload the page to see where the move is."
                } else {
                    "The connection to Ferry was lost; trying again…"
                }
                .to_string(),
            ));
        });
        source
            .add_event_listener_with_callback("job", on_job.as_ref().unchecked_ref())
            .map_err(|_| "Live progress could not be started. Reload the page.".to_string())?;
        source.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        Ok(Self {
            source,
            _on_job: on_job,
            _on_error: on_error,
        })
    }
}

impl Drop for JobEvents {
    fn drop(&mut self) {
        self.source.set_onerror(None);
        self.source.close();
    }
}
