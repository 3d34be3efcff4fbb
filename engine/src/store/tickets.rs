//! The `tickets` table: a ticket's summary (lists) and its whole row (detail).

use shared::{ChatAgent, ChatId, TicketId, TicketSummary};

use super::columns;
use crate::db::{FromRow, Row};
use crate::error::Result;

/// The columns of a [`TicketSummary`] and a [`TicketRow`], over `tickets t LEFT JOIN
/// agents a` (the assignee).
pub(crate) const TICKET_COLUMNS: &str = "t.id, t.channel, t.subject, t.body, t.status, t.requester_name, t.requester_email, \
     t.assignee_id, a.name AS assignee_name, t.chat_id, t.created_at";

impl FromRow for TicketSummary {
    fn from_row(r: &Row) -> Result<TicketSummary> {
        Ok(TicketSummary {
            id: TicketId(r.try_get("id")?),
            channel: r.try_get("channel")?,
            subject: r.try_get("subject")?,
            status: columns::ticket_status(r.try_get("status")?),
            requester_name: r.try_get("requester_name")?,
            assignee: match r.try_get::<Option<i64>, _>("assignee_id")? {
                Some(id) => Some(ChatAgent {
                    id: shared::AgentId(id),
                    name: r
                        .try_get::<Option<String>, _>("assignee_name")?
                        .unwrap_or_default(),
                }),
                None => None,
            },
            chat_id: r.try_get::<Option<i64>, _>("chat_id")?.map(ChatId),
            created_at: r.try_get("created_at")?,
        })
    }
}

/// A ticket with what only its detail shows.
pub(crate) struct TicketRow {
    pub(crate) summary: TicketSummary,
    pub(crate) body: String,
    pub(crate) requester_email: Option<String>,
}

impl FromRow for TicketRow {
    fn from_row(r: &Row) -> Result<TicketRow> {
        Ok(TicketRow {
            summary: TicketSummary::from_row(r)?,
            body: r.try_get("body")?,
            requester_email: r.try_get("requester_email")?,
        })
    }
}
