//! Canned replies (상용구, issue 19): every read is scoped to the caller's service, and
//! a personal reply is visible only to its agent (another agent's is "not found").
//! Admins keep the service's replies; any agent keeps their own. Rules are
//! `shared::canned`; the rows are [`crate::store::canned`].

use chrono::Utc;
use shared::canned::MAX_CANNED_PER_OWNER;
use shared::{CannedId, CannedReply, CannedReplyInput};

use crate::Engine;
use crate::caller::Caller;
use crate::error::{Error, Result};
use crate::store::canned as rows;

impl Engine {
    /// The service's replies and the caller's own, by title.
    pub async fn canned_replies(&self, caller: &Caller) -> Result<Vec<CannedReply>> {
        rows::visible(self.db.ex(), caller.service_id(), caller.agent_id()).await
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
        let owner = input.personal.then(|| caller.agent_id());
        let mut tx = self.write_tx().await?;
        if rows::count_of(tx.ex(), caller.service_id(), owner).await? >= MAX_CANNED_PER_OWNER {
            return Err(Error::rule(
                shared::ErrorCode::TooManyCannedReplies,
                format!("at most {MAX_CANNED_PER_OWNER} canned replies each"),
            ));
        }
        let id = rows::insert(tx.ex(), caller.service_id(), owner, &input, Utc::now()).await?;
        tx.commit().await?;
        self.canned_reply(caller, id).await
    }

    /// One reply the caller may see.
    async fn canned_reply(&self, caller: &Caller, id: CannedId) -> Result<CannedReply> {
        rows::one_visible(self.db.ex(), id, caller.service_id(), caller.agent_id())
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
        rows::update(self.db.ex(), id, &input, Utc::now()).await?;
        self.canned_reply(caller, id).await
    }

    pub async fn delete_canned_reply(&self, caller: &Caller, id: CannedId) -> Result<()> {
        self.changeable(caller, id).await?;
        rows::delete(self.db.ex(), id).await
    }
}
