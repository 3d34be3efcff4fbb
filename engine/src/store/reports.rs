//! The reports' reads of `chats`: a chat's timeline (the moments and counts the report
//! rules turn into facts) with its place — service, agent, handling type, channel.
//! The rollup tables themselves are in [`super::rollups`].

use shared::BusinessHours;

use super::columns;
use crate::db::{FromRow, Row};
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
