//! Canned replies (상용구, issue 19). All SQL on `canned_replies` lives here; every
//! query is scoped to the caller's service, and a personal reply is visible only to
//! its agent (another agent's is "not found"). Admins keep the service's replies; any
//! agent keeps their own. Rules are `shared::canned`.

use chrono::Utc;
use shared::canned::MAX_CANNED_PER_OWNER;
use shared::{CannedId, CannedReply, CannedReplyInput};

use crate::Engine;
use crate::caller::Caller;
use crate::db::{self};
use crate::error::{Error, Result};

use crate::store::canned::COLUMNS;

impl Engine {
    /// The service's replies and the caller's own, by title.
    pub async fn canned_replies(&self, caller: &Caller) -> Result<Vec<CannedReply>> {
        db::query(format!(
            "SELECT {COLUMNS} FROM canned_replies
             WHERE service_id = ? AND (agent_id IS NULL OR agent_id = ?) ORDER BY title, id"
        ))
        .bind(caller.service_id().0)
        .bind(caller.agent_id().0)
        .fetch_all_as(self.db.ex())
        .await
    }

    /// Adds a reply: the caller's own, or (admins) the service's.
    pub async fn create_canned_reply(
        &self,
        caller: &Caller,
        input: CannedReplyInput,
    ) -> Result<CannedReply> {
        let input = input.normalized()?;
        if !input.personal {
            caller.require_admin()?;
        }
        let owner = input.personal.then(|| caller.agent_id().0);
        let mut tx = self.write_tx().await?;
        let kept: i64 = db::query_scalar(
            "SELECT COUNT(*) FROM canned_replies WHERE service_id = ? AND agent_id IS NOT DISTINCT FROM ?",
        )
        .bind(caller.service_id().0)
        .bind(owner)
        .fetch_one(tx.ex())
        .await?;
        if kept >= MAX_CANNED_PER_OWNER {
            return Err(Error::rule(
                shared::ErrorCode::TooManyCannedReplies,
                format!("at most {MAX_CANNED_PER_OWNER} canned replies each"),
            ));
        }
        let now = Utc::now();
        let id: i64 = db::query_scalar(
            "INSERT INTO canned_replies (service_id, agent_id, title, shortcut, texts, created_at, updated_at)
             VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(caller.service_id().0)
        .bind(owner)
        .bind(&input.title)
        .bind(&input.shortcut)
        .bind(serde_json::to_string(&input.texts).unwrap_or_default())
        .bind(now)
        .bind(now)
        .fetch_one(tx.ex())
        .await?;
        tx.commit().await?;
        self.canned_reply(caller, CannedId(id)).await
    }

    /// One reply the caller may see.
    async fn canned_reply(&self, caller: &Caller, id: CannedId) -> Result<CannedReply> {
        db::query(format!(
            "SELECT {COLUMNS} FROM canned_replies
             WHERE id = ? AND service_id = ? AND (agent_id IS NULL OR agent_id = ?)"
        ))
        .bind(id.0)
        .bind(caller.service_id().0)
        .bind(caller.agent_id().0)
        .fetch_optional_as(self.db.ex())
        .await?
        .ok_or(Error::NotFound("canned reply"))
    }

    /// A reply the caller may change: their own, or (admins) the service's.
    async fn changeable(&self, caller: &Caller, id: CannedId) -> Result<CannedReply> {
        let reply = self.canned_reply(caller, id).await?;
        if !reply.personal {
            caller.require_admin()?;
        }
        Ok(reply)
    }

    /// Replaces a reply's title, shortcut and texts (whose it is stays).
    pub async fn update_canned_reply(
        &self,
        caller: &Caller,
        id: CannedId,
        input: CannedReplyInput,
    ) -> Result<CannedReply> {
        let input = input.normalized()?;
        self.changeable(caller, id).await?;
        db::query("UPDATE canned_replies SET title = ?, shortcut = ?, texts = ?, updated_at = ? WHERE id = ?")
            .bind(&input.title)
            .bind(&input.shortcut)
            .bind(serde_json::to_string(&input.texts).unwrap_or_default())
            .bind(Utc::now())
            .bind(id.0)
            .execute(self.db.ex())
            .await?;
        self.canned_reply(caller, id).await
    }

    pub async fn delete_canned_reply(&self, caller: &Caller, id: CannedId) -> Result<()> {
        self.changeable(caller, id).await?;
        db::query("DELETE FROM canned_replies WHERE id = ?")
            .bind(id.0)
            .execute(self.db.ex())
            .await?;
        Ok(())
    }
}
