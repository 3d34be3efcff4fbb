//! The JSON shapes of the public API (API.md) and the values the UI shows.

use serde::{Deserialize, Serialize};

use crate::ids::{AgentId, ServiceId};

/// What an account may do in its service.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Manages contract flags and settings; may also chat.
    Admin,
    /// Handles chats (when granted the chat permission).
    Agent,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Agent => "agent",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "admin" => Some(Role::Admin),
            "agent" => Some(Role::Agent),
            _ => None,
        }
    }
}

/// The agent's availability (C-AG-2). Only `Online` agents are assigned chats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AgentStatus {
    Online,
    Break,
    Offline,
}

impl AgentStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            AgentStatus::Online => "online",
            AgentStatus::Break => "break",
            AgentStatus::Offline => "offline",
        }
    }

    pub fn parse(s: &str) -> Option<AgentStatus> {
        match s {
            "online" => Some(AgentStatus::Online),
            "break" => Some(AgentStatus::Break),
            "offline" => Some(AgentStatus::Offline),
            _ => None,
        }
    }
}

/// An agent as the API and the console show it (`agent` of the login answer).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AgentProfile {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub id: AgentId,
    pub name: String,
    pub email: String,
    pub role: Role,
    /// The slug of the agent's service.
    pub service: String,
    /// The service's display name.
    pub service_name: String,
    /// Whether the agent may use the chat console.
    pub chat_permission: bool,
    pub status: AgentStatus,
    /// False once an admin deactivated the account.
    pub active: bool,
    /// The agent's own cap on open chats; `None` = the service's (issue 18).
    #[serde(default)]
    pub capacity: Option<i64>,
    /// How the agent wants to hear of new chats and customer messages (issue 19).
    #[serde(default)]
    pub alerts: AlertPrefs,
    /// Two-factor login is on for this account (issue 21).
    #[serde(default)]
    pub two_factor: bool,
    /// The service requires two-factor login and this account has not set it up: until
    /// it does, only setting it up is allowed.
    #[serde(default)]
    pub two_factor_setup_required: bool,
}

/// `PUT /api/v1/agent/alerts`: desktop notifications and a short sound for a new chat
/// and a new customer message while the console is hidden or another chat is open.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AlertPrefs {
    /// Off until the agent turns it on (the browser asks for permission then).
    #[serde(default)]
    pub desktop: bool,
    #[serde(default = "on")]
    pub sound: bool,
}

fn on() -> bool {
    true
}

impl Default for AlertPrefs {
    fn default() -> AlertPrefs {
        AlertPrefs {
            desktop: false,
            sound: true,
        }
    }
}

/// `POST /api/v1/auth/login` body.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
    /// With two-factor login on: the authenticator's code or a recovery code (without
    /// it such an account answers 401 `two_factor_required`).
    #[serde(default)]
    pub code: Option<String>,
}

/// `POST /api/v1/auth/login` answer.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoginResponse {
    /// Bearer token for `Authorization: Bearer …`; shown once, stored only hashed.
    pub token: String,
    pub agent: AgentProfile,
    /// When the token stops working.
    pub expires_at: chrono::DateTime<chrono::Utc>,
}

/// Every API error body: `{"error": "<snake_case_code>", "message": "<human text>"}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    pub error: String,
    pub message: String,
}

/// The contract flags of a service (C-SET-1).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Contract {
    pub chat: bool,
    pub security_service: bool,
}

/// What a customer's browser learns about a service: enough to draw its help center.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HelpCenterInfo {
    pub slug: String,
    pub name: String,
    /// Chat is on in the contract *and* in the help-center configuration (C-SET-1/2).
    pub chat_enabled: bool,
    /// The help-center languages, default first.
    pub locales: Vec<String>,
    /// The service's business hours when it keeps them (issue 33: the help center shows
    /// the service's own hours, never a fixed text); `None` when chat follows only
    /// whether agents are online.
    #[serde(default)]
    pub hours: Option<crate::BusinessHours>,
    /// The service's brand on its customer pages (issue 33): the colour and the chat
    /// window's welcome lines.
    #[serde(default)]
    pub appearance: crate::Appearance,
    /// What the privacy consent is told from (issue 33).
    #[serde(default)]
    pub consent: crate::consent::ConsentFacts,
}

/// A service as its admin sees it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ServiceOverview {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub id: ServiceId,
    pub slug: String,
    pub name: String,
    pub contract: Contract,
    pub helpcenter_chat_enabled: bool,
    pub locales: Vec<String>,
}

/// `GET /healthz` answer.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Health {
    /// `ok` or `unavailable`.
    pub status: String,
    /// `ok`, `unreachable` (reads fail) or `cannot_write` (a write cannot commit).
    pub database: String,
    /// Why, when not `ok` (issue 30): e.g. "the disk holding the database is full".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}
