//! The `tickets` table: a ticket's summary (lists) and its whole row (detail).

use chrono::{DateTime, Utc};
use shared::{AgentId, ChatAgent, ChatId, ServiceId, TicketId, TicketStatus, TicketSummary};

use super::columns;
use crate::db::{self, Ex, FromRow, Row};
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

/// Whose tickets a read may see (see the domain module's rule): the service's, all of
/// them when `sees_all`, else `agent`'s, their chats' and the unassigned inquiries.
pub(crate) struct Scope {
    pub(crate) service: ServiceId,
    pub(crate) sees_all: bool,
    pub(crate) agent: AgentId,
}

/// [`Scope`] in SQL, over `tickets t`; binds: sees-all, agent, agent.
const SCOPE: &str = "(? = 1 OR t.assignee_id = ? OR (t.assignee_id IS NULL AND t.chat_id IS NULL)
     OR EXISTS (SELECT 1 FROM chats c WHERE c.id = t.chat_id AND c.agent_id = ?))";

/// The tickets of a scope, newest first (at most 500), of one status and channel when
/// given.
pub(crate) async fn list(
    mut ex: Ex<'_>,
    scope: &Scope,
    status: Option<TicketStatus>,
    channel: Option<&str>,
) -> Result<Vec<TicketSummary>> {
    let sql = format!(
        "SELECT {TICKET_COLUMNS} FROM tickets t LEFT JOIN agents a ON a.id = t.assignee_id
         WHERE t.service_id = ? AND {SCOPE} AND (? IS NULL OR t.status = ?) AND (? IS NULL OR t.channel = ?)
         ORDER BY t.created_at DESC, t.id DESC LIMIT 500"
    );
    let status = status.map(|s| s.as_str());
    db::query(sql)
        .bind(scope.service.0)
        .bind(scope.sees_all)
        .bind(scope.agent.0)
        .bind(scope.agent.0)
        .bind(status)
        .bind(status)
        .bind(channel)
        .bind(channel)
        .fetch_all_as(ex.ex())
        .await
}

/// One ticket of a scope.
pub(crate) async fn one(mut ex: Ex<'_>, scope: &Scope, id: TicketId) -> Result<Option<TicketRow>> {
    let sql = format!(
        "SELECT {TICKET_COLUMNS} FROM tickets t LEFT JOIN agents a ON a.id = t.assignee_id
         WHERE t.id = ? AND t.service_id = ? AND {SCOPE}"
    );
    db::query(sql)
        .bind(id.0)
        .bind(scope.service.0)
        .bind(scope.sees_all)
        .bind(scope.agent.0)
        .bind(scope.agent.0)
        .fetch_optional_as(ex.ex())
        .await
}

/// A ticket to store.
pub(crate) struct NewTicket<'a> {
    pub(crate) service: ServiceId,
    /// `inquiry` or `chat`.
    pub(crate) channel: &'static str,
    pub(crate) subject: &'a str,
    pub(crate) body: &'a str,
    pub(crate) requester_name: Option<&'a str>,
    pub(crate) requester_email: Option<String>,
    pub(crate) assignee: Option<AgentId>,
    pub(crate) chat: Option<ChatId>,
    pub(crate) updated_at: Option<DateTime<Utc>>,
}

pub(crate) async fn insert(
    mut ex: Ex<'_>,
    t: &NewTicket<'_>,
    now: DateTime<Utc>,
) -> Result<TicketId> {
    let id: i64 = db::query_scalar(
        "INSERT INTO tickets (service_id, channel, subject, body, requester_name, requester_email,
                              assignee_id, chat_id, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(t.service.0)
    .bind(t.channel)
    .bind(t.subject)
    .bind(t.body)
    .bind(t.requester_name)
    .bind(t.requester_email.as_deref())
    .bind(t.assignee.map(|a| a.0))
    .bind(t.chat.map(|c| c.0))
    .bind(now)
    .bind(t.updated_at)
    .fetch_one(ex.ex())
    .await?;
    Ok(TicketId(id))
}

/// The ticket of a chat, if it has one.
pub(crate) async fn id_of_chat(mut ex: Ex<'_>, chat: ChatId) -> Result<Option<TicketId>> {
    Ok(
        db::query_scalar::<i64>("SELECT id FROM tickets WHERE chat_id = ?")
            .bind(chat.0)
            .fetch_optional(ex.ex())
            .await?
            .map(TicketId),
    )
}

/// The requester's name on the chat's ticket (`None`: the chat has no ticket).
pub(crate) async fn requester_of_chat(
    mut ex: Ex<'_>,
    chat: ChatId,
) -> Result<Option<Option<String>>> {
    Ok(
        db::query_scalar::<Option<String>>("SELECT requester_name FROM tickets WHERE chat_id = ?")
            .bind(chat.0)
            .fetch_optional(ex.ex())
            .await?,
    )
}

pub(crate) async fn set_subject_of_chat(mut ex: Ex<'_>, chat: ChatId, subject: &str) -> Result<()> {
    db::query("UPDATE tickets SET subject = ? WHERE chat_id = ?")
        .bind(subject)
        .bind(chat.0)
        .execute(ex.ex())
        .await?;
    Ok(())
}

/// Sets a ticket's status; `false` when the service has no such ticket.
pub(crate) async fn set_status(
    mut ex: Ex<'_>,
    service: ServiceId,
    id: TicketId,
    status: TicketStatus,
    now: DateTime<Utc>,
) -> Result<bool> {
    let done =
        db::query("UPDATE tickets SET status = ?, updated_at = ? WHERE id = ? AND service_id = ?")
            .bind(status.as_str())
            .bind(now)
            .bind(id.0)
            .bind(service.0)
            .execute(ex.ex())
            .await?;
    Ok(done.rows_affected() > 0)
}

/// How many 1:1 inquiries the service received in `[start, end)`.
pub(crate) async fn inquiries_between(
    mut ex: Ex<'_>,
    service: i64,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> Result<i64> {
    Ok(db::query_scalar(
        "SELECT COUNT(*) FROM tickets WHERE service_id = ? AND channel = 'inquiry' AND created_at >= ? AND created_at < ?",
    )
    .bind(service)
    .bind(start)
    .bind(end)
    .fetch_one(ex.ex())
    .await?)
}
