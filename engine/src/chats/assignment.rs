//! Giving a chat to an agent (C-AG-9): the one write every placement ends in — a new
//! chat (intake), a seat filled from the queue (queue) or a hand-over (handover) —
//! with its webhook and the assignment-wait metric. Its own module so the three
//! callers depend on it and not on each other.

use crate::store;
use chrono::{DateTime, Utc};
use shared::{AgentId, ChatId};

use crate::db::Ex;
use crate::error::Result;

/// Gives a chat to an agent (new assignment or hand-over) and stamps the agent.
pub(super) async fn assign(
    mut conn: Ex<'_>,
    chat: ChatId,
    agent: AgentId,
    now: DateTime<Utc>,
) -> Result<()> {
    let row = store::chat_changes::assign(conn.re(), chat, agent, now).await?;
    // a first assignment: how long the customer waited for an agent (metrics)
    if let Some(r) = row {
        crate::webhooks::enqueue(
            conn.re(),
            r.service.0,
            "chat.assigned",
            serde_json::json!({"chat_id": chat.0.to_string(), "agent_id": agent.0.to_string()}),
        )
        .await?;
        let (created, first) = (r.created_at, r.first_assigned_at);
        if first.is_some_and(|f| (f - now).num_milliseconds().abs() < 1) {
            metrics::histogram!("oc_assignment_wait_seconds")
                .record((now - created).num_milliseconds().max(0) as f64 / 1000.0);
        }
    }
    store::agents::mark_assigned(conn.re(), agent, now).await?;
    Ok(())
}
