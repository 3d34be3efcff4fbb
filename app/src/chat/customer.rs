//! The customer's chat in the help center (C-IN-1..3, C-END-3): the chat icon at the
//! bottom right, the agent-absent popup with the 1:1 inquiry form, privacy consent, and
//! the chat itself. The chat survives a reload (its id and token are kept in
//! localStorage) and a dropped connection (the socket reconnects and resumes by `seq`);
//! what the customer types goes through the [`Outbox`], which keeps it — across a
//! reload too — and sends it in order until the server has stored it (issue 31).

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use shared::{
    BusinessHours, ChatId, ChatStatus, ClientMsg, CustomerFrame, Message, QueuePlace,
    StartChatRequest,
};

use super::outbox::{Kind, Outbox};
use super::signals::{Typing, TypingNote, TypingThrottle, page_in_view};
use super::waiting::QueueBanner;
use super::{Bubble, upsert_message};
use crate::client;
use crate::i18n::{use_locale, use_texts};
use crate::net::{self, storage};

mod absent;
mod rating;
use absent::{AbsentNotice, InquiryForm};
use rating::RatingForm;

#[derive(Clone, Copy, Debug, PartialEq)]
enum Panel {
    Closed,
    Loading,
    Absent,
    Inquiry,
    InquirySent,
    Consent,
    Chat,
}

/// What survives a reload.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct Saved {
    chat_id: ChatId,
    token: String,
}

/// Where the chat runs when it is the embedded widget on someone else's page (issue 6).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Embed {
    /// The host page's origin: the only target of our `postMessage`s.
    pub host: String,
    /// The host page's URL: the chat's channel (C-IN-4).
    pub page: String,
    pub user_id: Option<String>,
    pub user_hash: Option<String>,
}

/// The chat state of one customer, shared by the pieces of the window.
#[derive(Clone, Copy)]
struct CustomerChatState {
    slug: StoredValue<String>,
    panel: RwSignal<Panel>,
    session: RwSignal<Option<Saved>>,
    messages: RwSignal<Vec<Message>>,
    /// What the customer typed and the server has not stored yet (issue 31).
    outbox: Outbox,
    status: RwSignal<ChatStatus>,
    connected: RwSignal<bool>,
    error: RwSignal<Option<String>>,
    /// The satisfaction form is showing (the customer pressed 평가, or the agent asked).
    rating_open: RwSignal<bool>,
    /// The score the customer sent, once sent.
    rated: RwSignal<Option<i64>>,
    /// Set when running as the embedded widget.
    embed: StoredValue<Option<Embed>>,
    /// The UI texts in the customer's language (for errors shown from async tasks).
    texts: Signal<&'static shared::i18n::Texts>,
    /// The customer's place while the chat waits for an agent (issue 18).
    queue: RwSignal<Option<QueuePlace>>,
    /// The service's hours, when chat is closed outside them (the absent notice).
    hours: RwSignal<Option<BusinessHours>>,
    /// The agent is typing (issue 19).
    agent_typing: Typing,
    /// How far the agent has read: the customer's messages up to it show 읽음.
    agent_read: RwSignal<i64>,
    /// The last seq this window reported as read.
    reported_read: StoredValue<i64>,
    /// The customer's own typing signal.
    throttle: TypingThrottle,
    /// Files on their way and the last refusal (issue 19).
    files: super::files::FileSender,
    /// The service's file rules, from the chat's view.
    file_rules: RwSignal<shared::FileRules>,
}

fn session_key(slug: &str) -> String {
    format!("oc_chat_{slug}")
}

/// Where the customer's unsent messages wait (issue 31), beside the session.
fn outbox_key(slug: &str) -> String {
    format!("oc_outbox_{slug}")
}

/// The browser's stable visitor id (C-SET-4 matches on it).
fn visitor_id() -> String {
    if let Some(v) = storage::get("oc_visitor").filter(|v| !v.is_empty()) {
        return v;
    }
    let v = format!("v_{}", net::random_id());
    storage::set("oc_visitor", &v);
    v
}

impl CustomerChatState {
    fn last_seq(&self) -> i64 {
        self.messages
            .with_untracked(|m| m.last().map_or(0, |m| m.seq))
    }

    /// Tells the host page something (embedded widget only), to its origin only.
    fn tell_host(&self, kind: &str) {
        if let Some(e) = self.embed.get_value() {
            net::post_to_parent(&e.host, kind);
        }
    }

