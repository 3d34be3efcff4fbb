//! The agent's side of live chat (C-AG-1..3, C-END-3): the desk state shared by the
//! whole console (chat list, 대화중 count and cap, status, the queue's length, which new
//! chats are unseen, who is typing, read markers, alerts) and what it does (select,
//! send, notes, masks, end). Everything updates from the WebSocket; nothing polls,
//! nothing reloads. The screen that draws it is [`super::desk`].

use std::collections::{HashMap, HashSet};

use leptos::prelude::*;
use shared::{
    AgentChatItem, AgentChats, AgentStatus, Author, ChatDetail, ChatId, ChatStatus, ClientMsg,
    Message, ServerMsg, StatusRequest,
};

use super::alerts::{Alerts, console_hidden};
use super::outbox::{Kind, Outbox};
use super::signals::{Typing, TypingThrottle};
use super::upsert_message;
use crate::client;
use crate::net;

/// The console-wide chat state of the signed-in agent.
#[derive(Clone, Copy)]
pub struct AgentDesk {
    pub chats: RwSignal<Vec<AgentChatItem>>,
    pub open_count: RwSignal<i64>,
    pub status: RwSignal<AgentStatus>,
    /// New chats the agent has not looked at yet: the icon blinks while any exist.
    pub unseen: RwSignal<HashSet<ChatId>>,
    pub selected: RwSignal<Option<ChatId>>,
    pub messages: RwSignal<HashMap<ChatId, Vec<Message>>>,
    pub details: RwSignal<HashMap<ChatId, ChatDetail>>,
    pub connected: RwSignal<bool>,
    pub error: RwSignal<Option<String>>,
    /// The service's handling types, for the consult-info picker.
    pub categories: RwSignal<Vec<shared::Category>>,
    /// Chats whose info form has edits not yet saved (C-AG-7).
    pub dirty: RwSignal<HashSet<ChatId>>,
    /// A chat whose end waits for the agent to confirm discarding unsaved edits.
    pub confirm_end: RwSignal<Option<ChatId>>,
    /// The service's security-service flag: masking is offered (C-PII-1).
    pub security: RwSignal<bool>,
    /// A masked run whose restoring waits for confirmation (C-PII-3).
    pub confirm_unmask: RwSignal<Option<(ChatId, shared::MessageId, String)>>,
    /// Files on their way and the last refusal (issue 19).
    pub files: super::files::FileSender,
    /// The most chats the agent holds at once (`대화중 3 / 3`, issue 18).
    pub capacity: RwSignal<i64>,
    /// Chats waiting in the service's queue.
    pub waiting: RwSignal<i64>,
    /// A notice for the agent (a chat they did not answer moved on), as the text it
    /// picks from the routing texts, so it follows a language switch.
    pub notice: RwSignal<Option<fn(&shared::i18n::RoutingTexts) -> &'static str>>,
    /// Customers typing now, with their preview when the service shows it (issue 19).
    pub typing: Typing,
    /// How far each customer has read: the agent's messages up to it show 읽음.
    pub customer_read: RwSignal<HashMap<ChatId, i64>>,
    /// The agent's own typing signal.
    pub throttle: TypingThrottle,
    /// The service's canned replies and the agent's own (the `/` list, issue 19).
    pub canned: RwSignal<Vec<shared::CannedReply>>,
    /// Desktop notifications and sound for new chats and messages (issue 19).
    pub alerts: Alerts,
    /// A chat whose end (asked for with Alt+E) waits for confirmation.
    pub confirm_close: RwSignal<Option<ChatId>>,
    /// Messages and notes typed and not stored yet (issue 31).
    pub outbox: Outbox,
}

