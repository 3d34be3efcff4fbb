//! Internal notes (내부 메모, issue 19): an agent writes into the conversation what only
//! agents read. A note is a message marked `internal`: it takes the chat's next `seq`
//! (so the agents' transcript keeps its order), is published to the chat's agent only,
//! and every path a customer reads by — their message list, the socket's replay, the
//! live frames, a mask's update — leaves it out. It counts as no reply: it neither
//! marks the chat handled nor stops a re-route. History searches and shows it.

use crate::store;
use chrono::Utc;
use shared::{Author, ChatId, Message, ServerMsg};

use super::access::check_access;
use crate::caller::Caller;
use crate::error::{Error, Result};
use crate::hub::Topic;
use crate::store::chats::chat_row;
use crate::store::messages::append_message;
use crate::{Engine, Party};

impl Engine {
    /// Adds a note to a chat of the caller's service (any agent who may see the chat,
    /// at any status — notes may be added from history); the same `client_id` again
    /// answers the stored note.
    pub async fn add_note(
        &self,
        caller: &Caller,
        chat: ChatId,
        client_id: &str,
        text: &str,
    ) -> Result<Message> {
        shared::validate_client_id(client_id)?;
        shared::validate_message(text)?;
        let mut tx = self.write_tx().await?;
        let row = chat_row(tx.ex(), chat).await?;
        check_access(Party::Agent(caller), &row)?;
        // agents' messages and notes share the agent side's `client_id`s of the chat
        let stored = store::messages::agent_send(tx.ex(), chat, client_id).await?;
        if let Some((id, internal)) = stored {
            if !internal {
                return Err(Error::conflict(
                    shared::ErrorCode::ClientIdTaken,
                    "this client_id belongs to a message of this chat; use a new one",
                ));
            }
            drop(tx);
            return self.message(id).await;
        }
        let note = append_message(
            tx.ex(),
            chat,
            Author::Agent,
            Some(caller.agent_id()),
            Some(client_id),
            text,
            Utc::now(),
        )
        .await?;
        store::messages::mark_internal(tx.ex(), note.id).await?;
        tx.commit().await?;
        let note = Message {
            internal: true,
            attachment: None,
            ..note
        };
        // to the chat's agent only (the writer has the answer)
        if let Some(agent) = row.agent_id {
            self.hub.publish(
                Topic::Agent(agent),
                ServerMsg::MessageCreated {
                    chat_id: chat,
                    message: note.clone(),
                },
            );
        }
        Ok(note)
    }
}
