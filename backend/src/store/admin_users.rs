//! Admin mode's user list in the SQLite store: per admin, each listed
//! user with their group and the job moving them. A user's status is
//! read from that job in the same query.

use super::Store;
use super::jobs::state_of;
use crate::error::BackendError;
use ferry_shared::admin::api::AdminUserView;
use ferry_shared::admin::user_list::ListedUser;
use sqlx::Row;
use std::collections::HashMap;

/// Which job of a listed user is recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AdminJobOf<'a> {
    /// The mail job of the user at this list position.
    Mail { position: i64 },
    /// The calendar job of this source user.
    Calendar { source_user: &'a str },
}

/// A listed user of one group, with the job moving them (if started).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupMember {
    pub position: i64,
    pub source_user: String,
    pub target_user: String,
    pub job_id: Option<String>,
}

fn member(row: &sqlx::sqlite::SqliteRow) -> Result<GroupMember, sqlx::Error> {
    Ok(GroupMember {
        position: row.try_get("position")?,
        source_user: row.try_get("source_user")?,
        target_user: row.try_get("target_user")?,
        job_id: row.try_get("job_id")?,
    })
}

impl Store {
    /// Replaces `owner`'s list with `users`, in one transaction. A user
    /// listed before with the same source and target keeps their job, so
    /// their status and the next run of their group go on from it.
    pub async fn replace_admin_users(
        &self,
        owner: &str,
        users: &[ListedUser],
    ) -> Result<(), BackendError> {
        let mut tx = self.pool.begin().await?;
        let kept: HashMap<(String, String), String> = sqlx::query(
            "SELECT source_user, target_user, job_id FROM admin_users
             WHERE owner = ? AND job_id IS NOT NULL",
        )
        .bind(owner)
        .fetch_all(&mut *tx)
        .await?
        .into_iter()
        .map(|row| {
            Ok::<_, sqlx::Error>((
                (row.try_get("source_user")?, row.try_get("target_user")?),
                row.try_get("job_id")?,
            ))
        })
        .collect::<Result<_, _>>()?;
        sqlx::query("DELETE FROM admin_users WHERE owner = ?")
            .bind(owner)
            .execute(&mut *tx)
            .await?;
        for (position, user) in users.iter().enumerate() {
            let job = kept.get(&(user.source_user.clone(), user.target_user.clone()));
            sqlx::query(
                "INSERT INTO admin_users
                 (owner, position, source_user, target_user, group_name, job_id)
                 VALUES (?, ?, ?, ?, ?, ?)",
            )
            .bind(owner)
            .bind(position as i64)
            .bind(&user.source_user)
            .bind(&user.target_user)
            .bind(&user.group)
            .bind(job)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// `owner`'s listed users in list order, each with the state and
    /// progress of their job's last run.
    pub async fn admin_users(&self, owner: &str) -> Result<Vec<AdminUserView>, BackendError> {
        let rows = sqlx::query(
            "SELECT u.source_user, u.target_user, u.group_name, j.state, j.error,
                    COALESCE(SUM(f.copied), 0) AS copied, COALESCE(SUM(f.to_copy), 0) AS total
             FROM admin_users u
             LEFT JOIN jobs j ON j.id = u.job_id
             LEFT JOIN job_folders f ON f.job_id = j.id
             WHERE u.owner = ?
             GROUP BY u.position ORDER BY u.position",
        )
        .bind(owner)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|row| {
                let count = |name: &str| row.try_get::<i64, _>(name).map(|n| n.max(0) as u64);
                Ok(AdminUserView {
                    source_user: row.try_get("source_user")?,
                    target_user: row.try_get("target_user")?,
                    group: row.try_get("group_name")?,
                    state: row
                        .try_get::<Option<String>, _>("state")?
                        .map(|name| state_of(&name)),
                    reason: row.try_get("error")?,
                    copied: count("copied")?,
                    total: count("total")?,
                    calendar: None,
                })
            })
            .collect()
    }

    /// The members of `owner`'s group `group`, in list order.
    pub async fn admin_group(
        &self,
        owner: &str,
        group: &str,
    ) -> Result<Vec<GroupMember>, BackendError> {
        let rows = sqlx::query(
            "SELECT position, source_user, target_user, job_id FROM admin_users
             WHERE owner = ? AND group_name = ? ORDER BY position",
        )
        .bind(owner)
        .bind(group)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(member).collect::<Result<_, _>>()?)
    }

    /// `owner`'s listed users whose job waits for the admin to sign in.
    pub async fn admin_waiting(&self, owner: &str) -> Result<Vec<GroupMember>, BackendError> {
        let rows = sqlx::query(
            "SELECT u.position, u.source_user, u.target_user, u.job_id FROM admin_users u
             JOIN jobs j ON j.id = u.job_id
             WHERE u.owner = ? AND j.state = 'waiting_for_sign_in' ORDER BY u.position",
        )
        .bind(owner)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(member).collect::<Result<_, _>>()?)
    }

    /// Whether any of `owner`'s listed users is being moved (queued or
    /// running), mail or calendar.
    pub async fn admin_busy(&self, owner: &str) -> Result<bool, BackendError> {
        let busy: Option<i64> = sqlx::query_scalar(
            "SELECT 1 FROM jobs j WHERE j.state IN ('queued', 'running') AND j.id IN (
               SELECT job_id FROM admin_users WHERE owner = ?
               UNION SELECT job_id FROM admin_calendars WHERE owner = ?) LIMIT 1",
        )
        .bind(owner)
        .bind(owner)
        .fetch_optional(&self.pool)
        .await?;
        Ok(busy.is_some())
    }

    /// Records `job_id` as the job moving `owner`'s listed user: their
    /// mail (by list position) or their calendar (by source user).
    pub async fn set_admin_job(
        &self,
        owner: &str,
        of: AdminJobOf<'_>,
        job_id: &str,
    ) -> Result<(), BackendError> {
        let query = match of {
            AdminJobOf::Mail { position } => {
                sqlx::query("UPDATE admin_users SET job_id = ? WHERE owner = ? AND position = ?")
                    .bind(job_id)
                    .bind(owner)
                    .bind(position)
            }
            AdminJobOf::Calendar { source_user } => sqlx::query(
                "UPDATE admin_calendars SET job_id = ? WHERE owner = ? AND source_user = ?",
            )
            .bind(job_id)
            .bind(owner)
            .bind(source_user),
        };
        query.execute(&self.pool).await?;
        Ok(())
    }
}
