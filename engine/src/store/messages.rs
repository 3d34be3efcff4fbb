//! The `messages` table: a message row with its masks and attachment (aggregated in
//! SQL, so a transcript is one query), and the append of a message with the chat's next
//! `seq`. The message writer's grouped statements are in [`super::writer`].

use chrono::{DateTime, Utc};
use shared::{AgentId, Author, ChatId, Message, MessageId};

use super::columns;
use crate::db::{self, Ex, FromRow, Row};
use crate::error::{Error, Result};

/// The columns of a message row, with its masks as a JSON array (aggregated in SQL so a
/// transcript is one query).
pub(crate) fn message_columns(backend: db::Backend) -> String {
    let masks = backend.json_array_of(
        "'id', CAST(k.id AS TEXT), 'start', k.start_char, 'end', k.end_char",
        "masks k WHERE k.message_id = m.id",
        "k.start_char",
    );
    let files = super::files::attachment_json(backend);
    format!(
        "m.id, m.chat_id, m.seq, m.author, m.client_id, m.text, m.created_at, m.pii, m.internal, a.name AS agent_name, {masks} AS masks_json, {files} AS file_json"
    )
}

/// A message row (see [`message_columns`]); a cell of the wrong type is an error, never
/// a panic.
impl FromRow for Message {
    fn from_row(r: &Row) -> Result<Message> {
        let author: &str = r.try_get("author")?;
        let text: String = r.try_get("text")?;
        Ok(Message {
            id: MessageId(r.try_get("id")?),
            chat_id: ChatId(r.try_get("chat_id")?),
            seq: r.try_get("seq")?,
            author: columns::author(author),
            created_at: r.try_get("created_at")?,
            masks: columns::json_list(r.try_get("masks_json")?),
            client_id: r.try_get("client_id")?,
            agent_name: r.try_get("agent_name")?,
            // computed once when stored, where the security service was on (issue 16)
            pii: columns::json_list(r.try_get("pii")?),
            internal: r.try_get("internal")?,
            attachment: super::files::attachment_of(r.try_get("file_json")?),
            text,
        })
    }
}

pub(crate) async fn message_by_id(mut conn: Ex<'_>, id: i64) -> Result<Message> {
    let sql = format!(
        "SELECT {cols} FROM messages m LEFT JOIN agents a ON a.id = m.agent_id WHERE m.id = ?",
        cols = message_columns(conn.backend())
    );
    db::query(&sql)
        .bind(id)
        .fetch_optional_as(conn.ex())
        .await?
        .ok_or(Error::NotFound("message"))
}

