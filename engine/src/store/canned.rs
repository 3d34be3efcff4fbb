//! The `canned_replies` table: a reply with its text per language; personal when it
//! has an agent.

use chrono::{DateTime, Utc};
use shared::{AgentId, CannedId, CannedReply, CannedReplyInput, ServiceId};

use super::columns;
use crate::db::{self, Ex, FromRow, Row};
use crate::error::Result;

impl FromRow for CannedReply {
    fn from_row(r: &Row) -> Result<CannedReply> {
        let texts = columns::text_map(r.try_get("texts")?);
        Ok(CannedReply {
            id: CannedId(r.try_get("id")?),
            title: r.try_get("title")?,
            shortcut: r.try_get("shortcut")?,
            texts,
            personal: r.try_get::<Option<i64>, _>("agent_id")?.is_some(),
        })
    }
}

/// The columns of a [`CannedReply`].
pub(crate) const COLUMNS: &str = "id, title, shortcut, texts, agent_id";

/// A service's replies and `agent`'s own, by title.
pub(crate) async fn visible(
    mut ex: Ex<'_>,
    service: ServiceId,
    agent: AgentId,
) -> Result<Vec<CannedReply>> {
    db::query(format!(
        "SELECT {COLUMNS} FROM canned_replies
         WHERE service_id = ? AND (agent_id IS NULL OR agent_id = ?) ORDER BY title, id"
    ))
    .bind(service.0)
    .bind(agent.0)
    .fetch_all_as(ex.ex())
    .await
}

/// One reply `agent` may see.
pub(crate) async fn one_visible(
    mut ex: Ex<'_>,
    id: CannedId,
    service: ServiceId,
    agent: AgentId,
) -> Result<Option<CannedReply>> {
    db::query(format!(
        "SELECT {COLUMNS} FROM canned_replies
         WHERE id = ? AND service_id = ? AND (agent_id IS NULL OR agent_id = ?)"
    ))
    .bind(id.0)
    .bind(service.0)
    .bind(agent.0)
    .fetch_optional_as(ex.ex())
    .await
}

/// How many replies an owner keeps (`None`: the service's own).
pub(crate) async fn count_of(
    mut ex: Ex<'_>,
    service: ServiceId,
    owner: Option<AgentId>,
) -> Result<i64> {
    Ok(db::query_scalar(
        "SELECT COUNT(*) FROM canned_replies WHERE service_id = ? AND agent_id IS NOT DISTINCT FROM ?",
    )
    .bind(service.0)
    .bind(owner.map(|a| a.0))
    .fetch_one(ex.ex())
    .await?)
}

/// Stores a new reply (`owner` `None`: the service's).
pub(crate) async fn insert(
    mut ex: Ex<'_>,
    service: ServiceId,
    owner: Option<AgentId>,
    input: &CannedReplyInput,
    now: DateTime<Utc>,
) -> Result<CannedId> {
    let id: i64 = db::query_scalar(
        "INSERT INTO canned_replies (service_id, agent_id, title, shortcut, texts, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(service.0)
    .bind(owner.map(|a| a.0))
    .bind(&input.title)
    .bind(&input.shortcut)
    .bind(serde_json::to_string(&input.texts).unwrap_or_default())
    .bind(now)
    .bind(now)
    .fetch_one(ex.ex())
    .await?;
    Ok(CannedId(id))
}

/// Replaces a reply's title, shortcut and texts.
pub(crate) async fn update(
    mut ex: Ex<'_>,
    id: CannedId,
    input: &CannedReplyInput,
    now: DateTime<Utc>,
) -> Result<()> {
    db::query(
        "UPDATE canned_replies SET title = ?, shortcut = ?, texts = ?, updated_at = ? WHERE id = ?",
    )
    .bind(&input.title)
    .bind(&input.shortcut)
    .bind(serde_json::to_string(&input.texts).unwrap_or_default())
    .bind(now)
    .bind(id.0)
    .execute(ex.ex())
    .await?;
    Ok(())
}

pub(crate) async fn delete(mut ex: Ex<'_>, id: CannedId) -> Result<()> {
    db::query("DELETE FROM canned_replies WHERE id = ?")
        .bind(id.0)
        .execute(ex.ex())
        .await?;
    Ok(())
}
