//! The `audit_log` table: who did what to which chat or message (never the text).

use chrono::{DateTime, Utc};
use shared::{AgentId, AuditEntry, ChatId, MessageId, ServiceId};

use crate::db::{self, Ex};
use crate::error::Result;

/// A service's newest `limit` entries, newest first.
pub(crate) async fn entries(
    mut ex: Ex<'_>,
    service: ServiceId,
    limit: i64,
) -> Result<Vec<AuditEntry>> {
    db::query(
        "SELECT l.id, l.action, a.name AS agent, l.chat_id, l.message_id, l.detail, l.created_at
         FROM audit_log l LEFT JOIN agents a ON a.id = l.agent_id
         WHERE l.service_id = ? ORDER BY l.created_at DESC, l.id DESC LIMIT ?",
    )
    .bind(service.0)
    .bind(limit)
    .fetch_all(ex.ex())
    .await?
    .iter()
    .map(|r| {
        Ok(AuditEntry {
            id: r.try_get::<i64, _>("id")?.to_string(),
            action: r.try_get("action")?,
            agent: r.try_get("agent")?,
            chat_id: r
                .try_get::<Option<i64>, _>("chat_id")?
                .map(|c| c.to_string()),
            message_id: r
                .try_get::<Option<i64>, _>("message_id")?
                .map(|m| m.to_string()),
            detail: r.try_get("detail")?,
            created_at: r.try_get("created_at")?,
        })
    })
    .collect()
}

/// Records what an agent did (never the text it concerned).
#[allow(clippy::too_many_arguments)]
pub(crate) async fn record(
    mut ex: Ex<'_>,
    service: ServiceId,
    agent: AgentId,
    action: &str,
    chat: Option<ChatId>,
    message: Option<MessageId>,
    detail: Option<&str>,
    now: DateTime<Utc>,
) -> Result<()> {
    db::query("INSERT INTO audit_log (service_id, agent_id, action, chat_id, message_id, detail, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)")
        .bind(service.0)
        .bind(agent.0)
        .bind(action)
        .bind(chat.map(|c| c.0))
        .bind(message.map(|m| m.0))
        .bind(detail)
        .bind(now)
        .execute(ex.ex())
        .await?;
    Ok(())
}

/// Records a service-wide action (erasure, retention) with its counts as detail;
/// `agent` `None` for the server's own runs.
pub(crate) async fn record_service(
    mut ex: Ex<'_>,
    service: ServiceId,
    agent: Option<i64>,
    action: &str,
    detail: &serde_json::Value,
    now: DateTime<Utc>,
) -> Result<()> {
    db::query("INSERT INTO audit_log (service_id, agent_id, action, detail, created_at) VALUES (?, ?, ?, ?, ?)")
        .bind(service.0)
        .bind(agent)
        .bind(action)
        .bind(detail.to_string())
        .bind(now)
        .execute(ex.ex())
        .await?;
    Ok(())
}
