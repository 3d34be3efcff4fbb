//! What each side of a chat signals besides messages (issue 19): that they are typing
//! (forwarded, never stored, at most one frame per typist every
//! [`TYPING_EVERY`]) and how far they have read (read markers by `seq`, stored on the
//! chat, shown as 읽음 on the other side).
//!
//! The typing preview — the customer's unsent text shown to the agent — is off unless
//! the service turns it on: the customer has not chosen to send those words yet, so by
//! default nobody sees them, and even with the preview on they are never stored.

use std::time::Instant;

use shared::{Author, ChatId, ChatStatus, ServerMsg};

use super::access::{check_access, require_assigned};
use crate::error::{Error, Result};
use crate::hub::Topic;
use crate::store::{self, chats::chat_row};
use crate::{Engine, Party};

/// At most one typing frame per typist in this time.
pub const TYPING_EVERY: std::time::Duration = std::time::Duration::from_secs(2);

/// The longest preview forwarded (characters); the rest is cut.
pub const MAX_PREVIEW_CHARS: usize = 500;

/// Typists remembered before old entries are swept.
const TYPISTS_KEPT: usize = 10_000;

/// When each typist's last frame went out (the throttle). Written here rather than with
/// `governor` (which `limits` uses): a typist's slot must be cleared when they send
/// (the next keystroke signals at once), and governor's keyed limiter has no per-key
/// reset.
#[derive(Default)]
pub(crate) struct Typists(std::sync::Mutex<std::collections::HashMap<(ChatId, Author), Instant>>);

impl Typists {
    /// Whether a frame from this typist may go out now (and remembers it if so).
    fn admit(&self, chat: ChatId, by: Author, now: Instant) -> bool {
        let mut map = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() >= TYPISTS_KEPT {
            map.retain(|_, at| now.duration_since(*at) < TYPING_EVERY);
        }
        match map.get(&(chat, by)) {
            Some(at) if now.duration_since(*at) < TYPING_EVERY => false,
            _ => {
                map.insert((chat, by), now);
                true
            }
        }
    }

    /// Forgets a typist who just sent (their next keystroke may signal at once).
    pub(crate) fn sent(&self, chat: ChatId, by: Author) {
        let mut map = self.0.lock().unwrap_or_else(|p| p.into_inner());
        map.remove(&(chat, by));
    }
}

fn cut(text: &str) -> String {
    text.chars().take(MAX_PREVIEW_CHARS).collect()
}

impl Engine {
    /// `party` is typing in `chat`: tells the other side, unless this typist signalled
    /// less than [`TYPING_EVERY`] ago (then `Ok(false)`). A customer's preview goes to
    /// the agent only when the service turned the preview on; an agent's is dropped.
    pub async fn typing(
        &self,
        party: Party<'_>,
        chat: ChatId,
        preview: Option<&str>,
    ) -> Result<bool> {
        let by = party.author();
        // a customer's token names their one chat: a frame for another chat, or one
        // over the throttle, costs no database read (and never takes another chat's
        // slot, since the slot is only taken for the customer's own chat)
        if let Party::Customer(customer) = party {
            if customer.chat_id != chat {
                return Err(Error::NotFound("chat"));
            }
            if !self.typists.admit(chat, by, Instant::now()) {
                return Ok(false);
            }
        }
        let mut conn = self.db.acquire().await?;
        let row = chat_row(conn.ex(), chat).await?;
        check_access(party, &row)?;
        if let Party::Agent(caller) = party {
            require_assigned(caller, &row)?;
        }
        if !row.status.accepts_message_from(by) {
            return Err(Error::conflict(
                shared::ErrorCode::ChatClosed,
                format!("this chat is {}", row.status.as_str()),
            ));
        }
        if by != Author::Customer && !self.typists.admit(chat, by, Instant::now()) {
            return Ok(false);
        }
        let preview = match (by, preview.filter(|p| !p.trim().is_empty())) {
            (Author::Customer, Some(text)) => {
                let allowed: bool =
                    store::services::typing_preview(conn.ex(), row.service_id).await?;
                allowed.then(|| cut(text))
            }
            _ => None,
        };
        drop(conn);
        let frame = ServerMsg::Typing {
            chat_id: chat,
            by,
            preview,
        };
        match (by, row.agent_id) {
            (Author::Customer, Some(agent)) => self.hub.publish(Topic::Agent(agent), frame),
            (Author::Customer, None) => {}
            _ => self.hub.publish(Topic::Chat(chat), frame),
        }
        Ok(true)
    }

    /// `party` has read `chat` up to `seq` (never past its last message, never back):
    /// an agent's read also clears their unread count; the other side hears of it as a
    /// `chat.read` frame (읽음).
    pub async fn mark_read_by(&self, party: Party<'_>, chat: ChatId, seq: i64) -> Result<()> {
        match party {
            Party::Agent(caller) => self.mark_read(caller, chat, seq).await,
            Party::Customer(customer) => {
                if customer.chat_id != chat {
                    return Err(Error::NotFound("chat"));
                }
                store::chat_changes::customer_read_to(self.db.ex(), chat, seq).await?;
                self.publish_read(chat, Author::Customer).await
            }
        }
    }

    /// Sends the current read marker of `by` to the chat's other side.
    pub(super) async fn publish_read(&self, chat: ChatId, by: Author) -> Result<()> {
        let r = store::chats::read_marks(self.db.ex(), chat).await?;
        if r.row.status == ChatStatus::Ended && by == Author::Customer {
            return Ok(());
        }
        let (seq, topic) = match by {
            Author::Customer => match r.row.agent_id {
                Some(agent) => (r.customer_read_seq, Topic::Agent(agent)),
                None => return Ok(()),
            },
            _ => (r.agent_read_seq, Topic::Chat(chat)),
        };
        self.hub.publish(
            topic,
            ServerMsg::ChatRead {
                chat_id: chat,
                by,
                seq,
            },
        );
        Ok(())
    }

    /// An agent's read marker moved (open, read): the customer sees 읽음.
    pub(super) async fn agent_read(&self, chat: ChatId) {
        if let Err(e) = self.publish_read(chat, Author::Agent).await {
            tracing::warn!(error = %e, "could not publish a read marker");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_typing_frame_per_typist_every_two_seconds() {
        let t = Typists::default();
        let t0 = Instant::now();
        let (a, b) = (ChatId(1), ChatId(2));
        assert!(t.admit(a, Author::Customer, t0));
        assert!(!t.admit(
            a,
            Author::Customer,
            t0 + std::time::Duration::from_millis(1999)
        ));
        assert!(t.admit(a, Author::Agent, t0), "each side has its own");
        assert!(t.admit(b, Author::Customer, t0), "each chat has its own");
        assert!(t.admit(a, Author::Customer, t0 + TYPING_EVERY));
        t.sent(a, Author::Customer);
        assert!(
            t.admit(a, Author::Customer, t0 + TYPING_EVERY),
            "after a send the next keystroke signals at once"
        );
    }

    #[test]
    fn previews_are_cut() {
        assert_eq!(cut(&"가".repeat(600)).chars().count(), MAX_PREVIEW_CHARS);
        assert_eq!(cut("안녕"), "안녕");
    }
}
