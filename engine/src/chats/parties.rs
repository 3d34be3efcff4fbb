//! Who acts on a chat: the customer of one chat (resolved from their token), an
//! agent ([`Caller`]), and what the edge knows of the customer's connection.

use shared::{Author, ChatId, ServiceId};

use crate::caller::Caller;

/// A customer, resolved from the token handed out when their chat started. It opens
/// exactly one chat.
#[derive(Clone, Debug)]
pub struct Customer {
    pub(super) chat_id: ChatId,
    pub(super) service_id: ServiceId,
}

impl Customer {
    pub fn chat_id(&self) -> ChatId {
        self.chat_id
    }

    pub fn service_id(&self) -> ServiceId {
        self.service_id
    }
}

/// Who is acting on a chat.
#[derive(Clone, Copy, Debug)]
pub enum Party<'a> {
    Agent(&'a Caller),
    Customer(&'a Customer),
}

impl Party<'_> {
    pub(super) fn author(&self) -> Author {
        match self {
            Party::Agent(_) => Author::Agent,
            Party::Customer(_) => Author::Customer,
        }
    }
}

/// What the edge knows about the customer's connection (C-AG-5: captured at start).
#[derive(Clone, Debug, Default)]
pub struct ClientInfo {
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    /// The origin this server is reached at (`--public-url`, else a validated `Host`):
    /// a chat started on our own help-center page is allowed whatever the service's
    /// allowed domains are.
    pub own_origin: Option<String>,
}

/// Either side of a chat, owned: what an agent's session token or a customer's chat
/// token authenticates as (REST and WebSocket edges hold one per request or socket;
/// the message writer holds one per send).
#[derive(Clone, Debug)]
pub enum ChatParty {
    Agent(Caller),
    Customer(Customer),
}

impl ChatParty {
    pub fn as_party(&self) -> Party<'_> {
        match self {
            ChatParty::Agent(c) => Party::Agent(c),
            ChatParty::Customer(c) => Party::Customer(c),
        }
    }
}

impl crate::Engine {
    /// Resolves a token of either kind: a customer's chat token (`occ_…`) or an agent's
    /// session token.
    pub async fn authenticate_party(&self, token: &str) -> crate::Result<ChatParty> {
        if token.starts_with("occ_") {
            Ok(ChatParty::Customer(
                self.authenticate_customer(token).await?,
            ))
        } else {
            // an account that must set up two-factor login first has no live console
            let caller = self.authenticate(token).await?;
            caller.require_two_factor_set_up()?;
            Ok(ChatParty::Agent(caller))
        }
    }
}
