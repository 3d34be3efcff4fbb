//! The queue and capacity in the store (issue 18): the rows that feed the pure rules
//! of [`crate::routing`], filling free seats from the queue inside a write
//! transaction, and telling waiting customers their place and agents the queue's length.
//!
//! Every assignment runs in the engine's write transaction (one at a time across
//! instances: SQLite's single writer, PostgreSQL's advisory lock), so the queue a pass
//! reads is the queue it changes: no chat is given twice and every instance computes
//! the same positions from the same rows.

use chrono::{DateTime, Duration, Utc};
use shared::{AgentId, ChatId, QueuePlace, ServerMsg, ServiceId};

use super::assignment::assign;
use crate::Engine;
use crate::db::Ex;
use crate::error::Result;
use crate::hub::Topic;
use crate::routing::Candidate;
use crate::routing::queue::{self, Waiting};
use crate::store::{self, chats::chat_row};

pub(super) use crate::store::agents::candidates;
pub(super) use crate::store::chats::waiting;

/// Gives waiting chats to agents with room, in queue order ([`queue::plan`]), inside
/// the caller's write transaction; `except` takes no chat in this pass (the agent who
/// just sent a chat back to the queue). Returns what was assigned, for announcing
/// after the commit.
pub(super) async fn fill_seats(
    mut conn: Ex<'_>,
    service: ServiceId,
    except: Option<AgentId>,
    now: DateTime<Utc>,
) -> Result<Vec<(ChatId, AgentId)>> {
    // the queue first: with nobody waiting (the usual case, e.g. at every end) the
    // agents' loads are not read at all
    let queue = waiting(conn.re(), service).await?;
    if queue.is_empty() {
        return Ok(Vec::new());
    }
    let agents = candidates(conn.re(), service, except).await?;
    assign_from(conn, service, queue, agents, now).await
}

/// [`fill_seats`] with the candidates already read in this transaction (a chat start
/// has them from its "anyone online?" check).
pub(super) async fn fill_seats_of(
    mut conn: Ex<'_>,
    service: ServiceId,
    agents: Vec<Candidate>,
    now: DateTime<Utc>,
) -> Result<Vec<(ChatId, AgentId)>> {
    let queue = waiting(conn.re(), service).await?;
    assign_from(conn, service, queue, agents, now).await
}

/// Plans the queue over the agents ([`queue::plan`]) and assigns what it gives out.
async fn assign_from(
    mut conn: Ex<'_>,
    service: ServiceId,
    queue: Vec<Waiting>,
    mut agents: Vec<Candidate>,
    now: DateTime<Utc>,
) -> Result<Vec<(ChatId, AgentId)>> {
    if queue.is_empty() || !agents.iter().any(Candidate::has_room) {
        return Ok(Vec::new());
    }
    // the hold matters only for chats with a recent agent
    let hold = if queue.iter().any(|w| w.preferred.is_some()) {
        store::services::recent_agent_hold(conn.re(), service).await?
    } else {
        Duration::zero()
    };
    let plan = queue::plan(&queue, &mut agents, hold, now);
    for (chat, agent) in &plan {
        assign(conn.re(), *chat, *agent, now).await?;
    }
    Ok(plan)
}

/// The median handling time (assignment → end) of the service's last 200 handled
/// chats ended within 7 days; read newest first along the history index, so it costs
/// the same at any history size.
async fn median_handling_secs(
    mut conn: Ex<'_>,
    service: ServiceId,
    now: DateTime<Utc>,
) -> Result<Option<i64>> {
    let since = now - Duration::days(7);
    let spans = store::chats::recent_handled(conn.ex(), service, since - Duration::days(1)).await?;
    let samples = spans
        .into_iter()
        .filter(|(_, ended)| *ended >= since)
        .map(|(assigned, ended)| (ended - assigned).num_seconds().max(0))
        .collect();
    Ok(queue::median_secs(samples))
}

/// Every waiting chat's place (same order and figures on every instance).
async fn places(
    mut conn: Ex<'_>,
    service: ServiceId,
    now: DateTime<Utc>,
) -> Result<Vec<(ChatId, QueuePlace)>> {
    let queue = waiting(conn.re(), service).await?;
    if queue.is_empty() {
        return Ok(Vec::new());
    }
    let seats: i64 = candidates(conn.re(), service, None)
        .await?
        .iter()
        .map(|c| c.capacity)
        .sum();
    let median = median_handling_secs(conn.re(), service, now).await?;
    Ok(queue
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let position = i as i64 + 1;
            (
                w.chat_id,
                QueuePlace {
                    position,
                    estimated_wait_secs: queue::estimated_wait_secs(position, median, seats),
                },
            )
        })
        .collect())
}

impl Engine {
    /// Fills free seats from the service's queue in its own write transaction (after a
    /// raised cap, or on the routing tick when a hold ran out); announces only when a
    /// chat moved, since otherwise nobody's place changed.
    pub(crate) async fn route_waiting(&self, service: ServiceId) -> Result<()> {
        let mut tx = self.write_tx().await?;
        let assigned = fill_seats(tx.ex(), service, None, Utc::now()).await?;
        tx.commit().await?;
        if !assigned.is_empty() {
            self.announce_routing(service, &assigned).await;
        }
        Ok(())
    }

    /// Tells each newly assigned agent, then every waiting customer their place and
    /// every agent the queue's length.
    pub(crate) async fn announce_routing(
        &self,
        service: ServiceId,
        assigned: &[(ChatId, AgentId)],
    ) {
        for (chat, agent) in assigned {
            self.announce_assignment(*chat, *agent).await;
        }
        if let Err(e) = self.publish_queue(service, None).await {
            tracing::warn!(error = %e, "could not publish the queue");
        }
    }

    /// `queue.updated` to each waiting customer (or, with `only`, to the one chat that
    /// just joined the tail: nobody else's place changed), `queue.length` to the
    /// service's agents who are not offline.
    pub(crate) async fn publish_queue(
        &self,
        service: ServiceId,
        only: Option<ChatId>,
    ) -> Result<()> {
        let mut conn = self.db.acquire().await?;
        let places = places(conn.ex(), service, Utc::now()).await?;
        let agents = store::agents::not_offline(conn.ex(), service).await?;
        drop(conn);
        let waiting = places.len() as i64;
        for (chat, place) in places {
            if only.is_some_and(|o| o != chat) {
                continue;
            }
            self.hub.publish(
                Topic::Chat(chat),
                ServerMsg::QueueUpdated {
                    chat_id: chat,
                    place,
                },
            );
        }
        for agent in agents {
            self.hub
                .publish(Topic::Agent(agent), ServerMsg::QueueLength { waiting });
        }
        Ok(())
    }

    /// A waiting chat's place in its queue (`None` once it is not waiting).
    pub async fn queue_place(&self, chat: ChatId) -> Result<Option<QueuePlace>> {
        let mut conn = self.db.acquire().await?;
        let row = chat_row(conn.ex(), chat).await?;
        if row.status != shared::ChatStatus::Waiting {
            return Ok(None);
        }
        let places = places(conn.ex(), row.service_id, Utc::now()).await?;
        Ok(places.into_iter().find(|(c, _)| *c == chat).map(|(_, p)| p))
    }
}
