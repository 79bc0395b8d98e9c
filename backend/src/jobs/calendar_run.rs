//! One calendar job's run: wait for a slot, check the target's address
//! under the site's policy, then file by file plan (read and map, the
//! count of items to insert stored and announced) and send through the
//! import engines ([`crate::import::files`]), each file's counts stored
//! as it ends; at the end the per-item report is kept and the job is
//! done, or failed with a plain reason.

use super::Jobs;
use crate::import::files::FileTarget;
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
        Err(reason) => (JobState::Failed, Some(reason)),
    };
    jobs.settle(id, state, error.as_deref()).await;
}

/// Inserts every file of the job; every item's result, or a plain reason
/// when the run could not go on.
async fn insert(
    jobs: &Jobs,
    id: &str,
    target: &SignedInCalendar,
) -> Result<Vec<ItemResult>, String> {
    target
        .check_address()
        .await
        .map_err(|error| format!("The new server cannot be reached: {error}."))?;
    let (rules, files) = jobs
        .store
        .calendar_job_input(id)
        .await
        .map_err(|_| "The files of this job could not be read.".to_string())?;
    let rules: MappingRules = serde_json::from_str(&rules)
        .map_err(|_| "The mapping rules of this job could not be read.".to_string())?;
    let file_target = match target.kind {
        CalendarKind::Ews => {
            let client = target
                .ews()
                .map_err(|error| format!("The new server cannot be used: {error}."))?;
            FileTarget::ews(target.url.clone(), client, rules, target.http.clone())
        }
        CalendarKind::Caldav => FileTarget::caldav(
            target.url.clone(),
            target.credentials.clone(),
            rules,
            target.http.clone(),
        ),
    };
    let limits = jobs.limits;
    let mut items = Vec::new();
    for (position, file) in files.iter().enumerate() {
        let planned = file_target.plan(&file.name, &file.text, &limits);
        record(jobs, id, position, &planned.progress()).await;
        let inserted = file_target.send(planned).await;
        record(jobs, id, position, &inserted.progress).await;
        items.extend(inserted.items);
        if let Some(reason) = super::calendar::denied_impersonation(target, &items) {
            return Err(reason);
        }
        if inserted.stop.is_some() {
            return Err(
                "The new server refused the user name or password. Please sign in again and run it again."
                    .to_string(),
            );
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
