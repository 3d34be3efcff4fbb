//! What agents and customers read of chats: the agent's list and 대화중 counters
//! (coalesced during bursts), one chat's detail and the view a party may see.

use super::access::check_access;
use super::handover;
use crate::store::{self, chats::ListOf, chats::chat_row};
use crate::{Engine, Party};
use shared::{AgentChatItem, AgentChats, AgentId, ChatDetail, ChatId, ChatStatus, ServerMsg};

use crate::caller::Caller;
use crate::error::{Error, Result};
use crate::hub::Topic;

/// How long counters wait to gather a burst of customer messages.
pub(crate) const COUNTERS_DELAY: std::time::Duration = std::time::Duration::from_millis(50);

impl Engine {
    /// Counters after a customer message, coalesced: during a burst an agent gets one
    /// `agent.counters` per [`COUNTERS_DELAY`] instead of one per message, and every
    /// agent due in that time is answered by one query (issue 16: one read per burst,
    /// not one per agent — each read after a commit reloads its connection's pages),
    /// computed from what is committed then.
    pub(crate) fn publish_counters_soon(&self, agent: AgentId) {
        let first = {
            let mut due = self.counters_due.lock().expect("counters set");
            let first = due.is_empty();
            due.insert(agent);
            first
        };
        if first {
            let engine = self.clone();
            self.spawn_background(async move {
                tokio::time::sleep(COUNTERS_DELAY).await;
                // taken before the read: a message committed meanwhile schedules anew
                let agents: Vec<AgentId> = engine
                    .counters_due
                    .lock()
                    .expect("counters set")
                    .drain()
                    .collect();
                engine.publish_counters_of(&agents).await;
            });
        }
    }

    /// Sends an agent their current 대화중 count and unread total.
    pub(crate) async fn publish_counters(&self, agent: AgentId) {
        self.publish_counters_of(&[agent]).await;
    }

    /// [`Engine::publish_counters`] for several agents, in one query.
    async fn publish_counters_of(&self, agents: &[AgentId]) {
        match self.agent_counters(agents).await {
            Ok(counters) => {
                for (agent, counters) in counters {
                    self.hub.publish(Topic::Agent(agent), counters);
                }
            }
            Err(e) => tracing::warn!(error = %e, "could not compute agent counters"),
        }
    }

    /// Each agent's 대화중 count, unread total and status, in one query.
    async fn agent_counters(&self, agents: &[AgentId]) -> Result<Vec<(AgentId, ServerMsg)>> {
        Ok(store::agents::counters(self.db.ex(), agents)
            .await?
            .into_iter()
            .map(|c| {
                (
                    c.id,
                    ServerMsg::AgentCounters {
                        open_count: c.open_count,
                        unread: c.unread,
                        status: c.status,
                        capacity: c.capacity,
                        waiting: c.waiting,
                    },
                )
            })
            .collect())
    }

    pub(super) async fn agent_chat_item(&self, chat: ChatId) -> Result<AgentChatItem> {
        store::chats::agent_chat_items(self.db.ex(), ListOf::Chat(chat))
            .await?
            .into_iter()
            .next()
            .ok_or(Error::NotFound("chat"))
    }

    pub(super) async fn agent_chats_of(&self, agent: AgentId) -> Result<AgentChats> {
        let chats = store::chats::agent_chat_items(self.db.ex(), ListOf::OpenOf(agent)).await?;
        let desk = store::agents::desk(self.db.ex(), agent).await?;
        Ok(AgentChats {
            security_service: desk.security_service,
            open_count: chats.len() as i64,
            status: desk.status,
            chats,
            capacity: desk.capacity,
            waiting: desk.waiting,
        })
    }

    /// The caller's chat screen: open chats (active or customer-ended) and the count.
    pub async fn agent_chats(&self, caller: &Caller) -> Result<AgentChats> {
        self.agent_chats_of(caller.agent_id()).await
    }

    pub(super) async fn chat_detail(&self, chat: ChatId) -> Result<ChatDetail> {
        let mut detail = store::chats::detail(self.db.ex(), chat).await?;
        detail.handovers = handover::handovers_of(self.db.ex(), chat).await?;
        Ok(detail)
    }

    /// One chat's whole detail, for an agent of its service (or the engine itself).
    pub(crate) async fn chat(&self, party: Party<'_>, chat: ChatId) -> Result<ChatDetail> {
        let mut conn = self.db.acquire().await?;
        check_access(party, &chat_row(conn.ex(), chat).await?)?;
        drop(conn);
        self.chat_detail(chat).await
    }

    /// One chat as `party` may see it (issue 15): agents the whole detail, its customer
    /// their own view — decided here, so no edge can hand a customer the agents' data.
    pub async fn chat_view(&self, party: Party<'_>, chat: ChatId) -> Result<shared::ChatView> {
        let detail = self.chat(party, chat).await?;
        let waiting = detail.status == ChatStatus::Waiting;
        let mut view = Self::view_for(party, detail);
        if let (shared::ChatView::Customer(v), true) = (&mut view, waiting) {
            v.queue = self.queue_place(chat).await?;
        }
        Ok(view)
    }

    /// A chat as `party` may see it: the customer never gets the agents' detail.
    pub(super) fn view_for(party: Party<'_>, detail: ChatDetail) -> shared::ChatView {
        match party {
            Party::Agent(_) => shared::ChatView::Agent(Box::new(detail)),
            Party::Customer(_) => shared::ChatView::Customer((&detail).into()),
        }
    }
}
