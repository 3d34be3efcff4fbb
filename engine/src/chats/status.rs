//! A chat's and an agent's state: opening (C-HIS-2), ending (C-END-3), the agent's
//! status with hand-over (C-AG-2), and saving customer and consult info (C-AG-7).

use super::access::{check_access, require_assigned};
use super::{handover, queue};
use crate::store::{self, chats::chat_row};
use crate::{Engine, Party};
use chrono::Utc;
use shared::validate;
use shared::{
    AgentId, AgentStatus, Author, ChatDetail, ChatId, ChatStatus, HandoverKind, ServerMsg,
};

use crate::caller::Caller;
use crate::error::{Error, Result};
use crate::hub::Topic;
use crate::routing::pick_agent;

impl Engine {
    /// The agent opened (clicked) the request: recorded once, and everything so far is read.
    pub async fn open_chat(&self, caller: &Caller, chat: ChatId) -> Result<ChatDetail> {
        let mut tx = self.write_tx().await?;
        let row = chat_row(tx.ex(), chat).await?;
        check_access(Party::Agent(caller), &row)?;
        require_assigned(caller, &row)?;
        store::chat_changes::mark_opened(tx.ex(), chat, caller.agent_id(), Utc::now()).await?;
        tx.commit().await?;
        self.publish_counters(caller.agent_id()).await;
        self.agent_read(chat).await;
        self.chat_detail(chat).await
    }

    /// Ends a chat (C-END-3): the customer → `customer_ended` (the agent may still work
    /// on it); the agent → `ended` (it leaves the chat screen).
    pub async fn end_chat(&self, party: Party<'_>, chat: ChatId) -> Result<shared::ChatView> {
        let who = party.author();
        let now = Utc::now();
        let mut tx = self.write_tx().await?;
        let row = chat_row(tx.ex(), chat).await?;
        check_access(party, &row)?;
        if let Party::Agent(caller) = party
            && row.status != ChatStatus::Waiting
        {
            require_assigned(caller, &row)?;
        }
        let next = row.status.after_end(who).ok_or_else(|| {
            Error::conflict(
                shared::ErrorCode::ChatClosed,
                format!("this chat is already {}", row.status.as_str()),
            )
        })?;
        store::chat_changes::set_ended(tx.ex(), chat, next, who == Author::Customer, now).await?;
        // an ended chat's figures join the report rollups in this transaction (issue 20)
        crate::reports::refresh_chat(tx.ex(), chat.0).await?;
        if next == ChatStatus::Ended {
            crate::webhooks::enqueue(
                tx.ex(),
                row.service_id.0,
                "chat.ended",
                serde_json::json!({"chat_id": chat.0.to_string(), "ended_by": who.as_str(),
                                   "agent_id": row.agent_id.map(|a| a.0.to_string())}),
            )
            .await?;
        }
        // a seat freed up: the queue moves at once, in this same transaction (issue 18)
        let assigned = if next == ChatStatus::Ended && row.status.is_open_for_agent() {
            queue::fill_seats(tx.ex(), row.service_id, None, now).await?
        } else {
            Vec::new()
        };
        tx.commit().await?;

        tracing::info!(chat = %chat, by = who.as_str(), status = next.as_str(), "chat ended");
        let event = ServerMsg::ChatEnded {
            chat_id: chat,
            status: next,
            by: who,
        };
        self.hub.publish_chat(chat, row.agent_id, event);
        if let Some(agent) = row.agent_id {
            self.publish_counters(agent).await;
        }
        if !assigned.is_empty() {
            self.announce_routing(row.service_id, &assigned).await;
        } else if row.status == ChatStatus::Waiting {
            // a customer left the queue (abandoned): those behind move up
            self.publish_queue(row.service_id, None).await?;
        }
        Ok(Self::view_for(party, self.chat_detail(chat).await?))
    }

    /// Sets the caller's status (C-AG-2), effective at once. Going offline hands the
    /// caller's active chats to other online agents with room (or back to the queue);
    /// coming online fills the caller's free seats from the queue, in queue order (issue
    /// 18: up to their capacity, not every waiting chat). A break keeps current chats
    /// and only stops new ones.
    pub async fn set_status(&self, caller: &Caller, status: AgentStatus) -> Result<AgentStatus> {
        self.change_status(caller, status, HandoverKind::Offline)
            .await
    }

