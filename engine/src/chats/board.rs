//! The routing board (issue 18): every agent of the service with status, load and
//! cap, and the queue in order — the supervisor's view and the transfer list — and an
//! admin setting an agent's status from it.

use chrono::Utc;
use shared::{AgentId, AgentStatus, HandoverKind, QueuedChat, RoutingBoard};

use crate::Engine;
use crate::caller::Caller;
use crate::error::{Error, Result};
use crate::store::{self, columns::display_name};

impl Engine {
    /// The routing board (issue 18): every agent of the caller's service with status,
    /// load and cap, and the queue in order. Any agent may read it (the transfer list
    /// uses it); only admins change statuses from it. An agent whom the service limits to
    /// their own chats sees the queue's customers by number only, as the history would
    /// show them none of it.
    pub async fn routing_board(&self, caller: &Caller) -> Result<RoutingBoard> {
        let service = caller.service_id();
        let mut conn = self.db.acquire().await?;
        let agents = store::agents::loads(conn.ex(), service).await?;
        let queue = store::chats::queue(conn.ex(), service)
            .await?
            .into_iter()
            .enumerate()
            .map(|(i, (w, name))| QueuedChat {
                chat_id: w.chat_id,
                customer_name: display_name(w.chat_id.0, name.filter(|_| caller.sees_all_chats())),
                position: i as i64 + 1,
                since: w.since,
            })
            .collect();
        let hours = store::services::business_hours(conn.ex(), service).await?;
        Ok(RoutingBoard {
            agents,
            queue,
            open: crate::routing::hours::open_at(&hours, Utc::now()),
        })
    }

    /// An admin sets an agent's status from the routing board (e.g. a forgotten agent
    /// offline): the same hand-over as the agent's own change, recorded as the admin's.
    pub async fn set_agent_status(
        &self,
        caller: &Caller,
        agent: AgentId,
        status: AgentStatus,
    ) -> Result<AgentStatus> {
        caller.require_admin()?;
        let profile = self.agent(caller, agent).await?;
        if !profile.active {
            return Err(Error::conflict(
                shared::ErrorCode::AgentInactive,
                "this account is deactivated",
            ));
        }
        let managed = Caller::internal(
            agent,
            caller.service_id(),
            profile.role,
            profile.chat_permission,
        );
        self.change_status(&managed, status, HandoverKind::Supervisor)
            .await
    }
}
