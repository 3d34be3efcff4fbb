//! Messages: reading a chat's messages, sending (idempotent per `client_id`) through
//! the group-commit writer, read markers, system messages and transcripts.

use crate::db::{self, Ex};
use chrono::{DateTime, Utc};
use shared::{AgentId, Author, ChatId, Message, MessageId, ServerMsg};

use crate::Engine;
use crate::caller::Caller;
use crate::error::{Error, Result};

use super::*;

/// Most sends committed in one transaction.
pub(crate) const MAX_MESSAGE_GROUP: usize = 64;

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

/// One send waiting for the message writer.
pub(crate) struct SendJob {
    party: OwnedParty,
    chat: ChatId,
    client_id: String,
    text: String,
    reply: tokio::sync::oneshot::Sender<Result<Stored>>,
}

/// What a send stored: the message, whether it is new (not a resend), and the chat's
/// agent at that moment (to publish to).
pub(crate) struct Stored {
    message: Message,
    new: bool,
    assignee: Option<AgentId>,
}

/// The message writer: takes every send that is waiting (up to
/// [`MAX_MESSAGE_GROUP`]) and commits them together. While one group's commit waits for
/// the disk, the next group gathers, so throughput grows with load while a lone
/// message still costs one commit.
///
/// The writer survives any one failed group (issue 15): each group runs in its own
/// task, so even a panic in it only fails that group's sends (their senders get an
/// error; the transaction rolls back and the write lock is released on unwind), and
/// the next group goes on.
pub(crate) async fn message_writer(engine: Engine, jobs: tokio::sync::mpsc::Receiver<SendJob>) {
    // and should the loop itself ever stop short (a panic outside a group), it is
    // started again on the same queue: sends are never left without a writer
    let jobs = std::sync::Arc::new(tokio::sync::Mutex::new(jobs));
    loop {
        let run = tokio::spawn(write_groups(engine.clone(), jobs.clone()));
        match run.await {
            Ok(()) => return, // the queue closed: the engine is gone
            Err(e) => tracing::error!(error = %e, "the message writer stopped; restarting it"),
        }
    }
}

