//! Agent presence: an agent whose last console socket closed and stayed closed for the
//! grace period is set offline, which hands their active chats to other online agents
//! (C-AG-9: routing never strands a customer on a closed browser). Agents who never
//! open a socket (API integrations) are not affected.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use shared::{AgentId, AgentStatus};

use crate::Engine;
use crate::auth::Caller;

#[derive(Default)]
pub(crate) struct Presence {
    /// Open sockets per agent, and a generation bumped on every connect so a stale
    /// timer does nothing after a reconnect.
    sockets: Mutex<HashMap<AgentId, (u32, u64)>>,
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
            if e.0 > 0 {
                return;
            }
            e.1
        };
        let engine = self.clone();
        tokio::spawn(async move {
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
            if !still_gone {
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
