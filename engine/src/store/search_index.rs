//! The history's trigram index on SQLite (`messages_fts`, migrations 0007 and 0025): the
//! queue of stored messages not indexed yet, and the pass that moves a batch of it into
//! the index. PostgreSQL's `pg_trgm` index is kept by the database itself and has no
//! queue.

use crate::db::{self, Ex};
use crate::error::Result;

/// Indexes up to `batch` queued messages (oldest first) in one statement and takes them
/// off the queue; answers how many. The caller runs it in a write transaction, so the
/// two statements see the same queue and a message is never in both places.
pub(crate) async fn index_queued(mut ex: Ex<'_>, batch: i64) -> Result<u64> {
    let last: Option<i64> = db::query_scalar(
        "SELECT MAX(id) FROM (SELECT id FROM messages_fts_pending ORDER BY id LIMIT ?)",
    )
    .bind(batch)
    .fetch_one(ex.re())
    .await?;
    let Some(last) = last else { return Ok(0) };
    db::query(
        "INSERT INTO messages_fts(rowid, text)
         SELECT m.id, m.text FROM messages_fts_pending p JOIN messages m ON m.id = p.id
         WHERE p.id <= ? ORDER BY p.id",
    )
    .bind(last)
    .execute(ex.re())
    .await?;
    Ok(db::query("DELETE FROM messages_fts_pending WHERE id <= ?")
        .bind(last)
        .execute(ex.re())
        .await?
        .rows_affected())
}

/// Whether any stored message waits for the index (one index probe).
pub(crate) async fn any_queued(mut ex: Ex<'_>) -> Result<bool> {
    Ok(
        db::query_scalar::<i64>("SELECT EXISTS (SELECT 1 FROM messages_fts_pending)")
            .fetch_one(ex.ex())
            .await?
            != 0,
    )
}

/// How many stored messages wait for the index (the health of the indexing pass).
pub(crate) async fn queued(mut ex: Ex<'_>) -> Result<i64> {
    Ok(
        db::query_scalar("SELECT COUNT(*) FROM messages_fts_pending")
            .fetch_one(ex.ex())
            .await?,
    )
}
