//! Admin mode's calendars in the SQLite store: per admin and listed user,
//! the export files the admin gave for them and the calendar job putting
//! them into the user's new mailbox (see migration 9). The job's state
//! and counts are read from the job in the same query.

use super::Store;
use super::jobs::state_of;
use crate::error::BackendError;
use ferry_shared::admin::api::AdminCalendarView;
use ferry_shared::api::ExportFile;
use sqlx::Row;
use std::collections::HashMap;

/// A listed user's calendar files and the job putting them in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdminCalendar {
    pub source_user: String,
    pub target_user: String,
    pub files: Vec<ExportFile>,
    pub job_id: Option<String>,
}

fn calendar(row: &sqlx::sqlite::SqliteRow) -> Result<AdminCalendar, BackendError> {
    let files: String = row.try_get("files")?;
    Ok(AdminCalendar {
        source_user: row.try_get("source_user")?,
        target_user: row.try_get("target_user")?,
        files: serde_json::from_str(&files)
            .map_err(|_| BackendError::Corrupt("an admin's calendar files".into()))?,
        job_id: row.try_get("job_id")?,
    })
}

impl Store {
    /// Keeps `files` as the calendar files of `owner`'s listed user
    /// `source_user` → `target_user`, replacing the ones before; the next
    /// start of their group runs a new job with them.
    pub async fn set_admin_calendar_files(
        &self,
        owner: &str,
        source_user: &str,
        target_user: &str,
        files: &[ExportFile],
    ) -> Result<(), BackendError> {
        let names: Vec<&str> = files.iter().map(|file| file.name.as_str()).collect();
        sqlx::query(
            "INSERT INTO admin_calendars (owner, source_user, target_user, files, names, job_id)
             VALUES (?, ?, ?, ?, ?, NULL)
             ON CONFLICT (owner, source_user) DO UPDATE SET
               target_user = excluded.target_user, files = excluded.files,
               names = excluded.names, job_id = NULL",
        )
        .bind(owner)
        .bind(source_user)
        .bind(target_user)
        .bind(serde_json::to_string(files).unwrap_or_default())
        .bind(serde_json::to_string(&names).unwrap_or_default())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Forgets the calendar files of users no longer on `owner`'s list
    /// (or listed with another target).
    pub async fn forget_unlisted_admin_calendars(&self, owner: &str) -> Result<(), BackendError> {
        sqlx::query(
            "DELETE FROM admin_calendars WHERE owner = ? AND NOT EXISTS (
               SELECT 1 FROM admin_users u WHERE u.owner = admin_calendars.owner
               AND u.source_user = admin_calendars.source_user
               AND u.target_user = admin_calendars.target_user)",
        )
        .bind(owner)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// `owner`'s listed user `source_user`'s calendar, if files were given.
    pub async fn admin_calendar(
        &self,
        owner: &str,
        source_user: &str,
    ) -> Result<Option<AdminCalendar>, BackendError> {
        let row = sqlx::query(
            "SELECT source_user, target_user, files, job_id FROM admin_calendars
             WHERE owner = ? AND source_user = ?",
        )
        .bind(owner)
        .bind(source_user)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(calendar).transpose()
    }

    /// `owner`'s calendars whose job waits for the admin to sign in.
    pub async fn admin_calendars_waiting(
        &self,
        owner: &str,
    ) -> Result<Vec<AdminCalendar>, BackendError> {
        let rows = sqlx::query(
            "SELECT c.source_user, c.target_user, '[]' AS files, c.job_id
             FROM admin_calendars c JOIN jobs j ON j.id = c.job_id
             WHERE c.owner = ? AND j.state = 'waiting_for_sign_in'",
        )
        .bind(owner)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(calendar).collect()
    }

    /// Each of `owner`'s listed users with calendar files (by source
    /// user): the files' names and the state and counts of the job's
    /// last run.
    pub async fn admin_calendar_views(
        &self,
        owner: &str,
    ) -> Result<HashMap<String, AdminCalendarView>, BackendError> {
        let rows = sqlx::query(
            "SELECT c.source_user, c.names, j.state, j.error,
                    COALESCE(SUM(f.to_insert), 0) AS to_insert,
                    COALESCE(SUM(f.inserted), 0) AS inserted,
                    COALESCE(SUM(f.already_there), 0) AS already_there,
                    COALESCE(SUM(f.failed), 0) AS failed
             FROM admin_calendars c
             LEFT JOIN jobs j ON j.id = c.job_id
             LEFT JOIN job_files f ON f.job_id = j.id
             WHERE c.owner = ?
             GROUP BY c.source_user",
        )
        .bind(owner)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|row| {
                let count = |name: &str| row.try_get::<i64, _>(name).map(|n| n.max(0) as u64);
                let names: String = row.try_get("names")?;
                let view = AdminCalendarView {
                    files: serde_json::from_str(&names).unwrap_or_default(),
                    state: row
                        .try_get::<Option<String>, _>("state")?
                        .map(|name| state_of(&name)),
                    reason: row.try_get("error")?,
                    to_insert: count("to_insert")?,
                    inserted: count("inserted")?,
                    already_there: count("already_there")?,
                    failed: count("failed")?,
                };
                Ok((row.try_get("source_user")?, view))
            })
            .collect()
    }
}
