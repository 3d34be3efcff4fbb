//! Changes to the `chats` table: a chat started, assigned, put back in the queue,
//! opened, read, ended, rated, its customer and consult info kept, and its changes of
//! hands logged. The rows these change are read in [`super::chats`].

use chrono::{DateTime, Utc};
use shared::{AgentId, ChatId, ChatStatus, ServiceId};

use crate::db::{self, Ex};
use crate::error::Result;

/// What an assignment answers of the chat it changed.
pub(crate) struct Assigned {
    pub(crate) service: ServiceId,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) first_assigned_at: Option<DateTime<Utc>>,
}

/// Gives the chat to `agent`: active, unopened, unread = the customer's messages so far
/// (`None` when the chat is gone).
pub(crate) async fn assign(
    mut ex: Ex<'_>,
    chat: ChatId,
    agent: AgentId,
    now: DateTime<Utc>,
) -> Result<Option<Assigned>> {
    db::query(
        "UPDATE chats SET agent_id = ?, status = 'active', assigned_at = ?, opened_at = NULL, opened_by = NULL,
         first_assigned_at = COALESCE(first_assigned_at, ?), agent_read_seq = 0,
         unread = (SELECT COUNT(*) FROM messages m WHERE m.chat_id = chats.id AND m.author = 'customer')
         WHERE id = ? RETURNING service_id, created_at, first_assigned_at",
    )
    .bind(agent.0)
    .bind(now)
    .bind(now)
    .bind(chat.0)
    .fetch_optional(ex.ex())
    .await?
    .map(|r| {
        Ok(Assigned {
            service: ServiceId(r.try_get("service_id")?),
            created_at: r.try_get("created_at")?,
            first_assigned_at: r.try_get("first_assigned_at")?,
        })
    })
    .transpose()
}

/// The agent opens the chat: opened (the first time) by them, read to the end.
pub(crate) async fn mark_opened(
    mut ex: Ex<'_>,
    chat: ChatId,
    agent: AgentId,
    now: DateTime<Utc>,
) -> Result<()> {
    db::query(
        "UPDATE chats SET opened_at = COALESCE(opened_at, ?), opened_by = COALESCE(opened_by, ?),
           first_opened_at = COALESCE(first_opened_at, ?), agent_read_seq = last_seq, unread = 0 WHERE id = ?",
    )
    .bind(now)
    .bind(agent.0)
    .bind(now)
    .bind(chat.0)
    .execute(ex.ex())
    .await?;
    Ok(())
}

/// The chat moves to `next` (customer-ended or ended). The customer's end is stamped on
/// its own column (`by_customer`: now, else kept); `ended_at` is set once, when the chat
/// is closed for good (each column assigned once: PostgreSQL insists).
pub(crate) async fn set_ended(
    mut ex: Ex<'_>,
    chat: ChatId,
    next: ChatStatus,
    by_customer: bool,
    now: DateTime<Utc>,
) -> Result<()> {
    let customer_ended = if by_customer {
        "customer_ended_at = ?,"
    } else {
        "customer_ended_at = COALESCE(customer_ended_at, ?),"
    };
    db::query(format!(
        "UPDATE chats SET status = ?, {customer_ended} ended_at = CASE WHEN ? = 'ended' THEN COALESCE(ended_at, ?) ELSE ended_at END WHERE id = ?"
    ))
    .bind(next.as_str())
    .bind(by_customer.then_some(now))
    .bind(next.as_str())
    .bind(now)
    .bind(chat.0)
    .execute(ex.ex())
    .await?;
    Ok(())
}

/// What an agent keeps about a chat's customer and consult.
pub(crate) struct ChatInfo {
    pub(crate) customer_name: Option<String>,
    pub(crate) customer_email: Option<String>,
    pub(crate) customer_memo: Option<String>,
    pub(crate) category: Option<shared::CategoryId>,
}

pub(crate) async fn set_info(mut ex: Ex<'_>, chat: ChatId, info: &ChatInfo) -> Result<()> {
    db::query(
        "UPDATE chats SET customer_name = ?, customer_email = ?, customer_memo = ?, category_id = ? WHERE id = ?",
    )
    .bind(info.customer_name.as_deref())
    .bind(info.customer_email.as_deref())
    .bind(info.customer_memo.as_deref())
    .bind(info.category.map(|c| c.0))
    .bind(chat.0)
    .execute(ex.ex())
    .await?;
    Ok(())
}

/// A chat to start (waiting).
pub(crate) struct NewChat {
    pub(crate) service: ServiceId,
    pub(crate) visitor_id: Option<String>,
    pub(crate) customer_name: Option<String>,
    pub(crate) customer_email: Option<String>,
    pub(crate) customer_ip: Option<String>,
    pub(crate) user_agent: Option<String>,
    pub(crate) locale: String,
    pub(crate) channel: String,
    /// SHA-256 of the customer's token (the token itself is never stored).
    pub(crate) token_hash: Vec<u8>,
    pub(crate) device: Option<String>,
    pub(crate) preferred_agent: Option<AgentId>,
    /// The privacy consent's version the customer accepted (`store::consents`).
    pub(crate) consent_version: String,
}

