//! The agent's chat screen (C-AG-1..3, C-END-3): the blinking chat icon, and the
//! three panes — the list (status, alerts, 대화중 n / cap and the queue), the
//! conversation (typing, 읽음, notes, canned replies, transfer) and the chat's info —
//! all drawn from the [`AgentDesk`] state and its socket.

use std::collections::HashSet;

use leptos::prelude::*;
use shared::{AgentChatItem, AgentStatus, Author, ChatDetail, ChatId, ChatStatus};

use super::agent::AgentDesk;
use super::alerts::AlertSwitches;
use super::canned::{CannedList, CannedPicker};
use super::info::ChatInfoPanel;
use super::signals::TypingNote;
use super::transfer::{HandoverList, TransferButton};
use super::{Bubble, ConfirmDialog};
use crate::client;
use crate::i18n::use_texts;

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
                <super::outbox::OfflineBanner outbox=desk.outbox connected=desk.connected/>
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
            {move || desk.error.get().map(|e| view! { <p class="form-error" role="alert" data-testid="desk-error">{e}</p> })}
            {move || (status() == ChatStatus::CustomerEnded).then(|| view! { <p class="chat-banner" data-testid="customer-ended-note">{t.get().customer_ended_note}</p> })}
            <HandoverList detail=Signal::derive(move || desk.details.get().get(&chat).cloned())/>
            <div class="chat-log" node_ref=log role="log" tabindex="0" aria-live="polite" aria-label=move || t.get().transcript_label>
                <For each=move || desk.messages.get().get(&chat).cloned().unwrap_or_default() key=|m| (m.seq, m.text.clone(), m.masks.len()) let:m>
                    {
                        let actions = desk.security.get_untracked().then_some(super::MaskActions {
                            unmask: Callback::new(move |(message, mask)| desk.confirm_unmask.set(Some((chat, message, mask)))),
                            mask: Callback::new(move |(message, start, end)| desk.mask(chat, message, start, end)),
                            file: super::files::controls(Callback::new(move |(message, hide)| desk.mask_file(chat, message, hide))),
                        });
                        let read = Signal::derive(move || desk.customer_read.with(|r| r.get(&chat).copied().unwrap_or(0)));
                        view! { <Bubble mine=m.author == Author::Agent message=m actions=actions read_upto=read/> }
                    }
                </For>
                <super::outbox::Unsent outbox=desk.outbox chat=Signal::derive(move || Some(chat))/>
            </div>
            <TypingNote shown=Signal::derive(move || desk.typing.is_typing(chat)) text=|s| s.customer_typing
                preview=Signal::derive(move || desk.typing.preview(chat))/>
            <CannedList picker/>
            <label class="note-switch">
                <input type="checkbox" data-testid="note-mode" prop:checked=note_mode
                    on:change:target=move |ev| note_mode.set(ev.target().checked())/>
                <span>{move || t.get().notes.mode}</span>
            </label>
            <super::files::FileStatus sender=desk.files/>
            <div class="composer-wrap" class:note-mode=move || note_mode.get()>
            <super::Composer draft enabled=Signal::derive(move || note_mode.get() || status() == ChatStatus::Active) on_send=Callback::new(move |()| submit())
                on_file=Callback::new(move |f| desk.send_file(chat, f))
                attach_enabled=Signal::derive(move || !note_mode.get() && status() == ChatStatus::Active)
                file_rules=Signal::derive(move || desk.details.with(|d| d.get(&chat).map(|d| d.files.clone()).unwrap_or_default()))
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
