//! Job and sync state behind one interface.
//!
//! SQLite, embedded and with zero set-up, is the default. Everything above
//! this module talks to [`Store`] only, so that a later PostgreSQL-backed
//! queue for many `ferry` workers can slot in behind the same methods.

pub mod admin_calendars;
pub mod admin_users;
pub mod calendar_jobs;
pub mod job_credentials;
pub mod jobs;
pub mod migrations;
mod sync_state;

use crate::error::BackendError;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Row, SqlitePool};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// File name of the SQLite database inside the data folder.
pub const DATABASE_FILE: &str = "ferry.sqlite3";

/// Handle to the store; cheap to clone (a connection pool).
#[derive(Debug, Clone)]
pub struct Store {
    pub(crate) pool: SqlitePool,
    path: PathBuf,
}

impl Store {
    /// Opens (creating if needed) the store in `data_dir` and brings its
    /// schema up to date.
    pub async fn open(data_dir: &Path) -> Result<Self, BackendError> {
        std::fs::create_dir_all(data_dir).map_err(|source| BackendError::DataDir {
            path: data_dir.to_path_buf(),
            source,
        })?;
        let path = data_dir.join(DATABASE_FILE);
        let options = SqliteConnectOptions::new()
            .filename(&path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(Duration::from_secs(5))
            .foreign_keys(true);
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await?;
        migrations::apply(&pool).await?;
        Ok(Self { pool, path })
    }

    /// Path of the database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Schema version the store is at.
    pub async fn schema_version(&self) -> Result<i64, BackendError> {
        let row = sqlx::query("SELECT COALESCE(MAX(version), 0) AS v FROM schema_migrations")
            .fetch_one(&self.pool)
            .await?;
        Ok(row.try_get("v")?)
    }

    /// Checks the store answers.
    pub async fn health(&self) -> Result<(), BackendError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// Closes every connection; used on shutdown.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn opens_creates_and_migrates_once() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("nested/data");
        let store = Store::open(&data).await.unwrap();
        assert!(data.join(DATABASE_FILE).is_file());
        let version = store.schema_version().await.unwrap();
        assert_eq!(version, migrations::latest());
        store.close().await;
        // Re-opening applies nothing twice.
        let again = Store::open(&data).await.unwrap();
        assert_eq!(again.schema_version().await.unwrap(), version);
        again.health().await.unwrap();
    }
}
