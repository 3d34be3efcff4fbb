//! The outbox (issue 31): every message and internal note a person types is kept here
//! under its `client_id` from the moment it is sent until the server has stored it —
//! in memory and in the browser's `localStorage`, so neither a lost network, a reload
//! nor a closed tab loses it. The customer's window and the agent's console each hold
//! one.
//!
//! Delivery is in order, one at a time: the first item not refused goes next. An
//! answer of the network (no answer within [`SEND_TIMEOUT_MS`], a 5xx, 408, 429) stalls
//! the outbox — its items show "not sent yet", the offline banner shows — and it tries
//! again on every sign that the network may be back: the socket reconnecting, the
//! browser's `online` event, the page becoming visible, a manual "retry now", and a
//! timer (1 s doubling to 30 s, ±20 % jitter) while anything waits. Resending is
//! harmless: the server answers a `client_id` it knows with the message it stored.
//! A refusal (a 4xx other than 408/429 — the chat ended, a text too long) is kept on
//! the item with its reason and never retried; the person may remove it.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use shared::{ChatId, Message, SendMessageRequest};

use crate::client;
use crate::error::AppError;
use crate::net::{self, storage};

/// How long one attempt may wait for its answer before it counts as lost (the request
/// may have arrived: the retry's `client_id` makes that harmless).
pub const SEND_TIMEOUT_MS: u32 = 15_000;
/// The first timer retry, and the longest wait between two.
const FIRST_RETRY_MS: u32 = 1_000;
const LONGEST_RETRY_MS: u32 = 30_000;

/// What an item becomes in the chat.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Kind {
    /// A chat message (either party).
    Message,
    /// An agent's internal note.
    Note,
}

/// One typed thing on its way.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Outgoing {
    pub client_id: String,
    pub chat: ChatId,
    pub kind: Kind,
    pub text: String,
    /// The server's refusal, as shown; such an item is never sent again.
    #[serde(default)]
    pub refused: Option<String>,
}

/// Whether a failed attempt is worth repeating: the network, a server that could not
/// answer, a request that timed out or was rate-limited.
pub fn transient(e: &AppError) -> bool {
    e.is("network") || e.is("timeout") || e.status >= 500 || matches!(e.status, 408 | 429)
}

/// The next timer delay after `current` (doubling, capped).
pub fn next_backoff(current: u32) -> u32 {
    current
        .saturating_mul(2)
        .clamp(FIRST_RETRY_MS, LONGEST_RETRY_MS)
}

/// The outbox of one party in one browser tab.
#[derive(Clone, Copy)]
pub struct Outbox {
    /// Everything typed and not stored yet, in the order it was typed.
    pub items: RwSignal<Vec<Outgoing>>,
    /// The last attempt failed for the network: waiting items say so, and the window
    /// shows that it is offline.
    pub stalled: RwSignal<bool>,
    /// Where the items are kept (`None` until the party is known: nothing is saved).
    key: StoredValue<Option<String>>,
    /// The customer's chat token; `None` for an agent (the session cookie).
    token: StoredValue<Option<String>>,
    /// What the owner does with a stored message (shows it, like a socket frame).
    on_stored: StoredValue<Option<Callback<Message>>>,
    /// What the owner does with a refusal (the console shows it).
    on_refused: StoredValue<Option<Callback<String>>>,
    /// A delivery round is running; triggers meanwhile only ask for another.
    running: StoredValue<bool>,
    /// A trigger arrived during the round: go again at once.
    again: StoredValue<bool>,
    /// The timer's next delay (ms).
    backoff: StoredValue<u32>,
    /// A timer retry is armed (one at a time).
    timer: StoredValue<bool>,
    /// The browser's `online` and visibility events are listened to.
    listening: StoredValue<bool>,
}

impl Default for Outbox {
    fn default() -> Self {
        Self::new()
    }
}

impl Outbox {
    pub fn new() -> Outbox {
        Outbox {
            items: RwSignal::new(Vec::new()),
            stalled: RwSignal::new(false),
            key: StoredValue::new(None),
            token: StoredValue::new(None),
            on_stored: StoredValue::new(None),
            on_refused: StoredValue::new(None),
            running: StoredValue::new(false),
            again: StoredValue::new(false),
            backoff: StoredValue::new(FIRST_RETRY_MS),
            timer: StoredValue::new(false),
            listening: StoredValue::new(false),
        }
    }

    /// Starts delivering for a party: `key` names its storage (per chat for a
    /// customer, per agent for the console), `token` is the customer's. What a reload
    /// or a closed tab left there is taken back and sent, after anything in memory.
    /// Also listens for the browser's signs that the network is back.
    pub fn open(
        self,
        key: String,
        token: Option<String>,
        on_stored: Callback<Message>,
        on_refused: Option<Callback<String>>,
    ) {
        let kept: Vec<Outgoing> = storage::get(&key)
            .and_then(|s| serde_json::from_str(&s).ok())
            .unwrap_or_default();
        self.items.update(|items| {
            for k in kept {
                if !items.iter().any(|i| i.client_id == k.client_id) {
                    items.push(k);
                }
            }
        });
        self.key.set_value(Some(key));
        self.token.set_value(token);
        self.on_stored.set_value(Some(on_stored));
        self.on_refused.set_value(on_refused);
        self.save();
        self.listen();
        self.flush();
    }

