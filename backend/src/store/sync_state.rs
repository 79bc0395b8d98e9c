//! The mail engine's sync state in the SQLite store.
//!
//! Every method is one statement or one transaction, so a process killed at
//! any moment leaves the state as of the last completed call — which is
//! what makes a killed sync resume without duplicates.

use super::Store;
use ferry_mail::sync::plan::CopiedMessage;
use ferry_mail::sync::{FolderKey, FolderState, StateStore, StoreError};
use sqlx::Row;
use std::collections::{BTreeSet, HashMap};

fn failed(err: sqlx::Error) -> StoreError {
    StoreError(err.to_string())
}

/// Flags are IMAP atoms (no spaces): stored space-separated.
fn join_flags(flags: &BTreeSet<String>) -> String {
    flags.iter().cloned().collect::<Vec<_>>().join(" ")
}

fn split_flags(text: &str) -> BTreeSet<String> {
    text.split_whitespace().map(str::to_string).collect()
}

impl StateStore for Store {
    async fn folder(&self, key: &FolderKey) -> Result<Option<FolderState>, StoreError> {
        let row = sqlx::query(
            "SELECT target_folder, source_uidvalidity, target_uidvalidity, source_uidnext,
                    source_highestmodseq, target_uidnext, complete
             FROM sync_folders WHERE pair = ? AND source_folder = ?",
        )
        .bind(&key.pair)
        .bind(&key.source_folder)
        .fetch_optional(&self.pool)
        .await
        .map_err(failed)?;
        row.map(|row| {
            Ok(FolderState {
                target_folder: row.try_get("target_folder")?,
                source_uidvalidity: row.try_get::<i64, _>("source_uidvalidity")? as u32,
                target_uidvalidity: row.try_get::<i64, _>("target_uidvalidity")? as u32,
                source_uidnext: row.try_get::<i64, _>("source_uidnext")? as u32,
                source_highestmodseq: row
                    .try_get::<Option<i64>, _>("source_highestmodseq")?
                    .map(|v| v as u64),
                target_uidnext: row.try_get::<i64, _>("target_uidnext")? as u32,
                complete: row.try_get::<i64, _>("complete")? != 0,
            })
        })
        .transpose()
        .map_err(failed)
    }

    async fn save_folder(&self, key: &FolderKey, state: &FolderState) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT OR REPLACE INTO sync_folders
             (pair, source_folder, target_folder, source_uidvalidity, target_uidvalidity,
              source_uidnext, source_highestmodseq, target_uidnext, complete)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&key.pair)
        .bind(&key.source_folder)
        .bind(&state.target_folder)
        .bind(i64::from(state.source_uidvalidity))
        .bind(i64::from(state.target_uidvalidity))
        .bind(i64::from(state.source_uidnext))
        .bind(state.source_highestmodseq.map(|v| v as i64))
        .bind(i64::from(state.target_uidnext))
        .bind(i64::from(state.complete))
        .execute(&self.pool)
        .await
        .map_err(failed)?;
        Ok(())
    }

    async fn copied(&self, key: &FolderKey) -> Result<HashMap<u32, CopiedMessage>, StoreError> {
        let rows = sqlx::query(
            "SELECT source_uid, target_uid, flags FROM sync_messages WHERE pair = ? AND source_folder = ?",
        )
        .bind(&key.pair)
        .bind(&key.source_folder)
        .fetch_all(&self.pool)
        .await
        .map_err(failed)?;
        rows.into_iter()
            .map(|row| {
                let source_uid = row.try_get::<i64, _>("source_uid")? as u32;
                let copied = CopiedMessage {
                    target_uid: row.try_get::<i64, _>("target_uid")? as u32,
                    flags: split_flags(&row.try_get::<String, _>("flags")?),
                };
                Ok((source_uid, copied))
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(failed)
    }

    async fn record(
        &self,
        key: &FolderKey,
        copies: &[(u32, CopiedMessage)],
    ) -> Result<(), StoreError> {
        if copies.is_empty() {
            return Ok(());
        }
        let mut tx = self.pool.begin().await.map_err(failed)?;
        for (source_uid, copy) in copies {
            sqlx::query(
                "INSERT OR REPLACE INTO sync_messages (pair, source_folder, source_uid, target_uid, flags)
                 VALUES (?, ?, ?, ?, ?)",
            )
            .bind(&key.pair)
            .bind(&key.source_folder)
            .bind(i64::from(*source_uid))
            .bind(i64::from(copy.target_uid))
            .bind(join_flags(&copy.flags))
            .execute(&mut *tx)
            .await
            .map_err(failed)?;
        }
        tx.commit().await.map_err(failed)
    }

    async fn forget(&self, key: &FolderKey) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await.map_err(failed)?;
        for table in ["sync_messages", "sync_folders"] {
            // Table names are constants of this file, never user data.
            sqlx::query(&format!(
                "DELETE FROM {table} WHERE pair = ? AND source_folder = ?"
            ))
            .bind(&key.pair)
            .bind(&key.source_folder)
            .execute(&mut *tx)
            .await
            .map_err(failed)?;
        }
        tx.commit().await.map_err(failed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn state_survives_reopening() {
        let dir = tempfile::tempdir().unwrap();
        let key = FolderKey {
            pair: "a→b".into(),
            source_folder: "INBOX.Sent Items".into(),
        };
        let state = FolderState {
            target_folder: "Sent Items".into(),
            source_uidvalidity: 7,
            target_uidvalidity: 9,
            source_uidnext: 101,
            source_highestmodseq: Some(5000),
            target_uidnext: 55,
            complete: true,
        };
        let copy = |t: u32, f: &[&str]| CopiedMessage {
            target_uid: t,
            flags: f.iter().map(|s| s.to_string()).collect(),
        };
        {
            let store = Store::open(dir.path()).await.unwrap();
            store.save_folder(&key, &state).await.unwrap();
            store
                .record(
                    &key,
                    &[(1, copy(11, &["\\Seen", "$Label1"])), (2, copy(12, &[]))],
                )
                .await
                .unwrap();
            store
                .record(&key, &[(2, copy(12, &["\\Flagged"]))])
                .await
                .unwrap();
            store.close().await;
        }
        let store = Store::open(dir.path()).await.unwrap();
        assert_eq!(store.folder(&key).await.unwrap(), Some(state));
        let copied = store.copied(&key).await.unwrap();
        assert_eq!(copied.len(), 2);
        assert_eq!(copied[&1], copy(11, &["\\Seen", "$Label1"]));
        assert_eq!(copied[&2], copy(12, &["\\Flagged"]));
        store.forget(&key).await.unwrap();
        assert_eq!(store.folder(&key).await.unwrap(), None);
        assert!(store.copied(&key).await.unwrap().is_empty());
    }
}
