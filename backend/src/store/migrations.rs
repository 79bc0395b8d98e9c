//! Schema migrations, embedded in the binary and applied in order, each in
//! its own transaction, on every start. Append new ones; never edit old ones.

use sqlx::SqlitePool;

/// `(version, SQL)`, ascending.
const MIGRATIONS: &[(i64, &str)] = &[
    (1, include_str!("sql/0001_init.sql")),
    (2, include_str!("sql/0002_sync_state.sql")),
    (3, include_str!("sql/0003_jobs.sql")),
    (4, include_str!("sql/0004_job_folders_chosen.sql")),
    (5, include_str!("sql/0005_calendar_jobs.sql")),
    (6, include_str!("sql/0006_admin_users.sql")),
    (7, include_str!("sql/0007_job_credentials.sql")),
    (8, include_str!("sql/0008_job_throughput.sql")),
    (9, include_str!("sql/0009_admin_calendars.sql")),
];

/// Latest schema version this binary knows.
pub fn latest() -> i64 {
    MIGRATIONS.last().map_or(0, |(version, _)| *version)
}

/// Applies every migration newer than the database's version.
pub async fn apply(pool: &SqlitePool) -> Result<(), sqlx::Error> {
    sqlx::query(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
            version INTEGER PRIMARY KEY,
            applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
        )",
    )
    .execute(pool)
    .await?;
    for (version, sql) in MIGRATIONS {
        let mut tx = pool.begin().await?;
        let done: Option<i64> =
            sqlx::query_scalar("SELECT version FROM schema_migrations WHERE version = ?")
                .bind(version)
                .fetch_optional(&mut *tx)
                .await?;
        if done.is_none() {
            sqlx::raw_sql(sql).execute(&mut *tx).await?;
            sqlx::query("INSERT INTO schema_migrations (version) VALUES (?)")
                .bind(version)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
    }
    Ok(())
}
