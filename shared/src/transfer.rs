//! A chat changing hands on the wire (issue 18): the transfer request and the record
//! of every hand-over (transfer, re-route, offline, an admin's status change).

use serde::{Deserialize, Serialize};

use crate::validate::{Invalid, invalid};

/// Why a chat changed hands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum HandoverKind {
    /// An agent handed it on (to an agent or to the queue).
    Transfer,
    /// Its agent had not answered in time.
    Reroute,
    /// Its agent went offline (or their console closed).
    Offline,
    /// An admin changed the agent's status from the supervisor view.
    Supervisor,
}

impl HandoverKind {
    pub fn as_str(self) -> &'static str {
        match self {
            HandoverKind::Transfer => "transfer",
            HandoverKind::Reroute => "reroute",
            HandoverKind::Offline => "offline",
            HandoverKind::Supervisor => "supervisor",
        }
    }

    pub fn parse(s: &str) -> Option<HandoverKind> {
        Some(match s {
            "transfer" => HandoverKind::Transfer,
            "reroute" => HandoverKind::Reroute,
            "offline" => HandoverKind::Offline,
            "supervisor" => HandoverKind::Supervisor,
            _ => return None,
        })
    }
}

/// One change of hands in a chat's history (agents only).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Handover {
    pub kind: HandoverKind,
    /// The agent who had the chat.
    pub from_agent: Option<String>,
    /// The agent who got it; `None` = back to the queue.
    pub to_agent: Option<String>,
    /// The transferring agent's note for the receiver.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 500))]
    pub note: Option<String>,
    pub at: chrono::DateTime<chrono::Utc>,
}

/// Longest transfer note (characters).
pub const MAX_TRANSFER_NOTE_CHARS: usize = 500;

/// `POST /api/v1/chats/{id}/transfer`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TransferRequest {
    /// The receiving agent (online, of the service; capacity does not stop an explicit
    /// choice); `null` = back to the queue for anyone.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::id_or_null))]
    #[serde(default)]
    pub to_agent_id: Option<crate::AgentId>,
    #[serde(default)]
    pub note: Option<String>,
}

impl TransferRequest {
    pub fn validate(&self) -> Result<(), Invalid> {
        match &self.note {
            Some(n) if n.chars().count() > MAX_TRANSFER_NOTE_CHARS => {
                Err(invalid("note", "at most 500 characters"))
            }
            _ => Ok(()),
        }
    }
}
