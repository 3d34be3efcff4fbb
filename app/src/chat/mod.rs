//! The live chat UI: the customer's chat window in the help center, and the agent's
//! chat screen in the console. Both talk to the public REST API and the WebSocket of
//! API.md through [`crate::net`]; all state lives in reactive signals.

pub mod agent;
pub mod customer;

use leptos::prelude::*;
use shared::{Author, Message};

/// Inserts a message in seq order unless that seq is already shown.
pub fn upsert_message(list: &mut Vec<Message>, m: Message) {
    match list.binary_search_by_key(&m.seq, |x| x.seq) {
        Ok(i) => list[i] = m,
        Err(i) => list.insert(i, m),
    }
}

/// Time of a message, `HH:MM`, in the browser's time zone.
pub fn clock(m: &Message) -> String {
    #[cfg(feature = "hydrate")]
    let offset_min = -(js_sys::Date::new_0().get_timezone_offset() as i64);
    #[cfg(not(feature = "hydrate"))]
    let offset_min = 0;
    (m.created_at + chrono::Duration::minutes(offset_min))
        .format("%H:%M")
        .to_string()
}

/// Keeps a transcript scrolled to its newest message whenever `track` changes.
pub fn follow_bottom(log: NodeRef<leptos::html::Div>, track: impl Fn() + 'static) {
    Effect::new(move |_| {
        track();
        request_animation_frame(move || {
            if let Some(el) = log.get_untracked() {
                el.set_scroll_top(el.scroll_height());
            }
        });
    });
}

/// One bubble. Text is rendered as text (never as HTML) with line breaks kept.
#[component]
pub fn Bubble(message: Message, #[prop(into)] mine: Signal<bool>) -> impl IntoView {
    let author = message.author;
    let time = clock(&message);
    let who = message.agent_name.clone();
    view! {
        <div
            class="bubble-row"
            class:mine=move || mine.get()
            class:system=author == Author::System
        >
            <div class="bubble" data-testid="message" data-author=author.as_str() data-seq=message.seq>
                {who.filter(|_| author == Author::Agent).map(|n| view! { <span class="bubble-who">{n}</span> })}
                <span class="bubble-text">{message.text.clone()}</span>
                <span class="bubble-time">{time}</span>
            </div>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::{ChatId, MessageId};

    fn m(seq: i64, text: &str) -> Message {
        Message {
            id: MessageId(seq),
            chat_id: ChatId(1),
            seq,
            author: Author::Customer,
            text: text.into(),
            created_at: chrono::Utc::now(),
            masks: vec![],
            client_id: None,
            agent_name: None,
            pii: vec![],
        }
    }

    #[test]
    fn upsert_keeps_seq_order_and_never_doubles() {
        let mut list = vec![];
        for s in [3, 1, 2, 3, 1] {
            upsert_message(&mut list, m(s, "x"));
        }
        assert_eq!(list.iter().map(|x| x.seq).collect::<Vec<_>>(), [1, 2, 3]);
        upsert_message(&mut list, m(2, "updated"));
        assert_eq!(list[1].text, "updated");
    }
}
