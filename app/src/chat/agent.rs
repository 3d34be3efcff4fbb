//! The agent's side of live chat (C-AG-1..3, C-END-3): the desk state shared by the
//! whole console (chat list, 대화중 count, status, which new chats are unseen), the
//! blinking chat icon, and the three-pane chat screen (list | conversation | info).
//! Everything updates from the WebSocket; nothing polls, nothing reloads.

use std::collections::{HashMap, HashSet};

use leptos::prelude::*;
use shared::{
    AgentChatItem, AgentChats, AgentStatus, Author, ChatDetail, ChatId, ChatStatus, ClientMsg,
    Message, SendMessageRequest, ServerMsg, StatusRequest,
};

use super::alerts::{AlertSwitches, Alerts, console_hidden};
use super::canned::{CannedList, CannedPicker};
use super::info::ChatInfoPanel;
use super::signals::{Typing, TypingNote, TypingThrottle};
use super::transfer::{HandoverList, TransferButton};
use super::{Bubble, ConfirmDialog, upsert_message};
use crate::client;
use crate::i18n::use_texts;
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
            capacity: RwSignal::new(0),
            waiting: RwSignal::new(0),
            notice: RwSignal::new(None),
            typing: Typing::new(),
            customer_read: RwSignal::new(HashMap::new()),
            throttle: TypingThrottle::new(),
            canned: RwSignal::new(Vec::new()),
            alerts: Alerts::new(),
            confirm_close: RwSignal::new(None),
        }
    }

    /// Loads the list and keeps the socket (browser only; called from an effect).
    pub fn start(self) {
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
                // catch up the open conversation after a reconnect
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

    fn send(self, chat: ChatId, text: String) {
        self.throttle.reset();
        let body = SendMessageRequest {
            client_id: format!("a_{}", net::random_id()),
            text,
        };
        leptos::task::spawn_local(async move {
            match client::send_message(chat, &body, None).await {
                Ok(message) => self.on_frame(ServerMsg::MessageCreated {
                    chat_id: chat,
                    message,
                }),
                Err(e) => self.error.set(Some(e.shown())),
            }
        });
    }

    /// Adds an internal note (issue 19): shown to agents only.
    fn add_note(self, chat: ChatId, text: String) {
        let body = SendMessageRequest {
            client_id: format!("n_{}", net::random_id()),
            text,
        };
        leptos::task::spawn_local(async move {
            match client::add_note(chat, &body).await {
                Ok(env) => self.on_frame(ServerMsg::MessageCreated {
                    chat_id: chat,
                    message: env.message,
                }),
                Err(e) => self.error.set(Some(e.shown())),
            }
        });
    }

    /// Masks characters `start..end` of a message (C-PII-2).
    fn mask(self, chat: ChatId, message: shared::MessageId, start: usize, end: usize) {
        leptos::task::spawn_local(async move {
            self.on_masked(chat, client::mask(chat, message, start, end).await);
        });
    }

    /// Restores a masked run after the agent confirmed (C-PII-3).
    fn unmask(self, chat: ChatId, message: shared::MessageId, mask: String) {
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
    fn mask_selection(self, chat: ChatId, texts: &'static shared::i18n::Texts) {
        match super::selection_to_mask(texts) {
            Ok((message, start, end)) => {
                self.error.set(None);
                self.mask(chat, message, start, end);
            }
            Err(why) => self.error.set(Some(why.into())),
        }
    }

    /// Ends a chat; with unsaved info edits it asks first (C-AG-7).
    fn request_end(self, chat: ChatId) {
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

    fn set_status(self, status: AgentStatus) {
        leptos::task::spawn_local(async move {
            match client::set_agent_status(&StatusRequest { status }).await {
                Ok(s) => self.status.set(s.status),
                Err(e) => self.error.set(Some(e.shown())),
            }
        });
    }
}

/// The chat icon at the bottom right of the console (C-AG-1, C-AG-3): blinks while a
/// new chat is unseen; opens the chat screen.
#[component]
pub fn ConsoleChatIcon(desk: AgentDesk) -> impl IntoView {
    let t = use_texts();
    let navigate = leptos_router::hooks::use_navigate();
    let blinking = move || !desk.unseen.get().is_empty();
    view! {
        <button
            type="button"
            class="chat-icon console-chat-icon"
            class:blink=blinking
            data-testid="chat-icon"
            // the accessible name holds the count the badge shows (WCAG 2.5.3)
            aria-label=move || match desk.open_count.get() {
                0 => t.get().chat_open_label.to_string(),
                n => format!("{} {n}", t.get().chat_open_label),
            }
            on:click=move |_| {
                desk.unseen.set(HashSet::new());
                navigate("/console", Default::default());
            }
        >
            <svg viewBox="0 0 24 24" width="28" height="28" aria-hidden="true">
                <path fill="currentColor" d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z"/>
            </svg>
            {move || {
                let n = desk.open_count.get();
                (n > 0).then(|| view! { <span class="chat-icon-badge">{n}</span> })
            }}
        </button>
    }
}

/// The three-pane chat screen.
#[component]
pub fn AgentChatScreen(desk: AgentDesk) -> impl IntoView {
    let t = use_texts();
    let help = RwSignal::new(false);
    super::keys::install(desk, help);
    view! {
        <super::keys::ShortcutHelp open=help/>
        {move || desk.confirm_close.get().map(|chat| view! {
            <ConfirmDialog text=t.get().desk.end_confirm
                on_cancel=Callback::new(move |_| desk.confirm_close.set(None))
                on_ok=Callback::new(move |_| { desk.confirm_close.set(None); desk.request_end(chat) })/>
        })}
        {move || desk.confirm_end.get().map(|chat| view! {
            <ConfirmDialog text=t.get().confirm_unsaved_end
                on_cancel=Callback::new(move |_| desk.confirm_end.set(None))
                on_ok=Callback::new(move |_| desk.end(chat))/>
        })}
        {move || desk.confirm_unmask.get().map(|(chat, message, mask)| view! {
            <ConfirmDialog text=t.get().unmask_confirm
                on_cancel=Callback::new(move |_| desk.confirm_unmask.set(None))
                on_ok=Callback::new(move |_| desk.unmask(chat, message, mask.clone()))/>
        })}
        <div class="desk">
            <aside class="desk-list">
                <div class="desk-status">
                    <label class="field">
                        <span>{move || t.get().agent_status_label}</span>
                        <select
                            data-testid="agent-status"
                            prop:value=move || desk.status.get().as_str()
                            on:change:target=move |ev| {
                                if let Some(s) = AgentStatus::parse(&ev.target().value()) {
                                    desk.set_status(s);
                                }
                            }
                        >
                            <option value="online">{move || t.get().status_online}</option>
                            <option value="break">{move || t.get().status_break}</option>
                            <option value="offline">{move || t.get().status_offline}</option>
                        </select>
                    </label>
                    <span class=move || format!("status-dot {}", desk.status.get().as_str())></span>
                </div>
                <AlertSwitches alerts=desk.alerts/>
                <button type="button" class="button small ghost shortcut-open" data-testid="shortcut-open"
                    on:click=move |_| help.set(true)>{move || t.get().desk.shortcuts_open}</button>
                <div class="desk-counter">
                    <span>{move || t.get().in_conversation}</span>
                    <strong data-testid="open-count">{move || desk.open_count.get()}</strong>
                    <span data-testid="capacity">{move || format!("/ {}", desk.capacity.get())}</span>
                    <span class="grow"></span>
                    <span class="tag" class:warn={move || desk.waiting.get() > 0} data-testid="queue-length">
                        {move || shared::i18n::fill(t.get().routing.queue_length, "n", desk.waiting.get())}
                    </span>
                </div>
                {move || desk.notice.get().map(|n| view! {
                    <p class="note warn" role="status" data-testid="desk-notice">
                        {move || n(t.get().routing)}
                        <button type="button" class="icon-button" aria-label=move || t.get().close
                            on:click=move |_| desk.notice.set(None)>"×"</button>
                    </p>
                })}
                <ul class="desk-chats" aria-label=move || t.get().chat_list_label>
                    <For each=move || desk.chats.get() key=|c| (c.id, c.unread, c.status, c.last_seq, c.customer.name.clone(), c.last_message.clone()) let:item>
                        <ChatListItem desk item/>
                    </For>
                </ul>
                {move || (!desk.connected.get()).then(|| view! { <p class="chat-banner" role="status">{t.get().reconnecting}</p> })}
            </aside>
            {move || match desk.selected.get() {
                Some(id) => view! { <DeskConversation desk chat=id/> }.into_any(),
                None => {
                    view! {
                        <section class="desk-empty">
                            <div class="empty-state">
                                <h2>
                                    {move || if desk.chats.get().is_empty() { t.get().chat_empty_title } else { t.get().select_chat }}
                                </h2>
                                <p class="muted">{move || t.get().chat_empty_body}</p>
                            </div>
                        </section>
                    }
                        .into_any()
                }
            }}
        </div>
    }
}

#[component]
fn ChatListItem(desk: AgentDesk, item: AgentChatItem) -> impl IntoView {
    let t = use_texts();
    let id = item.id;
    let unread = item.unread;
    let ended = item.status == ChatStatus::CustomerEnded;
    view! {
        <li>
            <button
                type="button"
                class="desk-chat"
                class:selected=move || desk.selected.get() == Some(id)
                data-testid="chat-list-item"
                data-chat-id=id.to_string()
                on:click=move |_| desk.select(id)
            >
                <span class="desk-chat-top">
                    <span class="desk-chat-name">{let name = item.customer.name.clone(); move || t.get().customer_name(&name, id)}</span>
                    {move || desk.unseen.get().contains(&id).then(|| view! { <span class="tag new">{t.get().new_chat_badge}</span> })}
                    {ended.then(|| view! { <span class="tag ended" data-testid="customer-ended">{move || t.get().customer_ended_badge}</span> })}
                    {move || desk.typing.is_typing(id).then(|| view! { <span class="tag typing" data-testid="list-typing">{t.get().signals.typing_tag}</span> })}
                    {(unread > 0).then(|| view! { <span class="unread" data-testid="unread">{unread}</span> })}
                </span>
                <span class="desk-chat-last">{item.last_message.clone().unwrap_or_default()}</span>
            </button>
        </li>
    }
}

#[component]
fn DeskConversation(desk: AgentDesk, chat: ChatId) -> impl IntoView {
    let t = use_texts();
    let draft = RwSignal::new(String::new());
    let item = move || desk.chats.get().into_iter().find(|c| c.id == chat);
    let status = move || item().map_or(ChatStatus::Ended, |c| c.status);
    // writing an internal note instead of a message (issue 19)
    let note_mode = RwSignal::new(false);
    let submit = move || {
        let text = draft.get_untracked();
        if !text.trim().is_empty() {
            if note_mode.get_untracked() {
                desk.add_note(chat, text);
            } else {
                desk.send(chat, text);
            }
            draft.set(String::new());
        }
    };
    let log = NodeRef::<leptos::html::Div>::new();
    super::follow_bottom(log, move || desk.messages.track());
    let rating_note = RwSignal::new(false);
    // a canned reply in the customer's language, its placeholders filled (issue 19)
    let (agent_name, service_name) = use_context::<shared::AgentProfile>()
        .map(|p| (p.name, p.service_name))
        .unwrap_or_default();
    let fill = Callback::new(move |r: shared::CannedReply| {
        let d = desk.details.with_untracked(|m| m.get(&chat).cloned());
        let locale = d
            .as_ref()
            .map_or_else(|| "ko".to_owned(), |d| d.locale.clone());
        let customer = d
            .map(|d| t.get_untracked().customer_name(&d.customer.name, d.id))
            .unwrap_or_default();
        shared::canned::fill_placeholders(
            r.text_for(&locale, "ko"),
            &customer,
            &agent_name,
            &service_name,
        )
    });
    let picker = CannedPicker::new(desk.canned.into(), draft, fill);
    view! {
        <section class="desk-conversation">
            <header class="desk-conv-head">
                <strong>{move || item().map(|c| t.get().customer_name(&c.customer.name, c.id)).unwrap_or_default()}</strong>
                <span class="grow"></span>
                {move || desk.security.get().then(|| view! {
                    <button type="button" class="button small" data-testid="mask-button"
                        on:mousedown=|ev| ev.prevent_default()
                        on:click=move |_| desk.mask_selection(chat, t.get_untracked())>
                        {t.get().mask_button}
                    </button>
                })}
                {move || rating_note.get().then(|| view! { <span class="note ok">{t.get().rating_requested}</span> })}
                <button type="button" class="button small" data-testid="rate-request" disabled=move || status() != ChatStatus::Active
                    on:click=move |_| {
                        leptos::task::spawn_local(async move {
                            match client::request_rating(chat).await {
                                Ok(_) => rating_note.set(true),
                                Err(e) => desk.error.set(Some(e.shown())),
                            }
                        });
                    }>
                    {move || t.get().rating_request}
                </button>
                <TransferButton chat enabled=Signal::derive(move || status() == ChatStatus::Active)
                    on_error=Callback::new(move |e: String| desk.error.set(Some(e)))/>
                <button type="button" class="button small danger" data-testid="end-chat" on:click=move |_| desk.request_end(chat)>
                    {move || t.get().end_chat}
                </button>
            </header>
            {move || desk.error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
            {move || (status() == ChatStatus::CustomerEnded).then(|| view! { <p class="chat-banner" data-testid="customer-ended-note">{t.get().customer_ended_note}</p> })}
            <HandoverList detail=Signal::derive(move || desk.details.get().get(&chat).cloned())/>
            <div class="chat-log" node_ref=log role="log" tabindex="0" aria-live="polite" aria-label=move || t.get().transcript_label>
                <For each=move || desk.messages.get().get(&chat).cloned().unwrap_or_default() key=|m| (m.seq, m.text.clone(), m.masks.len()) let:m>
                    {
                        let actions = desk.security.get_untracked().then_some(super::MaskActions {
                            unmask: Callback::new(move |(message, mask)| desk.confirm_unmask.set(Some((chat, message, mask)))),
                            mask: Callback::new(move |(message, start, end)| desk.mask(chat, message, start, end)),
                        });
                        let read = Signal::derive(move || desk.customer_read.with(|r| r.get(&chat).copied().unwrap_or(0)));
                        view! { <Bubble mine=m.author == Author::Agent message=m actions=actions read_upto=read/> }
                    }
                </For>
            </div>
            <TypingNote shown=Signal::derive(move || desk.typing.is_typing(chat)) text=|s| s.customer_typing
                preview=Signal::derive(move || desk.typing.preview(chat))/>
            <CannedList picker/>
            <label class="note-switch">
                <input type="checkbox" data-testid="note-mode" prop:checked=note_mode
                    on:change:target=move |ev| note_mode.set(ev.target().checked())/>
                <span>{move || t.get().notes.mode}</span>
            </label>
            <div class="composer-wrap" class:note-mode=move || note_mode.get()>
            <super::Composer draft enabled=Signal::derive(move || note_mode.get() || status() == ChatStatus::Active) on_send=Callback::new(move |()| submit())
                on_key=Callback::new(move |ev: leptos::ev::KeyboardEvent| picker.on_key(&ev))
                on_typing=Callback::new(move |_| {
                    if desk.throttle.due() {
                        leptos::task::spawn_local(async move {
                            let _ = client::typing(chat, None, None).await;
                        });
                    }
                })/>
            </div>
        </section>
        <ChatInfoPanel
            chat
            detail=Signal::derive(move || desk.details.get().get(&chat).cloned())
            categories=desk.categories
            on_saved=Callback::new(move |d: ChatDetail| desk.details.update(|m| { m.insert(chat, d); }))
            on_dirty=Callback::new(move |d: bool| desk.dirty.update(|set| { if d { set.insert(chat); } else { set.remove(&chat); } }))
            on_error=Callback::new(move |e: String| desk.error.set(Some(e)))
        />
    }
}
