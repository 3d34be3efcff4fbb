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
//! By concern: [`slots`] (who may hold an upload slot), [`sniff`] (what the bytes are), [`thumb`] (thumbnails), [`store`] (the
//! rows), [`mask`] (hiding a file: AES-256-GCM like a masked run).

pub(crate) mod mask;
pub(crate) mod slots;
pub(crate) mod sniff;
pub(crate) mod store;
pub(crate) mod thumb;

use serde::Deserialize;
use shared::{Attachment, FileKind};

use crate::Engine;
use crate::db::Backend;

/// The size of one stored piece of a file: large enough that a 10 MB upload is 40
/// inserts, small enough that a download holds one piece in memory at a time.
pub(crate) const CHUNK_BYTES: usize = 256 * 1024;

/// How long an unfinished upload's rows are kept (the edge ends any upload long
/// before: see `MAX_UPLOAD_TIME` in the server's file endpoints).
pub(crate) const PENDING_TTL: chrono::Duration = chrono::Duration::hours(1);

/// The attachment of message `m` as a JSON array of zero or one object (a scalar
/// subquery, so a transcript stays one query).
pub(crate) fn attachment_json(backend: Backend) -> String {
    backend.json_array_of(
        "'id', CAST(k.id AS TEXT), 'mime', k.mime, 'size', k.size, 'width', k.width, \
         'height', k.height, 'thumb', CASE WHEN k.thumb IS NULL THEN 0 ELSE 1 END, 'masked', k.masked",
        "attachments k WHERE k.message_id = m.id",
        "k.id",
    )
}

/// One element of [`attachment_json`] (flags are 0/1 integers in both databases).
#[derive(Deserialize)]
struct Cell {
    id: String,
    mime: String,
    size: i64,
    width: Option<i64>,
    height: Option<i64>,
    thumb: i64,
    masked: i64,
}

/// The attachment of a message row; `None` for a plain message (or an unreadable
/// cell, which then shows as its name only).
pub(crate) fn attachment_of(json: Option<&str>) -> Option<Attachment> {
    let cells: Vec<Cell> = serde_json::from_str(json?).ok()?;
    let c = cells.into_iter().next()?;
    Some(Attachment {
        kind: FileKind::of_mime(&c.mime).unwrap_or(FileKind::Zip),
        id: c.id,
        mime: c.mime,
        size: c.size,
        width: c.width,
        height: c.height,
        thumbnail: c.thumb != 0,
        masked: c.masked != 0,
    })
}

/// A service's file rules from the `file_max_mb` and `file_types` columns of a row.
/// Deletes unfinished uploads older than [`PENDING_TTL`], every ten minutes.
pub(crate) async fn sweep_pending(engine: Engine) {
    let mut every = tokio::time::interval(std::time::Duration::from_secs(600));
    loop {
        every.tick().await;
        if let Err(e) = store::delete_stale(&engine).await {
            tracing::warn!(error = %e, "sweeping unfinished uploads failed");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_attachment_cell_maps_or_is_none() {
        let a = attachment_of(Some(
            r#"[{"id":"3","mime":"application/pdf","size":9,"width":null,"height":null,"thumb":0,"masked":1}]"#,
        ))
        .unwrap();
        assert_eq!(a.kind, FileKind::Pdf);
        assert!(a.masked && !a.thumbnail);
        assert_eq!(attachment_of(Some("[]")), None);
        assert_eq!(attachment_of(None), None);
        assert_eq!(attachment_of(Some("{broken")), None);
    }
}
