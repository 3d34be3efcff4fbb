//! The `chats` table: the row the rules look at ([`ChatRow`]), one chat's whole detail,
//! the agent's list items, and the cells several reads share (handling-type path, the
//! chat's agent, the customer's shown name).

use shared::{
    AgentChatItem, AgentId, ChatAgent, ChatConsult, ChatCustomer, ChatCustomerName, ChatDetail,
    ChatId, ChatStatus, Handover, ServiceId,
};

use chrono::{DateTime, Utc};

use super::columns;
use crate::db::{self, Ex, FromRow, Row};
use crate::error::{Error, Result};
use crate::routing::queue::Waiting;

/// The columns of a chat that rules look at.
#[derive(Clone, Debug)]
pub(crate) struct ChatRow {
    pub(crate) id: ChatId,
    pub(crate) service_id: ServiceId,
    pub(crate) status: ChatStatus,
    pub(crate) agent_id: Option<AgentId>,
}

pub(crate) async fn chat_row(mut conn: Ex<'_>, id: ChatId) -> Result<ChatRow> {
    db::query("SELECT id, service_id, status, agent_id FROM chats WHERE id = ?")
        .bind(id.0)
        .fetch_optional_as(conn.ex())
        .await?
        .ok_or(Error::NotFound("chat"))
}

impl FromRow for ChatRow {
    fn from_row(r: &Row) -> Result<ChatRow> {
        Ok(ChatRow {
            id: ChatId(r.try_get("id")?),
            service_id: ServiceId(r.try_get("service_id")?),
            status: columns::chat_status(r.try_get("status")?),
            agent_id: r.try_get::<Option<i64>, _>("agent_id")?.map(AgentId),
        })
    }
}

/// A handling type's names from the top level down, from the `cat1..cat3` columns of
/// a chat joined with up to three levels of its category.
pub(crate) fn category_path(r: &Row) -> Result<Vec<String>> {
    let mut path = Vec::new();
    for k in ["cat3", "cat2", "cat1"] {
        if let Some(name) = r.try_get::<Option<String>, _>(k)? {
            path.push(name);
        }
    }
    Ok(path)
}

/// The chat's agent from the `agent_id` and `agent_name` columns, if it has one.
pub(crate) fn chat_agent(r: &Row) -> Result<Option<ChatAgent>> {
    let Some(id) = r.try_get::<Option<i64>, _>("agent_id")? else {
        return Ok(None);
    };
    Ok(Some(ChatAgent {
        id: AgentId(id),
        name: r
            .try_get::<Option<String>, _>("agent_name")?
            .unwrap_or_default(),
    }))
}

/// Which chats the agent's list shows.
pub(crate) enum ListOf {
    /// One chat (a list item to publish after a change).
    Chat(ChatId),
    /// An agent's open chats (active or customer-ended).
    OpenOf(AgentId),
}

/// Items of the agent's chat list, oldest assignment first.
pub(crate) async fn agent_chat_items(mut ex: Ex<'_>, of: ListOf) -> Result<Vec<AgentChatItem>> {
    let (filter, bind) = match of {
        ListOf::Chat(c) => ("c.id = ?", c.0),
        ListOf::OpenOf(a) => (
            "c.agent_id = ? AND c.status IN ('active', 'customer_ended')",
            a.0,
        ),
    };
    let sql = format!(
        "SELECT c.id, c.customer_name, c.status, c.assigned_at, c.opened_at, c.last_seq, c.channel,
                c.unread,
                (SELECT m.text FROM messages m WHERE m.chat_id = c.id ORDER BY m.seq DESC LIMIT 1) AS last_message
         FROM chats c WHERE {filter} ORDER BY c.assigned_at, c.id"
    );
    db::query(sql).bind(bind).fetch_all_as(ex.ex()).await
}

impl FromRow for AgentChatItem {
    fn from_row(r: &Row) -> Result<AgentChatItem> {
        let id: i64 = r.try_get("id")?;
        Ok(AgentChatItem {
            id: ChatId(id),
            customer: ChatCustomerName {
                name: columns::display_name(id, r.try_get("customer_name")?),
            },
            status: columns::chat_status(r.try_get("status")?),
            unread: r.try_get("unread")?,
            assigned_at: r.try_get("assigned_at")?,
            opened: r
                .try_get::<Option<chrono::DateTime<chrono::Utc>>, _>("opened_at")?
                .is_some(),
            last_message: r.try_get("last_message")?,
            last_seq: r.try_get("last_seq")?,
            channel: r.try_get("channel")?,
        })
    }
}