    fn on_frame(&self, frame: CustomerFrame) {
        if let CustomerFrame::MessageCreated { message } = &frame
            && message.author == shared::Author::Agent
            && !self
                .messages
                .with_untracked(|m| m.iter().any(|x| x.seq == message.seq))
        {
            self.tell_host("unread");
        }
        let agent_wrote = matches!(&frame, CustomerFrame::MessageCreated { message } if message.author != shared::Author::Customer);
        match frame {
            CustomerFrame::MessageCreated { message }
            | CustomerFrame::MessageUpdated { message } => {
                if message.author == shared::Author::Agent {
                    self.agent_typing.hide(message.chat_id);
                }
                if let Some(cid) = message.client_id.as_deref() {
                    self.outbox.acknowledged(cid);
                }
                self.messages.update(|list| upsert_message(list, message));
            }
            CustomerFrame::ChatEnded { status } => {
                self.status.set(status);
                self.queue.set(None);
            }
            CustomerFrame::RatingRequested {} => {
                self.rated.set(None);
                self.rating_open.set(true);
                self.panel.set(Panel::Chat);
            }
            CustomerFrame::ChatUpdated { chat } => {
                if chat.status != ChatStatus::Waiting {
                    self.queue.set(None);
                }
                self.status.set(chat.status);
            }
            CustomerFrame::QueueUpdated { place } => {
                if self.status.get_untracked() == ChatStatus::Waiting {
                    self.queue.set(Some(place));
                }
            }
            CustomerFrame::Typing { by } => {
                if let (shared::Author::Agent, Some(s)) = (by, self.session.get_untracked()) {
                    self.agent_typing.show(s.chat_id, None);
                }
            }
            CustomerFrame::ChatRead { by, seq } => {
                if by == shared::Author::Agent {
                    self.agent_read.update(|r| *r = (*r).max(seq));
                }
            }
            CustomerFrame::Other => {}
        }
        if agent_wrote {
            self.report_read();
        }
    }

    /// Tells the server how far the customer has read — only while the page is in view
    /// (visible and focused), and only when something new arrived since the last report.
    fn report_read(&self) {
        let Some(saved) = self.session.get_untracked() else {
            return;
        };
        let last = self.last_seq();
        if last <= self.reported_read.get_value() || !page_in_view() {
            return;
        }
        self.reported_read.set_value(last);
        leptos::task::spawn_local(async move {
            let _ = client::customer_read(saved.chat_id, &saved.token, last).await;
        });
    }

    /// A keystroke in the message box: the agent hears "typing" at most every 2 s.
    fn typed(&self) {
        let (Some(saved), true) = (
            self.session.get_untracked(),
            self.status
                .get_untracked()
                .accepts_message_from(shared::Author::Customer),
        ) else {
            return;
        };
        if self.throttle.due() {
            leptos::task::spawn_local(async move {
                let _ = client::typing(saved.chat_id, Some(&saved.token), None).await;
            });
        }
    }

    /// Sends a picked, dropped or pasted file (issue 19).
    fn send_file(self, file: net::PickedFile) {
        let Some(saved) = self.session.get_untracked() else {
            return;
        };
        let done =
            Callback::new(move |message| self.on_frame(CustomerFrame::MessageCreated { message }));
        let rules = self.file_rules.get_untracked();
        self.files
            .send(saved.chat_id, Some(saved.token), rules, file, done);
    }

    fn send(self, text: String) {
        let Some(saved) = self.session.get_untracked() else {
            return;
        };
        if text.trim().is_empty() {
            return;
        }
        self.throttle.reset();
        self.outbox.push(saved.chat_id, Kind::Message, text);
    }

