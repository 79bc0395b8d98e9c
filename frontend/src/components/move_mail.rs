//! The "Move mail" part of the page: sign in to the old and the new
//! mailbox, review, start, watch the move, download its report. The
//! session (a cookie) outlives a reload: the person's moves are listed
//! again, and one still under way is shown.

use super::calendar_step::CalendarStep;
use super::folder_choice::{FolderChoice, LeftOut, chosen_folders};
use super::job_list::JobList;
use super::job_panel::JobPanel;
use super::mailbox_card::MailboxCard;
use super::move_steps::MoveSteps;
use super::page_intro::PageIntro;
use super::review_start::ReviewStart;
use super::sign_in_return::SignInReturnError;
use crate::mail_api;
use ferry_shared::api::{JobState, JobView, SessionView, Side, SiteView};
use leptos::prelude::*;

/// A load that failed, with a way to try again.
#[component]
fn LoadError(message: String, retry: Callback<()>) -> impl IntoView {
    view! {
        <div class="card">
            <p class="form-error" role="alert">{message}</p>
            <button type="button" class="button secondary" on:click=move |_| retry.run(())>"Try again"</button>
        </div>
    }
}

#[component]
pub fn MoveMail() -> impl IntoView {
    let site = LocalResource::new(mail_api::site);
    let session = LocalResource::new(mail_api::session);
    let signed_in = Memo::new(move |_| session.get().and_then(Result::ok).unwrap_or_default());
    let has_source = Memo::new(move |_| signed_in.with(|s| s.source.is_some()));
    let jobs = LocalResource::new(move || {
        let has_source = has_source.get();
        async move {
            if has_source {
                // Calendar jobs have their own step.
                mail_api::jobs()
                    .await
                    .map(|list| list.into_iter().filter(|job| job.kind == "mail").collect())
            } else {
                Ok(Vec::new())
            }
        }
    });
    let current = RwSignal::new(None::<String>);
    let current_job = RwSignal::new(None::<JobView>);
    let focus_job = StoredValue::new(false);

    // Back on the page: a move still under way is shown.
    Effect::new(move |_| {
        if current.get_untracked().is_some() {
            return;
        }
        if let Some(Ok(list)) = jobs.get()
            && let Some(newest) = list.first()
            && !newest.state.is_final()
        {
            current.set(Some(newest.id.clone()));
        }
    });

    let on_signed_in = Callback::new(move |view: SessionView| session.set(Some(Ok(view))));
    let start_error = RwSignal::new(None::<String>);
    let left_out: LeftOut = RwSignal::new(Default::default());
    let folder_names = RwSignal::new(Vec::<String>::new());
    let start = Action::new_local(move |_: &()| async move {
        match mail_api::start_job(chosen_folders(left_out, folder_names)).await {
            Ok(created) => {
                focus_job.set_value(true);
                current_job.set(None);
                current.set(Some(created.id));
                jobs.refetch();
            }
            Err(message) => start_error.set(Some(message)),
        }
    });
    let on_start = Callback::new(move |()| {
        start_error.set(None);
        start.dispatch(());
    });
    let sign_out = Action::new_local(move |_: &()| async move {
        match mail_api::sign_out().await {
            Ok(()) => {
                current.set(None);
                current_job.set(None);
                session.set(Some(Ok(SessionView::default())));
            }
            Err(message) => start_error.set(Some(message)),
        }
    });
    let on_sign_out = Callback::new(move |()| {
        sign_out.dispatch(());
    });
    let on_settled = Callback::new(move |()| jobs.refetch());

    let source = Memo::new(move |_| signed_in.with(|s| s.source.clone()));
    let target = Memo::new(move |_| signed_in.with(|s| s.target.clone()));
    let both = Signal::derive(move || signed_in.with(|s| s.source.is_some() && s.target.is_some()));
    let step = Signal::derive(move || {
        let state = current_job.with(|j| j.as_ref().map(|j| j.state));
        match (
            source.with(Option::is_some),
            target.with(Option::is_some),
            state,
        ) {
            (_, _, Some(JobState::Done)) => 4,
            (_, _, Some(_)) => 3,
            (false, _, None) => 0,
            (true, false, None) => 1,
            (true, true, None) => 2,
        }
    });
    // Whether the forms can show: they stay as they are while the person
    // signs in (only a change of these re-renders them).
    let site_loaded = Memo::new(move |_| site.get());
    let session_error = Memo::new(move |_| session.get().map(Result::err));
    let job_list = Signal::derive(move || jobs.get().and_then(Result::ok).unwrap_or_default());

    let mailboxes = move |site: SiteView| {
        let mail_site = mail_servers(&site);
        view! {
            <div class="mailbox-grid">
                <MailboxCard side=Side::Source site=mail_site.clone() account=source.into() on_signed_in=on_signed_in/>
                <MailboxCard side=Side::Target site=mail_site account=target.into() on_signed_in=on_signed_in/>
            </div>
        }
    };
    let calendar = Memo::new(move |_| signed_in.with(|s| s.calendar.clone()));

    view! {
        <PageIntro
            id="move-title"
            title="Move your mail"
            lead="Copy every folder and message from your old mailbox to your new one. "
            promise="Ferry checks your password with each server and keeps it only while the move runs."
        />
        <MoveSteps current=step/>
        <SignInReturnError/>
        {move || match (site_loaded.get(), session_error.get()) {
            (Some(Err(message)), _) => view! { <LoadError message=message retry=Callback::new(move |()| site.refetch())/> }.into_any(),
            (_, Some(Some(message))) => view! { <LoadError message=message retry=Callback::new(move |()| session.refetch())/> }.into_any(),
            (Some(Ok(site)), Some(None)) => mailboxes(site).into_any(),
            _ => view! { <p class="loading" role="status">"Loading…"</p> }.into_any(),
        }}
        <FolderChoice both_signed_in=both session=signed_in.into() left_out=left_out folder_names=folder_names/>
        <ReviewStart
            session=signed_in.into()
            starting=start.pending().into()
            moving=Signal::derive(move || current.with(Option::is_some))
            error=start_error.into()
            on_start=on_start
            on_sign_out=on_sign_out
        />
        {move || current.get().map(|id| {
            current_job.set(None);
            view! {
            <JobPanel
                id=id
                job=current_job
                both_signed_in=both
                on_settled=on_settled
                focus=focus_job.get_value()
            />
            }
        })}
        {move || match jobs.get() {
            Some(Err(message)) => Some(view! { <LoadError message=message retry=Callback::new(move |()| jobs.refetch())/> }),
            _ => None,
        }}
        <JobList jobs=job_list current=current/>
        {move || match site_loaded.get() {
            Some(Ok(site)) => Some(view! { <CalendarStep site=site calendar=calendar.into() on_signed_in=on_signed_in/> }),
            _ => None,
        }}
    }
}

/// The site's mail servers (its calendar servers have their own step).
fn mail_servers(site: &SiteView) -> SiteView {
    SiteView {
        servers: site
            .servers
            .iter()
            .filter(|server| server.kind == "imap")
            .cloned()
            .collect(),
        typed_servers: site.typed_servers,
    }
}
