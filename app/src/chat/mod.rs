//! The live chat UI: the customer's chat window in the help center, and the agent's
//! chat screen in the console. Both talk to the public REST API and the WebSocket of
//! API.md through [`crate::net`]; all state lives in reactive signals.

pub mod agent;
pub mod alerts;
pub mod canned;
pub mod customer;
pub mod desk;
pub mod files;
pub mod info;
pub mod keys;
pub mod outbox;
pub mod signals;
pub mod transfer;
pub mod waiting;

use leptos::prelude::*;
use shared::{Author, Message, MessageId};

/// Inserts a message in seq order unless that seq is already shown.
pub fn upsert_message(list: &mut Vec<Message>, m: Message) {
    match list.binary_search_by_key(&m.seq, |x| x.seq) {
        Ok(i) => list[i] = m,
        Err(i) => list.insert(i, m),
    }
}

/// Time of a message, `HH:MM`, in the browser's time zone.
pub fn clock(m: &Message) -> String {
    clock_at(m.created_at)
}

/// A moment as `HH:MM` in the browser's time zone.
pub fn clock_at(at: chrono::DateTime<chrono::Utc>) -> String {
    #[cfg(feature = "hydrate")]
    let offset_min = -(js_sys::Date::new_0().get_timezone_offset() as i64);
    #[cfg(not(feature = "hydrate"))]
    let offset_min = 0;
    // by hand, not `format("%H:%M")`: chrono's format-string machinery would be in
    // the customers' bundle for this one use (issue 17)
    use chrono::Timelike;
    let at = at + chrono::Duration::minutes(offset_min);
    format!("{:02}:{:02}", at.hour(), at.minute())
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

/// A piece of a message as shown: plain text, a masked run, or a run that looks like
/// personal data (agents only).
#[derive(Clone, Debug, PartialEq)]
pub enum Segment {
    Plain(String),
    Masked {
        id: String,
        text: String,
    },
    Pii {
        start: usize,
        end: usize,
        text: String,
    },
}

/// Splits a message into segments by its masks (and, for agents, its PII hints).
/// The segments' characters concatenate to the message text, so selection offsets
/// measured on the rendered text are the message's offsets.
pub fn segments(m: &Message, with_pii: bool) -> Vec<Segment> {
    let chars: Vec<char> = m.text.chars().collect();
    let mut marks: Vec<(usize, usize, Option<String>)> = m
        .masks
        .iter()
        .map(|k| (k.start, k.end, Some(k.id.clone())))
        .collect();
    if with_pii {
        for h in &m.pii {
            if !marks.iter().any(|(s, e, _)| *s < h.end && h.start < *e) {
                marks.push((h.start, h.end, None));
            }
        }
    }
    marks.retain(|(s, e, _)| s < e && *e <= chars.len());
    marks.sort_by_key(|(s, _, _)| *s);
    let mut out = Vec::new();
    let mut at = 0;
    for (s, e, id) in marks {
        if s < at {
            continue;
        }
        if s > at {
            out.push(Segment::Plain(chars[at..s].iter().collect()));
        }
        let text: String = chars[s..e].iter().collect();
        out.push(match id {
            Some(id) => Segment::Masked { id, text },
            None => Segment::Pii {
                start: s,
                end: e,
                text,
            },
        });
        at = e;
    }
    if at < chars.len() {
        out.push(Segment::Plain(chars[at..].iter().collect()));
    }
    out
}

/// The message box both sides write in (`message-input`, `message-send`): Enter sends,
/// Shift+Enter breaks the line, and the Enter that ends an IME composition (Korean)
/// never sends half a syllable.
#[component]
pub fn Composer(
    draft: RwSignal<String>,
    #[prop(into)] enabled: Signal<bool>,
    on_send: Callback<()>,
    /// Called on every keystroke with the text so far (the typing signal, issue 19).
    #[prop(optional)]
    on_typing: Option<Callback<String>>,
    /// Sees each key first and answers whether it took it (the agent's `/` list of
    /// canned replies); a taken Enter does not send.
    #[prop(optional)]
    on_key: Option<Callback<leptos::ev::KeyboardEvent, bool>>,
    /// Takes files picked, dropped or pasted (issue 19); with it the box has an attach
    /// button checked against `file_rules`.
    #[prop(optional)]
    on_file: Option<Callback<crate::net::PickedFile>>,
    #[prop(optional, into)] file_rules: Option<Signal<shared::FileRules>>,
    /// Files may be attached now (default: whenever the box is enabled; an agent's
    /// note takes text only).
    #[prop(optional, into)]
    attach_enabled: Option<Signal<bool>>,
) -> impl IntoView {
    let t = crate::i18n::use_texts();
    let dragging = RwSignal::new(false);
    let attach_enabled = attach_enabled.unwrap_or(enabled);
    let take = move |picked: Vec<crate::net::PickedFile>| -> bool {
        match on_file {
            Some(cb) if attach_enabled.get_untracked() && !picked.is_empty() => {
                for f in picked {
                    cb.run(f);
                }
                true
            }
            _ => false,
        }
    };
    view! {
        <form class="composer" class:dragging=move || dragging.get()
            on:submit=move |ev| { ev.prevent_default(); on_send.run(()); }
            on:dragover=move |ev| if on_file.is_some() { ev.prevent_default(); dragging.set(true); }
            on:dragleave=move |_| dragging.set(false)
            on:drop=move |ev| {
                dragging.set(false);
                if on_file.is_some() {
                    ev.prevent_default();
                    take(files::dropped(&ev));
                }
            }>
            {move || dragging.get().then(|| view! { <span class="drop-hint" aria-hidden="true">{t.get().files.drop_here}</span> })}
            {on_file.zip(file_rules).map(|(cb, rules)| view! { <files::AttachButton enabled=attach_enabled rules on_file=cb/> })}
            <textarea
                on:paste=move |ev| if take(files::pasted(&ev)) { ev.prevent_default(); }
                rows="2"
                data-testid="message-input"
                aria-label=move || t.get().message_placeholder
                maxlength=shared::MAX_MESSAGE_CHARS
                disabled=move || !enabled.get()
                placeholder=move || t.get().message_placeholder
                prop:value=draft
                on:input:target=move |ev| {
                    let text = ev.target().value();
                    if let Some(cb) = on_typing {
                        cb.run(text.clone());
                    }
                    draft.set(text);
                }
                on:keydown=move |ev| {
                    if on_key.is_some_and(|h| h.run(ev.clone())) {
                        ev.prevent_default();
                        return;
                    }
                    if ev.key() == "Enter" && !ev.shift_key() && !ev.is_composing() {
                        ev.prevent_default();
                        on_send.run(());
                    }
                }
            ></textarea>
            <button type="submit" class="button primary" data-testid="message-send" disabled=move || !enabled.get()>
                {move || t.get().send}
            </button>
        </form>
    }
}

/// What an agent can do on a bubble (security service on): unmask a run, mask a hint.
#[derive(Clone, Copy)]
pub struct MaskActions {
    pub unmask: Callback<(MessageId, String)>,
    pub mask: Callback<(MessageId, usize, usize)>,
    /// The controls under a message's file (issue 19): given the message and whether
    /// its file is hidden, an agent's screen answers [`files::FileControls`]. A view
    /// maker rather than a flag, so the customers' bundle (which never has actions)
    /// links none of it.
    pub file: Callback<(MessageId, bool), AnyView>,
}

/// One bubble. Text is rendered as text (never as HTML) with line breaks kept; masked
/// runs show as stars (`data-testid="masked"`).
#[component]
pub fn Bubble(
    message: Message,
    #[prop(into)] mine: Signal<bool>,
    #[prop(default = None)] actions: Option<MaskActions>,
    /// How far the other side has read: this side's messages up to it show 읽음.
    #[prop(optional, into)]
    read_upto: Option<Signal<i64>>,
    /// The customer's chat token, for reading files (agents use their cookie).
    #[prop(optional)]
    token: Option<String>,
) -> impl IntoView {
    let t = crate::i18n::use_texts();
    let author = message.author;
    let time = clock(&message);
    let who = message.agent_name.clone();
    let id = message.id;
    let seq = message.seq;
    let parts = segments(&message, actions.is_some());
    view! {
        <div
            class="bubble-row"
            class:mine=move || mine.get()
            class:system=author == Author::System
            class:note=message.internal
        >
            <div class="bubble" data-testid="message" data-author=author.as_str() data-seq=message.seq
                data-internal=message.internal.then_some("true")>
                {message.internal.then(|| view! { <span class="note-label">{move || t.get().notes.label}</span> })}
                {who.filter(|_| author == Author::Agent).map(|n| view! { <span class="bubble-who">{n}</span> })}
                {message.attachment.clone().map(|file| {
                    let controls = actions.map(|a| a.file.run((id, file.masked)));
                    view! { <files::FileView message=message.clone() file token=token.clone() controls/> }
                })}
                <span class="bubble-text" data-message-id=id.to_string() hidden=message.attachment.is_some()>
                    {parts.into_iter().map(|p| match (p, actions) {
                        (Segment::Plain(text), _) => view! { <span>{text}</span> }.into_any(),
                        (Segment::Masked { id: mask, text }, Some(a)) => view! {
                            <button type="button" class="masked" data-testid="masked" data-mask-id=mask.clone()
                                on:click=move |_| a.unmask.run((id, mask.clone()))>{text}</button>
                        }.into_any(),
                        (Segment::Masked { text, .. }, None) => view! { <span class="masked" data-testid="masked">{text}</span> }.into_any(),
                        (Segment::Pii { start, end, text }, Some(a)) => view! {
                            <button type="button" class="pii" data-testid="pii-hint" title=move || t.get().pii_hint
                                on:click=move |_| a.mask.run((id, start, end))>{text}</button>
                        }.into_any(),
                        (Segment::Pii { text, .. }, None) => view! { <span>{text}</span> }.into_any(),
                    }).collect_view()}
                </span>
                <span class="bubble-time">
                    {move || (mine.get() && read_upto.is_some_and(|r| seq <= r.get()))
                        .then(|| view! { <span class="read-mark" data-testid="read-mark">{t.get().signals.read}" "</span> })}
                    {time}
                </span>
            </div>
        </div>
    }
}

/// A modal question with Cancel and OK (`confirm-dialog`, `confirm-cancel`, `confirm-ok`).
#[component]
pub fn ConfirmDialog(
    text: &'static str,
    on_cancel: Callback<()>,
    on_ok: Callback<()>,
) -> impl IntoView {
    let t = crate::i18n::use_texts();
    view! {
        <div class="modal-backdrop">
            <div class="modal" role="alertdialog" aria-modal="true" data-testid="confirm-dialog">
                <p>{text}</p>
                <div class="modal-actions">
                    <button type="button" class="button" data-testid="confirm-cancel" on:click=move |_| on_cancel.run(())>
                        {move || t.get().cancel}
                    </button>
                    <button type="button" class="button primary" data-testid="confirm-ok" on:click=move |_| on_ok.run(())>
                        {move || t.get().confirm_ok}
                    </button>
                </div>
            </div>
        </div>
    }
}

/// The current selection as a run to mask, or the text telling the agent why not.
pub fn selection_to_mask(
    texts: &'static shared::i18n::Texts,
) -> Result<(MessageId, usize, usize), &'static str> {
    selected_run().map_err(|p| match p {
        SelectionProblem::AcrossMessages => texts.mask_one_message,
        SelectionProblem::Nothing => texts.mask_select_first,
    })
}

