//! The chat history's rows: the columns a history page shows (over `chats` with its
//! agent and handling type) and their mapping. The filters that choose the rows are
//! the history's rules (`crate::history`).

use chrono::{DateTime, Utc};
use shared::{ChatId, HistoryRow};

use super::{chats, columns};
use crate::db::{FromRow, Row};
use crate::error::Result;

/// The columns of a [`HistoryRow`].
pub(crate) const HISTORY_COLUMNS: &str = "c.id, c.created_at, c.customer_name, c.customer_email, c.agent_id, a.name AS agent_name,
     c.channel, c.status, c.handled, c.rating, c.customer_ended_at, c.ended_at, c.first_response_at, c.last_seq,
     k1.name AS cat1, k2.name AS cat2, k3.name AS cat3";

pub(crate) const HISTORY_FROM: &str = " FROM chats c
     LEFT JOIN agents a ON a.id = c.agent_id
     LEFT JOIN categories k1 ON k1.id = c.category_id
     LEFT JOIN categories k2 ON k2.id = k1.parent_id
     LEFT JOIN categories k3 ON k3.id = k2.parent_id";

impl FromRow for HistoryRow {
    fn from_row(r: &Row) -> Result<HistoryRow> {
        let id: i64 = r.try_get("id")?;
        let created_at: DateTime<Utc> = r.try_get("created_at")?;
        let ended: Option<DateTime<Utc>> =
            match r.try_get::<Option<DateTime<Utc>>, _>("ended_at")? {
                Some(t) => Some(t),
                None => r.try_get("customer_ended_at")?,
            };
        Ok(HistoryRow {
            id: ChatId(id),
            created_at,
            customer_name: columns::display_name(id, r.try_get("customer_name")?),
            customer_email: r.try_get("customer_email")?,
            agent: chats::chat_agent(r)?,
            channel: r.try_get("channel")?,
            category_path: chats::category_path(r)?,
            status: columns::chat_status(r.try_get("status")?),
            handled: r.try_get("handled")?,
            rating: r.try_get("rating")?,
            duration_secs: shared::span_secs(created_at, ended),
            first_response_secs: shared::span_secs(created_at, r.try_get("first_response_at")?),
            message_count: r.try_get("last_seq")?,
        })
    }
}
