//! The `agent_sockets` table (several instances): how many console sockets each agent
//! has open on each instance, refreshed by each instance's heartbeat, so an agent is
//! taken offline only when no instance holds a socket of theirs (issue 10).

use chrono::{DateTime, Utc};
use shared::AgentId;

use crate::db::{self, Ex};
use crate::error::Result;

/// This instance holds `sockets` sockets of the agent now.
pub(crate) async fn record(
    mut ex: Ex<'_>,
    instance: &str,
    agent: AgentId,
    sockets: i64,
    now: DateTime<Utc>,
) -> Result<()> {
    db::query(
        "INSERT INTO agent_sockets (instance, agent_id, sockets, seen_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (agent_id, instance) DO UPDATE SET sockets = excluded.sockets, seen_at = excluded.seen_at",
    )
    .bind(instance)
    .bind(agent.0)
    .bind(sockets)
    .bind(now)
    .execute(ex.ex())
    .await?;
    Ok(())
}

/// Forgets the rows of instances not seen since `before`.
pub(crate) async fn forget_before(mut ex: Ex<'_>, before: DateTime<Utc>) -> Result<()> {
    db::query("DELETE FROM agent_sockets WHERE seen_at < ?")
        .bind(before)
        .execute(ex.ex())
        .await?;
    Ok(())
}

/// This instance's heartbeat: its rows are current.
pub(crate) async fn touch(mut ex: Ex<'_>, instance: &str, now: DateTime<Utc>) -> Result<()> {
    db::query("UPDATE agent_sockets SET seen_at = ? WHERE instance = ?")
        .bind(now)
        .bind(instance)
        .execute(ex.ex())
        .await?;
    Ok(())
}

/// How many other instances hold a socket of the agent, seen since `since`.
pub(crate) async fn elsewhere(
    mut ex: Ex<'_>,
    agent: AgentId,
    instance: &str,
    since: DateTime<Utc>,
) -> Result<i64> {
    Ok(db::query_scalar(
        "SELECT COUNT(*) FROM agent_sockets WHERE agent_id = ? AND instance <> ? AND sockets > 0 AND seen_at >= ?",
    )
    .bind(agent.0)
    .bind(instance)
    .bind(since)
    .fetch_one(ex.ex())
    .await?)
}
