//! Chats changing hands (issue 18): an agent transferring a chat (to another agent or
//! back to the queue, with a note the receiver reads), re-routing a chat its agent has
//! not answered in time, and the record of every change of hands that the chat's
//! history shows in order. The customer reads "상담원이 변경되었습니다" whenever a new
//! agent takes over.

use crate::store;
use chrono::{DateTime, Duration, Utc};
use shared::{
    AgentId, Author, ChatDetail, ChatId, ChatStatus, HandoverKind, Message, Role, ServerMsg,
    ServiceId, TransferRequest,
};

use super::access::{check_access, require_assigned};
use super::assignment::assign;
use super::queue;
use crate::caller::Caller;
use crate::db::Ex;
use crate::error::{Error, Result};
use crate::hub::Topic;
use crate::routing::{pick_agent, reroute};
use crate::store::chats::chat_row;
use crate::store::messages::append_message;
use crate::{Engine, Party};

/// How often the routing tick looks for unanswered chats and expired holds.
pub(crate) const ROUTING_TICK: std::time::Duration = std::time::Duration::from_secs(2);

/// Moves a chat to `to` (assigned afresh) or, with `None`, back to the queue, and
/// records the change of hands.
pub(super) async fn move_chat(
    mut conn: Ex<'_>,
    chat: ChatId,
    from: Option<AgentId>,
    to: Option<AgentId>,
    kind: HandoverKind,
    note: Option<&str>,
    now: DateTime<Utc>,
) -> Result<()> {
    match to {
        Some(agent) => assign(conn.re(), chat, agent, now).await?,
        None => {
            store::chat_changes::requeue(conn.re(), chat).await?;
        }
    }
    store::chat_changes::log_handover(conn.re(), chat, kind, from, to, note, now).await?;
    Ok(())
}

/// The customer's "your agent changed" line, in the chat's language.
async fn agent_changed_line(mut conn: Ex<'_>, chat: ChatId, now: DateTime<Utc>) -> Result<Message> {
    let locale = store::chats::locale_of(conn.re(), chat).await?;
    let texts = shared::i18n::Locale::parse(&locale)
        .unwrap_or_default()
        .texts();
    append_message(
        conn,
        chat,
        Author::System,
        None,
        None,
        texts.routing.agent_changed,
        now,
    )
    .await
}

pub(super) use crate::store::chats::handovers as handovers_of;

/// Whether an agent of the service can be handed a chat by name: online, active and
/// with the chat permission (capacity does not stop an explicit choice).
async fn require_available(mut conn: Ex<'_>, service: ServiceId, agent: AgentId) -> Result<()> {
    let can = crate::store::agents::can_take_chats(conn.ex(), service, agent)
        .await?
        .ok_or(Error::NotFound("agent"))?;
    if can {
        Ok(())
    } else {
        Err(Error::conflict(
            shared::ErrorCode::AgentUnavailable,
            "that agent is not online to take chats",
        ))
    }
}

impl Engine {
    /// Hands an active chat on (issue 18): to another online agent of the service (even
    /// one at capacity: an explicit choice), or with no agent back to the queue, where
    /// anyone else with room takes it. The chat's agent may transfer it; so may an admin.
    /// The note is kept with the chat's hand-overs for the receiver.
    pub async fn transfer_chat(
        &self,
        caller: &Caller,
        chat: ChatId,
        req: TransferRequest,
    ) -> Result<ChatDetail> {
        req.validate()?;
        let note = req.note.as_deref().map(str::trim).filter(|n| !n.is_empty());
        let now = Utc::now();
        let mut tx = self.write_tx().await?;
        let row = chat_row(tx.ex(), chat).await?;
        check_access(Party::Agent(caller), &row)?;
        if caller.role() != Role::Admin {
            require_assigned(caller, &row)?;
        }
        if row.status != ChatStatus::Active {
            return Err(Error::conflict(
                shared::ErrorCode::ChatNotActive,
                format!(
                    "only an active chat can be transferred; this one is {}",
                    row.status.as_str()
                ),
            ));
        }
        let from = row.agent_id;
        if let Some(to) = req.to_agent_id {
            if Some(to) == from {
                return Err(Error::rule(
                    shared::ErrorCode::SameAgent,
                    "the chat is already this agent's",
                ));
            }
            require_available(tx.ex(), row.service_id, to).await?;
        }
        move_chat(
            tx.ex(),
            chat,
            from,
            req.to_agent_id,
            HandoverKind::Transfer,
            note,
            now,
        )
        .await?;
        let line = match req.to_agent_id {
            Some(_) => Some(agent_changed_line(tx.ex(), chat, now).await?),
            None => None,
        };
        // back in the queue: whoever else has room takes it (not the agent who sent it)
        let assigned = match req.to_agent_id {
            None => queue::fill_seats(tx.ex(), row.service_id, from, now).await?,
            Some(_) => Vec::new(),
        };
        tx.commit().await?;

        tracing::info!(chat = %chat, from = ?from, to = ?req.to_agent_id, "chat transferred");
        self.after_handover(chat, from, req.to_agent_id, HandoverKind::Transfer, line)
            .await;
        if req.to_agent_id.is_none() {
            // back in the queue: its place, and whoever took it, are news
            self.announce_routing(row.service_id, &assigned).await;
        }
        self.chat_detail(chat).await
    }