    /// Opens the chat view for a session: history, then the live socket.
    fn attach(self, saved: Saved) {
        self.session.set(Some(saved.clone()));
        self.panel.set(Panel::Chat);
        // what a reload or a closed tab left unsent goes now (issue 31)
        self.outbox.open(
            outbox_key(&self.slug.get_value()),
            Some(saved.token.clone()),
            Callback::new(move |message| self.on_frame(CustomerFrame::MessageCreated { message })),
            None,
        );
        self.files.resume(
            format!("c:{}:{}", self.slug.get_value(), saved.chat_id),
            Some(saved.token.clone()),
            Callback::new(move |message| self.on_frame(CustomerFrame::MessageCreated { message })),
        );
        let fetch = saved.clone();
        leptos::task::spawn_local(async move {
            let saved = fetch;
            let detail = client::customer_chat(saved.chat_id, &saved.token).await;
            match detail {
                Ok(d) => {
                    self.status.set(d.status);
                    self.queue.set(d.queue);
                    self.agent_read.set(d.agent_read_seq);
                    self.file_rules.set(d.files);
                }
                Err(e) if e.is("unauthenticated") || e.is("not_found") => {
                    // the stored chat is gone: start over
                    self.reset();
                    return;
                }
                Err(_) => {}
            }
        });
        let chat = saved.chat_id;
        let me = self;
        net::keep_socket(
            client::customer_socket_url(&net::ws_origin(), &saved.token),
            move || {
                me.session
                    .get_untracked()
                    .is_some_and(|s| s.chat_id == chat)
            },
            move || {
                // after every (re)connect: catch up, and send what waits
                me.outbox.retry_now();
                vec![ClientMsg::Resume {
                    chat_id: chat,
                    after_seq: me.last_seq(),
                }]
            },
            move |frame| me.on_frame(frame),
            move |up| me.connected.set(up),
        );
    }

    fn reset(&self) {
        storage::remove(&session_key(&self.slug.get_value()));
        self.session.set(None);
        self.messages.set(Vec::new());
        self.outbox.close();
        self.files.forget();
        self.status.set(ChatStatus::Active);
        self.queue.set(None);
        self.rating_open.set(false);
        self.rated.set(None);
        self.panel.set(Panel::Closed);
    }
}

/// The chat icon and window of a help center whose chat is on; with `embed`, the
/// window alone, filling the widget's iframe.
#[component]
pub fn CustomerChat(slug: String, #[prop(optional)] embed: Option<Embed>) -> impl IntoView {
    let embedded = embed.is_some();
    let t = use_texts();
    let state = CustomerChatState {
        slug: StoredValue::new(slug.clone()),
        panel: RwSignal::new(Panel::Closed),
        session: RwSignal::new(None),
        messages: RwSignal::new(Vec::new()),
        outbox: Outbox::new(),
        status: RwSignal::new(ChatStatus::Active),
        connected: RwSignal::new(true),
        error: RwSignal::new(None),
        rating_open: RwSignal::new(false),
        rated: RwSignal::new(None),
        embed: StoredValue::new(embed),
        texts: use_texts(),
        queue: RwSignal::new(None),
        hours: RwSignal::new(None),
        agent_typing: Typing::new(),
        agent_read: RwSignal::new(0),
        reported_read: StoredValue::new(0),
        throttle: TypingThrottle::new(),
        files: super::files::FileSender::new(),
        file_rules: RwSignal::new(shared::FileRules::default()),
    };
    // coming back to the tab reads what arrived meanwhile (issue 19)
    let focus = window_event_listener(leptos::ev::focus, move |_| state.report_read());
    on_cleanup(move || focus.remove());
    let open = move |_| {
        state.error.set(None);
        if state.panel.get_untracked() != Panel::Closed {
            state.panel.set(Panel::Closed);
            return;
        }
        if state.session.get_untracked().is_some() {
            state.panel.set(Panel::Chat);
            return;
        }
        state.panel.set(Panel::Loading);
        let slug = state.slug.get_value();
        leptos::task::spawn_local(async move {
            match client::availability(&slug).await {
                Ok(a) if a.accepting => state.panel.set(Panel::Consent),
                Ok(a) => {
                    // closed by the hours: the notice shows them (issue 18)
                    state.hours.set(a.hours.filter(|_| !a.open));
                    state.panel.set(Panel::Absent);
                }
                Err(e) => {
                    state.error.set(Some(e.shown()));
                    state.panel.set(Panel::Absent);
                }
            }
        });
    };

    // A chat in progress comes back after a reload; the widget opens straight away.
    Effect::new(move |_| {
        if let Some(saved) = storage::get(&session_key(&state.slug.get_value()))
            .and_then(|s| serde_json::from_str::<Saved>(&s).ok())
        {
            state.attach(saved);
        } else if embedded {
            open(());
        }
    });
    if embedded {
        return view! {
            <div class="chat-embedded">
                {move || match state.panel.get() {
                    Panel::Closed => None,
                    panel => Some(view! { <ChatWindow state panel/> }),
                }}
            </div>
        }
        .into_any();
    }

    view! {
        <div class="chat-launcher">
            {move || match state.panel.get() {
                Panel::Closed => None,
                panel => Some(view! { <ChatWindow state panel/> }),
            }}
            <button
                type="button"
                class="chat-icon"
                data-testid="chat-icon"
                aria-label=move || t.get().chat_open_label
                aria-expanded=move || (state.panel.get() != Panel::Closed).to_string()
                on:click=move |_| open(())
            >
                <svg viewBox="0 0 24 24" width="28" height="28" aria-hidden="true">
                    <path fill="currentColor" d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z"/>
                </svg>
            </button>
        </div>
    }
    .into_any()
}

