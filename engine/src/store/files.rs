//! The rows of files: `attachments` (one per file) and `attachment_chunks` (its bytes,
//! a fixed size a row, `CHUNK_BYTES` of the files module). Rules (who may upload or read) are the callers'.
//! Writes go through [`crate::SideTx`]: on PostgreSQL they take no chat write lock.

use chrono::{DateTime, Utc};
use serde::Deserialize;
use shared::{Attachment, FileKind};

use crate::db::Backend;
use shared::{Author, ChatId, ServiceId};

use crate::Engine;
use crate::db::{self, Ex};
use crate::error::Result;

/// A new, unfinished file of a chat; answers its id.
pub(crate) async fn create(
    engine: &Engine,
    service: ServiceId,
    chat: ChatId,
    author: Author,
) -> Result<i64> {
    let mut tx = engine.side_tx().await?;
    let id: i64 = db::query_scalar(
        "INSERT INTO attachments (service_id, chat_id, author, created_at) VALUES (?, ?, ?, ?) RETURNING id",
    )
    .bind(service.0)
    .bind(chat.0)
    .bind(author.as_str())
    .bind(Utc::now())
    .fetch_one(tx.ex())
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Stores piece `seq` of a file (its own short transaction).
pub(crate) async fn put_chunk(engine: &Engine, file: i64, seq: i64, data: &[u8]) -> Result<()> {
    let mut tx = engine.side_tx().await?;
    db::query("INSERT INTO attachment_chunks (attachment_id, seq, data) VALUES (?, ?, ?)")
        .bind(file)
        .bind(seq)
        .bind(data)
        .execute(tx.ex())
        .await?;
    tx.commit().await?;
    Ok(())
}

/// What a finished upload is.
pub(crate) struct Finished<'a> {
    pub(crate) mime: &'a str,
    pub(crate) size: i64,
    pub(crate) width: Option<i64>,
    pub(crate) height: Option<i64>,
    pub(crate) thumb: Option<&'a [u8]>,
}

