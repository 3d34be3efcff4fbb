//! Agent presence: an agent whose last console socket closed and stayed closed for the
//! grace period is set offline, which hands their active chats to other online agents
//! (C-AG-9: routing never strands a customer on a closed browser). Agents who never
//! open a socket (API integrations) are not affected.
//!
//! With several instances on PostgreSQL each one also records its socket count per
//! agent in `agent_sockets` (written by one task, in order) and refreshes `seen_at`
//! every [`HEARTBEAT`]; an instance whose last socket of an agent closed sets the agent
//! offline only when no other live instance holds one.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use shared::{AgentId, AgentStatus};

use crate::Engine;
use crate::caller::Caller;

/// How often an instance refreshes its `agent_sockets` rows.
const HEARTBEAT: Duration = Duration::from_secs(20);
/// Rows not refreshed for this long belong to a stopped instance and count for nothing.
const STALE_SECS: f64 = 60.0;

#[derive(Default)]
pub(crate) struct Presence {
    /// Open sockets per agent, and a generation bumped on every connect so a stale
    /// timer does nothing after a reconnect.
    sockets: Mutex<HashMap<AgentId, (u32, u64)>>,
    /// Agents whose count changed, for the task that mirrors counts into
    /// `agent_sockets` (set only with PostgreSQL).
    sync: std::sync::OnceLock<tokio::sync::mpsc::UnboundedSender<AgentId>>,
}

impl Presence {
    fn count(&self, agent: AgentId) -> u32 {
        self.sockets
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&agent)
            .map_or(0, |e| e.0)
    }

    fn changed(&self, agent: AgentId) {
        if let Some(tx) = self.sync.get() {
            let _ = tx.send(agent);
        }
    }
}

/// Starts mirroring this instance's socket counts into `agent_sockets` (PostgreSQL).
pub(crate) fn start_sync(engine: &Engine) {
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<AgentId>();
    if engine.presence.sync.set(tx).is_err() {
        return;
    }
    let task_engine = engine.clone();
    let engine = task_engine.clone();
    task_engine.spawn_background(async move {
        let mut beat = tokio::time::interval(HEARTBEAT);
        loop {
            let written = tokio::select! {
                agent = rx.recv() => {
                    let Some(agent) = agent else { return };
                    let n = engine.presence.count(agent);
                    crate::store::sockets::record(
                        engine.db.ex(),
                        &engine.instance,
                        agent,
                        i64::from(n),
                        chrono::Utc::now(),
                    )
                    .await
                }
                _ = beat.tick() => {
                    let now = chrono::Utc::now();
                    // rows of instances gone for an hour are only clutter
                    let _ = crate::store::sockets::forget_before(
                        engine.db.ex(),
                        now - chrono::Duration::hours(1),
                    )
                    .await;
                    crate::store::sockets::touch(engine.db.ex(), &engine.instance, now).await
                }
            };
            if let Err(e) = written {
                tracing::warn!(error = %e, "could not record console sockets");
            }
        }
    });
}

impl Engine {
    /// A console socket of this agent opened.
    pub fn agent_connected(&self, caller: &Caller) {
        let mut map = self
            .presence
            .sockets
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        let e = map.entry(caller.agent_id()).or_insert((0, 0));
        e.0 += 1;
        e.1 += 1;
        drop(map);
        self.presence.changed(caller.agent_id());
    }

    /// A console socket closed; after `grace` with none reopened, an online agent goes
    /// offline (a break is left alone: the agent said they are away).
    pub fn agent_disconnected(&self, caller: Caller, grace: Duration) {
        let generation = {
            let mut map = self
                .presence
                .sockets
                .lock()
                .unwrap_or_else(|p| p.into_inner());
            let Some(e) = map.get_mut(&caller.agent_id()) else {
                return;
            };
            e.0 = e.0.saturating_sub(1);
            let left = e.0;
            let generation = e.1;
            drop(map);
            self.presence.changed(caller.agent_id());
            if left > 0 {
                return;
            }
            generation
        };
        let engine = self.clone();
        self.spawn_background(async move {
            tokio::time::sleep(grace).await;
            let still_gone = {
                let map = engine
                    .presence
                    .sockets
                    .lock()
                    .unwrap_or_else(|p| p.into_inner());
                map.get(&caller.agent_id())
                    .is_some_and(|e| e.0 == 0 && e.1 == generation)
            };
            if !still_gone || engine.sockets_elsewhere(caller.agent_id()).await {
                return;
            }
            match engine.profile(&caller).await {
                Ok(p) if p.status == AgentStatus::Online => {
                    tracing::info!(agent = %caller.agent_id(), "no console open: setting the agent offline");
                    if let Err(e) = engine.set_status(&caller, AgentStatus::Offline).await {
                        tracing::warn!(error = %e, "could not set an absent agent offline");
                    }
                }
                _ => {}
            }
        });
    }
}

impl Engine {
    /// Whether another live instance holds a console socket of the agent (always false
    /// on SQLite, which is one process).
    async fn sockets_elsewhere(&self, agent: AgentId) -> bool {
        if self.topology == crate::Topology::Single {
            return false;
        }
        let stale =
            chrono::Utc::now() - chrono::Duration::milliseconds((STALE_SECS * 1000.0) as i64);
        let n = crate::store::sockets::elsewhere(self.db.ex(), agent, &self.instance, stale).await;
        // when unsure, keep the agent online: another instance's timer still runs
        n.map_or(true, |n| n > 0)
    }
}