/// The writer's loop over the queue (see [`message_writer`]).
async fn write_groups(
    engine: Engine,
    jobs: std::sync::Arc<tokio::sync::Mutex<tokio::sync::mpsc::Receiver<SendJob>>>,
) {
    let mut jobs = jobs.lock().await;
    while let Some(first) = jobs.recv().await {
        let mut group = vec![first];
        while group.len() < MAX_MESSAGE_GROUP {
            match jobs.try_recv() {
                Ok(job) => group.push(job),
                Err(_) => break,
            }
        }
        let writer = engine.clone();
        if let Err(e) = tokio::spawn(async move { writer.write_message_group(group).await }).await {
            tracing::error!(error = %e, "a message group failed; the writer goes on");
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
        let sql = format!(
            "SELECT {cols} FROM messages m LEFT JOIN agents a ON a.id = m.agent_id
             WHERE m.chat_id = ? AND m.seq > ? ORDER BY m.seq LIMIT 500",
            cols = message_columns(self.db.backend())
        );
        let rows = db::query(&sql)
            .bind(chat.0)
            .bind(after.max(0))
            .fetch_all(conn.ex())
            .await?;
        drop(conn);
        rows.iter().map(message_from_row).collect()
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
        shared::validate_client_id(client_id)?;
        shared::validate_message(text)?;
        if let Party::Customer(_) = party {
            self.limits.customer_message(chat)?;
        }
        let author = party.author();
        let (reply, answer) = tokio::sync::oneshot::channel();
        let job = SendJob {
            party: match party {
                Party::Agent(c) => OwnedParty::Agent(c.clone()),
                Party::Customer(c) => OwnedParty::Customer(c.clone()),
            },
            chat,
            client_id: client_id.to_owned(),
            text: text.to_owned(),
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

    /// Commits a group of sends in one transaction; each send runs inside its own
    /// savepoint, so one refused send (a closed chat, say) does not undo the others.
    pub(crate) async fn write_message_group(&self, mut group: Vec<SendJob>) {
        // chats in ascending id order (a stable sort keeps each chat's sends in order),
        // so concurrent groups on other instances take row locks in the same order
        group.sort_by_key(|job| job.chat.0);
        let now = Utc::now();
        let mut tx = match self.sends_tx().await {
            Ok(t) => t,
            Err(e) => {
                let why = e.to_string();
                for job in group {
                    let _ = job.reply.send(Err(Error::Internal(why.clone())));
                }
                return;
            }
        };
        let mut results = Vec::with_capacity(group.len());
        for job in &group {
            let outcome = async {
                db::query("SAVEPOINT message").execute(tx.ex()).await?;
                let stored = self.store_message(tx.ex(), job, now).await;
                let end = if stored.is_ok() {
                    "RELEASE message"
                } else {
                    "ROLLBACK TO message"
                };
                db::query(end).execute(tx.ex()).await?;
                if stored.is_err() {
                    db::query("RELEASE message").execute(tx.ex()).await?;
                }
                stored
            }
            .await;
            results.push(outcome);
        }
        let committed = tx.commit().await;
        for (job, result) in group.into_iter().zip(results) {
            let _ = job.reply.send(match &committed {
                Ok(()) => result,
                Err(e) => Err(Error::Internal(format!("commit failed: {e}"))),
            });
        }
    }

    /// One send inside the group's transaction: the rules, idempotency, the row.
    pub(super) async fn store_message(
        &self,
        mut tx: Ex<'_>,
        job: &SendJob,
        now: DateTime<Utc>,
    ) -> Result<Stored> {
        let party = job.party.as_party();
        let (chat, client_id, text) = (job.chat, job.client_id.as_str(), job.text.as_str());
        let author = party.author();
        let row = chat_row(tx.ex(), chat).await?;
        check_access(party, &row)?;
        let agent = match party {
            Party::Agent(caller) => {
                require_assigned(caller, &row)?;
                Some(caller.agent_id())
            }
            Party::Customer(_) => None,
        };
        let existing: Option<i64> = db::query_scalar(
            "SELECT id FROM messages WHERE chat_id = ? AND author = ? AND client_id = ?",
        )
        .bind(chat.0)
        .bind(author.as_str())
        .bind(client_id)
        .fetch_optional(tx.ex())
        .await?;
        if let Some(id) = existing {
            return Ok(Stored {
                message: message_by_id(tx.ex(), id).await?,
                new: false,
                assignee: row.agent_id,
            });
        }
        if !row.status.accepts_message_from(author) {
            return Err(Error::conflict(
                "chat_closed",
                format!("this chat is {}; no more messages", row.status.as_str()),
            ));
        }
        // Auto-masking (issue 7): the masked text is stored from the start.
        let auto = author == Author::Customer && {
            let r = db::query(
                "SELECT (contract_security = 1 AND auto_mask_pii = 1) FROM services WHERE id = ?",
            )
            .bind(row.service_id.0)
            .fetch_one(tx.ex())
            .await?;
            r.try_get::<bool, _>(0)?
        };
        let mut message = append_message(
            tx.ex(),
            chat,
            author,
            agent,
            Some(client_id),
            if auto { "" } else { text },
            now,
        )
        .await?;
        if auto {
            let shown = self
                .auto_mask(tx.ex(), message.id.0, text)
                .await?
                .unwrap_or_else(|| text.to_owned());
            db::query("UPDATE messages SET text = ? WHERE id = ?")
                .bind(&shown)
                .bind(message.id.0)
                .execute(tx.ex())
                .await?;
            message = message_by_id(tx.ex(), message.id.0).await?;
        }
        if let Some(a) = agent {
            // C-HIS-2: handled once the agent who opened the request answers it.
            let newly_handled = !row.handled && row.opened_by == Some(a);
            db::query(
                "UPDATE chats SET agent_read_seq = ?, handled = CASE WHEN ? = 1 THEN 1 ELSE handled END,
                   first_response_at = COALESCE(first_response_at, ?) WHERE id = ?",
            )
            .bind(message.seq)
            .bind(newly_handled)
            .bind(now)
            .bind(chat.0)
            .execute(tx.ex())
            .await?;
        }
        Ok(Stored {
            message,
            new: true,
            assignee: row.agent_id,
        })
    }

    /// The assigned agent has read up to `seq`.
    pub async fn mark_read(&self, caller: &Caller, chat: ChatId, seq: i64) -> Result<()> {
        // scalar MAX/MIN in SQLite are GREATEST/LEAST in PostgreSQL
        let done = db::query(match self.db.backend() {
            db::Backend::Sqlite => {
                "UPDATE chats SET agent_read_seq = MAX(agent_read_seq, MIN(?, last_seq))
                 WHERE id = ? AND agent_id = ? AND service_id = ?"
            }
            db::Backend::Postgres => {
                "UPDATE chats SET agent_read_seq = GREATEST(agent_read_seq, LEAST(?, last_seq))
                 WHERE id = ? AND agent_id = ? AND service_id = ?"
            }
        })
        .bind(seq)
        .bind(chat.0)
        .bind(caller.agent_id().0)
        .bind(caller.service_id().0)
        .execute(self.db.ex())
        .await?;
        if done.rows_affected() == 0 {
            return Err(Error::NotFound("chat"));
        }
        self.publish_counters(caller.agent_id()).await;
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
        let sql = format!(
            "SELECT {cols} FROM messages m LEFT JOIN agents a ON a.id = m.agent_id WHERE m.chat_id = ? ORDER BY m.seq",
            cols = message_columns(self.db.backend())
        );
        let rows = db::query(&sql).bind(chat.0).fetch_all(self.db.ex()).await?;
        rows.iter().map(message_from_row).collect()
    }
}