impl AgentDesk {
    pub fn new(status: AgentStatus) -> AgentDesk {
        AgentDesk {
            chats: RwSignal::new(Vec::new()),
            open_count: RwSignal::new(0),
            status: RwSignal::new(status),
            unseen: RwSignal::new(HashSet::new()),
            selected: RwSignal::new(None),
            messages: RwSignal::new(HashMap::new()),
            details: RwSignal::new(HashMap::new()),
            connected: RwSignal::new(true),
            error: RwSignal::new(None),
            categories: RwSignal::new(Vec::new()),
            dirty: RwSignal::new(HashSet::new()),
            confirm_end: RwSignal::new(None),
            security: RwSignal::new(false),
            confirm_unmask: RwSignal::new(None),
            files: super::files::FileSender::new(),
            capacity: RwSignal::new(0),
            waiting: RwSignal::new(0),
            notice: RwSignal::new(None),
            typing: Typing::new(),
            customer_read: RwSignal::new(HashMap::new()),
            throttle: TypingThrottle::new(),
            canned: RwSignal::new(Vec::new()),
            alerts: Alerts::new(),
            confirm_close: RwSignal::new(None),
            outbox: Outbox::new(),
        }
    }

    /// Loads the list and keeps the socket (browser only; called from an effect); what
    /// this agent left unsent in this browser is sent again.
    pub fn start(self, agent: shared::AgentId) {
        self.outbox.open(
            format!("oc_outbox_agent_{agent}"),
            None,
            Callback::new(move |message: Message| {
                self.on_frame(ServerMsg::MessageCreated {
                    chat_id: message.chat_id,
                    message,
                })
            }),
            Some(Callback::new(move |why| self.error.set(Some(why)))),
        );
        self.files.resume(
            format!("a:{agent}"),
            None,
            Callback::new(move |message: Message| {
                self.on_frame(ServerMsg::MessageCreated {
                    chat_id: message.chat_id,
                    message,
                })
            }),
        );
        leptos::task::spawn_local(async move {
            if let Ok(list) = client::agent_chats().await {
                self.apply_list(list);
            }
            if let Ok(cats) = client::categories().await {
                self.categories.set(cats);
            }
            self.reload_canned().await;
        });
        net::keep_socket(
            client::agent_socket_url(&net::ws_origin()),
            || true,
            move || {
                // send what waits, and catch up the open conversation after a reconnect
                self.outbox.retry_now();
                self.selected
                    .get_untracked()
                    .map(|id| ClientMsg::Resume {
                        chat_id: id,
                        after_seq: self.last_seq(id),
                    })
                    .into_iter()
                    .collect()
            },
            move |frame| self.on_frame(frame),
            move |up| self.connected.set(up),
        );
    }

    /// Reads the canned replies again (after the agent changed them).
    pub async fn reload_canned(self) {
        if let Ok(list) = client::canned_replies().await {
            self.canned.set(list);
        }
    }

    fn apply_list(&self, list: AgentChats) {
        self.security.set(list.security_service);
        self.open_count.set(list.open_count);
        self.status.set(list.status);
        self.chats.set(list.chats);
        self.capacity.set(list.capacity);
        self.waiting.set(list.waiting);
    }

    fn last_seq(&self, chat: ChatId) -> i64 {
        self.messages
            .with_untracked(|m| m.get(&chat).and_then(|l| l.last()).map_or(0, |m| m.seq))
    }

