//! The routing board (issue 18): every agent of the service with status, load and
//! cap, and the queue in order — the supervisor's view and the transfer list — and an
//! admin setting an agent's status from it.

use chrono::Utc;
use shared::{AgentId, AgentLoad, AgentStatus, ChatId, HandoverKind, QueuedChat, RoutingBoard};

use super::intake::business_hours;
use super::rows::display_name;
use crate::caller::Caller;
use crate::error::{Error, Result};
use crate::{Engine, db};

impl Engine {
    /// The routing board (issue 18): every agent of the caller's service with status,
    /// load and cap, and the queue in order. Any agent may read it (the transfer list
    /// uses it); only admins change statuses from it. An agent whom the service limits to
    /// their own chats sees the queue's customers by number only, as the history would
    /// show them none of it.
    pub async fn routing_board(&self, caller: &Caller) -> Result<RoutingBoard> {
        let service = caller.service_id();
        let mut conn = self.db.acquire().await?;
        let rows = db::query(
            "SELECT a.id, a.name, a.status, a.chat_permission, COALESCE(a.capacity, s.agent_capacity) AS capacity,
                    (SELECT COUNT(*) FROM chats c WHERE c.agent_id = a.id AND c.status IN ('active', 'customer_ended')) AS open_chats
             FROM agents a JOIN services s ON s.id = a.service_id
             WHERE a.service_id = ? AND a.active = 1 ORDER BY a.name, a.id",
        )
        .bind(service.0)
        .fetch_all(conn.ex())
        .await?;
        let agents = rows
            .iter()
            .map(|r| {
                Ok(AgentLoad {
                    id: AgentId(r.try_get("id")?),
                    name: r.try_get("name")?,
                    status: AgentStatus::parse(r.try_get("status")?)
                        .unwrap_or(AgentStatus::Offline),
                    open_chats: r.try_get("open_chats")?,
                    capacity: r.try_get("capacity")?,
                    chat_permission: r.try_get("chat_permission")?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let rows = db::query(
            "SELECT id, customer_name, created_at FROM chats
             WHERE service_id = ? AND status = 'waiting' ORDER BY created_at, id",
        )
        .bind(service.0)
        .fetch_all(conn.ex())
        .await?;
        let queue = rows
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let id: i64 = r.try_get("id")?;
                let name = caller
                    .sees_all_chats()
                    .then(|| r.try_get::<Option<String>, _>("customer_name"))
                    .transpose()?
                    .flatten();
                Ok(QueuedChat {
                    chat_id: ChatId(id),
                    customer_name: display_name(id, name),
                    position: i as i64 + 1,
                    since: r.try_get("created_at")?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let hours: Option<String> =
            db::query_scalar("SELECT business_hours FROM services WHERE id = ?")
                .bind(service.0)
                .fetch_one(conn.ex())
                .await?;
        let hours = business_hours(hours.as_deref());
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
