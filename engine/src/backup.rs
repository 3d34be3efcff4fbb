//! Backup and restore of a SQLite store (issue 21): `online-contact backup` and
//! `online-contact restore`.
//!
//! A backup is SQLite's `VACUUM INTO` on the live database: one read transaction, so the
//! copy is consistent to an instant — every message acknowledged before it began is in
//! it — while the server goes on writing (WAL readers do not block the writer). It is
//! written beside the target as `FILE.partial`, checked (`integrity_check`) and only then
//! renamed to `FILE`, so a `FILE` that exists is a whole backup.
//!
//! A restore checks the file first (a SQLite database of ours, whole, from this version
//! or an older one — the next start migrates it), then copies it over the database with
//! a rename and removes the old database's WAL and shared-memory files (left beside the
//! restored file they would be replayed into it). The server must be stopped.
//!
//! The masking key is not in the database: `mask.key` beside it (or `OC_MASK_KEY`) must
//! be kept with the backups, separately, or masked originals stay unreadable. PostgreSQL
//! is backed up with `pg_dump` (the README's *Backup and restore*); these commands say so.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};

use crate::db;
use crate::error::{Error, Result};

/// What a backup or restore holds.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BackupSummary {
    pub services: i64,
    pub chats: i64,
    pub messages: i64,
    pub attachments: i64,
    pub bytes: u64,
}

fn fail(msg: impl Into<String>) -> Error {
    Error::Internal(msg.into())
}

/// The SQLite file of a URL, or an error saying what to do instead.
fn sqlite_file(url: &str) -> Result<PathBuf> {
    if db::is_postgres(url) {
        return Err(fail(
            "a PostgreSQL database is backed up and restored with pg_dump / pg_restore \
             (pg_dump -Fc -f online-contact.dump DATABASE_URL); keep OC_MASK_KEY with the dumps, \
             separately — see the README's Backup and restore",
        ));
    }
    db::file_path(url)
        .map(PathBuf::from)
        .ok_or_else(|| fail(format!("`{url}` is not a SQLite database file")))
}

async fn open(path: &Path, read_only: bool) -> Result<sqlx::SqlitePool> {
    let options = SqliteConnectOptions::from_str(&format!("sqlite://{}", path.display()))?
        .read_only(read_only)
        .create_if_missing(false)
        .busy_timeout(std::time::Duration::from_secs(30));
    Ok(SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await?)
}

/// `integrity_check` and the counts of an opened copy.
async fn check(pool: &sqlx::SqlitePool, path: &Path) -> Result<BackupSummary> {
    let integrity: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(pool)
        .await?;
    if integrity != "ok" {
        return Err(fail(format!("{} is damaged: {integrity}", path.display())));
    }
    let ours: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name IN ('_sqlx_migrations', 'services', 'chats', 'messages')",
    )
    .fetch_one(pool)
    .await?;
    if ours != 4 {
        return Err(fail(format!(
            "{} is not an Online Contact database",
            path.display()
        )));
    }
    let count = |table: &str| {
        let sql = format!("SELECT COUNT(*) FROM {table}");
        async move { sqlx::query_scalar::<_, i64>(&sql).fetch_one(pool).await }
    };
    let attachments = match count("attachments").await {
        Ok(n) => n,
        Err(_) => 0, // a backup from before files (issue 19)
    };
    Ok(BackupSummary {
        services: count("services").await?,
        chats: count("chats").await?,
        messages: count("messages").await?,
        attachments,
        bytes: std::fs::metadata(path).map(|m| m.len()).unwrap_or(0),
    })
}

/// The newest migration this build knows.
fn newest_migration() -> i64 {
    sqlx::migrate!("../migrations/sqlite")
        .iter()
        .map(|m| m.version)
        .max()
        .unwrap_or(0)
}

/// `online-contact backup`: a consistent copy of the SQLite database at `url` in `to`
/// (which must not exist), taken while the server runs.
pub async fn backup(url: &str, to: &Path) -> Result<BackupSummary> {
    let from = sqlite_file(url)?;
    if !from.exists() {
        return Err(fail(format!("no database at {}", from.display())));
    }
    if to.exists() {
        return Err(fail(format!(
            "{} exists; name a new file (a backup never overwrites one)",
            to.display()
        )));
    }
    let partial = to.with_extension(match to.extension() {
        Some(e) => format!("{}.partial", e.to_string_lossy()),
        None => "partial".to_owned(),
    });
    let _ = std::fs::remove_file(&partial);
    let pool = open(&from, true).await?;
    let copied = sqlx::query("VACUUM INTO ?")
        .bind(partial.to_string_lossy().into_owned())
        .execute(&pool)
        .await;
    pool.close().await;
    copied?;
    let copy = open(&partial, true).await?;
    let summary = check(&copy, &partial).await;
    copy.close().await;
    let summary = match summary {
        Ok(s) => s,
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            return Err(e);
        }
    };
    std::fs::rename(&partial, to)
        .map_err(|e| fail(format!("cannot name the backup {}: {e}", to.display())))?;
    Ok(summary)
}

/// `online-contact restore`: replaces the (stopped) SQLite database at `url` with the
/// backup `from`; an existing database only with `force`.
pub async fn restore(from: &Path, url: &str, force: bool) -> Result<BackupSummary> {
    let target = sqlite_file(url)?;
    if !from.exists() {
        return Err(fail(format!("no backup at {}", from.display())));
    }
    let pool = open(from, true).await?;
    let summary = check(&pool, from).await;
    let version: Option<i64> = sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations")
        .fetch_one(&pool)
        .await
        .ok()
        .flatten();
    pool.close().await;
    let summary = summary?;
    if version.unwrap_or(0) > newest_migration() {
        return Err(fail(format!(
            "{} comes from a newer Online Contact (migration {}); restore it with that version",
            from.display(),
            version.unwrap_or(0)
        )));
    }
    if target.exists() && !force {
        return Err(fail(format!(
            "{} exists; stop the server and pass --force to replace it",
            target.display()
        )));
    }
    if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .map_err(|e| fail(format!("cannot create {}: {e}", dir.display())))?;
    }
    let incoming = target.with_extension("restoring");
    std::fs::copy(from, &incoming).map_err(|e| fail(format!("cannot copy the backup: {e}")))?;
    std::fs::File::open(&incoming)
        .and_then(|f| f.sync_all())
        .map_err(|e| fail(format!("cannot sync the restored file: {e}")))?;
    // the old database's journal would be replayed into the restored file
    for suffix in ["-wal", "-shm"] {
        let mut side = target.clone().into_os_string();
        side.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(side));
    }
    std::fs::rename(&incoming, &target)
        .map_err(|e| fail(format!("cannot put the backup in place: {e}")))?;
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postgres_is_pointed_to_pg_dump() {
        let e = sqlite_file("postgres://oc@db/online_contact").unwrap_err();
        assert!(e.to_string().contains("pg_dump"), "{e}");
        assert_eq!(
            sqlite_file("sqlite://data/oc.db").unwrap(),
            PathBuf::from("data/oc.db")
        );
        assert!(newest_migration() >= 19);
    }
}