#[component]
fn ChatWindow(state: CustomerChatState, panel: Panel) -> impl IntoView {
    let t = use_texts();
    let body = match panel {
        Panel::Loading => view! { <p class="chat-note">{move || t.get().loading}</p> }.into_any(),
        Panel::Absent => view! { <AbsentNotice state/> }.into_any(),
        Panel::Inquiry => view! { <InquiryForm state/> }.into_any(),
        Panel::InquirySent => view! { <p class="chat-note success" data-testid="inquiry-sent">{move || t.get().inquiry_sent}</p> }.into_any(),
        Panel::Consent => view! { <Consent state/> }.into_any(),
        Panel::Chat => view! { <Conversation state/> }.into_any(),
        Panel::Closed => ().into_any(),
    };
    let in_chat = panel == Panel::Chat;
    view! {
        <section class="chat-window" role="dialog" aria-label=move || t.get().chat_title data-testid="chat-window">
            <header class="chat-window-head">
                {move || {
                    let (title, subtitle) = crate::brand::welcome(t.get().locale.code());
                    view! {
                        <div class="chat-window-title">
                            <strong data-testid="chat-welcome-title">{title.unwrap_or_else(|| t.get().chat_title.to_owned())}</strong>
                            {subtitle.map(|s| view! { <span class="chat-window-subtitle" data-testid="chat-welcome-subtitle">{s}</span> })}
                        </div>
                    }
                }}
                <div class="chat-window-actions">
                    {in_chat.then(|| view! {
                        <button type="button" class="button small" data-testid="rate-button" on:click=move |_| state.rating_open.set(true)>
                            {move || t.get().rate}
                        </button>
                        <EndButton state/>
                    })}
                    <button type="button" class="icon-button" aria-label=move || t.get().close data-testid="chat-close"
                        on:click=move |_| if state.embed.with_value(Option::is_some) { state.tell_host("close") } else { state.panel.set(Panel::Closed) }>
                        "×"
                    </button>
                </div>
            </header>
            {move || state.error.get().map(|e| view! { <p class="form-error" role="alert" data-testid="chat-error">{e}</p> })}
            {body}
        </section>
    }
}

#[component]
fn Consent(state: CustomerChatState) -> impl IntoView {
    let t = use_texts();
    // the service's own facts (issue 33): what it collects and how long it keeps it
    let facts = crate::brand::consent_facts();
    let locale = use_locale();
    let busy = RwSignal::new(false);
    let accept = move |_| {
        busy.set(true);
        let slug = state.slug.get_value();
        let embedded = state.embed.get_value();
        // the page the chat starts on: the host site's (widget) or our help center's,
        // which the server checks against the service's allowed domains
        let page = match &embedded {
            Some(e) => Some(e.page.clone()).filter(|p| !p.is_empty()),
            None => window().location().href().ok(),
        };
        let embed = embedded.unwrap_or_default();
        let req = StartChatRequest {
            consent: true,
            visitor_id: Some(visitor_id()),
            locale: Some(locale.get_untracked().code().to_owned()),
            channel_url: page,
            user_id: embed.user_id,
            user_hash: embed.user_hash,
            ..Default::default()
        };
        leptos::task::spawn_local(async move {
            match client::start_chat(&slug, &req).await {
                Ok(started) => {
                    let saved = Saved {
                        chat_id: started.chat_id,
                        token: started.customer_token,
                    };
                    storage::set(
                        &session_key(&slug),
                        &serde_json::to_string(&saved).unwrap_or_default(),
                    );
                    state.attach(saved);
                }
                Err(e) if e.is("agents_absent") || e.is("outside_hours") => {
                    state.panel.set(Panel::Absent)
                }
                Err(e) => state.error.set(Some(
                    state.texts.get_untracked().error_text(&e.code).to_owned(),
                )),
            }
            busy.set(false);
        });
    };
    view! {
        <div class="chat-consent">
            <h3>{move || t.get().consent_title}</h3>
            {move || {
                let t = t.get();
                let n = facts.notice(t);
                view! {
                    <dl class="consent-parts" data-testid="consent-notice">
                        <dt>{t.consent_items_label}</dt><dd data-testid="consent-items">{n.items}</dd>
                        <dt>{t.consent_purpose_label}</dt><dd>{n.purpose}</dd>
                        <dt>{t.consent_retention_label}</dt><dd data-testid="consent-retention">{n.retention}</dd>
                        <dt>{t.consent_refusal_label}</dt><dd>{n.refusal}</dd>
                    </dl>
                }
            }}
            <button type="button" class="button primary" data-testid="consent-accept" disabled=move || busy.get() on:click=accept>
                {move || t.get().consent_accept}
            </button>
        </div>
    }
}