    /// After a change of hands is committed: the old agent loses the chat, the new one
    /// gets it, and the customer and the new agent read the "agent changed" line.
    async fn after_handover(
        &self,
        chat: ChatId,
        from: Option<AgentId>,
        to: Option<AgentId>,
        kind: HandoverKind,
        line: Option<Message>,
    ) {
        if let Some(from) = from {
            self.hub.publish(
                Topic::Agent(from),
                ServerMsg::ChatUnassigned {
                    chat_id: chat,
                    reason: Some(kind),
                },
            );
            self.publish_counters(from).await;
        }
        match to {
            Some(agent) => self.announce_assignment(chat, agent).await,
            None => self.publish_chat_updated(chat).await,
        }
        if let Some(message) = line {
            self.hub.publish_chat(
                chat,
                to,
                ServerMsg::MessageCreated {
                    chat_id: chat,
                    message,
                },
            );
        }
    }

    /// Re-routes every chat whose agent has not answered within its service's
    /// re-routing time (issue 18): to the next free agent, else back to the head of the
    /// queue. Each move re-checks the chat in its own write transaction, so instances
    /// ticking at once never move a chat twice. Returns how many moved.
    pub(crate) async fn reroute_unanswered(&self) -> Result<usize> {
        let now = Utc::now();
        let min_after = Duration::seconds(*shared::routing::REROUTE_RANGE.start());
        let rows = store::chats::reroute_candidates(self.db.ex(), now - min_after).await?;
        let mut moved = 0;
        for (chat, after_secs) in rows {
            let after = Duration::seconds(after_secs);
            if self.reroute_one(chat, after).await? {
                moved += 1;
            }
        }
        Ok(moved)
    }

    async fn reroute_one(&self, chat: ChatId, after: Duration) -> Result<bool> {
        let now = Utc::now();
        let mut tx = self.write_tx().await?;
        let Some(r) = store::chats::unanswered(tx.ex(), chat).await? else {
            return Ok(false);
        };
        let (Some(from), Some(assigned_at)) = (r.agent, r.assigned_at) else {
            return Ok(false);
        };
        if !reroute::due(Some(after), assigned_at, r.replied, now) {
            return Ok(false);
        }
        let service = r.service;
        let to = pick_agent(
            &queue::candidates(tx.ex(), service, Some(from)).await?,
            None,
        );
        move_chat(
            tx.ex(),
            chat,
            Some(from),
            to,
            HandoverKind::Reroute,
            None,
            now,
        )
        .await?;
        let line = match to {
            Some(_) => Some(agent_changed_line(tx.ex(), chat, now).await?),
            None => None,
        };
        tx.commit().await?;
        tracing::info!(chat = %chat, from = %from, to = ?to, "unanswered chat re-routed");
        self.after_handover(chat, Some(from), to, HandoverKind::Reroute, line)
            .await;
        if to.is_none() {
            self.publish_queue(service, None).await?;
        }
        Ok(true)
    }

    /// Fills seats of every service with chats waiting (a recent-agent hold may have
    /// run out); announces only when something moved.
    pub(crate) async fn fill_waiting_seats(&self) -> Result<()> {
        for service in store::services::with_waiting_chats(self.db.ex()).await? {
            self.route_waiting(service).await?;
        }
        Ok(())
    }
}

/// The routing tick (a background task): every [`ROUTING_TICK`], unanswered chats move
/// on and expired holds release their chats.
pub(crate) async fn routing_ticks(engine: Engine) {
    let mut every = tokio::time::interval(ROUTING_TICK);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        every.tick().await;
        if let Err(e) = engine.reroute_unanswered().await {
            tracing::warn!(error = %e, "could not re-route unanswered chats");
        }
        if let Err(e) = engine.fill_waiting_seats().await {
            tracing::warn!(error = %e, "could not fill seats from the queue");
        }
    }
}
