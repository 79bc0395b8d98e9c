//! Jobs and their per-folder progress in the SQLite store. Secrets are
//! never stored: a job row names its accounts (server and user) only.
//! Every method is one statement, so a process killed at any moment
//! leaves a readable state.

use super::Store;
use crate::error::BackendError;
use ferry_shared::api::{Account, FolderProgress, JobState, JobView, ThroughputPoint};
use sqlx::Row;

/// A job to record.
#[derive(Debug, Clone)]
pub struct NewJob {
    pub id: String,
    /// Whose it is: the source account's key.
    pub owner: String,
    pub source: Account,
    pub target: Account,
    /// The account pair's name in the mail engine's sync state.
    pub pair: String,
    /// The folders chosen; none: every folder.
    pub folders: Option<Vec<String>>,
}

fn state_name(state: JobState) -> &'static str {
    match state {
        JobState::Queued => "queued",
        JobState::Running => "running",
        JobState::WaitingForSignIn => "waiting_for_sign_in",
        JobState::Done => "done",
        JobState::Failed => "failed",
        JobState::Cancelled => "cancelled",
    }
}

pub(super) fn state_of(name: &str) -> JobState {
    match name {
        "queued" => JobState::Queued,
        "running" => JobState::Running,
        "done" => JobState::Done,
        "failed" => JobState::Failed,
        "cancelled" => JobState::Cancelled,
        _ => JobState::WaitingForSignIn,
    }
}

fn account(text: &str) -> Result<Account, BackendError> {
    serde_json::from_str(text).map_err(|e| BackendError::Corrupt(e.to_string()))
}

fn json(account: &Account) -> String {
    serde_json::to_string(account).unwrap_or_default()
}

/// Throughput samples a job's view carries at most (see
/// [`ferry_shared::throughput::thin`]).
const THROUGHPUT_POINTS: usize = 60;

const NOW: &str = "strftime('%Y-%m-%dT%H:%M:%SZ', 'now')";

