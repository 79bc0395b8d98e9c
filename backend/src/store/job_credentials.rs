//! Sealed job credentials in the store (see [`crate::jobs::sealed`]):
//! only ever encrypted blobs, kept while their job may still run.
//!
//! Mail and calendar jobs share the table (`job_credentials`, migration
//! 7): a row is one job's blob, whichever its kind; the job's `kind` in
//! `jobs` says how to open it, and the plain text's format number
//! guards the same (a calendar blob is format 3, which a mail job's
//! opening refuses, and a build from before it opens nothing).

use super::Store;
use crate::error::BackendError;
use crate::jobs::sealed::Sealed;
use sqlx::Row;

/// A job not ended with its sealed credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealedJob {
    pub id: String,
    /// A calendar job (its blob is a calendar target), else a mail job.
    pub calendar: bool,
    pub sealed: Sealed,
}

impl Store {
    /// Keeps job `id`'s sealed credentials, replacing earlier ones.
    pub async fn keep_sealed_credentials(
        &self,
        id: &str,
        sealed: &Sealed,
    ) -> Result<(), BackendError> {
        sqlx::query(
            "INSERT INTO job_credentials (job_id, nonce, ciphertext) VALUES (?, ?, ?)
             ON CONFLICT (job_id) DO UPDATE SET nonce = excluded.nonce, ciphertext = excluded.ciphertext",
        )
        .bind(id)
        .bind(&sealed.nonce)
        .bind(&sealed.ciphertext)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Job `id`'s sealed credentials, if kept.
    pub async fn sealed_credentials(&self, id: &str) -> Result<Option<Sealed>, BackendError> {
        let row = sqlx::query("SELECT nonce, ciphertext FROM job_credentials WHERE job_id = ?")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|row| {
            Ok(Sealed {
                nonce: row.try_get("nonce")?,
                ciphertext: row.try_get("ciphertext")?,
            })
        })
        .transpose()
    }

    /// Job `id`'s credentials are no longer needed.
    pub async fn forget_sealed_credentials(&self, id: &str) -> Result<(), BackendError> {
        sqlx::query("DELETE FROM job_credentials WHERE job_id = ?")
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Jobs not ended whose sealed credentials are kept, with them.
    pub async fn jobs_with_sealed_credentials(&self) -> Result<Vec<SealedJob>, BackendError> {
        let rows = sqlx::query(
            "SELECT jobs.id, jobs.kind, job_credentials.nonce, job_credentials.ciphertext
             FROM jobs JOIN job_credentials ON job_credentials.job_id = jobs.id
             WHERE jobs.state IN ('queued', 'running', 'waiting_for_sign_in')
             ORDER BY jobs.created_at",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(SealedJob {
                    id: row.try_get("id")?,
                    calendar: row.try_get::<String, _>("kind")? == "calendar",
                    sealed: Sealed {
                        nonce: row.try_get("nonce")?,
                        ciphertext: row.try_get("ciphertext")?,
                    },
                })
            })
            .collect()
    }
}
