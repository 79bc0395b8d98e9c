//! Calendar jobs: the items of export files the page previewed, inserted
//! into the calendar target the user signed in to (EWS, CalDAV or Graph). The
//! files and the mapping rules are kept in the store with the job, so a
//! re-run reads the same ones; the target's credentials are held in
//! memory ([`super::vault`]) and, when the site names a key, sealed in
//! the store too ([`super::sealed_calendar`]) — on start, re-run and
//! resume after sign-in, again after a token renewal (a provider may
//! rotate the refresh token), and removed when the job ends — so after
//! a restart the job goes on by itself; without a key, or with a blob
//! that no longer opens, it waits for its user. The engines insert each item exactly
//! once (EWS and Graph by the source key in an extended property, CalDAV by
//! resource name), so a re-run finds everything and creates nothing.

use super::{Jobs, new_id};
use crate::error::BackendError;
use crate::server::admin::{impersonation_denied, not_allowed_to_act_for};
use crate::server::auth::calendar_target::SignedInCalendar;
use crate::store::calendar_jobs::NewCalendarJob;
use ferry_shared::api::{Account, ExportFile, JobState};

/// The owner key of the jobs of a session with only a calendar target
/// signed in (with the old mailbox signed in, that one owns them).
pub fn calendar_owner(target: &SignedInCalendar) -> String {
    format!("calendar:{}", target.key())
}

/// The plain reason a run acting for a mailbox stops with when Exchange
/// denied the impersonation for any of `items` (the service account may
/// not act for that user); `None` otherwise.
pub(super) fn denied_impersonation(
    target: &SignedInCalendar,
    items: &[ferry_shared::api::ItemResult],
) -> Option<String> {
    let mailbox = target.acting_for.as_deref()?;
    items
        .iter()
        .filter_map(|item| item.reason.as_deref())
        .any(impersonation_denied)
        .then(|| not_allowed_to_act_for(mailbox))
}

impl Jobs {
    /// Holds calendar job `id`'s target for its runs: in memory, and
    /// sealed in the store when the site keeps credentials.
    async fn keep_calendar(&self, id: &str, target: SignedInCalendar) {
        self.seal_calendar(id, &target).await;
        self.calendar_vault.put(id, target);
    }

    /// Keeps calendar job `id`'s target sealed in the store, when the
    /// site keeps credentials: again after a token renewal.
    pub(super) async fn seal_calendar(&self, id: &str, target: &SignedInCalendar) {
        if let Some(sealing) = &self.sealing {
            let kept = super::sealed_calendar::seal(&sealing.0, id, target).await;
            self.keep_sealed(id, kept).await;
        }
    }

    /// Starts a calendar job for `owner` putting the items of `files`
    /// (mapped by `rules`, JSON) into `target`; its id. `source` names
    /// where the items come from, for the page.
    pub async fn start_calendar(
        &self,
        owner: String,
        source: Account,
        target: SignedInCalendar,
        rules: String,
        files: Vec<ExportFile>,
    ) -> Result<String, BackendError> {
        let id = new_id();
        let job = NewCalendarJob {
            id: id.clone(),
            owner,
            source,
            target: Account {
                server: target.server.clone(),
                user: target.mailbox().to_string(),
            },
            target_key: target.key(),
            rules,
            files,
        };
        self.store.create_calendar_job(&job).await?;
        self.keep_calendar(&id, target).await;
        self.spawn(id.clone());
        Ok(id)
    }

    /// Runs calendar job `id` (`owner`'s) again into `target`, which must
    /// be the account it was started with; `false` when there is no such
    /// job of this target.
    pub async fn rerun_calendar(
        &self,
        id: &str,
        owner: &str,
        target: SignedInCalendar,
    ) -> Result<bool, BackendError> {
        let Some(job) = self.store.job(id, owner).await? else {
            return Ok(false);
        };
        if self.store.job_owner(id).await?.map(|(_, key)| key) != Some(target.key()) {
            return Ok(false);
        }
        if matches!(job.state, JobState::Running | JobState::Queued) {
            return Ok(true);
        }
        self.keep_calendar(id, target).await;
        self.queue(id.to_string()).await?;
        Ok(true)
    }

    /// `owner` signed in to the calendar target `target` again: their
    /// calendar jobs waiting for it go on. How many.
    pub async fn calendar_signed_in(
        &self,
        owner: &str,
        target: &SignedInCalendar,
    ) -> Result<usize, BackendError> {
        let mut resumed = 0;
        for id in self.store.waiting_jobs(owner).await? {
            if self.store.job_owner(&id).await?.map(|(_, key)| key) != Some(target.key()) {
                continue;
            }
            self.keep_calendar(&id, target.clone()).await;
            self.queue(id).await?;
            resumed += 1;
        }
        Ok(resumed)
    }
}