#[component]
fn EndButton(state: CustomerChatState) -> impl IntoView {
    let t = use_texts();
    let end = move |_| {
        let Some(saved) = state.session.get_untracked() else {
            return;
        };
        leptos::task::spawn_local(async move {
            match client::customer_end_chat(saved.chat_id, &saved.token).await {
                Ok(d) => state.status.set(d.status),
                Err(e) => state.error.set(Some(e.shown())),
            }
        });
    };
    view! {
        <button
            type="button"
            class="button small"
            data-testid="end-chat"
            disabled=move || !state.status.get().accepts_message_from(shared::Author::Customer)
            on:click=end
        >
            {move || t.get().end_chat}
        </button>
    }
}

#[component]
fn Conversation(state: CustomerChatState) -> impl IntoView {
    let t = use_texts();
    let draft = RwSignal::new(String::new());
    let open = move || {
        state
            .status
            .get()
            .accepts_message_from(shared::Author::Customer)
    };
    let log = NodeRef::<leptos::html::Div>::new();
    super::follow_bottom(log, move || {
        state.messages.track();
        state.outbox.items.track();
    });
    let submit = move || {
        let text = draft.get_untracked();
        if !text.trim().is_empty() {
            state.send(text);
            draft.set(String::new());
        }
    };
    view! {
        <super::outbox::OfflineBanner outbox=state.outbox connected=state.connected/>
        {move || (state.status.get() == ChatStatus::Waiting).then(|| view! { <QueueBanner place=state.queue.into()/> })}
        <div class="chat-log" node_ref=log role="log" tabindex="0" aria-live="polite" aria-label=move || t.get().transcript_label>
            <For each=move || state.messages.get() key=|m| (m.seq, m.text.clone(), m.masks.len()) let:m>
                <Bubble mine=m.author == shared::Author::Customer message=m read_upto=state.agent_read
                    token=state.session.get_untracked().map(|s| s.token).unwrap_or_default()/>
            </For>
            <super::outbox::Unsent outbox=state.outbox
                chat=Signal::derive(move || state.session.get().map(|s| s.chat_id))/>
        </div>
        <TypingNote
            shown=Signal::derive(move || state.session.get().is_some_and(|s| state.agent_typing.is_typing(s.chat_id)))
            text=|s| s.agent_typing/>
        {move || state.rating_open.get().then(|| view! { <RatingForm state/> })}
        {move || {
            if open() {
                view! {
                    <super::files::FileStatus sender=state.files/>
                    <super::Composer draft enabled=Signal::derive(|| true) on_send=Callback::new(move |()| submit())
                        on_typing=Callback::new(move |_| state.typed())
                        on_file=Callback::new(move |f| state.send_file(f))
                        file_rules=state.file_rules/>
                }
                    .into_any()
            } else {
                view! {
                    <div class="chat-ended" data-testid="chat-ended">
                        <p>{move || t.get().chat_ended}</p>
                        <button type="button" class="button" data-testid="new-chat" on:click=move |_| state.reset()>{move || t.get().new_chat}</button>
                    </div>
                }
                    .into_any()
            }
        }}
    }
}