impl Store {
    pub async fn create_job(&self, job: &NewJob) -> Result<(), BackendError> {
        sqlx::query(
            "INSERT INTO jobs (id, kind, state, owner, source, target, pair, chosen_folders)
             VALUES (?, 'mail', 'queued', ?, ?, ?, ?, ?)",
        )
        .bind(&job.id)
        .bind(&job.owner)
        .bind(json(&job.source))
        .bind(json(&job.target))
        .bind(&job.pair)
        .bind(
            job.folders
                .as_ref()
                .map(|folders| serde_json::to_string(folders).unwrap_or_default()),
        )
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The job `id` if `owner`'s (anyone else gets nothing, as if it did
    /// not exist).
    pub async fn job(&self, id: &str, owner: &str) -> Result<Option<JobView>, BackendError> {
        let row = sqlx::query(
            "SELECT id, kind, state, created_at, updated_at, source, target, error
             FROM jobs WHERE id = ? AND owner = ?",
        )
        .bind(id)
        .bind(owner)
        .fetch_optional(&self.pool)
        .await?;
        match row {
            Some(row) => Ok(Some(self.view(row).await?)),
            None => Ok(None),
        }
    }

    /// `owner`'s jobs, newest first.
    pub async fn jobs_of(&self, owner: &str) -> Result<Vec<JobView>, BackendError> {
        let rows = sqlx::query(
            "SELECT id, kind, state, created_at, updated_at, source, target, error
             FROM jobs WHERE owner = ? ORDER BY created_at DESC, rowid DESC",
        )
        .bind(owner)
        .fetch_all(&self.pool)
        .await?;
        let mut jobs = Vec::with_capacity(rows.len());
        for row in rows {
            jobs.push(self.view(row).await?);
        }
        Ok(jobs)
    }

    async fn view(&self, row: sqlx::sqlite::SqliteRow) -> Result<JobView, BackendError> {
        let id: String = row.try_get("id")?;
        let folders = sqlx::query(
            "SELECT source, target, to_copy, copied, bytes, bytes_done, failed, done
             FROM job_folders WHERE job_id = ? ORDER BY position",
        )
        .bind(&id)
        .fetch_all(&self.pool)
        .await?
        .into_iter()
        .map(|f| {
            let count = |name: &str| f.try_get::<i64, _>(name).map(|n| n.max(0) as u64);
            Ok::<_, sqlx::Error>(FolderProgress {
                source: f.try_get("source")?,
                target: f.try_get("target")?,
                to_copy: count("to_copy")?,
                copied: count("copied")?,
                bytes: count("bytes")?,
                bytes_done: count("bytes_done")?,
                failed: count("failed")?,
                done: count("done")? != 0,
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
        let throughput = self.job_throughput(&id).await?;
        let kind: String = row.try_get("kind")?;
        let files = if kind == "calendar" {
            self.job_files(&id).await?
        } else {
            Vec::new()
        };
        Ok(JobView {
            kind,
            files,
            state: state_of(&row.try_get::<String, _>("state")?),
            created_at: row.try_get("created_at")?,
            updated_at: row.try_get("updated_at")?,
            source: account(&row.try_get::<String, _>("source")?)?,
            target: account(&row.try_get::<String, _>("target")?)?,
            error: row.try_get("error")?,
            folders,
            throughput: ferry_shared::throughput::thin(&throughput, THROUGHPUT_POINTS),
            id,
        })
    }

    /// The current run's throughput samples, in time order.
    async fn job_throughput(&self, id: &str) -> Result<Vec<ThroughputPoint>, BackendError> {
        let rows = sqlx::query(
            "SELECT millis, bytes, messages FROM job_throughput
             WHERE job_id = ? ORDER BY millis, rowid",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                let count = |name: &str| row.try_get::<i64, _>(name).map(|n| n.max(0) as u64);
                Ok(ThroughputPoint {
                    millis: count("millis")?,
                    bytes: count("bytes")?,
                    messages: count("messages")?,
                })
            })
            .collect()
    }

    /// Notes how much the current run of job `id` has copied.
    pub async fn add_job_throughput(
        &self,
        id: &str,
        point: &ThroughputPoint,
    ) -> Result<(), BackendError> {
        sqlx::query(
            "INSERT INTO job_throughput (job_id, millis, bytes, messages) VALUES (?, ?, ?, ?)",
        )
        .bind(id)
        .bind(point.millis as i64)
        .bind(point.bytes as i64)
        .bind(point.messages as i64)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The owner and account pair of job `id`.
    pub async fn job_owner(&self, id: &str) -> Result<Option<(String, String)>, BackendError> {
        let row = sqlx::query("SELECT owner, pair FROM jobs WHERE id = ?")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(match row {
            Some(row) => Some((row.try_get("owner")?, row.try_get("pair")?)),
            None => None,
        })
    }

    /// The folders chosen for job `id`; none: every folder.
    pub async fn job_folders_chosen(&self, id: &str) -> Result<Option<Vec<String>>, BackendError> {
        let chosen: Option<String> =
            sqlx::query_scalar("SELECT chosen_folders FROM jobs WHERE id = ?")
                .bind(id)
                .fetch_optional(&self.pool)
                .await?
                .flatten();
        chosen
            .map(|text| {
                serde_json::from_str(&text).map_err(|e| BackendError::Corrupt(e.to_string()))
            })
            .transpose()
    }

    pub async fn set_job_state(
        &self,
        id: &str,
        state: JobState,
        error: Option<&str>,
    ) -> Result<(), BackendError> {
        sqlx::query(&format!(
            "UPDATE jobs SET state = ?, error = ?, updated_at = {NOW} WHERE id = ?"
        ))
        .bind(state_name(state))
        .bind(error)
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Jobs that were queued or running: after a restart, their
    /// credentials are gone.
    pub async fn unfinished_jobs(&self) -> Result<Vec<String>, BackendError> {
        let rows = sqlx::query("SELECT id FROM jobs WHERE state IN ('queued', 'running')")
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|row| row.try_get("id").map_err(BackendError::from))
            .collect()
    }

    /// `owner`'s jobs waiting for them to sign in.
    pub async fn waiting_jobs(&self, owner: &str) -> Result<Vec<String>, BackendError> {
        let rows =
            sqlx::query("SELECT id FROM jobs WHERE owner = ? AND state = 'waiting_for_sign_in'")
                .bind(owner)
                .fetch_all(&self.pool)
                .await?;
        rows.iter()
            .map(|row| row.try_get("id").map_err(BackendError::from))
            .collect()
    }

    /// A run starts: the last run's progress goes (the report of a
    /// re-run shows what that run did).
    pub async fn reset_job_progress(&self, id: &str) -> Result<(), BackendError> {
        for statement in [
            "DELETE FROM job_folders WHERE job_id = ?",
            "DELETE FROM job_throughput WHERE job_id = ?",
        ] {
            sqlx::query(statement).bind(id).execute(&self.pool).await?;
        }
        Ok(())
    }

    /// A folder of this run starts: its row is (re)set.
    pub async fn job_folder_started(
        &self,
        id: &str,
        position: usize,
        source: &str,
        target: &str,
        to_copy: usize,
        bytes: u64,
    ) -> Result<(), BackendError> {
        sqlx::query(
            "INSERT OR REPLACE INTO job_folders
             (job_id, position, source, target, to_copy, copied, bytes, bytes_done, failed, done)
             VALUES (?, ?, ?, ?, ?, 0, ?, 0, 0, 0)",
        )
        .bind(id)
        .bind(position as i64)
        .bind(source)
        .bind(target)
        .bind(to_copy as i64)
        .bind(bytes as i64)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// A folder started earlier in this run starts again after a
    /// reconnect with `to_copy` messages (`bytes`) left: what it copied
    /// stays counted, the rest is added to it, its failures start over
    /// (they are tried again).
    pub async fn job_folder_resumed(
        &self,
        id: &str,
        source: &str,
        to_copy: usize,
        bytes: u64,
    ) -> Result<(), BackendError> {
        self.update_folder(
            "UPDATE job_folders SET to_copy = copied + ?, bytes = bytes_done + ?, failed = 0, done = 0
             WHERE job_id = ? AND source = ?",
            id,
            source,
            to_copy,
            bytes,
        )
        .await
    }

    /// Messages copied into a folder.
    pub async fn job_copied(
        &self,
        id: &str,
        source: &str,
        messages: usize,
        bytes: u64,
    ) -> Result<(), BackendError> {
        self.update_folder(
            "UPDATE job_folders SET copied = copied + ?, bytes_done = bytes_done + ?
             WHERE job_id = ? AND source = ?",
            id,
            source,
            messages,
            bytes,
        )
        .await
    }

    /// Runs `sql`: an update of job `id`'s folder `source` taking a
    /// message count and bytes, then the job and the folder.
    async fn update_folder(
        &self,
        sql: &str,
        id: &str,
        source: &str,
        messages: usize,
        bytes: u64,
    ) -> Result<(), BackendError> {
        sqlx::query(sql)
            .bind(messages as i64)
            .bind(bytes as i64)
            .bind(id)
            .bind(source)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn job_message_failed(&self, id: &str, source: &str) -> Result<(), BackendError> {
        sqlx::query("UPDATE job_folders SET failed = failed + 1 WHERE job_id = ? AND source = ?")
            .bind(id)
            .bind(source)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn job_folder_done(&self, id: &str, source: &str) -> Result<(), BackendError> {
        sqlx::query("UPDATE job_folders SET done = 1 WHERE job_id = ? AND source = ?")
            .bind(id)
            .bind(source)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The final report (JSON), kept for the download.
    pub async fn set_job_report(&self, id: &str, report: &str) -> Result<(), BackendError> {
        sqlx::query("UPDATE jobs SET report = ? WHERE id = ?")
            .bind(report)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
