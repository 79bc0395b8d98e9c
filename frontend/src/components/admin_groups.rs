//! The listed users by group, each with their move's status and
//! progress (mail, and calendar when files were given), and per group
//! the buttons to start it, run it again (the
//! cut-over: only new mail is copied) or cancel it.

use crate::admin_api;
use crate::job_text::{percent, state_class, state_words};
use ferry_shared::admin::api::{AdminCalendarView, AdminUserView};
use ferry_shared::api::JobState;
use leptos::prelude::*;

/// The groups of `users`, in the order they first appear.
fn group_names(users: &[AdminUserView]) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for user in users {
        if !names.contains(&user.group) {
            names.push(user.group.clone());
        }
    }
    names
}

/// Whether `user`'s mail or calendar is queued or being moved.
pub fn being_moved(user: &AdminUserView) -> bool {
    let under_way =
        |state: Option<JobState>| matches!(state, Some(JobState::Queued | JobState::Running));
    under_way(user.state) || user.calendar.as_ref().is_some_and(|c| under_way(c.state))
}

/// The status as the admin reads it.
fn status_words(state: Option<JobState>) -> &'static str {
    match state {
        None => "Not started",
        Some(JobState::Running) => "Copying",
        Some(JobState::WaitingForSignIn) => "Waiting for the service accounts",
        Some(state) => state_words(state),
    }
}

/// "3 of 4 done" and the like.
fn group_summary(members: &[AdminUserView]) -> String {
    let count = |wanted: fn(Option<JobState>) -> bool| {
        members.iter().filter(|user| wanted(user.state)).count()
    };
    let done = count(|s| s == Some(JobState::Done));
    let busy = count(|s| matches!(s, Some(JobState::Queued | JobState::Running)));
    let failed = count(|s| s == Some(JobState::Failed));
    let mut text = format!("{done} of {} done", members.len());
    if busy > 0 {
        text.push_str(&format!(", {busy} under way"));
    }
    if failed > 0 {
        text.push_str(&format!(", {failed} stopped by an error"));
    }
    text
}

#[component]
fn UserRow(user: AdminUserView) -> impl IntoView {
    let progress = match user.state {
        None => String::new(),
        Some(_) => format!(
            "{} of {} messages ({}%)",
            user.copied,
            user.total,
            percent(user.copied, user.total)
        ),
    };
    let class = user.state.map_or("badge idle", state_class);
    let calendar = match user.calendar {
        Some(calendar) => view! { <CalendarStatus calendar=calendar/> }.into_any(),
        None => view! { <span class="no-files">"No files"</span> }.into_any(),
    };
    view! {
        <tr>
            <td data-label="Old user">{user.source_user}</td>
            <td data-label="New user">{user.target_user}</td>
            <td data-label="Status">
                <span class=class>{status_words(user.state)}</span>
                {user.reason.map(|reason| view! { <span class="reason">{reason}</span> })}
            </td>
            <td data-label="Progress" class="num">{progress}</td>
            <td data-label="Calendar">{calendar}</td>
        </tr>
    }
}

/// A user's calendar: its status and the items put in (or found there).
#[component]
fn CalendarStatus(calendar: AdminCalendarView) -> AnyView {
    let class = calendar.state.map_or("badge idle", state_class);
    let done = calendar.inserted + calendar.already_there;
    let items = calendar.state.map(|_| {
        format!(
            "{done} of {} items ({}%)",
            calendar.to_insert,
            percent(done, calendar.to_insert)
        )
    });
    view! {
        <span class=class>{status_words(calendar.state)}</span>
        <span class="calendar-files-names">{calendar.files.join(", ")}</span>
        {items.map(|items| view! { <span class="calendar-items">{items}</span> })}
        {calendar.reason.map(|reason| view! { <span class="reason">{reason}</span> })}
    }
    .into_any()
}

#[component]
fn GroupCard(
    name: String,
    users: Signal<Vec<AdminUserView>>,
    both_signed_in: Signal<bool>,
    on_changed: Callback<()>,
) -> impl IntoView {
    let error = RwSignal::new(None::<String>);
    let group = StoredValue::new(name.clone());
    let members = Memo::new(move |_| {
        users.with(|all| {
            all.iter()
                .filter(|user| group.with_value(|g| &user.group == g))
                .cloned()
                .collect::<Vec<_>>()
        })
    });
    let started = move || members.with(|m| m.iter().any(|user| user.state.is_some()));
    let busy = move || members.with(|m| m.iter().any(being_moved));
    let act = Action::new_local(move |start: &bool| {
        let (start, name) = (*start, group.get_value());
        async move {
            let result = if start {
                admin_api::start_group(name).await
            } else {
                admin_api::cancel_group(name).await
            };
            error.set(result.err());
            on_changed.run(());
        }
    });
    let run = move |start: bool| {
        if !both_signed_in.get_untracked() {
            error.set(Some(
                "Sign in with the service accounts of both servers first.".to_string(),
            ));
            return;
        }
        if !act.pending().get_untracked() {
            act.dispatch(start);
        }
    };
    view! {
        <section class="card admin-group" aria-label=format!("Group {name}")>
            <div class="group-head">
                <h2>{format!("Group {name}")}</h2>
                <p class="group-summary" role="status">{move || members.with(|m| group_summary(m))}</p>
            </div>
            <div class="job-actions">
                <button type="button" class="button primary" on:click=move |_| run(true)>
                    {let name = name.clone(); move || if started() { format!("Run group {name} again") } else { format!("Start moving group {name}") }}
                </button>
                <button type="button" class="button secondary" hidden=move || !busy() on:click=move |_| run(false)>
                    {format!("Cancel group {name}")}
                </button>
            </div>
            {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
            <div class="table-wrap">
                <table class="items admin-users">
                    <thead>
                        <tr>
                            <th scope="col">"Old user"</th>
                            <th scope="col">"New user"</th>
                            <th scope="col">"Status"</th>
                            <th scope="col" class="num">"Progress"</th>
                            <th scope="col">"Calendar"</th>
                        </tr>
                    </thead>
                    <tbody>
                        <For
                            each=move || members.get()
                            key=|user| (user.source_user.clone(), status_words(user.state), user.copied, user.total, user.calendar.clone())
                            children=|user| view! { <UserRow user=user/> }
                        />
                    </tbody>
                </table>
            </div>
        </section>
    }
}

#[component]
pub fn AdminGroups(
    users: Signal<Vec<AdminUserView>>,
    both_signed_in: Signal<bool>,
    on_changed: Callback<()>,
) -> impl IntoView {
    let names = Memo::new(move |_| users.with(|u| group_names(u)));
    view! {
        <Show when=move || !names.with(Vec::is_empty)>
            <p class="hint admin-hint">
                "Start one group at a time. Running a group again copies only mail that arrived since — do it at the cut-over."
            </p>
        </Show>
        <For
            each=move || names.get()
            key=|name| name.clone()
            children=move |name| view! {
                <GroupCard name=name users=users both_signed_in=both_signed_in on_changed=on_changed/>
            }
        />
    }
}
