//! Handing a chat on in the console (issue 18): the transfer dialog (another online
//! agent, shown with their load, or the queue for anyone; an optional note the receiver
//! reads) and the chat's hand-over record with those notes.

use leptos::prelude::*;
use shared::i18n::fill;
use shared::{
    AgentId, AgentLoad, AgentStatus, ChatDetail, ChatId, Handover, HandoverKind, TransferRequest,
};

use crate::client;
use crate::i18n::use_texts;

/// The value of the "queue" choice in the receiver list.
const TO_QUEUE: &str = "queue";

/// The 이관 button of an active chat and its dialog. `on_done` runs after the server
/// took the transfer (the chat leaves this agent's list by its own frame).
#[component]
pub fn TransferButton(
    chat: ChatId,
    #[prop(into)] enabled: Signal<bool>,
    on_error: Callback<String>,
) -> impl IntoView {
    let t = use_texts();
    let open = RwSignal::new(false);
    view! {
        <button type="button" class="button small" data-testid="transfer-button"
            disabled=move || !enabled.get() on:click=move |_| open.set(true)>
            {move || t.get().routing.transfer}
        </button>
        {move || open.get().then(|| view! {
            <TransferDialog chat on_close=Callback::new(move |_| open.set(false)) on_error/>
        })}
    }
}

#[component]
fn TransferDialog(
    chat: ChatId,
    on_close: Callback<()>,
    on_error: Callback<String>,
) -> impl IntoView {
    let t = use_texts();
    let agents = RwSignal::new(Vec::<AgentLoad>::new());
    // the chat on this desk is the signed-in agent's own
    let me = use_context::<shared::AgentProfile>().map(|p| p.id);
    let to = RwSignal::new(TO_QUEUE.to_owned());
    let note = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let problem = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        leptos::task::spawn_local(async move {
            match client::routing_board().await {
                Ok(board) => agents.set(board.agents),
                Err(e) => problem.set(Some(e.shown())),
            }
        });
    });
    // only online agents with the chat permission can receive, never the chat's own
    let receivers = move || {
        agents
            .get()
            .into_iter()
            .filter(|a| a.status == AgentStatus::Online && a.chat_permission && Some(a.id) != me)
            .collect::<Vec<_>>()
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let target = to.get_untracked();
        let req = TransferRequest {
            to_agent_id: target.parse().ok().map(AgentId),
            note: Some(note.get_untracked()).filter(|n| !n.trim().is_empty()),
        };
        if let Err(e) = req.validate() {
            problem.set(Some(e.to_string()));
            return;
        }
        busy.set(true);
        leptos::task::spawn_local(async move {
            match client::transfer_chat(chat, &req).await {
                Ok(_) => on_close.run(()),
                Err(e) => {
                    problem.set(Some(e.shown()));
                    on_error.run(e.shown());
                }
            }
            busy.set(false);
        });
    };
    view! {
        <div class="modal-backdrop">
            <form class="modal form" role="dialog" aria-modal="true" aria-labelledby="transfer-title"
                data-testid="transfer-dialog" on:submit=submit>
                <h3 id="transfer-title">{move || t.get().routing.transfer_title}</h3>
                <label class="field">
                    <span>{move || t.get().routing.transfer_to}</span>
                    <select data-testid="transfer-to" prop:value=to on:change:target=move |ev| to.set(ev.target().value())>
                        <option value=TO_QUEUE>{move || t.get().routing.transfer_to_queue}</option>
                        <For each=receivers key=|a| (a.id, a.open_chats, a.capacity) let:a>
                            {
                                let full = a.open_chats >= a.capacity;
                                let label = move || {
                                    let r = t.get().routing;
                                    let load = format!("{} / {}", a.open_chats, a.capacity);
                                    if full { format!("{} ({load}, {})", a.name, r.transfer_full) } else { format!("{} ({load})", a.name) }
                                };
                                view! { <option value=a.id.to_string()>{label}</option> }
                            }
                        </For>
                    </select>
                </label>
                <label class="field">
                    <span>{move || t.get().routing.transfer_note}</span>
                    <textarea rows="3" maxlength="500" data-testid="transfer-note" prop:value=note
                        on:input:target=move |ev| note.set(ev.target().value())></textarea>
                </label>
                {move || problem.get().map(|p| view! { <p class="form-error" role="alert">{p}</p> })}
                <div class="modal-actions">
                    <button type="button" class="button" data-testid="transfer-cancel" on:click=move |_| on_close.run(())>
                        {move || t.get().routing.transfer_cancel}
                    </button>
                    <button type="submit" class="button primary" data-testid="transfer-submit" disabled=move || busy.get()>
                        {move || t.get().routing.transfer_submit}
                    </button>
                </div>
            </form>
        </div>
    }
}

fn kind_text(kind: HandoverKind, r: &shared::i18n::RoutingTexts) -> &'static str {
    match kind {
        HandoverKind::Transfer => r.handover_transfer,
        HandoverKind::Reroute => r.handover_reroute,
        HandoverKind::Offline => r.handover_offline,
        HandoverKind::Supervisor => r.handover_supervisor,
    }
}

/// The chat's changes of hands, oldest first, with the transferring agents' notes
/// (the receiver reads why they got the chat). Nothing when it never changed hands.
#[component]
pub fn HandoverList(#[prop(into)] detail: Signal<Option<ChatDetail>>) -> impl IntoView {
    let t = use_texts();
    let list = move || detail.get().map(|d| d.handovers).unwrap_or_default();
    move || {
        let items: Vec<Handover> = list();
        (!items.is_empty()).then(|| {
            view! {
                <section class="handovers" data-testid="handovers" aria-label=move || t.get().routing.handovers_title>
                    <ul>
                        {items.into_iter().map(|h| {
                            let r = t.get().routing;
                            let who = format!(
                                "{} → {}",
                                h.from_agent.clone().unwrap_or_default(),
                                h.to_agent.clone().unwrap_or_else(|| r.the_queue.to_owned())
                            );
                            view! {
                                <li data-testid="handover">
                                    <span class="tag">{kind_text(h.kind, r)}</span>
                                    " " <span>{who}</span>
                                    {h.note.clone().map(|n| view! {
                                        <p class="handover-note" data-testid="handover-note">
                                            {fill("{label}: ", "label", r.note_label)}{n}
                                        </p>
                                    })}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                </section>
            }
        })
    }
}
