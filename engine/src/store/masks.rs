//! The `masks` table: masked runs of a message with their sealed originals, and the
//! message text a mask applies to.

use shared::{ChatId, MessageId, ServiceId};

use chrono::{DateTime, Utc};
use shared::AgentId;

use crate::db::{self, Ex, Row};
use crate::error::Result;
use shared::mask::Run;

/// A masked run as stored: where it is and its original, sealed.
pub(crate) struct MaskRow {
    pub(crate) id: i64,
    pub(crate) run: Run,
    pub(crate) nonce: Vec<u8>,
    pub(crate) ciphertext: Vec<u8>,
}

fn mask_of(r: &Row) -> Result<MaskRow> {
    let at = |c: &str| -> Result<usize> {
        Ok(usize::try_from(r.try_get::<i64, _>(c)?).unwrap_or_default())
    };
    Ok(MaskRow {
        id: r.try_get("id")?,
        run: Run {
            start: at("start_char")?,
            end: at("end_char")?,
        },
        nonce: r.try_get("nonce")?,
        ciphertext: r.try_get("ciphertext")?,
    })
}

const COLUMNS: &str = "id, start_char, end_char, nonce, ciphertext";

/// A message's masked runs, in text order.
pub(crate) async fn of_message(mut ex: Ex<'_>, message: MessageId) -> Result<Vec<MaskRow>> {
    db::query(format!(
        "SELECT {COLUMNS} FROM masks WHERE message_id = ? ORDER BY start_char"
    ))
    .bind(message.0)
    .fetch_all(ex.ex())
    .await?
    .iter()
    .map(mask_of)
    .collect()
}

/// One masked run of a message.
pub(crate) async fn one(mut ex: Ex<'_>, message: MessageId, id: i64) -> Result<Option<MaskRow>> {
    db::query(format!(
        "SELECT {COLUMNS} FROM masks WHERE id = ? AND message_id = ?"
    ))
    .bind(id)
    .bind(message.0)
    .fetch_optional(ex.ex())
    .await?
    .as_ref()
    .map(mask_of)
    .transpose()
}

/// A message's text and its chat's agent, when the message is in `chat` of `service`.
pub(crate) async fn message_text(
    mut ex: Ex<'_>,
    service: ServiceId,
    chat: ChatId,
    message: MessageId,
) -> Result<Option<(String, Option<i64>)>> {
    db::query(
        "SELECT m.text, c.agent_id FROM messages m JOIN chats c ON c.id = m.chat_id
         WHERE m.id = ? AND m.chat_id = ? AND c.service_id = ?",
    )
    .bind(message.0)
    .bind(chat.0)
    .bind(service.0)
    .fetch_optional(ex.ex())
    .await?
    .map(|r| Ok((r.try_get("text")?, r.try_get("agent_id")?)))
    .transpose()
}

/// Keeps a masked run's original, sealed; answers the mask's id.
pub(crate) async fn insert(
    mut ex: Ex<'_>,
    message: MessageId,
    run: Run,
    nonce: &[u8],
    ciphertext: &[u8],
    agent: Option<AgentId>,
    now: DateTime<Utc>,
) -> Result<i64> {
    Ok(db::query_scalar(
        "INSERT INTO masks (message_id, start_char, end_char, nonce, ciphertext, agent_id, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(message.0)
    .bind(run.start as i64)
    .bind(run.end as i64)
    .bind(nonce)
    .bind(ciphertext)
    .bind(agent.map(|a| a.0))
    .bind(now)
    .fetch_one(ex.ex())
    .await?)
}

pub(crate) async fn delete(mut ex: Ex<'_>, id: i64) -> Result<()> {
    db::query("DELETE FROM masks WHERE id = ?")
        .bind(id)
        .execute(ex.ex())
        .await?;
    Ok(())
}
