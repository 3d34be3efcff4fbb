//! What agents and customers read of chats: the agent's list and 대화중 counters
//! (coalesced during bursts), one chat's detail and the view a party may see.

use super::handover;
use super::rows::{category_path, chat_agent, chat_row, check_access, display_name};
use crate::{Engine, Party, db};
use chrono::{DateTime, Utc};
use shared::{
    AgentChatItem, AgentChats, AgentId, AgentStatus, ChatConsult, ChatCustomer, ChatCustomerName,
    ChatDetail, ChatId, ChatStatus, ServerMsg,
};

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

    /// Each agent's 대화중 count, unread total and status: one indexed sum over their
    /// open chats' `unread` columns (issue 16: not the whole list). The sum is cast:
    /// PostgreSQL answers `SUM(bigint)` as `numeric`.
    async fn agent_counters(&self, agents: &[AgentId]) -> Result<Vec<(AgentId, ServerMsg)>> {
        if agents.is_empty() {
            return Ok(Vec::new());
        }
        let marks = vec!["?"; agents.len()].join(", ");
        let mut q = db::query(format!(
            "SELECT a.id, a.status, COALESCE(a.capacity, s.agent_capacity) AS capacity,
                    (SELECT COUNT(*) FROM chats c WHERE c.service_id = a.service_id AND c.status = 'waiting') AS waiting,
                    (SELECT COUNT(*) FROM chats c WHERE c.agent_id = a.id
                       AND c.status IN ('active', 'customer_ended')) AS open_count,
                    (SELECT CAST(COALESCE(SUM(c.unread), 0) AS BIGINT) FROM chats c WHERE c.agent_id = a.id
                       AND c.status IN ('active', 'customer_ended')) AS unread
             FROM agents a JOIN services s ON s.id = a.service_id WHERE a.id IN ({marks})"
        ));
        for agent in agents {
            q = q.bind(agent.0);
        }
        q.fetch_all(self.db.ex())
            .await?
            .iter()
            .map(|r| {
                Ok((
                    AgentId(r.try_get("id")?),
                    ServerMsg::AgentCounters {
                        open_count: r.try_get("open_count")?,
                        unread: r.try_get("unread")?,
                        status: AgentStatus::parse(r.try_get("status")?)
                            .unwrap_or(AgentStatus::Offline),
                        capacity: r.try_get("capacity")?,
                        waiting: r.try_get("waiting")?,
                    },
                ))
            })
            .collect()
    }

    pub(super) async fn agent_chat_items(
        &self,
        filter: &str,
        bind: i64,
    ) -> Result<Vec<AgentChatItem>> {
        let sql = format!(
            "SELECT c.id, c.customer_name, c.status, c.assigned_at, c.opened_at, c.last_seq, c.channel,
                    c.unread,
                    (SELECT m.text FROM messages m WHERE m.chat_id = c.id ORDER BY m.seq DESC LIMIT 1) AS last_message
             FROM chats c WHERE {filter} ORDER BY c.assigned_at, c.id"
        );
        let rows = db::query(&sql).bind(bind).fetch_all(self.db.ex()).await?;
        rows.iter()
            .map(|r| {
                let id: i64 = r.try_get("id")?;
                Ok(AgentChatItem {
                    id: ChatId(id),
                    customer: ChatCustomerName {
                        name: display_name(id, r.try_get("customer_name")?),
                    },
                    status: ChatStatus::parse(r.try_get("status")?).unwrap_or(ChatStatus::Active),
                    unread: r.try_get("unread")?,
                    assigned_at: r.try_get("assigned_at")?,
                    opened: r
                        .try_get::<Option<DateTime<Utc>>, _>("opened_at")?
                        .is_some(),
                    last_message: r.try_get("last_message")?,
                    last_seq: r.try_get("last_seq")?,
                    channel: r.try_get("channel")?,
                })
            })
            .collect()
    }

    pub(super) async fn agent_chat_item(&self, chat: ChatId) -> Result<AgentChatItem> {
        self.agent_chat_items("c.id = ?", chat.0)
            .await?
            .into_iter()
            .next()
            .ok_or(Error::NotFound("chat"))
    }

    pub(super) async fn agent_chats_of(&self, agent: AgentId) -> Result<AgentChats> {
        let chats = self
            .agent_chat_items(
                "c.agent_id = ? AND c.status IN ('active', 'customer_ended')",
                agent.0,
            )
            .await?;
        let r = db::query(
            "SELECT a.status, s.contract_security, COALESCE(a.capacity, s.agent_capacity) AS capacity,
                    (SELECT COUNT(*) FROM chats c WHERE c.service_id = a.service_id AND c.status = 'waiting') AS waiting
             FROM agents a JOIN services s ON s.id = a.service_id WHERE a.id = ?",
        )
            .bind(agent.0)
            .fetch_one(self.db.ex())
            .await?;
        let status: String = r.try_get("status")?;
        Ok(AgentChats {
            security_service: r.try_get("contract_security")?,
            open_count: chats.len() as i64,
            status: AgentStatus::parse(&status).unwrap_or(AgentStatus::Offline),
            chats,
            capacity: r.try_get("capacity")?,
            waiting: r.try_get("waiting")?,
        })
    }

    /// The caller's chat screen: open chats (active or customer-ended) and the count.
    pub async fn agent_chats(&self, caller: &Caller) -> Result<AgentChats> {
        self.agent_chats_of(caller.agent_id()).await
    }

    pub(super) async fn chat_detail(&self, chat: ChatId) -> Result<ChatDetail> {
        let r = db::query(
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
        .fetch_optional(self.db.ex())
        .await?
        .ok_or(Error::NotFound("chat"))?;
        let id: i64 = r.try_get("id")?;
        let category_path = category_path(&r)?;
        let handovers = handover::handovers_of(self.db.ex(), chat).await?;
        Ok(ChatDetail {
            id: ChatId(id),
            status: ChatStatus::parse(r.try_get("status")?).unwrap_or(ChatStatus::Ended),
            handled: r.try_get("handled")?,
            customer: ChatCustomer {
                name: display_name(id, r.try_get("customer_name")?),
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
                category_path,
            },
            agent: chat_agent(&r)?,
            rating: r.try_get("rating")?,
            rating_comment: r.try_get("rating_comment")?,
            locale: r.try_get("locale")?,
            created_at: r.try_get("created_at")?,
            assigned_at: r.try_get("assigned_at")?,
            opened_at: r.try_get("opened_at")?,
            ended_at: r.try_get("ended_at")?,
            last_seq: r.try_get("last_seq")?,
            handovers,
            agent_read_seq: r.try_get("agent_read_seq")?,
            customer_read_seq: r.try_get("customer_read_seq")?,
            files: crate::files::rules_of(&r)?,
        })
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