    fn on_frame(&self, frame: ServerMsg) {
        match frame {
            ServerMsg::ChatAssigned { chat } => {
                let id = chat.id;
                let known = self.chats.with_untracked(|c| c.iter().any(|x| x.id == id));
                self.chats
                    .update(|list| match list.iter_mut().find(|x| x.id == id) {
                        Some(x) => *x = chat,
                        None => list.push(chat),
                    });
                if !known && self.selected.get_untracked() != Some(id) {
                    self.unseen.update(|u| {
                        u.insert(id);
                    });
                }
                if !known {
                    let t = crate::i18n::texts_now();
                    let name = self.chats.with_untracked(|l| {
                        l.iter()
                            .find(|c| c.id == id)
                            .map(|c| t.customer_name(&c.customer.name, id))
                    });
                    self.alerts
                        .raise(t.desk.new_chat, &name.unwrap_or_default());
                }
            }
            ServerMsg::ChatUnassigned { chat_id, reason } => {
                if reason == Some(shared::HandoverKind::Reroute) {
                    self.notice.set(Some(|r| r.rerouted_away));
                }
                self.forget(chat_id);
            }
            ServerMsg::QueueLength { waiting } => self.waiting.set(waiting),
            ServerMsg::Typing {
                chat_id,
                by: Author::Customer,
                preview,
            } => self.typing.show(chat_id, preview),
            ServerMsg::ChatRead {
                chat_id,
                by: Author::Customer,
                seq,
            } => self.customer_read.update(|m| {
                let r = m.entry(chat_id).or_default();
                *r = (*r).max(seq);
            }),
            ServerMsg::ChatUpdated {
                chat: shared::ChatView::Agent(chat),
            } => self.details.update(|d| {
                if d.contains_key(&chat.id) {
                    d.insert(chat.id, *chat);
                }
            }),
            ServerMsg::AgentCounters {
                open_count,
                status,
                capacity,
                waiting,
                ..
            } => {
                self.open_count.set(open_count);
                self.status.set(status);
                self.capacity.set(capacity);
                self.waiting.set(waiting);
            }
            ServerMsg::MessageCreated { chat_id, message }
            | ServerMsg::MessageUpdated { chat_id, message } => {
                let seq = message.seq;
                if let Some(cid) = message.client_id.as_deref() {
                    self.outbox.acknowledged(cid);
                }
                let from_customer = message.author == Author::Customer;
                if from_customer {
                    self.typing.hide(chat_id);
                }
                // a message the agent is not looking at (issue 19)
                let unseen_now = console_hidden() || self.selected.get_untracked() != Some(chat_id);
                let fresh = !self.messages.with_untracked(|m| {
                    m.get(&chat_id)
                        .is_some_and(|l| l.iter().any(|x| x.seq == seq))
                });
                if from_customer && unseen_now && fresh {
                    let preview: String = message.text.chars().take(80).collect();
                    self.alerts
                        .raise(crate::i18n::texts_now().desk.new_message, &preview);
                }
                let text = message.text.clone();
                self.chats.update(|list| {
                    if let Some(x) = list.iter_mut().find(|x| x.id == chat_id) {
                        x.last_message = Some(text);
                        x.last_seq = x.last_seq.max(seq);
                        if from_customer && self.selected.get_untracked() != Some(chat_id) {
                            x.unread += 1;
                        }
                    }
                });
                self.messages.update(|m| {
                    if let Some(list) = m.get_mut(&chat_id) {
                        upsert_message(list, message);
                    }
                });
                if from_customer && self.selected.get_untracked() == Some(chat_id) {
                    self.mark_read(chat_id, seq);
                }
            }
            ServerMsg::ChatEnded {
                chat_id, status, ..
            } => {
                if status == ChatStatus::Ended {
                    self.forget(chat_id);
                } else {
                    self.chats.update(|list| {
                        if let Some(x) = list.iter_mut().find(|x| x.id == chat_id) {
                            x.status = status;
                        }
                    });
                    self.details.update(|d| {
                        if let Some(x) = d.get_mut(&chat_id) {
                            x.status = status;
                        }
                    });
                }
            }
            _ => {}
        }
    }

    fn forget(&self, chat: ChatId) {
        self.chats.update(|l| l.retain(|x| x.id != chat));
        self.unseen.update(|u| {
            u.remove(&chat);
        });
        if self.selected.get_untracked() == Some(chat) {
            self.selected.set(None);
        }
    }

    fn mark_read(&self, chat: ChatId, seq: i64) {
        leptos::task::spawn_local(async move {
            let _ = client::mark_read(chat, seq).await;
        });
    }

    /// Opens a chat (C-AG-4): records the open, loads history and details.
    pub fn select(self, chat: ChatId) {
        self.selected.set(Some(chat));
        self.unseen.update(|u| {
            u.remove(&chat);
        });
        self.chats.update(|list| {
            if let Some(x) = list.iter_mut().find(|x| x.id == chat) {
                x.unread = 0;
                x.opened = true;
            }
        });
        leptos::task::spawn_local(async move {
            match client::open_chat(chat).await {
                Ok(d) => {
                    let read = d.customer_read_seq;
                    self.customer_read.update(|m| {
                        m.insert(chat, read);
                    });
                    self.details.update(|m| {
                        m.insert(chat, d);
                    })
                }
                Err(e) => self.error.set(Some(e.shown())),
            }
            if let Ok(list) = client::messages(chat, 0, None).await {
                self.messages.update(|m| {
                    let entry = m.entry(chat).or_default();
                    for msg in list {
                        upsert_message(entry, msg);
                    }
                });
            }
        });
    }