    /// Forgets the party (a new chat, a sign-out): nothing more is sent or kept.
    pub fn close(self) {
        if let Some(key) = self.key.get_value() {
            storage::remove(&key);
        }
        self.key.set_value(None);
        self.token.set_value(None);
        self.items.set(Vec::new());
        self.stalled.set(false);
    }

    /// Keeps a typed message or note and sends it (after what waits before it).
    pub fn push(self, chat: ChatId, kind: Kind, text: String) {
        let prefix = match kind {
            Kind::Message => "m",
            Kind::Note => "n",
        };
        self.items.update(|items| {
            items.push(Outgoing {
                client_id: format!("{prefix}_{}", net::random_id()),
                chat,
                kind,
                text,
                refused: None,
            })
        });
        self.save();
        self.flush();
    }

    /// The items of one chat, in order (tracked).
    pub fn of_chat(&self, chat: ChatId) -> Vec<Outgoing> {
        self.items
            .with(|items| items.iter().filter(|i| i.chat == chat).cloned().collect())
    }

    /// A message with this `client_id` reached the window another way (the socket):
    /// its item is done.
    pub fn acknowledged(self, client_id: &str) {
        let known = self
            .items
            .with_untracked(|items| items.iter().any(|i| i.client_id == client_id));
        if known {
            self.items
                .update(|items| items.retain(|i| i.client_id != client_id));
            self.save();
        }
    }

    /// Removes a refused item the person no longer wants to see.
    pub fn discard(self, client_id: &str) {
        self.acknowledged(client_id);
    }

    /// "Retry now", and every sign that the network is back: a new round at once,
    /// the timer's wait back to its start.
    pub fn retry_now(self) {
        self.backoff.set_value(FIRST_RETRY_MS);
        self.flush();
    }

    /// Starts a delivery round unless one runs (then it goes round again).
    pub fn flush(self) {
        if self.key.with_value(Option::is_none) {
            return;
        }
        if self.running.get_value() {
            self.again.set_value(true);
            return;
        }
        self.running.set_value(true);
        leptos::task::spawn_local(async move {
            loop {
                self.again.set_value(false);
                let delivered_all = self.round().await;
                if delivered_all && !self.again.get_value() {
                    break;
                }
                if !delivered_all && !self.again.get_value() {
                    self.arm_timer();
                    break;
                }
            }
            self.running.set_value(false);
        });
    }

    /// Sends items in order until none is left (`true`) or the network stalls it.
    async fn round(self) -> bool {
        loop {
            let Some(next) = self
                .items
                .with_untracked(|items| items.iter().find(|i| i.refused.is_none()).cloned())
            else {
                self.stalled.set(false);
                return true;
            };
            match self.send(&next).await {
                Ok(message) => {
                    self.stalled.set(false);
                    self.backoff.set_value(FIRST_RETRY_MS);
                    self.acknowledged(&next.client_id);
                    if let Some(cb) = self.on_stored.get_value() {
                        cb.run(message);
                    }
                }
                Err(e) if transient(&e) => {
                    self.stalled.set(true);
                    return false;
                }
                Err(e) => {
                    let reason = e.shown();
                    self.items.update(|items| {
                        if let Some(i) = items.iter_mut().find(|i| i.client_id == next.client_id) {
                            i.refused = Some(reason.clone());
                        }
                    });
                    self.save();
                    if let Some(cb) = self.on_refused.get_value() {
                        cb.run(reason);
                    }
                }
            }
        }
    }

    /// One attempt, bounded by [`SEND_TIMEOUT_MS`].
    async fn send(self, item: &Outgoing) -> Result<Message, AppError> {
        let body = SendMessageRequest {
            client_id: item.client_id.clone(),
            text: item.text.clone(),
        };
        let token = self.token.get_value();
        let chat = item.chat;
        let attempt = async move {
            match item.kind {
                Kind::Message => client::send_message(chat, &body, token.as_deref()).await,
                Kind::Note => client::add_note(chat, &body).await.map(|e| e.message),
            }
        };
        net::within(SEND_TIMEOUT_MS, attempt)
            .await
            .unwrap_or_else(|| Err(AppError::new("timeout", "no answer in time")))
    }

    /// One timer retry after the current backoff (±20 %), then the next backoff.
    fn arm_timer(self) {
        if self.timer.get_value() {
            return;
        }
        self.timer.set_value(true);
        let wait = self.backoff.get_value();
        self.backoff.set_value(next_backoff(wait));
        let jittered = (f64::from(wait) * (0.8 + 0.4 * net::random_unit())) as u32;
        leptos::task::spawn_local(async move {
            net::sleep_ms(jittered).await;
            self.timer.set_value(false);
            self.flush();
        });
    }

