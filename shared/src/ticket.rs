//! Tickets (issue 4): made from a chat or a 1:1 inquiry, listed, read and updated by
//! the service's agents.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::chat::{ChatAgent, Message};
use crate::ids::{ChatId, TicketId};

/// Where a ticket is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TicketStatus {
    Open,
    Pending,
    Closed,
}

impl TicketStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            TicketStatus::Open => "open",
            TicketStatus::Pending => "pending",
            TicketStatus::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Option<TicketStatus> {
        match s {
            "open" => Some(TicketStatus::Open),
            "pending" => Some(TicketStatus::Pending),
            "closed" => Some(TicketStatus::Closed),
            _ => None,
        }
    }
}

/// A line of the ticket list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TicketSummary {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub id: TicketId,
    /// `chat` or `inquiry`.
    pub channel: String,
    pub subject: String,
    pub status: TicketStatus,
    pub requester_name: Option<String>,
    pub assignee: Option<ChatAgent>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub chat_id: Option<ChatId>,
    pub created_at: DateTime<Utc>,
}

/// `GET /api/v1/tickets/{id}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TicketDetail {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub id: TicketId,
    pub channel: String,
    pub subject: String,
    pub body: String,
    pub status: TicketStatus,
    pub requester_name: Option<String>,
    pub requester_email: Option<String>,
    pub assignee: Option<ChatAgent>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub chat_id: Option<ChatId>,
    pub created_at: DateTime<Utc>,
    /// For chat tickets: the conversation as customer and agent saw it (C-AG-8).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transcript: Option<Vec<Message>>,
}

/// `PUT /api/v1/tickets/{id}`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TicketUpdate {
    #[serde(default)]
    pub status: Option<TicketStatus>,
}

/// `POST /api/v1/chats/{id}/ticket` answer.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TicketCreated {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub ticket_id: TicketId,
}

/// `GET /api/v1/tickets` answer.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TicketList {
    pub tickets: Vec<TicketSummary>,
}
