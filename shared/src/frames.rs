//! The WebSocket protocol (API.md "Both sides"): the frames the server sends
//! ([`ServerMsg`]), the leaner reading of them a customer's browser uses
//! ([`CustomerFrame`], issue 17) and the frames clients send ([`ClientMsg`]).

use serde::{Deserialize, Serialize};

use crate::chat::{AgentChatItem, Author, ChatStatus, ChatView, Message};
use crate::ids::ChatId;

/// Server → client WebSocket frames.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum ServerMsg {
    #[serde(rename = "message.created")]
    MessageCreated { chat_id: ChatId, message: Message },
    #[serde(rename = "message.updated")]
    MessageUpdated { chat_id: ChatId, message: Message },
    /// A chat was assigned to the receiving agent.
    #[serde(rename = "chat.assigned")]
    ChatAssigned { chat: AgentChatItem },
    /// A chat left the receiving agent (handed over to another agent or the queue);
    /// `reason` says why (a re-route tells the agent they missed it).
    #[serde(rename = "chat.unassigned")]
    ChatUnassigned {
        chat_id: ChatId,
        #[serde(default)]
        reason: Option<crate::HandoverKind>,
    },
    /// Something about the chat changed (status, agent, read state): agents get the
    /// whole detail, the customer their own view.
    #[serde(rename = "chat.updated")]
    ChatUpdated { chat: ChatView },
    #[serde(rename = "chat.ended")]
    ChatEnded {
        chat_id: ChatId,
        status: ChatStatus,
        by: Author,
    },
    #[serde(rename = "rating.requested")]
    RatingRequested { chat_id: ChatId },
    /// The receiving agent's 대화중 count and unread total.
    #[serde(rename = "agent.counters")]
    AgentCounters {
        open_count: i64,
        unread: i64,
        status: crate::AgentStatus,
        /// The agent's cap (issue 18).
        #[serde(default)]
        capacity: i64,
        /// Chats waiting in the service's queue.
        #[serde(default)]
        waiting: i64,
    },
    /// The waiting customer's place in the queue (to the chat's customer).
    #[serde(rename = "queue.updated")]
    QueueUpdated {
        chat_id: ChatId,
        place: crate::QueuePlace,
    },
    /// The length of the service's queue (to every online agent of the service).
    #[serde(rename = "queue.length")]
    QueueLength { waiting: i64 },
    /// The other side is typing (issue 19; never stored, at most one per 2 s per
    /// typist). `preview` is the customer's unsent text, only to agents and only when
    /// the service turned the preview on.
    #[serde(rename = "typing")]
    Typing {
        chat_id: ChatId,
        by: Author,
        #[serde(default)]
        preview: Option<String>,
    },
    /// `by` has read the chat up to `seq` (issue 19's read receipts).
    #[serde(rename = "chat.read")]
    ChatRead {
        chat_id: ChatId,
        by: Author,
        seq: i64,
    },
    /// Answer to `resume`: everything after `after_seq` was sent, up to `last_seq`.
    #[serde(rename = "resumed")]
    Resumed { chat_id: ChatId, last_seq: i64 },
    #[serde(rename = "pong")]
    Pong,
    /// The receiving agent's sessions or rights changed (logout, password reset,
    /// deactivation, role change): sockets re-check their own session and close when
    /// it is gone or its rights changed. Handled by the server; clients never see it.
    #[serde(rename = "session.changed")]
    SessionChanged,
    /// A client frame was refused; `client_id` names the message when there was one.
    #[serde(rename = "error")]
    Error {
        code: String,
        message: String,
        client_id: Option<String>,
        chat_id: Option<ChatId>,
    },
}

/// [`ServerMsg`] as a customer's browser reads it (issue 17): only the frames and
/// fields the customer's window acts on are decoded. Decoding the whole [`ServerMsg`]
/// would pull the agents' types ([`crate::ChatDetail`], [`AgentChatItem`]) and their decoders
/// into the customers' bundle; every other frame is [`CustomerFrame::Other`].
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(tag = "type")]
pub enum CustomerFrame {
    #[serde(rename = "message.created")]
    MessageCreated { message: Message },
    #[serde(rename = "message.updated")]
    MessageUpdated { message: Message },
    #[serde(rename = "chat.updated")]
    ChatUpdated { chat: ChatStatusOf },
    #[serde(rename = "chat.ended")]
    ChatEnded { status: ChatStatus },
    #[serde(rename = "rating.requested")]
    RatingRequested {},
    #[serde(rename = "queue.updated")]
    QueueUpdated { place: crate::QueuePlace },
    #[serde(rename = "typing")]
    Typing { by: Author },
    #[serde(rename = "chat.read")]
    ChatRead { by: Author, seq: i64 },
    #[serde(other)]
    Other,
}

/// The status of a chat in a `chat.updated` frame (all a customer's window needs).
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct ChatStatusOf {
    pub status: ChatStatus,
}

