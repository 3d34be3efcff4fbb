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

/// A party owned by a job handed to the message writer.
#[derive(Clone, Debug)]
pub(crate) enum OwnedParty {
    Agent(Caller),
    Customer(Customer),
}

impl OwnedParty {
    pub(super) fn as_party(&self) -> Party<'_> {
        match self {
            OwnedParty::Agent(c) => Party::Agent(c),
            OwnedParty::Customer(c) => Party::Customer(c),
        }
    }
}
