//! Opening the store: the database URL, the data directory, the pools (SQLite's
//! settings and its one write connection; PostgreSQL's pool and migrations) and closing
//! them at shutdown.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

use super::Pool;
use crate::error::{Error, Result};

/// The file path inside a `sqlite:` URL, when it names a file.
pub(crate) fn file_path(url: &str) -> Option<&str> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or(rest);
    (!path.is_empty() && path != ":memory:").then_some(path)
}

/// The directory holding the database file (where `mask.key` lives); `None` in memory
/// and for PostgreSQL.
pub(crate) fn data_dir(url: &str) -> Option<std::path::PathBuf> {
    let path = Path::new(file_path(url)?);
    Some(match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => std::path::PathBuf::from("."),
    })
}

pub(crate) fn is_postgres(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}

pub(crate) async fn connect(url: &str) -> Result<Pool> {
    if is_postgres(url) {
        return connect_postgres(url).await;
    }
    if !url.starts_with("sqlite:") {
        return Err(Error::Internal(format!(
            "unsupported database URL `{url}`: use sqlite://path/to/file.db or postgres://user@host/db"
        )));
    }
    if let Some(path) = file_path(url)
        && let Some(dir) = Path::new(path).parent()
        && !dir.as_os_str().is_empty()
    {
        std::fs::create_dir_all(dir).map_err(|e| {
            Error::Internal(format!(
                "cannot create data directory {}: {e}",
                dir.display()
            ))
        })?;
    }
    let in_memory = file_path(url).is_none();
    let options = SqliteConnectOptions::from_str(url)?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        // FULL: a commit is on disk before we acknowledge it, even after power loss.
        .synchronous(SqliteSynchronous::Full)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(10))
        // Deleted content is overwritten with zeros (masked originals must not linger).
        .pragma("secure_delete", "ON")
        // 16 MiB page cache per connection and memory-mapped reads: the hot pages of
        // open chats stay in memory instead of being copied in by pread per query.
        .pragma("cache_size", "-16384")
        .pragma("mmap_size", "268435456");
    let pool_of = |connections: u32| {
        let options = SqlitePoolOptions::new()
            .max_connections(connections)
            // No ping before handing out a connection (issue 16): a file in this process
            // cannot drop the connection, and each ping was one more hand-off to sqlx's
            // worker thread for every query and every message group.
            .test_before_acquire(false);
        // An in-memory database lives in its one connection: it is never replaced.
        if in_memory {
            options
        } else {
            options.before_acquire(|conn, _| Box::pin(fresh_enough(conn)))
        }
    };
    // Each in-memory connection would be its own empty database.
    let pool = pool_of(if in_memory { 1 } else { 8 })
        .connect_with(options.clone())
        .await?;
    sqlx::migrate!("../migrations/sqlite").run(&pool).await?;
    let writer = if in_memory {
        pool.clone()
    } else {
        pool_of(1).connect_with(options).await?
    };
    Ok(Pool::Sqlite { pool, writer })
}

async fn connect_postgres(url: &str) -> Result<Pool> {
    let options = PgConnectOptions::from_str(url)?.application_name("online-contact");
    let pool = PgPoolOptions::new()
        .max_connections(16)
        .before_acquire(|conn, _| Box::pin(fresh_enough(conn)))
        .acquire_timeout(Duration::from_secs(10))
        .connect_with(options)
        .await?;
    // Several instances may start at once; sqlx takes an advisory lock around migrating.
    sqlx::migrate!("../migrations/postgres").run(&pool).await?;
    Ok(Pool::Postgres(pool))
}

/// Whether a pooled connection may be handed out again (issue 30). A transaction whose
/// `COMMIT` failed — a full disk, an I/O error on the WAL — leaves sqlx's transaction
/// count above zero on its connection, and every later `BEGIN` on it failed ("begin_with
/// at non-zero transaction depth") until a restart: with one writer connection, every
/// write. Such a connection is closed here instead (`false`) and the pool opens a fresh
/// one, so writes resume by themselves once the cause is gone. The rollback of a
/// transaction dropped without a commit is queued on the connection, so it is waited
/// for (a ping runs after it) before the connection is judged.
async fn fresh_enough<C: sqlx::Connection>(conn: &mut C) -> std::result::Result<bool, sqlx::Error> {
    if !conn.is_in_transaction() {
        return Ok(true);
    }
    if conn.ping().await.is_err() {
        return Ok(false);
    }
    if conn.is_in_transaction() {
        tracing::warn!("a database connection was left inside a failed transaction; replacing it");
        return Ok(false);
    }
    Ok(true)
}

/// SQLite: copies the WAL into the main file and truncates the WAL to nothing
/// (`wal_checkpoint(TRUNCATE)`) on the writer connection; `Ok(false)` when a reader
/// kept it from finishing (try again). PostgreSQL: nothing to do here (its WAL is the
/// server's; see the README's *Security*).
pub(crate) async fn checkpoint_truncate(pool: &Pool) -> Result<bool> {
    let Pool::Sqlite { writer, .. } = pool else {
        return Ok(true);
    };
    let (busy, _, _): (i64, i64, i64) = sqlx::query_as("PRAGMA wal_checkpoint(TRUNCATE)")
        .fetch_one(writer)
        .await?;
    Ok(busy == 0)
}

pub(crate) async fn checkpoint_and_close(pool: &Pool) {
    match pool {
        Pool::Sqlite { pool, writer } => {
            if let Err(e) = sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                .execute(pool)
                .await
            {
                tracing::warn!(error = %e, "WAL checkpoint at shutdown failed");
            }
            writer.close().await;
            pool.close().await;
        }
        Pool::Postgres(p) => p.close().await,
    }
}

#[cfg(test)]
mod tests {
    use super::file_path;

    #[test]
    fn file_paths() {
        assert_eq!(file_path("sqlite://data/oc.db"), Some("data/oc.db"));
        assert_eq!(file_path("sqlite:///tmp/x.db?mode=rwc"), Some("/tmp/x.db"));
        assert_eq!(file_path("sqlite::memory:"), None);
        assert_eq!(file_path("postgres://x"), None);
    }
}