/// Appends a message with the chat's next `seq`.
pub(crate) async fn append_message(
    mut conn: Ex<'_>,
    chat: ChatId,
    author: Author,
    agent: Option<AgentId>,
    client_id: Option<&str>,
    text: &str,
    now: DateTime<Utc>,
) -> Result<Message> {
    let seq: i64 = db::query_scalar(
        "UPDATE chats SET last_seq = last_seq + 1 WHERE id = ? RETURNING last_seq",
    )
    .bind(chat.0)
    .fetch_one(conn.ex())
    .await?;
    let id: i64 = db::query_scalar(
        "INSERT INTO messages (chat_id, seq, author, agent_id, client_id, text, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(chat.0)
    .bind(seq)
    .bind(author.as_str())
    .bind(agent.map(|a| a.0))
    .bind(client_id)
    .bind(text)
    .bind(now)
    .fetch_one(conn.ex())
    .await?;
    // (counted with the writer's messages: first messages, notices, transfers' notes)
    metrics::counter!("oc_messages_stored_total").increment(1);
    message_by_id(conn, id).await
}

/// One line of a transcript as an export writes it.
pub(crate) struct TranscriptLine {
    pub(crate) chat_id: ChatId,
    pub(crate) author: Author,
    pub(crate) agent_name: Option<String>,
    pub(crate) internal: bool,
    pub(crate) text: String,
    /// `None` for a plain message; for a file, whether it is hidden.
    pub(crate) file_masked: Option<bool>,
    pub(crate) created_at: DateTime<Utc>,
}

/// Every message of these chats, by chat and `seq`.
pub(crate) async fn transcript_lines(mut ex: Ex<'_>, chats: &[i64]) -> Result<Vec<TranscriptLine>> {
    if chats.is_empty() {
        return Ok(Vec::new());
    }
    let mut qb = db::Builder::new(
        "SELECT m.chat_id, m.author, m.text, m.created_at, m.internal, a.name AS agent_name,
                (SELECT f.masked FROM attachments f WHERE f.message_id = m.id) AS file_masked
         FROM messages m LEFT JOIN agents a ON a.id = m.agent_id WHERE m.chat_id IN (",
    );
    for (i, id) in chats.iter().enumerate() {
        if i > 0 {
            qb.push(", ");
        }
        qb.push_bind(*id);
    }
    qb.push(") ORDER BY m.chat_id, m.seq");
    qb.build()
        .fetch_all(ex.ex())
        .await?
        .iter()
        .map(|r| {
            Ok(TranscriptLine {
                chat_id: ChatId(r.try_get("chat_id")?),
                author: columns::author(r.try_get("author")?),
                agent_name: r.try_get("agent_name")?,
                internal: r.try_get("internal")?,
                text: r.try_get("text")?,
                file_masked: r.try_get("file_masked")?,
                created_at: r.try_get("created_at")?,
            })
        })
        .collect()
}

/// A send already stored, found by its key (rows of `id, chat_id, author, client_id`).
pub(crate) struct StoredSend {
    pub(crate) id: i64,
    pub(crate) chat: ChatId,
    /// `None` for an author this version does not know (never a resend's match).
    pub(crate) author: Option<Author>,
    pub(crate) client_id: String,
}

pub(crate) fn sends(rows: &[Row]) -> Result<Vec<StoredSend>> {
    rows.iter()
        .map(|r| {
            Ok(StoredSend {
                id: r.try_get("id")?,
                chat: ChatId(r.try_get("chat_id")?),
                author: Author::parse(r.try_get("author")?),
                client_id: r.try_get("client_id")?,
            })
        })
        .collect()
}

/// Written rows' (chat, seq, id) from an insert's `RETURNING id, chat_id, seq`.
pub(crate) fn written(rows: &[Row]) -> Result<Vec<(ChatId, i64, i64)>> {
    rows.iter()
        .map(|r| {
            Ok((
                ChatId(r.try_get("chat_id")?),
                r.try_get("seq")?,
                r.try_get("id")?,
            ))
        })
        .collect()
}

/// What the PostgreSQL writer's one read adds to a chat's row: the group's sends it
/// already holds (a JSON array of `[id, author, client_id]`) and its agent's name.
pub(crate) struct PgReadExtra {
    pub(crate) stored: Vec<(i64, Option<Author>, String)>,
    pub(crate) agent_name: Option<String>,
}

pub(crate) fn pg_read_extra(r: &Row) -> Result<PgReadExtra> {
    let stored = match r.try_get::<Option<String>, _>("stored")? {
        None => Vec::new(),
        Some(json) => serde_json::from_str::<Vec<(i64, String, String)>>(&json)
            .map_err(|e| Error::Internal(format!("stored sends: {e}")))?
            .into_iter()
            .map(|(id, author, client_id)| (id, Author::parse(&author), client_id))
            .collect(),
    };
    Ok(PgReadExtra {
        stored,
        agent_name: r.try_get("agent_name")?,
    })
}

/// An agent's message of the chat with this client id: its id and whether it is an
/// internal note.
pub(crate) async fn agent_send(
    mut ex: Ex<'_>,
    chat: ChatId,
    client_id: &str,
) -> Result<Option<(MessageId, bool)>> {
    db::query(
        "SELECT id, internal FROM messages WHERE chat_id = ? AND author = 'agent' AND client_id = ?",
    )
    .bind(chat.0)
    .bind(client_id)
    .fetch_optional(ex.ex())
    .await?
    .map(|r| Ok((MessageId(r.try_get("id")?), r.try_get("internal")?)))
    .transpose()
}

/// The text of the customer's first message in a chat.
pub(crate) async fn first_customer_text(mut ex: Ex<'_>, chat: ChatId) -> Result<Option<String>> {
    Ok(db::query_scalar(
        "SELECT text FROM messages WHERE chat_id = ? AND author = 'customer' ORDER BY seq LIMIT 1",
    )
    .bind(chat.0)
    .fetch_optional(ex.ex())
    .await?)
}

/// Up to 500 messages of a chat after `after`, in order; internal notes only when
/// `with_notes` (agents).
pub(crate) async fn page(
    mut ex: Ex<'_>,
    chat: ChatId,
    after: i64,
    with_notes: bool,
) -> Result<Vec<Message>> {
    let notes = if with_notes {
        ""
    } else {
        " AND m.internal = 0"
    };
    let sql = format!(
        "SELECT {cols} FROM messages m LEFT JOIN agents a ON a.id = m.agent_id
         WHERE m.chat_id = ? AND m.seq > ?{notes} ORDER BY m.seq LIMIT 500",
        cols = message_columns(ex.backend())
    );
    db::query(sql)
        .bind(chat.0)
        .bind(after)
        .fetch_all_as(ex.ex())
        .await
}

/// Every message of a chat, in order (tickets and history).
pub(crate) async fn transcript(mut ex: Ex<'_>, chat: ChatId) -> Result<Vec<Message>> {
    let sql = format!(
        "SELECT {cols} FROM messages m LEFT JOIN agents a ON a.id = m.agent_id WHERE m.chat_id = ? ORDER BY m.seq",
        cols = message_columns(ex.backend())
    );
    db::query(sql).bind(chat.0).fetch_all_as(ex.ex()).await
}

/// The customer's message of the chat sent with `client_id`, if any.
pub(crate) async fn customer_send(
    mut ex: Ex<'_>,
    chat: ChatId,
    client_id: &str,
) -> Result<Option<i64>> {
    Ok(db::query_scalar(
        "SELECT id FROM messages WHERE chat_id = ? AND author = 'customer' AND client_id = ?",
    )
    .bind(chat.0)
    .bind(client_id)
    .fetch_optional(ex.ex())
    .await?)
}

/// Replaces a message's text (masking and unmasking).
pub(crate) async fn set_text(mut ex: Ex<'_>, id: MessageId, text: &str) -> Result<()> {
    db::query("UPDATE messages SET text = ? WHERE id = ?")
        .bind(text)
        .bind(id.0)
        .execute(ex.ex())
        .await?;
    Ok(())
}

/// The message is an internal note (agents only).
pub(crate) async fn mark_internal(mut ex: Ex<'_>, id: MessageId) -> Result<()> {
    db::query("UPDATE messages SET internal = 1 WHERE id = ?")
        .bind(id.0)
        .execute(ex.ex())
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::db::{FromRow, Row, Value};
    use crate::store::chats::ChatRow;
    use shared::{Author, ChatStatus, Message};

    const MESSAGE: [&str; 12] = [
        "id",
        "chat_id",
        "seq",
        "author",
        "client_id",
        "text",
        "created_at",
        "pii",
        "internal",
        "agent_name",
        "masks_json",
        "file_json",
    ];

    fn message_cells() -> Vec<Value> {
        vec![
            Value::Int(7),
            Value::Int(3),
            Value::Int(2),
            Value::Text("customer".into()),
            Value::Text("c1".into()),
            Value::Text("전화 ***".into()),
            Value::Text("2026-11-29T10:00:00Z".into()),
            Value::Text(r#"[{"start":3,"end":6,"kind":"mobile"}]"#.into()),
            Value::Int(0),
            Value::Null(crate::db::Kind::Text),
            Value::Text(r#"[{"id":"9","start":3,"end":6}]"#.into()),
            Value::Text(r#"[{"id":"4","mime":"image/png","size":70,"width":2,"height":1,"thumb":1,"masked":0}]"#.into()),
        ]
    }

    #[test]
    fn a_message_row_maps_every_column() {
        let m = Message::from_row(&Row::of(&MESSAGE, message_cells())).unwrap();
        assert_eq!((m.id.0, m.chat_id.0, m.seq), (7, 3, 2));
        assert_eq!(m.author, Author::Customer);
        assert_eq!(m.pii.len(), 1);
        assert_eq!(m.masks[0].id, "9");
        assert_eq!(m.agent_name, None);
        assert!(!m.internal);
        let file = m.attachment.unwrap();
        assert_eq!(
            (file.id.as_str(), file.size, file.width),
            ("4", 70, Some(2))
        );
        assert!(file.is_image() && file.thumbnail && !file.masked);
    }

    #[test]
    fn a_missing_or_mistyped_column_is_an_error_not_a_panic() {
        // missing: the row lacks `seq`
        let cols: Vec<&str> = MESSAGE.iter().copied().filter(|c| *c != "seq").collect();
        let mut cells = message_cells();
        cells.remove(2);
        let e = Message::from_row(&Row::of(&cols, cells)).unwrap_err();
        assert!(e.to_string().contains("seq"), "{e}");

        // mistyped: text where the id should be, an integer where the time should be
        let mut cells = message_cells();
        cells[0] = Value::Text("seven".into());
        let e = Message::from_row(&Row::of(&MESSAGE, cells)).unwrap_err();
        assert!(e.to_string().contains("id"), "{e}");
        let mut cells = message_cells();
        cells[6] = Value::Int(5);
        assert!(Message::from_row(&Row::of(&MESSAGE, cells)).is_err());

        // a chat row: a NULL where a number must be
        let cols = ["id", "service_id", "status", "agent_id"];
        let ok = ChatRow::from_row(&Row::of(
            &cols,
            vec![
                Value::Int(1),
                Value::Int(2),
                Value::Text("active".into()),
                Value::Null(crate::db::Kind::Int),
            ],
        ))
        .unwrap();
        assert_eq!((ok.status, ok.agent_id), (ChatStatus::Active, None));
        let bad = ChatRow::from_row(&Row::of(
            &cols,
            vec![
                Value::Int(1),
                Value::Null(crate::db::Kind::Int),
                Value::Text("active".into()),
                Value::Null(crate::db::Kind::Int),
            ],
        ));
        assert!(bad.is_err());
    }
}
