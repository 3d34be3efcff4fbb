//! The [`Caller`]: the authenticated identity every scoped engine method takes — the
//! one place tenant scoping starts. Kept apart from `auth` (which resolves tokens to
//! callers) so the account code can use it without depending on login.

use shared::{AgentId, Role, ServiceId};

use crate::error::{Error, Result};

/// Who is calling, resolved from a session token. The only way to get one is
/// [`Engine::authenticate`] (or a login), so a query scoped by `service_id()` cannot be
/// handed a service the caller does not belong to.
#[derive(Clone, Debug)]
pub struct Caller {
    agent_id: AgentId,
    service_id: ServiceId,
    role: Role,
    chat_permission: bool,
    /// Read at authentication from the service setting: whether this caller may see
    /// other agents' chats (admins always may). Chat history and chat access use it.
    sees_all_chats: bool,
    /// The service requires two-factor login and this account has not set it up
    /// (issue 21): until it does, only setting it up is allowed.
    two_factor_pending: bool,
}

impl Caller {
    /// Refuses a caller who must set up two-factor login first (403
    /// `two_factor_setup_required`); the edges call it for everything but the set-up,
    /// the profile and signing out.
    pub fn require_two_factor_set_up(&self) -> Result<()> {
        if self.two_factor_pending {
            return Err(Error::forbidden(
                shared::ErrorCode::TwoFactorSetupRequired,
                "this service requires two-factor login: set it up first",
            ));
        }
        Ok(())
    }

    pub(crate) fn with_two_factor_pending(mut self, pending: bool) -> Caller {
        self.two_factor_pending = pending;
        self
    }

    pub fn agent_id(&self) -> AgentId {
        self.agent_id
    }

    pub fn service_id(&self) -> ServiceId {
        self.service_id
    }

    pub fn role(&self) -> Role {
        self.role
    }

    pub fn chat_permission(&self) -> bool {
        self.chat_permission
    }

    /// Whether the caller sees every chat of the service, or only those assigned to
    /// them (the `agents_see_all_history` setting; admins always see all).
    pub fn sees_all_chats(&self) -> bool {
        self.sees_all_chats || self.role == Role::Admin
    }

    /// A caller as authentication resolved it (only `Engine::authenticate` calls this).
    pub(crate) fn new(
        agent_id: AgentId,
        service_id: ServiceId,
        role: Role,
        chat_permission: bool,
        sees_all_chats: bool,
    ) -> Caller {
        Caller {
            agent_id,
            service_id,
            role,
            chat_permission,
            sees_all_chats,
            two_factor_pending: false,
        }
    }

    /// A caller acting for an account the engine manages (an admin deactivating it, say).
    pub(crate) fn internal(
        agent_id: AgentId,
        service_id: ServiceId,
        role: Role,
        chat_permission: bool,
    ) -> Caller {
        Caller::new(agent_id, service_id, role, chat_permission, true)
    }

    /// Refuses callers who are not admins of their service.
    pub fn require_admin(&self) -> Result<()> {
        if self.role == Role::Admin {
            Ok(())
        } else {
            Err(Error::forbidden(
                shared::ErrorCode::AdminOnly,
                "only admins of this service may do this",
            ))
        }
    }
}
