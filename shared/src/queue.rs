//! The waiting queue on the wire (issue 18): a waiting customer's place, and the
//! routing board agents and admins read (every agent's load and the queue in order).

use serde::{Deserialize, Serialize};

/// Where a waiting customer stands (`queue.updated` frame, `GET /api/v1/chat`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QueuePlace {
    /// 1 = the next chat an agent takes.
    pub position: i64,
    /// Seconds, from the service's recent handling times (see the README); `None`
    /// with too little history ("잠시만 기다려 주세요").
    #[serde(default)]
    pub estimated_wait_secs: Option<i64>,
}

/// An agent as the supervisor view and the transfer list show them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AgentLoad {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub id: crate::AgentId,
    pub name: String,
    pub status: crate::AgentStatus,
    /// Active and customer-ended chats on their screen.
    pub open_chats: i64,
    /// Their cap (their own, else the service's).
    pub capacity: i64,
    pub chat_permission: bool,
}

/// A chat in the queue, for agents.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QueuedChat {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub chat_id: crate::ChatId,
    pub customer_name: String,
    pub position: i64,
    pub since: chrono::DateTime<chrono::Utc>,
}

/// `GET /api/v1/routing/board`: every agent's status and load, and the queue.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RoutingBoard {
    pub agents: Vec<AgentLoad>,
    pub queue: Vec<QueuedChat>,
    /// Whether the service is inside its business hours now.
    pub open: bool,
}
