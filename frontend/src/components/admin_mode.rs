//! The "Admin" part of the page, offered only when the site has admin
//! mode on: sign in with a service account on each server (and on the
//! new calendar server, where the site lists an Exchange one), give the
//! list of users and their calendar files, and move them group by group,
//! watching each user's status (read again every few seconds while
//! moves run).

use super::admin_calendar_files::AdminCalendarFiles;
use super::admin_groups::{AdminGroups, being_moved};
use super::page_intro::PageIntro;
use super::service_account_card::{ServiceAccountCard, offered};
use super::user_list_input::UserListInput;
use crate::{admin_api, mail_api};
use ferry_shared::admin::api::{AdminSessionView, AdminUserView};
use ferry_shared::api::{Account, Side};
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::time::Duration;

/// How often the users' status is read while moves run.
const REFRESH: Duration = Duration::from_secs(2);

#[component]
pub fn AdminMode(session: RwSignal<AdminSessionView>) -> impl IntoView {
    let site = LocalResource::new(mail_api::site);
    let users = RwSignal::new(Vec::<AdminUserView>::new());
    let load_error = RwSignal::new(None::<String>);
    let reload = move || {
        spawn_local(async move {
            match admin_api::users().await {
                Ok(list) => {
                    let _ = users.try_set(list);
                    let _ = load_error.try_set(None);
                }
                Err(message) => {
                    let _ = load_error.try_set(Some(message));
                }
            }
        })
    };
    let has_source = Memo::new(move |_| session.with(|s| s.source.is_some()));
    Effect::new(move |_| {
        if has_source.get() {
            reload();
        }
    });
    let moving = move || users.with(|list| list.iter().any(being_moved));
    if let Ok(handle) = set_interval_with_handle(
        move || {
            if moving() {
                reload();
            }
        },
        REFRESH,
    ) {
        on_cleanup(move || handle.clear());
    }
    let on_signed_in = Callback::new(move |view: AdminSessionView| session.set(view));
    let on_changed = Callback::new(move |()| reload());
    let source = Signal::derive(move || session.with(|s| s.source.clone()));
    let target = Signal::derive(move || session.with(|s| s.target.clone()));
    let calendar = Signal::derive(move || {
        session.with(|s| {
            s.calendar.as_ref().map(|c| Account {
                server: c.server.clone(),
                user: c.user.clone(),
            })
        })
    });
    let both = Signal::derive(move || session.with(|s| s.source.is_some() && s.target.is_some()));
    view! {
        <PageIntro
            id="admin-title"
            title="Move many mailboxes"
            lead="Sign in with a service account on each server, give the list of users, then move them group by group. "
            promise="The service accounts' passwords are kept in memory only, while moves run."
        />
        {move || match site.get() {
            Some(Ok(site)) => view! {
                <div class="mailbox-grid">
                    <ServiceAccountCard side=Side::Source site=site.clone() account=source on_signed_in=on_signed_in/>
                    <ServiceAccountCard side=Side::Target site=site.clone() account=target on_signed_in=on_signed_in/>
                    {(!offered(&site, true).servers.is_empty()).then(|| view! {
                        <ServiceAccountCard side=Side::Target site=site account=calendar on_signed_in=on_signed_in calendar=true/>
                    })}
                </div>
            }
            .into_any(),
            Some(Err(message)) => view! { <p class="form-error" role="alert">{message}</p> }.into_any(),
            None => view! { <p class="loading" role="status">"Loading…"</p> }.into_any(),
        }}
        <UserListInput enabled=has_source.into() on_saved=on_changed/>
        {move || {
            let offers_calendars = site
                .get()
                .and_then(Result::ok)
                .is_some_and(|site| !offered(&site, true).servers.is_empty());
            let listed = Signal::derive(move || users.with(|u| !u.is_empty()));
            offers_calendars.then(|| view! { <AdminCalendarFiles enabled=listed on_saved=on_changed/> })
        }}
        {move || load_error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
        <AdminGroups users=users.into() both_signed_in=both on_changed=on_changed/>
    }
}
