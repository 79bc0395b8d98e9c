//! Sealed job credentials in the store (see [`crate::jobs::sealed`]):
//! only ever encrypted blobs, kept while their job may still run.

use super::Store;
use crate::error::BackendError;
use crate::jobs::sealed::Sealed;
use sqlx::Row;

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
    pub async fn jobs_with_sealed_credentials(
        &self,
    ) -> Result<Vec<(String, Sealed)>, BackendError> {
        let rows = sqlx::query(
            "SELECT jobs.id, job_credentials.nonce, job_credentials.ciphertext
             FROM jobs JOIN job_credentials ON job_credentials.job_id = jobs.id
             WHERE jobs.state IN ('queued', 'running', 'waiting_for_sign_in')
             ORDER BY jobs.created_at",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok((
                    row.try_get("id")?,
                    Sealed {
                        nonce: row.try_get("nonce")?,
                        ciphertext: row.try_get("ciphertext")?,
                    },
                ))
            })
            .collect()
    }
}