pub(crate) async fn finish(engine: &Engine, file: i64, f: Finished<'_>) -> Result<()> {
    let mut tx = engine.side_tx().await?;
    db::query(
        "UPDATE attachments SET mime = ?, size = ?, width = ?, height = ?, thumb = ? WHERE id = ?",
    )
    .bind(f.mime)
    .bind(f.size)
    .bind(f.width)
    .bind(f.height)
    .bind(f.thumb.map(<[u8]>::to_vec))
    .bind(file)
    .execute(tx.ex())
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Deletes a file that never became a message (refused, abandoned or a resend).
pub(crate) async fn discard(engine: &Engine, file: i64) -> Result<()> {
    let mut tx = engine.side_tx().await?;
    delete_in(tx.ex(), file).await?;
    tx.commit().await?;
    Ok(())
}

/// Only a file no message carries: a file linked meanwhile (its upload finished while
/// the sweeper looked) keeps every byte.
async fn delete_in(mut conn: Ex<'_>, file: i64) -> Result<()> {
    db::query(
        "DELETE FROM attachment_chunks WHERE attachment_id = ?
           AND EXISTS (SELECT 1 FROM attachments f WHERE f.id = ? AND f.message_id IS NULL)",
    )
    .bind(file)
    .bind(file)
    .execute(conn.ex())
    .await?;
    db::query("DELETE FROM attachments WHERE id = ? AND message_id IS NULL")
        .bind(file)
        .execute(conn.ex())
        .await?;
    Ok(())
}

/// Deletes unfinished uploads started before `before`; answers how many.
pub(crate) async fn delete_stale(engine: &Engine, before: DateTime<Utc>) -> Result<usize> {
    let stale: Vec<i64> = db::query_scalar(
        "SELECT id FROM attachments WHERE message_id IS NULL AND created_at < ? LIMIT 500",
    )
    .bind(before)
    .fetch_all(engine.db.ex())
    .await?;
    for id in &stale {
        discard(engine, *id).await?;
    }
    Ok(stale.len())
}

/// Links a finished file to the message that carries it (inside the message's
/// transaction).
pub(crate) async fn link(mut conn: Ex<'_>, file: i64, message: i64) -> Result<()> {
    db::query("UPDATE attachments SET message_id = ? WHERE id = ? AND message_id IS NULL")
        .bind(message)
        .bind(file)
        .execute(conn.ex())
        .await?;
    Ok(())
}

/// A stored file as the download rules need it.
pub(crate) struct FileRow {
    pub(crate) chat: ChatId,
    pub(crate) mime: String,
    pub(crate) size: i64,
    pub(crate) masked: bool,
    pub(crate) internal: bool,
    pub(crate) name: String,
    pub(crate) chunks: i64,
}

/// A file that is part of a message (unfinished uploads are nobody's to read).
pub(crate) async fn file_row(engine: &Engine, file: i64) -> Result<Option<FileRow>> {
    let r = db::query(
        "SELECT f.chat_id, f.mime, f.size, f.masked, m.internal, m.text,
                (SELECT COUNT(*) FROM attachment_chunks c WHERE c.attachment_id = f.id) AS chunks
           FROM attachments f JOIN messages m ON m.id = f.message_id WHERE f.id = ?",
    )
    .bind(file)
    .fetch_optional(engine.db.ex())
    .await?;
    let Some(r) = r else { return Ok(None) };
    Ok(Some(FileRow {
        chat: ChatId(r.try_get("chat_id")?),
        mime: r.try_get("mime")?,
        size: r.try_get("size")?,
        masked: r.try_get("masked")?,
        internal: r.try_get("internal")?,
        name: r.try_get("text")?,
        chunks: r.try_get("chunks")?,
    }))
}

/// Piece `seq` of a file (plain bytes; a masked file's pieces are not read here).
pub(crate) async fn chunk(engine: &Engine, file: i64, seq: i64) -> Result<Option<Vec<u8>>> {
    Ok(db::query_scalar(
        "SELECT data FROM attachment_chunks WHERE attachment_id = ? AND seq = ? AND nonce IS NULL",
    )
    .bind(file)
    .bind(seq)
    .fetch_optional(engine.db.ex())
    .await?)
}

/// The thumbnail of a file, when it has a plain one.
pub(crate) async fn thumbnail(engine: &Engine, file: i64) -> Result<Option<Vec<u8>>> {
    Ok(db::query_scalar(
        "SELECT thumb FROM attachments WHERE id = ? AND thumb IS NOT NULL AND thumb_nonce IS NULL",
    )
    .bind(file)
    .fetch_optional(engine.db.ex())
    .await?)
}

/// The file of a message: its id and whether it is masked.
pub(crate) async fn of_message(mut ex: Ex<'_>, message: i64) -> Result<Option<(i64, bool)>> {
    db::query("SELECT id, masked FROM attachments WHERE message_id = ?")
        .bind(message)
        .fetch_optional(ex.ex())
        .await?
        .map(|r| Ok((r.try_get("id")?, r.try_get("masked")?)))
        .transpose()
}

/// A stored piece as it lies: its nonce when sealed (masked), and its bytes.
pub(crate) async fn sealed_chunk(
    mut ex: Ex<'_>,
    file: i64,
    seq: i64,
) -> Result<(Option<Vec<u8>>, Vec<u8>)> {
    let r =
        db::query("SELECT nonce, data FROM attachment_chunks WHERE attachment_id = ? AND seq = ?")
            .bind(file)
            .bind(seq)
            .fetch_one(ex.ex())
            .await?;
    Ok((r.try_get("nonce")?, r.try_get("data")?))
}

/// A file's thumbnail as it lies: its nonce when sealed, and its bytes if it has one.
pub(crate) async fn sealed_thumbnail(
    mut ex: Ex<'_>,
    file: i64,
) -> Result<(Option<Vec<u8>>, Option<Vec<u8>>)> {
    let r = db::query("SELECT thumb, thumb_nonce FROM attachments WHERE id = ?")
        .bind(file)
        .fetch_one(ex.ex())
        .await?;
    Ok((r.try_get("thumb_nonce")?, r.try_get("thumb")?))
}

/// The sequence numbers of a file's stored pieces, in order.
pub(crate) async fn chunk_seqs(mut ex: Ex<'_>, file: i64) -> Result<Vec<i64>> {
    Ok(
        db::query_scalar("SELECT seq FROM attachment_chunks WHERE attachment_id = ? ORDER BY seq")
            .bind(file)
            .fetch_all(ex.ex())
            .await?,
    )
}

/// Replaces a piece's bytes (sealed with `nonce`, or plain without).
pub(crate) async fn set_chunk(
    mut ex: Ex<'_>,
    file: i64,
    seq: i64,
    nonce: Option<&[u8]>,
    data: &[u8],
) -> Result<()> {
    db::query(
        "UPDATE attachment_chunks SET nonce = ?, data = ? WHERE attachment_id = ? AND seq = ?",
    )
    .bind(nonce)
    .bind(data)
    .bind(file)
    .bind(seq)
    .execute(ex.ex())
    .await?;
    Ok(())
}

/// Replaces a file's thumbnail (sealed or not) and its `masked` flag.
pub(crate) async fn set_thumbnail_and_mask(
    mut ex: Ex<'_>,
    file: i64,
    thumb: Option<&[u8]>,
    thumb_nonce: Option<&[u8]>,
    masked: bool,
) -> Result<()> {
    db::query("UPDATE attachments SET thumb = ?, thumb_nonce = ?, masked = ? WHERE id = ?")
        .bind(thumb)
        .bind(thumb_nonce)
        .bind(masked)
        .bind(file)
        .execute(ex.ex())
        .await?;
    Ok(())
}

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

#[cfg(test)]
mod tests {
    use super::*;

    /// The sweeper deletes an upload left unfinished for an hour, with its bytes, and
    /// never a file a message carries, however old.
    #[tokio::test]
    async fn the_sweeper_takes_only_unfinished_uploads() {
        let engine = Engine::open("sqlite::memory:").await.unwrap();
        engine.seed_demo().await.unwrap();
        let service: i64 = db::query_scalar("SELECT id FROM services LIMIT 1")
            .fetch_one(engine.db.ex())
            .await
            .unwrap();
        let chat: i64 = db::query_scalar(
            "INSERT INTO chats (service_id, status, locale, channel, customer_token_hash, consent_at, consent_version, created_at)
             VALUES (?, 'active', 'ko', 'helpcenter', x'01', ?, 'v1', ?) RETURNING id",
        )
        .bind(service)
        .bind(Utc::now())
        .bind(Utc::now())
        .fetch_one(engine.db.ex())
        .await
        .unwrap();
        let (service, chat) = (ServiceId(service), ChatId(chat));
        let mut files = Vec::new();
        for _ in 0..3 {
            let f = create(&engine, service, chat, Author::Customer)
                .await
                .unwrap();
            put_chunk(&engine, f, 0, b"bytes").await.unwrap();
            files.push(f);
        }
        let [old_pending, old_linked, new_pending] = files[..] else {
            unreachable!()
        };
        let message: i64 = db::query_scalar(
            "INSERT INTO messages (chat_id, seq, author, text, created_at) VALUES (?, 1, 'customer', 'a.png', ?) RETURNING id",
        )
        .bind(chat.0)
        .bind(Utc::now())
        .fetch_one(engine.db.ex())
        .await
        .unwrap();
        link(engine.db.ex(), old_linked, message).await.unwrap();
        let two_hours_ago = Utc::now() - chrono::Duration::hours(2);
        for f in [old_pending, old_linked] {
            db::query("UPDATE attachments SET created_at = ? WHERE id = ?")
                .bind(two_hours_ago)
                .bind(f)
                .execute(engine.db.ex())
                .await
                .unwrap();
        }
        assert_eq!(
            delete_stale(&engine, Utc::now() - chrono::Duration::hours(1))
                .await
                .unwrap(),
            1
        );
        let left: Vec<i64> =
            db::query_scalar("SELECT attachment_id FROM attachment_chunks ORDER BY attachment_id")
                .fetch_all(engine.db.ex())
                .await
                .unwrap();
        assert_eq!(left, [old_linked, new_pending]);
        // discarding a linked file (a late sweep, a stray abort) keeps it whole
        discard(&engine, old_linked).await.unwrap();
        assert!(file_row(&engine, old_linked).await.unwrap().is_some());
        assert_eq!(
            chunk(&engine, old_linked, 0).await.unwrap().as_deref(),
            Some(&b"bytes"[..])
        );
    }

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
