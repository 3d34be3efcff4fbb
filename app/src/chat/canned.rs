//! The `/` list of canned replies in the agent's message box (issue 19): typing `/`
//! at the start of the box opens the replies matching what follows (shortcut, title
//! or text — `shared::canned::search`); ↑/↓ choose, Enter or a click inserts the reply
//! in the customer's language with its placeholders filled, Esc closes. Agents only:
//! the customers' bundle never holds this code.

use leptos::prelude::*;
use shared::CannedReply;

use crate::i18n::use_texts;

/// Replies shown at once.
const SHOWN: usize = 8;

/// The `/` list's state for one message box.
#[derive(Clone, Copy)]
pub struct CannedPicker {
    replies: Signal<Vec<CannedReply>>,
    draft: RwSignal<String>,
    index: RwSignal<usize>,
    /// Turns a reply into the text to insert (language, placeholders).
    fill: Callback<CannedReply, String>,
}

impl CannedPicker {
    pub fn new(
        replies: Signal<Vec<CannedReply>>,
        draft: RwSignal<String>,
        fill: Callback<CannedReply, String>,
    ) -> CannedPicker {
        CannedPicker {
            replies,
            draft,
            index: RwSignal::new(0),
            fill,
        }
    }

    /// The query when the box starts with `/` (the list is open).
    fn query(&self) -> Option<String> {
        self.draft.with(|d| d.strip_prefix('/').map(str::to_owned))
    }

    fn hits(&self) -> Vec<CannedReply> {
        let Some(q) = self.query() else {
            return Vec::new();
        };
        self.replies.with(|all| {
            shared::canned::search(all, &q)
                .into_iter()
                .take(SHOWN)
                .cloned()
                .collect()
        })
    }

    fn insert(&self, reply: CannedReply) {
        self.draft.set(self.fill.run(reply));
        self.index.set(0);
    }

    /// The message box's keys while the list is open: answers whether it took the key
    /// (then the box does not send).
    pub fn on_key(&self, ev: &leptos::ev::KeyboardEvent) -> bool {
        if self.query().is_none() || ev.is_composing() {
            return false;
        }
        let hits = self.hits();
        match ev.key().as_str() {
            "ArrowDown" if !hits.is_empty() => {
                self.index.update(|i| *i = (*i + 1) % hits.len());
                true
            }
            "ArrowUp" if !hits.is_empty() => {
                self.index
                    .update(|i| *i = (*i + hits.len() - 1) % hits.len());
                true
            }
            "Enter" | "Tab" if !ev.shift_key() => match hits.get(self.index.get_untracked()) {
                Some(reply) => {
                    self.insert(reply.clone());
                    true
                }
                None => ev.key() == "Enter",
            },
            "Escape" => {
                self.draft.set(String::new());
                true
            }
            _ => {
                self.index.set(0);
                false
            }
        }
    }
}

/// The list above the message box while it starts with `/`.
#[component]
pub fn CannedList(picker: CannedPicker) -> impl IntoView {
    let t = use_texts();
    move || {
        picker.query()?;
        let hits = picker.hits();
        let selected = picker.index.get().min(hits.len().saturating_sub(1));
        Some(view! {
            <div class="canned-list" data-testid="canned-list">
                <p class="canned-hint muted">{t.get().canned.hint}</p>
                {if hits.is_empty() {
                    view! { <p class="muted" data-testid="canned-none">{t.get().canned.none_found}</p> }.into_any()
                } else {
                    view! {
                        <ul role="listbox" aria-label=t.get().canned.list_label>
                            {hits.into_iter().enumerate().map(|(i, r)| {
                                let code = crate::i18n::use_locale().get_untracked().code();
                                let preview: String = r.text_for(code, "ko").chars().take(80).collect();
                                let pick = r.clone();
                                view! {
                                    <li role="option" aria-selected=(i == selected).to_string()
                                        class:selected=i == selected data-testid="canned-item"
                                        on:mousedown=move |ev| { ev.prevent_default(); picker.insert(pick.clone()); }>
                                        <strong>{r.title.clone()}</strong>
                                        {r.shortcut.clone().map(|s| view! { <span class="tag">{format!("/{s}")}</span> })}
                                        <span class="muted canned-preview">{preview}</span>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }}
            </div>
        })
    }
}
