//! The reports' reads of `chats`: a chat's timeline (the moments and counts the report
//! rules turn into facts) with its place — service, agent, handling type, channel.
//! The rollup tables themselves are in [`super::rollups`].

use chrono::{DateTime, Utc};
use shared::{BusinessHours, ServiceId};

use super::columns;
use crate::db::{self, Ex, FromRow, Row};
use crate::error::Result;
use crate::reports::rules::Timeline;

/// The columns a [`ChatTimeline`] reads, over `chats c JOIN services s`.
pub(crate) const TIMELINE_COLUMNS: &str = "c.id, c.service_id, c.status, c.created_at, c.first_assigned_at, c.first_opened_at,
    c.first_response_at, c.ended_at, c.handled, c.rating, c.agent_id, c.category_id, c.channel, s.business_hours,
    (SELECT MIN(m.created_at) FROM messages m WHERE m.chat_id = c.id AND m.author = 'customer') AS first_customer_message_at,
    (SELECT COUNT(*) FROM chat_handovers h WHERE h.chat_id = c.id AND h.kind = 'transfer') AS transfers,
    (SELECT COUNT(*) FROM chat_handovers h WHERE h.chat_id = c.id AND h.kind = 'reroute') AS reroutes";

/// One chat as the report rules read it.
#[derive(Clone, Debug)]
pub(crate) struct ChatTimeline {
    pub(crate) id: i64,
    pub(crate) service_id: i64,
    /// Its facts are final (the chat has ended).
    pub(crate) ended: bool,
    pub(crate) agent_id: Option<i64>,
    pub(crate) category_id: Option<i64>,
    pub(crate) channel: String,
    /// The service's hours (their zone places the chat's day and hour).
    pub(crate) business_hours: BusinessHours,
    /// The moments; `ended_at` only once the chat has ended.
    pub(crate) timeline: Timeline,
}

impl FromRow for ChatTimeline {
    fn from_row(r: &Row) -> Result<ChatTimeline> {
        let ended = columns::chat_status(r.try_get("status")?) == shared::ChatStatus::Ended;
        Ok(ChatTimeline {
            id: r.try_get("id")?,
            service_id: r.try_get("service_id")?,
            ended,
            agent_id: r.try_get("agent_id")?,
            category_id: r.try_get("category_id")?,
            channel: r.try_get("channel")?,
            business_hours: columns::business_hours(r.try_get("business_hours")?),
            timeline: Timeline {
                created_at: r.try_get("created_at")?,
                first_assigned_at: r.try_get("first_assigned_at")?,
                first_opened_at: r.try_get("first_opened_at")?,
                first_customer_message_at: r.try_get("first_customer_message_at")?,
                first_response_at: r.try_get("first_response_at")?,
                ended_at: if ended { r.try_get("ended_at")? } else { None },
                handled: r.try_get("handled")?,
                rating: r.try_get("rating")?,
                transfers: r.try_get("transfers")?,
                reroutes: r.try_get("reroutes")?,
            },
        })
    }
}

/// One chat's timeline with its service's hours; `None` for an unknown chat.
pub(crate) async fn timeline(mut ex: Ex<'_>, chat: i64) -> Result<Option<ChatTimeline>> {
    db::query(format!(
        "SELECT {TIMELINE_COLUMNS} FROM chats c JOIN services s ON s.id = c.service_id WHERE c.id = ?"
    ))
    .bind(chat)
    .fetch_optional_as::<ChatTimeline>(ex.ex())
    .await
}

/// Up to `limit` ended chats of the service after the chat `after`, in id order.
pub(crate) async fn ended_after(
    mut ex: Ex<'_>,
    service: ServiceId,
    after: i64,
    limit: usize,
) -> Result<Vec<ChatTimeline>> {
    db::query(format!(
        "SELECT {TIMELINE_COLUMNS} FROM chats c JOIN services s ON s.id = c.service_id
         WHERE c.service_id = ? AND c.status = 'ended' AND c.id > ? ORDER BY c.id LIMIT {limit}"
    ))
    .bind(service.0)
    .bind(after)
    .fetch_all_as::<ChatTimeline>(ex.ex())
    .await
}

/// The service's chats started in `[start, end)` that have not ended (not in the
/// rollups yet) — few, through a partial index.
pub(crate) async fn open_between(
    mut ex: Ex<'_>,
    service: i64,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> Result<Vec<ChatTimeline>> {
    db::query(format!(
        "SELECT {TIMELINE_COLUMNS} FROM chats c JOIN services s ON s.id = c.service_id
         WHERE c.service_id = ? AND c.status != 'ended' AND c.created_at >= ? AND c.created_at < ?"
    ))
    .bind(service)
    .bind(start)
    .bind(end)
    .fetch_all_as::<ChatTimeline>(ex.ex())
    .await
}
