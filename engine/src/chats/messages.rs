//! Messages: reading a chat's messages, sending (idempotent per `client_id`) through
//! the group-commit writer ([`super::writer`]), read markers, system messages and
//! transcripts.

use super::SendJob;
use super::access::check_access;
use crate::store::messages::{append_message, message_by_id};
use crate::store::{self, chats::chat_row};
use crate::{ChatParty, Engine, Party};
use chrono::Utc;
use shared::{Author, ChatId, Message, MessageId, ServerMsg};

use crate::caller::Caller;
use crate::error::{Error, Result};

/// What a send did: stored a new message (published to both sides), or found the one
/// stored earlier with the same `client_id` (a resend; nothing is published again).
#[derive(Clone, Debug)]
pub enum Sent {
    New(Message),
    Repeat(Message),
}

impl Sent {
    /// The stored message either way.
    pub fn message(self) -> Message {
        match self {
            Sent::New(m) | Sent::Repeat(m) => m,
        }
    }
}

impl Engine {
    /// Messages after `after` (seq), oldest first, at most 500 per call. Reading
    /// changes nothing (issue 15: a GET must not change state); the agent's client
    /// marks what it showed with `POST …/read`.
    pub async fn messages(
        &self,
        party: Party<'_>,
        chat: ChatId,
        after: i64,
    ) -> Result<Vec<Message>> {
        let mut conn = self.db.acquire().await?;
        let row = chat_row(conn.ex(), chat).await?;
        check_access(party, &row)?;
        // a customer never reads internal notes (issue 19)
        let with_notes = matches!(party, Party::Agent(_));
        store::messages::page(conn.ex(), chat, after.max(0), with_notes).await
    }

    /// Stores a message (idempotent per `client_id`) and publishes it. Answers
    /// [`Sent::New`], or [`Sent::Repeat`] for a resend. The write goes through the message writer, which
    /// commits concurrent sends together (group commit); the answer comes after the
    /// commit, and only then is the message published.
    pub async fn send_message(
        &self,
        party: Party<'_>,
        chat: ChatId,
        client_id: &str,
        text: &str,
    ) -> Result<Sent> {
        self.send(party, chat, client_id, text, None).await
    }

    /// The anonymous message limit for a customer's send — except that a resend of a
    /// message already stored (same `client_id`) is never limited (issue 30): the
    /// browser's outbox retries until it hears back, and the stored message is the
    /// answer it needs, however fast it retried. `Ok(())`: go on and send.
    pub(super) async fn customer_may_send(
        &self,
        customer: &crate::Customer,
        chat: ChatId,
        client_id: &str,
    ) -> Result<()> {
        let Err(limited) = self.limits.customer_message(chat) else {
            return Ok(());
        };
        if customer.chat_id() == chat
            && self
                .stored_customer_message(chat, client_id)
                .await?
                .is_some()
        {
            return Ok(()); // the writer answers it with the stored message
        }
        Err(limited)
    }

    /// The customer's message of `chat` sent with `client_id`, when there is one.
    async fn stored_customer_message(&self, chat: ChatId, client_id: &str) -> Result<Option<i64>> {
        store::messages::customer_send(self.db.ex(), chat, client_id).await
    }

    /// [`Engine::send_message`], or the message carrying an uploaded file (issue 19;
    /// `text` is then the file's name).
    pub(super) async fn send(
        &self,
        party: Party<'_>,
        chat: ChatId,
        client_id: &str,
        text: &str,
        attachment: Option<shared::Attachment>,
    ) -> Result<Sent> {
        shared::validate_client_id(client_id)?;
        shared::validate_message(text)?;
        if let Party::Customer(c) = party {
            self.customer_may_send(c, chat, client_id).await?;
        }
        let author = party.author();
        let (reply, answer) = tokio::sync::oneshot::channel();
        let job = SendJob {
            party: match party {
                Party::Agent(c) => ChatParty::Agent(c.clone()),
                Party::Customer(c) => ChatParty::Customer(c.clone()),
            },
            chat,
            client_id: client_id.to_owned(),
            text: text.to_owned(),
            attachment,
            reply,
        };
        self.message_writer
            .send(job)
            .await
            .map_err(|_| Error::Internal("the message writer stopped".into()))?;
        let stored = answer
            .await
            .map_err(|_| Error::Internal("the message writer dropped a message".into()))??;
        if !stored.new {
            return Ok(Sent::Repeat(stored.message));
        }
        let message = stored.message;
        // the send ends the typing: the next keystroke may signal at once
        self.typists.sent(chat, author);
        let event = ServerMsg::MessageCreated {
            chat_id: chat,
            message: message.clone(),
        };
        self.hub.publish_chat(chat, stored.assignee, event);
        if let (Some(assignee), Author::Customer) = (stored.assignee, author) {
            self.publish_counters_soon(assignee);
        }
        Ok(Sent::New(message))
    }

    /// The assigned agent has read up to `seq`.
    pub async fn mark_read(&self, caller: &Caller, chat: ChatId, seq: i64) -> Result<()> {
        let read = store::chat_changes::agent_read_to(
            self.db.ex(),
            chat,
            caller.service_id(),
            caller.agent_id(),
            seq,
        )
        .await?;
        if !read {
            return Err(Error::NotFound("chat"));
        }
        self.publish_counters(caller.agent_id()).await;
        self.agent_read(chat).await;
        Ok(())
    }

    /// Adds a system message (greeting-like notices) and publishes it to both sides.
    pub(crate) async fn post_system_message(&self, chat: ChatId, text: &str) -> Result<Message> {
        let mut tx = self.write_tx().await?;
        let row = chat_row(tx.ex(), chat).await?;
        let message =
            append_message(tx.ex(), chat, Author::System, None, None, text, Utc::now()).await?;
        tx.commit().await?;
        let event = ServerMsg::MessageCreated {
            chat_id: chat,
            message: message.clone(),
        };
        self.hub.publish_chat(chat, row.agent_id, event);
        Ok(message)
    }

    /// One message by id (unscoped: callers have checked access).
    pub(crate) async fn message(&self, id: MessageId) -> Result<Message> {
        let mut conn = self.db.acquire().await?;
        message_by_id(conn.ex(), id.0).await
    }

    /// The whole transcript of a chat (all pages), for tickets and history.
    pub(crate) async fn transcript(&self, chat: ChatId) -> Result<Vec<Message>> {
        store::messages::transcript(self.db.ex(), chat).await
    }
}