    fn save(self) {
        if let Some(key) = self.key.get_value() {
            let items = self.items.get_untracked();
            if items.is_empty() {
                storage::remove(&key);
            } else {
                storage::set(&key, &serde_json::to_string(&items).unwrap_or_default());
            }
        }
    }

    /// The browser's signs that the network may be back: `online`, and the page
    /// shown again (a phone waking up, a tab brought back).
    /// Listens once per outbox, for the life of the page.
    fn listen(self) {
        if self.listening.get_value() {
            return;
        }
        self.listening.set_value(true);
        let online = window_event_listener(leptos::ev::online, move |_| self.retry_now());
        // any change is worth a try: hidden, the attempt costs nothing if offline
        let shown = window_event_listener_untyped("visibilitychange", move |_| self.retry_now());
        on_cleanup(move || {
            online.remove();
            shown.remove();
        });
    }
}

/// The messages of `chat` still in the outbox, after the stored ones: sending, "not
/// sent yet" while the network is away (the banner has "retry now"), or refused with
/// the reason and a button to remove it.
#[component]
pub fn Unsent(outbox: Outbox, #[prop(into)] chat: Signal<Option<ChatId>>) -> impl IntoView {
    view! {
        <For
            each=move || chat.get().map(|c| outbox.of_chat(c)).unwrap_or_default()
            key=|i| (i.client_id.clone(), i.refused.clone())
            let:item
        >
            <UnsentBubble outbox item/>
        </For>
    }
}

#[component]
fn UnsentBubble(outbox: Outbox, item: Outgoing) -> impl IntoView {
    let t = crate::i18n::use_texts();
    let refused = item.refused.clone();
    let client_id = StoredValue::new(item.client_id.clone());
    let state = {
        let refused = refused.is_some();
        move || match (refused, outbox.stalled.get()) {
            (true, _) => "refused",
            (false, true) => "waiting",
            (false, false) => "sending",
        }
    };
    let note = item.kind == Kind::Note;
    view! {
        <div class="bubble-row mine">
            <div class="bubble pending" class:note=note class:unsent=move || state() != "sending"
                data-testid="message-pending" data-state=state>
                <span class="bubble-text">{item.text.clone()}</span>
                <span class="bubble-time">
                    {move || {
                        let o = t.get().outbox;
                        match (&refused, state()) {
                            (Some(why), _) => format!("{} · {why}", o.not_sent),
                            (None, "waiting") => o.waiting.to_owned(),
                            _ => o.sending.to_owned(),
                        }
                    }}
                </span>
                {move || (state() == "refused").then(|| view! {
                    <button type="button" class="link-button" data-testid="message-discard"
                        on:click=move |_| client_id.with_value(|c| outbox.discard(c))>
                        {t.get().outbox.discard}
                    </button>
                })}
            </div>
        </div>
    }
}

/// The line above a conversation while the network is away: the outbox's "offline,
/// sent when back" with a "retry now" button once a message could not go, else
/// "reconnecting" while the socket is down. The text is one live region that stays in
/// the page, so screen readers announce both.
#[component]
pub fn OfflineBanner(outbox: Outbox, #[prop(into)] connected: Signal<bool>) -> impl IntoView {
    let t = crate::i18n::use_texts();
    let text = move || {
        if outbox.stalled.get() {
            Some(t.get().outbox.offline)
        } else if !connected.get() {
            Some(t.get().reconnecting)
        } else {
            None
        }
    };
    view! {
        <div class="chat-banner-row" class:shown=move || text().is_some()>
            <div role="status" aria-live="polite" data-testid="offline-banner">
                {move || text().map(|s| view! { <p class="chat-banner">{s}</p> })}
            </div>
            {move || outbox.stalled.get().then(|| view! {
                <button type="button" class="button small" data-testid="message-retry"
                    on:click=move |_| outbox.retry_now()>
                    {t.get().outbox.retry_now}
                </button>
            })}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_timer_doubles_to_thirty_seconds() {
        let mut wait = FIRST_RETRY_MS;
        let mut waits = vec![wait];
        for _ in 0..7 {
            wait = next_backoff(wait);
            waits.push(wait);
        }
        assert_eq!(
            waits,
            [1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]
        );
    }

    #[test]
    fn only_the_network_and_busy_servers_are_retried() {
        let err = |code: &str, status: u16| AppError {
            code: code.into(),
            message: String::new(),
            status,
        };
        assert!(transient(&err("network", 400)));
        assert!(transient(&err("timeout", 400)));
        assert!(transient(&err("storage_unavailable", 503)));
        assert!(transient(&err("http", 502)));
        assert!(transient(&err("too_many_messages", 429)));
        assert!(!transient(&err("chat_closed", 409)));
        assert!(!transient(&err("invalid_input", 422)));
        assert!(!transient(&err("not_assigned", 403)));
    }
}
