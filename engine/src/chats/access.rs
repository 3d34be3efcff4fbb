//! Who may read and act on a chat: tenant scoping ([`check_access`]) and the
//! assigned-agent rule ([`require_assigned`]), decided on the chat's stored row.

use crate::Party;
use crate::caller::Caller;
use crate::error::{Error, Result};
use crate::store::chats::ChatRow;

/// Tenant scoping for chats: agents see their service's chats (only those assigned to
/// them when the service limits agents to their own), a customer only theirs.
/// Anything else is "not found".
pub(super) fn check_access(party: Party<'_>, chat: &ChatRow) -> Result<()> {
    let ok = match party {
        Party::Agent(c) => {
            c.service_id() == chat.service_id
                && (c.sees_all_chats() || chat.agent_id == Some(c.agent_id()))
        }
        Party::Customer(c) => c.chat_id == chat.id,
    };
    if ok {
        Ok(())
    } else {
        Err(Error::NotFound("chat"))
    }
}

/// Agents act on a chat only while it is theirs.
pub(super) fn require_assigned(caller: &Caller, chat: &ChatRow) -> Result<()> {
    if chat.agent_id == Some(caller.agent_id()) {
        Ok(())
    } else {
        Err(Error::forbidden(
            shared::ErrorCode::NotAssigned,
            "this chat is assigned to another agent",
        ))
    }
}