/// Client → server WebSocket frames.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum ClientMsg {
    #[serde(rename = "message.send")]
    Send {
        chat_id: ChatId,
        client_id: String,
        text: String,
    },
    /// Replays, in seq order, every message after `after_seq`.
    #[serde(rename = "resume")]
    Resume { chat_id: ChatId, after_seq: i64 },
    /// The sender (agent or customer) has read the chat up to `seq`.
    #[serde(rename = "read")]
    Read { chat_id: ChatId, seq: i64 },
    /// The sender is typing (issue 19); `preview` is the customer's unsent text, shown
    /// to agents only when the service allows it.
    #[serde(rename = "typing")]
    Typing {
        chat_id: ChatId,
        #[serde(default)]
        preview: Option<String>,
    },
    #[serde(rename = "ping")]
    Ping,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chat::CustomerChatView;
    use crate::ids::MessageId;

    /// Issue 17: every frame a customer's socket gets decodes into its lean
    /// [`CustomerFrame`]; the agents' frames decode to `Other`, not to an error.
    #[test]
    fn customer_frames_read_what_the_server_sends() {
        let message = Message {
            id: MessageId(7),
            chat_id: ChatId(3),
            seq: 2,
            author: Author::Agent,
            text: "안녕하세요".into(),
            created_at: "2026-11-30T01:02:03Z".parse().unwrap(),
            masks: vec![],
            client_id: None,
            agent_name: Some("김상담".into()),
            pii: vec![],
            internal: false,
            attachment: None,
        };
        let view = CustomerChatView {
            id: ChatId(3),
            status: ChatStatus::CustomerEnded,
            agent_name: None,
            rating: None,
            rating_comment: None,
            locale: "ko".into(),
            created_at: message.created_at,
            ended_at: None,
            last_seq: 2,
            queue: None,
            agent_read_seq: 0,
            files: crate::FileRules::default(),
        };
        let read = |frame: ServerMsg| -> CustomerFrame {
            serde_json::from_str(&serde_json::to_string(&frame).unwrap()).unwrap()
        };
        assert_eq!(
            read(ServerMsg::MessageCreated {
                chat_id: ChatId(3),
                message: message.clone()
            }),
            CustomerFrame::MessageCreated {
                message: message.clone()
            }
        );
        assert_eq!(
            read(ServerMsg::MessageUpdated {
                chat_id: ChatId(3),
                message: message.clone()
            }),
            CustomerFrame::MessageUpdated { message }
        );
        assert_eq!(
            read(ServerMsg::ChatUpdated {
                chat: ChatView::Customer(view)
            }),
            CustomerFrame::ChatUpdated {
                chat: ChatStatusOf {
                    status: ChatStatus::CustomerEnded
                }
            }
        );
        assert_eq!(
            read(ServerMsg::ChatEnded {
                chat_id: ChatId(3),
                status: ChatStatus::Ended,
                by: Author::Agent
            }),
            CustomerFrame::ChatEnded {
                status: ChatStatus::Ended
            }
        );
        assert_eq!(
            read(ServerMsg::RatingRequested { chat_id: ChatId(3) }),
            CustomerFrame::RatingRequested {}
        );
        assert_eq!(read(ServerMsg::Pong), CustomerFrame::Other);
        assert_eq!(
            read(ServerMsg::Resumed {
                chat_id: ChatId(3),
                last_seq: 2
            }),
            CustomerFrame::Other
        );
        assert_eq!(
            read(ServerMsg::AgentCounters {
                open_count: 1,
                unread: 0,
                status: crate::AgentStatus::Online,
                capacity: 3,
                waiting: 0,
            }),
            CustomerFrame::Other
        );
        // issue 18: the waiting customer's place, and the agents' queue length
        let place = crate::QueuePlace {
            position: 2,
            estimated_wait_secs: Some(80),
        };
        assert_eq!(
            read(ServerMsg::QueueUpdated {
                chat_id: ChatId(3),
                place: place.clone()
            }),
            CustomerFrame::QueueUpdated { place }
        );
        assert_eq!(
            read(ServerMsg::QueueLength { waiting: 4 }),
            CustomerFrame::Other
        );
        // issue 19: typing and read receipts reach the customer's window
        assert_eq!(
            read(ServerMsg::Typing {
                chat_id: ChatId(3),
                by: Author::Agent,
                preview: None
            }),
            CustomerFrame::Typing { by: Author::Agent }
        );
        assert_eq!(
            read(ServerMsg::ChatRead {
                chat_id: ChatId(3),
                by: Author::Agent,
                seq: 9
            }),
            CustomerFrame::ChatRead {
                by: Author::Agent,
                seq: 9
            }
        );
    }

    #[test]
    fn frames_have_the_documented_shape() {
        let f = ServerMsg::ChatEnded {
            chat_id: ChatId(3),
            status: ChatStatus::CustomerEnded,
            by: Author::Customer,
        };
        let v: serde_json::Value = serde_json::to_value(&f).unwrap();
        assert_eq!(v["type"], "chat.ended");
        assert_eq!(v["chat_id"], "3");
        let c: ClientMsg = serde_json::from_str(
            r#"{"type":"message.send","chat_id":"5","client_id":"a","text":"hi"}"#,
        )
        .unwrap();
        assert_eq!(
            c,
            ClientMsg::Send {
                chat_id: ChatId(5),
                client_id: "a".into(),
                text: "hi".into()
            }
        );
        let r: ClientMsg =
            serde_json::from_str(r#"{"type":"resume","chat_id":"5","after_seq":2}"#).unwrap();
        assert_eq!(
            r,
            ClientMsg::Resume {
                chat_id: ChatId(5),
                after_seq: 2
            }
        );
    }
}
