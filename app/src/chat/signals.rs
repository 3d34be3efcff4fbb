//! Typing and 읽음 in the UI (issue 19), for both sides: a throttle so a typist
//! signals at most every 2 s, the indicator that fades out after a few seconds of
//! silence (or at once when that side's message arrives), and the "is the page being
//! read?" check the customer's window reports reading with.

use std::collections::HashMap;

use leptos::prelude::*;
use shared::ChatId;

/// How long an indicator stays after the last typing frame.
const FADE_MS: u64 = 5_000;

/// The typist's side of the throttle (the server drops extra frames anyway).
const SIGNAL_EVERY_MS: f64 = 2_000.0;

fn now_ms() -> f64 {
    crate::net::now().timestamp_millis() as f64
}

/// Lets one typing signal out every 2 s while someone types.
#[derive(Clone, Copy)]
pub struct TypingThrottle(StoredValue<f64>);

impl TypingThrottle {
    pub fn new() -> TypingThrottle {
        TypingThrottle(StoredValue::new(f64::MIN))
    }

    /// Whether a signal should go out now (and counts it).
    pub fn due(&self) -> bool {
        let now = now_ms();
        let due = now - self.0.get_value() >= SIGNAL_EVERY_MS;
        if due {
            self.0.set_value(now);
        }
        due
    }

    /// After a send: the next keystroke signals at once.
    pub fn reset(&self) {
        self.0.set_value(f64::MIN);
    }
}

impl Default for TypingThrottle {
    fn default() -> TypingThrottle {
        TypingThrottle::new()
    }
}

/// Who is typing where, each entry fading out [`FADE_MS`] after its last frame: the
/// value is the preview (agents may get one), the generation tells a later frame's
/// timer from an earlier one's.
#[derive(Clone, Copy)]
pub struct Typing {
    pub now: RwSignal<HashMap<ChatId, (u64, Option<String>)>>,
    next: StoredValue<u64>,
}

impl Typing {
    pub fn new() -> Typing {
        Typing {
            now: RwSignal::new(HashMap::new()),
            next: StoredValue::new(0),
        }
    }

    /// A typing frame arrived.
    pub fn show(&self, chat: ChatId, preview: Option<String>) {
        let generation = self.next.get_value() + 1;
        self.next.set_value(generation);
        self.now.update(|m| {
            m.insert(chat, (generation, preview));
        });
        let now = self.now;
        set_timeout(
            move || {
                now.update(|m| {
                    if m.get(&chat).is_some_and(|(g, _)| *g == generation) {
                        m.remove(&chat);
                    }
                })
            },
            std::time::Duration::from_millis(FADE_MS),
        );
    }

    /// That side's message arrived (or the chat left): no more indicator.
    pub fn hide(&self, chat: ChatId) {
        if self.now.with_untracked(|m| m.contains_key(&chat)) {
            self.now.update(|m| {
                m.remove(&chat);
            });
        }
    }

    pub fn is_typing(&self, chat: ChatId) -> bool {
        self.now.with(|m| m.contains_key(&chat))
    }

    pub fn preview(&self, chat: ChatId) -> Option<String> {
        self.now.with(|m| m.get(&chat).and_then(|(_, p)| p.clone()))
    }
}

impl Default for Typing {
    fn default() -> Typing {
        Typing::new()
    }
}

/// Whether a person is looking at the page now: visible and focused (the customer's
/// window reports reading only then).
pub fn page_in_view() -> bool {
    #[cfg(feature = "hydrate")]
    {
        let doc = document();
        doc.visibility_state() == web_sys::VisibilityState::Visible
            && doc.has_focus().unwrap_or(false)
    }
    #[cfg(not(feature = "hydrate"))]
    false
}

/// The "…is typing" line (and the preview, when there is one).
#[component]
pub fn TypingNote(
    #[prop(into)] shown: Signal<bool>,
    text: fn(&shared::i18n::SignalTexts) -> &'static str,
    #[prop(into, optional)] preview: Signal<Option<String>>,
) -> impl IntoView {
    let t = crate::i18n::use_texts();
    move || {
        shown.get().then(|| {
            view! {
                <p class="typing-note" role="status" data-testid="typing-indicator">
                    <span class="typing-dots" aria-hidden="true"><i></i><i></i><i></i></span>
                    {text(t.get().signals)}
                    {preview.get().map(|p| view! { <q class="typing-preview" data-testid="typing-preview">{p}</q> })}
                </p>
            }
        })
    }
}
