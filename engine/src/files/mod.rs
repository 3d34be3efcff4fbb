//! Files and images in chats (issue 19): where their bytes live and what the engine
//! does with them apart from the chat rules (those are in `chats::files`).
//!
//! A file's bytes are kept in the database, in `attachment_chunks` rows of
//! [`CHUNK_BYTES`] — never in `messages` — on SQLite as on PostgreSQL, so every
//! instance serves every file and a backup of the database is a backup of the files.
//! An upload is written a chunk at a time as it arrives (short write transactions, so
//! a slow uploader never holds the writer) and a download is read a chunk at a time.
//! An `attachments` row whose upload never finished (`message_id` still NULL) is
//! deleted by [`sweep_pending`] after [`PENDING_TTL`].
//!
//! By concern: [`slots`] (who may hold an upload slot), [`sniff`] (what the bytes are), [`thumb`] (thumbnails), [`crate::store::files`] (the
//! rows), [`mask`] (hiding a file: AES-256-GCM like a masked run).

pub(crate) mod mask;
pub(crate) mod slots;
pub(crate) mod sniff;
pub(crate) mod thumb;

use crate::Engine;

/// The size of one stored piece of a file: large enough that a 10 MB upload is 40
/// inserts, small enough that a download holds one piece in memory at a time.
pub(crate) const CHUNK_BYTES: usize = 256 * 1024;

/// How long an unfinished upload's rows are kept (the edge ends any upload long
/// before: see `MAX_UPLOAD_TIME` in the server's file endpoints).
pub(crate) const PENDING_TTL: chrono::Duration = chrono::Duration::hours(1);

/// Deletes unfinished uploads older than [`PENDING_TTL`], every ten minutes.
pub(crate) async fn sweep_pending(engine: Engine) {
    let mut every = tokio::time::interval(std::time::Duration::from_secs(600));
    loop {
        every.tick().await;
        if let Err(e) =
            crate::store::files::delete_stale(&engine, chrono::Utc::now() - PENDING_TTL).await
        {
            tracing::warn!(error = %e, "sweeping unfinished uploads failed");
        }
    }
}