/// One chat's whole detail as stored (its hand-overs are read apart and left empty
/// here).
pub(crate) async fn detail(mut ex: Ex<'_>, chat: ChatId) -> Result<ChatDetail> {
    db::query(
        "SELECT c.*, a.name AS agent_name, k1.name AS cat1, k2.name AS cat2, k3.name AS cat3,
                s.file_max_mb, s.file_types
         FROM chats c
         JOIN services s ON s.id = c.service_id
         LEFT JOIN agents a ON a.id = c.agent_id
         LEFT JOIN categories k1 ON k1.id = c.category_id
         LEFT JOIN categories k2 ON k2.id = k1.parent_id
         LEFT JOIN categories k3 ON k3.id = k2.parent_id
         WHERE c.id = ?",
    )
    .bind(chat.0)
    .fetch_optional_as(ex.ex())
    .await?
    .ok_or(Error::NotFound("chat"))
}

impl FromRow for ChatDetail {
    fn from_row(r: &Row) -> Result<ChatDetail> {
        let id: i64 = r.try_get("id")?;
        Ok(ChatDetail {
            id: ChatId(id),
            status: columns::chat_status(r.try_get("status")?),
            handled: r.try_get("handled")?,
            customer: ChatCustomer {
                name: columns::display_name(id, r.try_get("customer_name")?),
                email: r.try_get("customer_email")?,
                memo: r.try_get("customer_memo")?,
                ip: r.try_get("customer_ip")?,
                device: r.try_get("customer_device")?,
            },
            consult: ChatConsult {
                channel: r.try_get("channel")?,
                category_id: r
                    .try_get::<Option<i64>, _>("category_id")?
                    .map(shared::CategoryId),
                category_path: category_path(r)?,
            },
            agent: chat_agent(r)?,
            rating: r.try_get("rating")?,
            rating_comment: r.try_get("rating_comment")?,
            locale: r.try_get("locale")?,
            created_at: r.try_get("created_at")?,
            assigned_at: r.try_get("assigned_at")?,
            opened_at: r.try_get("opened_at")?,
            ended_at: r.try_get("ended_at")?,
            last_seq: r.try_get("last_seq")?,
            handovers: Vec::new(),
            agent_read_seq: r.try_get("agent_read_seq")?,
            customer_read_seq: r.try_get("customer_read_seq")?,
            files: super::services::file_rules_of(r)?,
        })
    }
}

/// A service's waiting chats in queue order (start time, then id), with the
/// customer's name for the routing board.
pub(crate) async fn queue(
    mut ex: Ex<'_>,
    service: ServiceId,
) -> Result<Vec<(Waiting, Option<String>)>> {
    db::query(
        "SELECT id, created_at, preferred_agent_id, customer_name FROM chats
         WHERE service_id = ? AND status = 'waiting' ORDER BY created_at, id",
    )
    .bind(service.0)
    .fetch_all(ex.ex())
    .await?
    .iter()
    .map(|r| {
        Ok((
            Waiting {
                chat_id: ChatId(r.try_get("id")?),
                since: r.try_get("created_at")?,
                preferred: r
                    .try_get::<Option<i64>, _>("preferred_agent_id")?
                    .map(AgentId),
            },
            r.try_get("customer_name")?,
        ))
    })
    .collect()
}

/// [`queue`] without the names (what routing reads).
pub(crate) async fn waiting(ex: Ex<'_>, service: ServiceId) -> Result<Vec<Waiting>> {
    Ok(queue(ex, service)
        .await?
        .into_iter()
        .map(|(w, _)| w)
        .collect())
}

/// Assignment and end times of the service's last 200 ended, handled chats started
/// since `since`, newest first along the history index (so it costs the same at any
/// history size).
pub(crate) async fn recent_handled(
    mut ex: Ex<'_>,
    service: ServiceId,
    since: DateTime<Utc>,
) -> Result<Vec<(DateTime<Utc>, DateTime<Utc>)>> {
    db::query(
        "SELECT assigned_at, ended_at FROM chats
         WHERE service_id = ? AND created_at >= ? AND status = 'ended'
           AND assigned_at IS NOT NULL AND ended_at IS NOT NULL
         ORDER BY created_at DESC, id DESC LIMIT 200",
    )
    .bind(service.0)
    .bind(since)
    .fetch_all(ex.ex())
    .await?
    .iter()
    .map(|r| Ok((r.try_get("assigned_at")?, r.try_get("ended_at")?)))
    .collect()
}