/// Why the current selection cannot be masked.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum SelectionProblem {
    Nothing,
    AcrossMessages,
}

/// The browser selection as `(message, start, end)` in characters of one message.
pub fn selected_run() -> Result<(MessageId, usize, usize), SelectionProblem> {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let window = web_sys::window().ok_or(SelectionProblem::Nothing)?;
        let sel = window
            .get_selection()
            .ok()
            .flatten()
            .ok_or(SelectionProblem::Nothing)?;
        if sel.is_collapsed() || sel.range_count() == 0 {
            return Err(SelectionProblem::Nothing);
        }
        let range = sel.get_range_at(0).map_err(|_| SelectionProblem::Nothing)?;
        let bubble = |node: web_sys::Node| -> Option<web_sys::Element> {
            let el = match node.dyn_ref::<web_sys::Element>() {
                Some(e) => e.clone(),
                None => node.parent_element()?,
            };
            el.closest(".bubble-text").ok().flatten()
        };
        let start_el = range.start_container().ok().and_then(bubble);
        let end_el = range.end_container().ok().and_then(bubble);
        let (Some(a), Some(b)) = (start_el, end_el) else {
            return Err(SelectionProblem::Nothing);
        };
        if a != b {
            return Err(SelectionProblem::AcrossMessages);
        }
        let id: MessageId = a
            .get_attribute("data-message-id")
            .and_then(|v| v.parse().ok())
            .ok_or(SelectionProblem::Nothing)?;
        let doc = window.document().ok_or(SelectionProblem::Nothing)?;
        let pre = doc.create_range().map_err(|_| SelectionProblem::Nothing)?;
        pre.select_node_contents(&a)
            .map_err(|_| SelectionProblem::Nothing)?;
        pre.set_end(
            &range
                .start_container()
                .map_err(|_| SelectionProblem::Nothing)?,
            range
                .start_offset()
                .map_err(|_| SelectionProblem::Nothing)?,
        )
        .map_err(|_| SelectionProblem::Nothing)?;
        let start = String::from(pre.to_string()).chars().count();
        let len = String::from(range.to_string()).chars().count();
        if len == 0 {
            return Err(SelectionProblem::Nothing);
        }
        let _ = sel.remove_all_ranges();
        Ok((id, start, start + len))
    }
    #[cfg(not(feature = "hydrate"))]
    Err(SelectionProblem::Nothing)
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
            internal: false,
            attachment: None,
        }
    }

    #[test]
    fn segments_cover_the_text_exactly() {
        let mut msg = m(1, "전화 010-1234-5678, 메일 a@b.kr");
        msg.masks = vec![shared::Mask {
            id: "9".into(),
            start: 3,
            end: 16,
        }];
        msg.pii = vec![
            shared::PiiHint {
                start: 3,
                end: 16,
                kind: "mobile".into(),
            },
            shared::PiiHint {
                start: 21,
                end: 27,
                kind: "email".into(),
            },
        ];
        let segs = segments(&msg, true);
        let joined: String = segs
            .iter()
            .map(|s| match s {
                Segment::Plain(t)
                | Segment::Masked { text: t, .. }
                | Segment::Pii { text: t, .. } => t.clone(),
            })
            .collect();
        assert_eq!(joined, msg.text);
        assert!(
            matches!(&segs[1], Segment::Masked { id, .. } if id == "9"),
            "a mask wins over a hint"
        );
        assert!(matches!(
            &segs[3],
            Segment::Pii {
                start: 21,
                end: 27,
                ..
            }
        ));
        assert_eq!(
            segments(&msg, false)
                .iter()
                .filter(|s| matches!(s, Segment::Pii { .. }))
                .count(),
            0,
            "customers see no hints"
        );
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
