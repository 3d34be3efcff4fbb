//! Keyboard shortcuts of the chat screen (issue 19): Alt+↓ / Alt+↑ move to the next
//! chat (one with unread messages first) or the previous one, Alt+I focuses the
//! message box, Alt+/ opens the canned replies, Alt+E ends the open chat after a
//! confirmation, and `?` (outside a text field) shows the list. Keys are read by their
//! physical position (`KeyboardEvent.code`), so they work on a Korean layout and while
//! the IME is on.

use leptos::prelude::*;
use shared::ChatId;

use super::agent::AgentDesk;
use crate::i18n::use_texts;

/// The chat to go to: with `forward`, the first chat after the open one that has
/// unread messages (wrapping), else simply the next; backwards, the previous one.
pub fn next_chat(
    chats: &[(ChatId, bool)],
    current: Option<ChatId>,
    forward: bool,
) -> Option<ChatId> {
    if chats.is_empty() {
        return None;
    }
    let n = chats.len();
    let at = current.and_then(|c| chats.iter().position(|(id, _)| *id == c));
    if !forward {
        return Some(match at {
            Some(i) => chats[(i + n - 1) % n].0,
            None => chats[n - 1].0,
        });
    }
    let start = at.map_or(0, |i| i + 1);
    (0..n)
        .map(|k| chats[(start + k) % n])
        .find(|(id, unread)| *unread && Some(*id) != current)
        .map(|(id, _)| id)
        .or_else(|| Some(chats[start % n].0))
}

/// Whether the key went to a text field (then `?` is just a character).
#[cfg(feature = "hydrate")]
fn typing_in_a_field(ev: &web_sys::KeyboardEvent) -> bool {
    use wasm_bindgen::JsCast;
    ev.target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .is_some_and(|el| matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT"))
}

/// Focuses the message box; with `text`, puts it there as if typed (the `/` list).
#[cfg(feature = "hydrate")]
fn focus_box(text: Option<&str>) {
    use wasm_bindgen::JsCast;
    let Some(el) = document()
        .query_selector(r#"[data-testid="message-input"]"#)
        .ok()
        .flatten()
        .and_then(|e| e.dyn_into::<web_sys::HtmlTextAreaElement>().ok())
    else {
        return;
    };
    let _ = el.focus();
    if let Some(text) = text {
        el.set_value(text);
        if let Ok(ev) = web_sys::Event::new_with_event_init_dict("input", &{
            let init = web_sys::EventInit::new();
            init.set_bubbles(true);
            init
        }) {
            let _ = el.dispatch_event(&ev);
        }
    }
}

/// Listens for the shortcuts while the chat screen is shown.
pub fn install(desk: AgentDesk, help: RwSignal<bool>) {
    #[cfg(feature = "hydrate")]
    {
        let handle = window_event_listener(leptos::ev::keydown, move |ev| {
            let code = ev.code();
            if ev.alt_key() && !ev.ctrl_key() && !ev.meta_key() {
                let chats: Vec<(ChatId, bool)> = desk.chats.with_untracked(|l| {
                    l.iter()
                        .map(|c| {
                            (
                                c.id,
                                c.unread > 0 || desk.unseen.with_untracked(|u| u.contains(&c.id)),
                            )
                        })
                        .collect()
                });
                let current = desk.selected.get_untracked();
                let done = match code.as_str() {
                    "ArrowDown" | "ArrowUp" => {
                        if let Some(id) = next_chat(&chats, current, code == "ArrowDown") {
                            desk.select(id);
                        }
                        true
                    }
                    "KeyI" => {
                        focus_box(None);
                        true
                    }
                    "Slash" => {
                        focus_box(Some("/"));
                        true
                    }
                    "KeyE" => {
                        if current.is_some() {
                            desk.confirm_close.set(current);
                        }
                        true
                    }
                    _ => false,
                };
                if done {
                    ev.prevent_default();
                }
                return;
            }
            if ev.key() == "?" && !typing_in_a_field(&ev) {
                ev.prevent_default();
                help.update(|h| *h = !*h);
            } else if ev.key() == "Escape" {
                help.set(false);
            }
        });
        on_cleanup(move || handle.remove());
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (desk, help);
}

/// The list of shortcuts.
#[component]
pub fn ShortcutHelp(open: RwSignal<bool>) -> impl IntoView {
    let t = use_texts();
    move || {
        open.get().then(|| {
            let d = t.get().desk;
            view! {
                <div class="modal-backdrop" on:click=move |_| open.set(false)>
                    <div class="modal" role="dialog" aria-modal="true" aria-labelledby="shortcuts-title"
                        data-testid="shortcut-help" on:click=|ev| ev.stop_propagation()>
                        <h3 id="shortcuts-title">{d.shortcuts_title}</h3>
                        <dl class="shortcut-list">
                            {d.shortcuts.iter().map(|(keys, what)| view! { <dt><kbd>{*keys}</kbd></dt><dd>{*what}</dd> }).collect_view()}
                        </dl>
                        <div class="modal-actions">
                            <button type="button" class="button" data-testid="shortcut-help-close" on:click=move |_| open.set(false)>{d.close}</button>
                        </div>
                    </div>
                </div>
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(unread: &[bool]) -> Vec<(ChatId, bool)> {
        unread
            .iter()
            .enumerate()
            .map(|(i, u)| (ChatId(i as i64 + 1), *u))
            .collect()
    }

    #[test]
    fn next_goes_to_unread_first_then_in_order() {
        let l = list(&[false, false, true, false]);
        assert_eq!(
            next_chat(&l, Some(ChatId(1)), true),
            Some(ChatId(3)),
            "the unread one"
        );
        assert_eq!(
            next_chat(&l, Some(ChatId(3)), true),
            Some(ChatId(4)),
            "none else unread: the next"
        );
        assert_eq!(
            next_chat(&l, Some(ChatId(4)), true),
            Some(ChatId(3)),
            "wraps to the unread one"
        );
        assert_eq!(next_chat(&l, None, true), Some(ChatId(3)));
        let none_unread = list(&[false, false]);
        assert_eq!(
            next_chat(&none_unread, Some(ChatId(2)), true),
            Some(ChatId(1)),
            "wraps"
        );
    }

    #[test]
    fn previous_goes_back_in_order() {
        let l = list(&[true, false, false]);
        assert_eq!(next_chat(&l, Some(ChatId(2)), false), Some(ChatId(1)));
        assert_eq!(
            next_chat(&l, Some(ChatId(1)), false),
            Some(ChatId(3)),
            "wraps"
        );
        assert_eq!(next_chat(&l, None, false), Some(ChatId(3)));
        assert_eq!(next_chat(&[], None, false), None);
    }
}
