//! One calendar job's run: wait for a slot, check the target's address
//! under the site's policy, then file by file plan (read and map, the
//! count of items to insert stored and announced) and send through the
//! import engines ([`crate::import::files`]), each file's counts stored
//! as it ends; at the end the per-item report is kept and the job is
//! done, or failed with a plain reason.
//!
//! A Microsoft Graph target connects with an access token from its
//! [`crate::oauth::token_source::TokenSource`], renewed first when it is
//! about to expire; a provider refusing to renew it (or Graph refusing
//! the token) makes the job wait for its user to sign in again, as mail
//! jobs do.

use super::Jobs;
use crate::import::files::FileTarget;
use crate::oauth::token_source::RenewError;
use crate::server::auth::calendar_target::{CalendarKind, SignedInCalendar};
use ferry_shared::api::{ItemResult, JobState};
use ferry_shared::mapping::MappingRules;

/// Runs calendar job `id` to its end.
pub(super) async fn run(jobs: &Jobs, id: &str) {
    let Ok(_permit) = jobs.permits.acquire().await else {
        return;
    };
    let Some(target) = jobs.calendar_vault.get(id) else {
        jobs.wait_for_sign_in(id).await;
        return;
    };
    let started = async {
        jobs.store.reset_job_files(id).await?;
        jobs.store.set_job_state(id, JobState::Running, None).await
    };
    if started.await.is_err() {
        return;
    }
    jobs.announce(id);
    let slots = jobs.slots.take(&[target.host_port()]).await;
    let outcome = insert(jobs, id, &target).await;
    drop(slots);
    let (state, error) = match outcome {
        Ok(items) => {
            let failed = items
                .iter()
                .filter(|item| !matches!(item.outcome.as_str(), "created" | "already_there"))
                .count();
            if let Ok(json) = serde_json::to_string(&items) {
                let _ = jobs.store.set_job_report(id, &json).await;
            }
            let unreadable = jobs
                .store
                .job_files(id)
                .await
                .map(|files| files.iter().filter(|f| f.error.is_some()).count())
                .unwrap_or_default();
            match (failed, unreadable) {
                (0, 0) => (JobState::Done, None),
                _ => (
                    JobState::Failed,
                    Some(format!(
                        "{failed} items could not be put in and {unreadable} files could not be read; the report names them. Run it again to retry."
                    )),
                ),
            }
        }
        Err(Stop::Failed(reason)) => (JobState::Failed, Some(reason)),
        Err(Stop::SignIn(reason)) => (JobState::WaitingForSignIn, Some(reason)),
    };
    jobs.settle(id, state, error.as_deref()).await;
}

/// Why a run ended early, in plain words.
enum Stop {
    /// Run it again to go on.
    Failed(String),
    /// The user must sign in again; the job then goes on by itself.
    SignIn(String),
}

/// What stops a run whose target refused its sign-in: with tokens, the
/// user signs in again and the job goes on; with a password, it is run
/// again after signing in.
fn refused(target: &SignedInCalendar) -> Stop {
    if target.tokens.is_some() {
        sign_in_again(&"the server no longer takes the sign-in")
    } else {
        Stop::Failed(
            "The new server refused the user name or password. Please sign in again and run it again."
                .to_string(),
        )
    }
}

fn sign_in_again(why: &dyn std::fmt::Display) -> Stop {
    Stop::SignIn(format!(
        "The new calendar needs you to sign in again: {why}. The job goes on once you do."
    ))
}

/// The import engine's target for `target`, with fresh credentials.
async fn file_target(target: &SignedInCalendar, rules: MappingRules) -> Result<FileTarget, Stop> {
    let unusable = |error: &dyn std::fmt::Display| {
        Stop::Failed(format!("The new server cannot be used: {error}."))
    };
    let credentials = target
        .fresh_credentials()
        .await
        .map_err(|error| match error {
            RenewError::SignInAgain { .. } => sign_in_again(&error),
            RenewError::Unavailable { .. } => unusable(&error),
        })?;
    Ok(match target.kind {
        CalendarKind::Ews => {
            let client = target.ews().map_err(|error| unusable(&error))?;
            FileTarget::ews(target.url.clone(), client, rules, target.http.clone())
        }
        CalendarKind::Caldav => {
            FileTarget::caldav(target.url.clone(), credentials, rules, target.http.clone())
        }
        CalendarKind::Graph => {
            let client = target
                .graph_client(credentials)
                .map_err(|error| unusable(&error))?;
            FileTarget::graph(client, &target.graph_options(), rules, target.http.clone())
        }
    })
}

/// Inserts every file of the job; every item's result, or why the run
/// could not go on.
async fn insert(jobs: &Jobs, id: &str, target: &SignedInCalendar) -> Result<Vec<ItemResult>, Stop> {
    target
        .check_address()
        .await
        .map_err(|error| Stop::Failed(format!("The new server cannot be reached: {error}.")))?;
    let failed = |text: &str| Stop::Failed(text.to_string());
    let (rules, files) = jobs
        .store
        .calendar_job_input(id)
        .await
        .map_err(|_| failed("The files of this job could not be read."))?;
    let rules: MappingRules = serde_json::from_str(&rules)
        .map_err(|_| failed("The mapping rules of this job could not be read."))?;
    let file_target = file_target(target, rules).await?;
    if target.tokens.is_some() {
        // Connecting may have renewed the access token, and the provider
        // rotated the refresh token: what is kept must be the live one.
        jobs.seal_calendar(id, target).await;
    }
    let limits = jobs.limits;
    let mut items = Vec::new();
    for (position, file) in files.iter().enumerate() {
        let planned = file_target.plan(&file.name, &file.text, &limits);
        record(jobs, id, position, &planned.progress()).await;
        let inserted = file_target.send(planned).await;
        record(jobs, id, position, &inserted.progress).await;
        items.extend(inserted.items);
        if let Some(reason) = super::calendar::denied_impersonation(target, &items) {
            return Err(Stop::Failed(reason));
        }
        if inserted.stop.is_some() {
            return Err(refused(target));
        }
    }
    Ok(items)
}

async fn record(
    jobs: &Jobs,
    id: &str,
    position: usize,
    progress: &ferry_shared::api::FileProgress,
) {
    if let Err(error) = jobs.store.set_job_file(id, position, progress).await {
        tracing::error!(job = %id, %error, "progress could not be stored");
    }
    jobs.announce(id);
}
