//! Calendar jobs in the SQLite store: the export files and mapping rules
//! a job was started with, each file's progress, and the per-item report.
//! A calendar job is a `jobs` row of kind `calendar` (its state, owner and
//! accounts as for mail jobs; no secret). Every method is one statement
//! or one transaction.

use super::Store;
use crate::error::BackendError;
use ferry_shared::api::{Account, ExportFile, FileProgress};
use sqlx::Row;

/// A calendar job to record.
#[derive(Debug, Clone)]
pub struct NewCalendarJob {
    pub id: String,
    pub owner: String,
    pub source: Account,
    pub target: Account,
    /// The target account's key (host, port, user).
    pub target_key: String,
    /// The mapping rules, JSON.
    pub rules: String,
    pub files: Vec<ExportFile>,
}

fn json(account: &Account) -> String {
    serde_json::to_string(account).unwrap_or_default()
}

impl Store {
    pub async fn create_calendar_job(&self, job: &NewCalendarJob) -> Result<(), BackendError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO jobs (id, kind, state, owner, source, target, pair, rules)
             VALUES (?, 'calendar', 'queued', ?, ?, ?, ?, ?)",
        )
        .bind(&job.id)
        .bind(&job.owner)
        .bind(json(&job.source))
        .bind(json(&job.target))
        .bind(&job.target_key)
        .bind(&job.rules)
        .execute(&mut *tx)
        .await?;
        for (position, file) in job.files.iter().enumerate() {
            sqlx::query("INSERT INTO job_files (job_id, position, name, text) VALUES (?, ?, ?, ?)")
                .bind(&job.id)
                .bind(position as i64)
                .bind(&file.name)
                .bind(&file.text)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// What job `id` was started with: its rules (JSON) and files.
    pub async fn calendar_job_input(
        &self,
        id: &str,
    ) -> Result<(String, Vec<ExportFile>), BackendError> {
        let rules: Option<String> = sqlx::query_scalar("SELECT rules FROM jobs WHERE id = ?")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .flatten();
        let files =
            sqlx::query("SELECT name, text FROM job_files WHERE job_id = ? ORDER BY position")
                .bind(id)
                .fetch_all(&self.pool)
                .await?
                .into_iter()
                .map(|row| {
                    Ok::<_, sqlx::Error>(ExportFile {
                        name: row.try_get("name")?,
                        text: row.try_get("text")?,
                    })
                })
                .collect::<Result<Vec<_>, _>>()?;
        Ok((rules.unwrap_or_else(|| "{}".to_string()), files))
    }

    /// Each file's progress of job `id`, in the order given.
    pub async fn job_files(&self, id: &str) -> Result<Vec<FileProgress>, BackendError> {
        let rows = sqlx::query(
            "SELECT name, to_insert, inserted, already_there, failed, done, error
             FROM job_files WHERE job_id = ? ORDER BY position",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        let files = rows
            .into_iter()
            .map(|row| {
                let count = |name: &str| row.try_get::<i64, _>(name).map(|n| n.max(0) as u64);
                Ok::<_, sqlx::Error>(FileProgress {
                    file: row.try_get("name")?,
                    to_insert: count("to_insert")?,
                    inserted: count("inserted")?,
                    already_there: count("already_there")?,
                    failed: count("failed")?,
                    done: count("done")? != 0,
                    error: row.try_get("error")?,
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(files)
    }

    /// A run starts: every file's counts go back to nothing.
    pub async fn reset_job_files(&self, id: &str) -> Result<(), BackendError> {
        sqlx::query(
            "UPDATE job_files SET to_insert = 0, inserted = 0, already_there = 0, failed = 0,
             done = 0, error = NULL WHERE job_id = ?",
        )
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// File `position` of job `id` now stands at `progress`.
    pub async fn set_job_file(
        &self,
        id: &str,
        position: usize,
        progress: &FileProgress,
    ) -> Result<(), BackendError> {
        sqlx::query(
            "UPDATE job_files SET to_insert = ?, inserted = ?, already_there = ?, failed = ?,
             done = ?, error = ? WHERE job_id = ? AND position = ?",
        )
        .bind(progress.to_insert as i64)
        .bind(progress.inserted as i64)
        .bind(progress.already_there as i64)
        .bind(progress.failed as i64)
        .bind(i64::from(progress.done))
        .bind(&progress.error)
        .bind(id)
        .bind(position as i64)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The final report (JSON) of job `id` if `owner`'s.
    pub async fn job_report(&self, id: &str, owner: &str) -> Result<Option<String>, BackendError> {
        let report: Option<String> =
            sqlx::query_scalar("SELECT report FROM jobs WHERE id = ? AND owner = ?")
                .bind(id)
                .bind(owner)
                .fetch_optional(&self.pool)
                .await?
                .flatten();
        Ok(report)
    }
}