    /// Sends a file into a chat (issue 19), checked against the service's rules first.
    pub(super) fn send_file(self, chat: ChatId, file: net::PickedFile) {
        let rules = self
            .details
            .with_untracked(|d| d.get(&chat).map(|d| d.files.clone()))
            .unwrap_or_default();
        let done = Callback::new(move |message| {
            self.on_frame(ServerMsg::MessageCreated {
                chat_id: chat,
                message,
            })
        });
        self.files.send(chat, None, rules, file, done);
    }

    /// Hides (`hide`) or restores the file of a message (issue 19).
    pub(super) fn mask_file(self, chat: ChatId, message: shared::MessageId, hide: bool) {
        leptos::task::spawn_local(async move {
            self.on_masked(chat, client::mask_file(chat, message, hide).await);
        });
    }

    /// Sends a message through the outbox (issue 31): kept until stored.
    pub(super) fn send(self, chat: ChatId, text: String) {
        self.throttle.reset();
        self.outbox.push(chat, Kind::Message, text);
    }

    /// Adds an internal note (issue 19): shown to agents only; through the outbox too.
    pub(super) fn add_note(self, chat: ChatId, text: String) {
        self.outbox.push(chat, Kind::Note, text);
    }

    /// Masks characters `start..end` of a message (C-PII-2).
    pub(super) fn mask(self, chat: ChatId, message: shared::MessageId, start: usize, end: usize) {
        leptos::task::spawn_local(async move {
            self.on_masked(chat, client::mask(chat, message, start, end).await);
        });
    }

    /// Restores a masked run after the agent confirmed (C-PII-3).
    pub(super) fn unmask(self, chat: ChatId, message: shared::MessageId, mask: String) {
        self.confirm_unmask.set(None);
        leptos::task::spawn_local(async move {
            self.on_masked(chat, client::unmask(chat, message, &mask).await);
        });
    }

    fn on_masked(self, chat: ChatId, result: Result<Message, crate::error::AppError>) {
        match result {
            Ok(message) => self.on_frame(ServerMsg::MessageUpdated {
                chat_id: chat,
                message,
            }),
            Err(e) => self.error.set(Some(e.shown())),
        }
    }

    /// The mask button: masks the current selection, which must lie in one message.
    pub(super) fn mask_selection(self, chat: ChatId, texts: &'static shared::i18n::Texts) {
        match super::selection_to_mask(texts) {
            Ok((message, start, end)) => {
                self.error.set(None);
                self.mask(chat, message, start, end);
            }
            Err(why) => self.error.set(Some(why.into())),
        }
    }

    /// Ends a chat; with unsaved info edits it asks first (C-AG-7).
    pub(super) fn request_end(self, chat: ChatId) {
        if self.dirty.get_untracked().contains(&chat) {
            self.confirm_end.set(Some(chat));
        } else {
            self.end(chat);
        }
    }

    pub(super) fn end(self, chat: ChatId) {
        self.confirm_end.set(None);
        self.confirm_close.set(None);
        self.dirty.update(|d| {
            d.remove(&chat);
        });
        leptos::task::spawn_local(async move {
            match client::end_chat(chat).await {
                Ok(_) => self.forget(chat),
                Err(e) => self.error.set(Some(e.shown())),
            }
        });
    }

    /// Changes the agent's status; when it fails (offline, issue 31) the reason shows
    /// and the selector goes back to the status the server still has — nothing looks
    /// changed that is not.
    pub(super) fn set_status(self, status: AgentStatus) {
        leptos::task::spawn_local(async move {
            match client::set_agent_status(&StatusRequest { status }).await {
                Ok(s) => self.status.set(s.status),
                Err(e) => {
                    self.error.set(Some(e.shown()));
                    // set (not update) notifies even unchanged: the select shows it again
                    self.status.set(self.status.get_untracked());
                }
            }
        });
    }
}