    /// [`Engine::set_status`] for any agent; `kind` is how hand-overs are recorded
    /// (the agent went offline, or an admin set them so from the routing board).
    pub(crate) async fn change_status(
        &self,
        agent: &Caller,
        status: AgentStatus,
        kind: HandoverKind,
    ) -> Result<AgentStatus> {
        let me = agent.agent_id();
        let service = agent.service_id();
        let now = Utc::now();
        let mut moved: Vec<(ChatId, Option<AgentId>)> = Vec::new();
        let mut tx = self.write_tx().await?;
        // with the reports' log of time online / on a break per agent (issue 20)
        store::agents::set_status(tx.ex(), service, me, status, now).await?;
        if status == AgentStatus::Offline {
            for chat in store::chats::active_of(tx.ex(), me).await? {
                let next = pick_agent(&queue::candidates(tx.ex(), service, Some(me)).await?, None);
                handover::move_chat(tx.ex(), chat, Some(me), next, kind, None, now).await?;
                moved.push((chat, next));
            }
        }
        // coming online takes seats from the queue; going offline may have put chats
        // back in it, which others with room now take
        let assigned = if status == AgentStatus::Break || !agent.chat_permission() {
            Vec::new()
        } else {
            queue::fill_seats(tx.ex(), service, None, now).await?
        };
        tx.commit().await?;

        tracing::info!(agent = %me, status = status.as_str(), moved = moved.len(), "agent status");
        for (chat, to) in &moved {
            self.hub.publish(
                Topic::Agent(me),
                ServerMsg::ChatUnassigned {
                    chat_id: *chat,
                    reason: Some(kind),
                },
            );
            match to {
                Some(agent) => self.announce_assignment(*chat, *agent).await,
                // back in the queue (the pass below may give it out again)
                None => self.publish_chat_updated(*chat).await,
            }
        }
        // positions change when chats came back to the queue or left it
        if !assigned.is_empty() || moved.iter().any(|(_, to)| to.is_none()) {
            self.announce_routing(service, &assigned).await;
        }
        self.publish_counters(me).await;
        Ok(status)
    }

    /// The Save button (C-AG-7): replaces customer info (name, email, memo) and the
    /// handling type in one write. Any agent of the service may save (live, and later
    /// from chat history); empty values clear a field.
    pub async fn save_chat_info(
        &self,
        caller: &Caller,
        chat: ChatId,
        info: shared::ChatInfoUpdate,
    ) -> Result<ChatDetail> {
        info.validate()?;
        let clean = |s: &Option<String>| {
            s.as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
        };
        let mut tx = self.write_tx().await?;
        let row = chat_row(tx.ex(), chat).await?;
        check_access(Party::Agent(caller), &row)?;
        if let Some(category) = info.consult.category_id {
            self.choosable_category(tx.ex(), caller, category).await?;
        }
        store::chat_changes::set_info(
            tx.ex(),
            chat,
            &store::chat_changes::ChatInfo {
                customer_name: clean(&info.customer.name),
                customer_email: clean(&info.customer.email).map(|e| validate::normalize_email(&e)),
                customer_memo: info.customer.memo.clone().filter(|m| !m.trim().is_empty()),
                category: info.consult.category_id,
            },
        )
        .await?;
        // a handling type changed after the end moves the chat in the reports
        crate::reports::refresh_chat(tx.ex(), chat.0).await?;
        tx.commit().await?;
        let detail = self.chat_detail(chat).await?;
        if let Some(agent) = row.agent_id
            && row.status.is_open_for_agent()
            && let Ok(item) = self.agent_chat_item(chat).await
        {
            // the live list shows the customer's name; a chat saved from history after
            // it ended must not come back into the agent's list
            self.hub
                .publish(Topic::Agent(agent), ServerMsg::ChatAssigned { chat: item });
        }
        Ok(detail)
    }
}