/// A chat's changes of hands, oldest first.
pub(crate) async fn handovers(mut ex: Ex<'_>, chat: ChatId) -> Result<Vec<Handover>> {
    db::query(
        "SELECT h.kind, h.note, h.at, f.name AS from_name, t.name AS to_name
         FROM chat_handovers h
         LEFT JOIN agents f ON f.id = h.from_agent_id
         LEFT JOIN agents t ON t.id = h.to_agent_id
         WHERE h.chat_id = ? ORDER BY h.id",
    )
    .bind(chat.0)
    .fetch_all(ex.ex())
    .await?
    .iter()
    .map(|r| {
        Ok(Handover {
            kind: columns::handover_kind(r.try_get("kind")?),
            from_agent: r.try_get("from_name")?,
            to_agent: r.try_get("to_name")?,
            note: r.try_get("note")?,
            at: r.try_get("at")?,
        })
    })
    .collect()
}

/// A chat as the message writer's rules see it, with its service's flags (read with
/// the [`ChatRow`] columns, `opened_by`, `handled`, `contract_security` and
/// `auto_mask_pii`).
#[derive(Clone, Debug)]
pub(crate) struct WriteTarget {
    pub(crate) row: ChatRow,
    pub(crate) opened_by: Option<AgentId>,
    pub(crate) handled: bool,
    /// The security service is on (PII hints are stored).
    pub(crate) security: bool,
    /// … and masks detected PII on arrival.
    pub(crate) auto_mask: bool,
}

impl FromRow for WriteTarget {
    fn from_row(r: &Row) -> Result<WriteTarget> {
        let security: bool = r.try_get("contract_security")?;
        Ok(WriteTarget {
            row: ChatRow::from_row(r)?,
            opened_by: r.try_get::<Option<i64>, _>("opened_by")?.map(AgentId),
            handled: r.try_get("handled")?,
            security,
            auto_mask: security && r.try_get::<bool, _>("auto_mask_pii")?,
        })
    }
}

/// Chats' new `last_seq` from an update's `RETURNING id, last_seq`.
pub(crate) fn last_seqs(rows: &[Row]) -> Result<std::collections::HashMap<ChatId, i64>> {
    rows.iter()
        .map(|r| Ok((ChatId(r.try_get("id")?), r.try_get("last_seq")?)))
        .collect()
}

/// A chat found by its customer's token, with the times its token's life ends from.
pub(crate) struct CustomerChat {
    pub(crate) row: ChatRow,
    pub(crate) ended_at: Option<DateTime<Utc>>,
    pub(crate) customer_ended_at: Option<DateTime<Utc>>,
}

pub(crate) async fn by_customer_token(mut ex: Ex<'_>, hash: &[u8]) -> Result<Option<CustomerChat>> {
    db::query(
        "SELECT id, service_id, status, agent_id, ended_at, customer_ended_at FROM chats
         WHERE customer_token_hash = ?",
    )
    .bind(hash)
    .fetch_optional(ex.ex())
    .await?
    .map(|r| {
        Ok(CustomerChat {
            row: ChatRow::from_row(&r)?,
            ended_at: r.try_get("ended_at")?,
            customer_ended_at: r.try_get("customer_ended_at")?,
        })
    })
    .transpose()
}

/// Active chats of services that re-route, assigned before `before`, with their
/// service's re-routing time.
pub(crate) async fn reroute_candidates(
    mut ex: Ex<'_>,
    before: DateTime<Utc>,
) -> Result<Vec<(ChatId, i64)>> {
    db::query(
        "SELECT c.id, s.reroute_after_secs FROM services s
         JOIN chats c ON c.service_id = s.id AND c.status = 'active'
         WHERE s.reroute_after_secs IS NOT NULL AND c.assigned_at <= ?",
    )
    .bind(before)
    .fetch_all(ex.ex())
    .await?
    .iter()
    .map(|r| Ok((ChatId(r.try_get("id")?), r.try_get("reroute_after_secs")?)))
    .collect()
}

/// An active chat as re-routing decides on it: its agent, when it was assigned and
/// whether that agent has replied since.
pub(crate) struct Unanswered {
    pub(crate) service: ServiceId,
    pub(crate) agent: Option<AgentId>,
    pub(crate) assigned_at: Option<DateTime<Utc>>,
    pub(crate) replied: bool,
}