/// Stores a new waiting chat with the version of the consent its customer accepted.
pub(crate) async fn insert(mut ex: Ex<'_>, c: &NewChat, now: DateTime<Utc>) -> Result<ChatId> {
    let id: i64 = db::query_scalar(
        "INSERT INTO chats (service_id, status, visitor_id, customer_name, customer_email, customer_ip, user_agent,
                            locale, channel, customer_token_hash, consent_at, consent_version, created_at, customer_device,
                            preferred_agent_id)
         VALUES (?, 'waiting', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(c.service.0)
    .bind(c.visitor_id.as_deref())
    .bind(c.customer_name.as_deref())
    .bind(c.customer_email.as_deref())
    .bind(c.customer_ip.as_deref())
    .bind(c.user_agent.as_deref())
    .bind(c.locale.as_str())
    .bind(c.channel.as_str())
    .bind(c.token_hash.as_slice())
    .bind(now)
    .bind(c.consent_version.as_str())
    .bind(now)
    .bind(c.device.as_deref())
    .bind(c.preferred_agent.map(|a| a.0))
    .fetch_one(ex.ex())
    .await?;
    Ok(ChatId(id))
}

/// Back to the queue: waiting, nobody's, unopened.
pub(crate) async fn requeue(mut ex: Ex<'_>, chat: ChatId) -> Result<()> {
    db::query(
        "UPDATE chats SET status = 'waiting', agent_id = NULL, opened_at = NULL, opened_by = NULL WHERE id = ?",
    )
    .bind(chat.0)
    .execute(ex.ex())
    .await?;
    Ok(())
}

/// Records a change of hands.
pub(crate) async fn log_handover(
    mut ex: Ex<'_>,
    chat: ChatId,
    kind: shared::HandoverKind,
    from: Option<AgentId>,
    to: Option<AgentId>,
    note: Option<&str>,
    now: DateTime<Utc>,
) -> Result<()> {
    db::query(
        "INSERT INTO chat_handovers (chat_id, kind, from_agent_id, to_agent_id, note, at) VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(chat.0)
    .bind(kind.as_str())
    .bind(from.map(|a| a.0))
    .bind(to.map(|a| a.0))
    .bind(note)
    .bind(now)
    .execute(ex.ex())
    .await?;
    Ok(())
}

/// The customer's rating of the chat.
pub(crate) async fn rate(
    mut ex: Ex<'_>,
    chat: ChatId,
    score: i64,
    comment: Option<&str>,
    now: DateTime<Utc>,
) -> Result<()> {
    db::query("UPDATE chats SET rating = ?, rating_comment = ?, rated_at = ? WHERE id = ?")
        .bind(score)
        .bind(comment)
        .bind(now)
        .bind(chat.0)
        .execute(ex.ex())
        .await?;
    Ok(())
}

/// The agent asked for a rating now.
pub(crate) async fn mark_rating_requested(
    mut ex: Ex<'_>,
    chat: ChatId,
    now: DateTime<Utc>,
) -> Result<()> {
    db::query("UPDATE chats SET rating_requested_at = ? WHERE id = ?")
        .bind(now)
        .bind(chat.0)
        .execute(ex.ex())
        .await?;
    Ok(())
}

/// The assigned agent has read up to `seq` (never past the last message nor back);
/// `unread` follows. `false` when the chat is not this agent's in this service.
pub(crate) async fn agent_read_to(
    mut ex: Ex<'_>,
    chat: ChatId,
    service: ServiceId,
    agent: AgentId,
    seq: i64,
) -> Result<bool> {
    let (greatest, least) = ex.backend().greatest_least();
    let read = format!("{greatest}(agent_read_seq, {least}(?, last_seq))");
    let done = db::query(format!(
        "UPDATE chats SET agent_read_seq = {read},
           unread = (SELECT COUNT(*) FROM messages m
                     WHERE m.chat_id = chats.id AND m.author = 'customer' AND m.seq > {read})
         WHERE id = ? AND agent_id = ? AND service_id = ?"
    ))
    .bind(seq)
    .bind(seq)
    .bind(chat.0)
    .bind(agent.0)
    .bind(service.0)
    .execute(ex.ex())
    .await?;
    Ok(done.rows_affected() > 0)
}

/// The customer has read up to `seq` (never past the last message nor back).
pub(crate) async fn customer_read_to(mut ex: Ex<'_>, chat: ChatId, seq: i64) -> Result<()> {
    let (greatest, least) = ex.backend().greatest_least();
    db::query(format!(
        "UPDATE chats SET customer_read_seq = {greatest}(customer_read_seq, {least}(?, last_seq)) WHERE id = ?"
    ))
    .bind(seq)
    .bind(chat.0)
    .execute(ex.ex())
    .await?;
    Ok(())
}