pub(crate) async fn unanswered(mut ex: Ex<'_>, chat: ChatId) -> Result<Option<Unanswered>> {
    db::query(
        "SELECT c.service_id, c.agent_id, c.assigned_at,
                EXISTS (SELECT 1 FROM messages m WHERE m.chat_id = c.id AND m.author = 'agent' AND m.internal = 0
                          AND m.agent_id = c.agent_id AND m.created_at >= c.assigned_at) AS replied
         FROM chats c WHERE c.id = ? AND c.status = 'active'",
    )
    .bind(chat.0)
    .fetch_optional(ex.ex())
    .await?
    .map(|r| {
        Ok(Unanswered {
            service: ServiceId(r.try_get("service_id")?),
            agent: r.try_get::<Option<i64>, _>("agent_id")?.map(AgentId),
            assigned_at: r.try_get("assigned_at")?,
            replied: r.try_get("replied")?,
        })
    })
    .transpose()
}

/// Chats waiting or active, started before `since` and silent since then (the idle
/// end's candidates), oldest first.
pub(crate) async fn idle_since(
    mut ex: Ex<'_>,
    since: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<(ChatId, ServiceId)>> {
    db::query(
        "SELECT c.id, c.service_id FROM chats c
          WHERE c.status IN ('waiting', 'active') AND c.created_at < ?
            AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.chat_id = c.id AND m.created_at >= ?)
          ORDER BY c.id LIMIT ?",
    )
    .bind(since)
    .bind(since)
    .bind(limit)
    .fetch_all(ex.ex())
    .await?
    .iter()
    .map(|r| {
        Ok((
            ChatId(r.try_get("id")?),
            ServiceId(r.try_get("service_id")?),
        ))
    })
    .collect()
}

/// A chat's read markers: how far each side has read.
pub(crate) struct ReadMarks {
    pub(crate) row: ChatRow,
    pub(crate) agent_read_seq: i64,
    pub(crate) customer_read_seq: i64,
}

pub(crate) async fn read_marks(mut ex: Ex<'_>, chat: ChatId) -> Result<ReadMarks> {
    let r = db::query(
        "SELECT id, service_id, status, agent_id, agent_read_seq, customer_read_seq FROM chats WHERE id = ?",
    )
    .bind(chat.0)
    .fetch_optional(ex.ex())
    .await?
    .ok_or(Error::NotFound("chat"))?;
    Ok(ReadMarks {
        row: ChatRow::from_row(&r)?,
        agent_read_seq: r.try_get("agent_read_seq")?,
        customer_read_seq: r.try_get("customer_read_seq")?,
    })
}

/// A chat's row and, once ended, when.
pub(crate) async fn ending(
    mut ex: Ex<'_>,
    chat: ChatId,
) -> Result<(ChatRow, Option<DateTime<Utc>>)> {
    let r = db::query("SELECT id, service_id, status, agent_id, ended_at FROM chats WHERE id = ?")
        .bind(chat.0)
        .fetch_optional(ex.ex())
        .await?
        .ok_or(Error::NotFound("chat"))?;
    Ok((ChatRow::from_row(&r)?, r.try_get("ended_at")?))
}

/// An agent's active chats, oldest assignment first.
pub(crate) async fn active_of(mut ex: Ex<'_>, agent: AgentId) -> Result<Vec<ChatId>> {
    Ok(db::query_scalar::<i64>(
        "SELECT id FROM chats WHERE agent_id = ? AND status = 'active' ORDER BY assigned_at, id",
    )
    .bind(agent.0)
    .fetch_all(ex.ex())
    .await?
    .into_iter()
    .map(ChatId)
    .collect())
}

/// A visitor's chats waiting or active in a service.
pub(crate) async fn open_of_visitor(
    mut ex: Ex<'_>,
    service: ServiceId,
    visitor: &str,
) -> Result<i64> {
    Ok(db::query_scalar(
        "SELECT COUNT(*) FROM chats WHERE service_id = ? AND visitor_id = ?
           AND status IN ('waiting', 'active')",
    )
    .bind(service.0)
    .bind(visitor)
    .fetch_one(ex.ex())
    .await?)
}

/// The agent of a visitor's latest chat that had one.
pub(crate) async fn recent_agent_of_visitor(
    mut ex: Ex<'_>,
    service: ServiceId,
    visitor: &str,
) -> Result<Option<AgentId>> {
    Ok(db::query_scalar::<i64>(
        "SELECT agent_id FROM chats WHERE service_id = ? AND visitor_id = ? AND agent_id IS NOT NULL
         ORDER BY created_at DESC, id DESC LIMIT 1",
    )
    .bind(service.0)
    .bind(visitor)
    .fetch_optional(ex.ex())
    .await?
    .map(AgentId))
}

/// The chat's language.
pub(crate) async fn locale_of(mut ex: Ex<'_>, chat: ChatId) -> Result<String> {
    Ok(db::query_scalar("SELECT locale FROM chats WHERE id = ?")
        .bind(chat.0)
        .fetch_one(ex.ex())
        .await?)
}
