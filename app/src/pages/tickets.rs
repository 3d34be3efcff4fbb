//! `/console/tickets` and `/console/tickets/{id}`: the ticket list with filters, and a
//! ticket with its fields and, for chat tickets, the 채팅내역 tab (C-AG-8).

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use shared::{TicketDetail, TicketId, TicketStatus, TicketUpdate};

use crate::chat::Bubble;
use crate::client;
use crate::i18n::use_texts;

fn status_text(t: &shared::i18n::Texts, s: TicketStatus) -> &'static str {
    match s {
        TicketStatus::Open => t.ticket_status_open,
        TicketStatus::Pending => t.ticket_status_pending,
        TicketStatus::Closed => t.ticket_status_closed,
    }
}

fn channel_text(t: &shared::i18n::Texts, c: &str) -> &'static str {
    if c == "chat" {
        t.ticket_channel_chat
    } else {
        t.ticket_channel_inquiry
    }
}

#[component]
pub fn TicketsScreen() -> impl IntoView {
    let t = use_texts();
    // the filters are the page's URL (issue 32): back/forward and a copied link show
    // the same list, and only the latest filter's answer is shown (a resource keyed on
    // the URL drops the answers of filters left meanwhile)
    let url = leptos_router::hooks::use_query_map();
    let navigate = leptos_router::hooks::use_navigate();
    let status = Memo::new(move |_| url.read().get("status").unwrap_or_default());
    let channel = Memo::new(move |_| url.read().get("channel").unwrap_or_default());
    let list = LocalResource::new(move || {
        let (status, channel) = (status.get(), channel.get());
        async move {
            client::tickets(&status, &channel)
                .await
                .map_err(|e| e.shown())
        }
    });
    let go = move |status: String, channel: String| {
        navigate(&client::tickets_link(&status, &channel), Default::default());
    };
    let go_status = {
        let go = go.clone();
        move |v: String| go(v, channel.get_untracked())
    };
    let go_channel = move |v: String| go(status.get_untracked(), v);
    view! {
        <section class="screen" data-testid="tickets-screen">
            <div class="screen-head">
                <h1 class="screen-title">{move || t.get().tickets_title}</h1>
                <div class="filters">
                    <label class="field inline">
                        <span>{move || t.get().ticket_col_status}</span>
                        <select data-testid="ticket-filter-status" prop:value=status on:change:target=move |ev| go_status(ev.target().value())>
                            <option value="">{move || t.get().filter_all}</option>
                            <option value="open">{move || t.get().ticket_status_open}</option>
                            <option value="pending">{move || t.get().ticket_status_pending}</option>
                            <option value="closed">{move || t.get().ticket_status_closed}</option>
                        </select>
                    </label>
                    <label class="field inline">
                        <span>{move || t.get().ticket_col_channel}</span>
                        <select data-testid="ticket-filter-channel" prop:value=channel on:change:target=move |ev| go_channel(ev.target().value())>
                            <option value="">{move || t.get().filter_all}</option>
                            <option value="chat">{move || t.get().ticket_channel_chat}</option>
                            <option value="inquiry">{move || t.get().ticket_channel_inquiry}</option>
                        </select>
                    </label>
                </div>
            </div>
            <Transition fallback=move || view! { <p class="loading">{t.get().loading}</p> }>
            {move || match list.get() {
                None => view! { <p class="loading">{t.get().loading}</p> }.into_any(),
                Some(Err(e)) => view! { <p class="error-banner" role="alert">{e}</p> }.into_any(),
                Some(Ok(l)) if l.tickets.is_empty() => view! { <div class="empty-state"><p class="muted">{t.get().tickets_empty}</p></div> }.into_any(),
                Some(Ok(l)) => view! {
                    <div class="card">
                        <table class="table" data-testid="ticket-table">
                            <thead>
                                <tr>
                                    <th>{t.get().ticket_col_id}</th>
                                    <th>{t.get().ticket_col_channel}</th>
                                    <th>{t.get().ticket_col_subject}</th>
                                    <th>{t.get().ticket_col_status}</th>
                                    <th>{t.get().ticket_col_assignee}</th>
                                    <th>{t.get().ticket_col_created}</th>
                                </tr>
                            </thead>
                            <tbody>
                                {l.tickets.into_iter().map(|tk| view! {
                                    <tr data-testid="ticket-row" data-channel=tk.channel.clone()>
                                        <td>{format!("#{}", tk.id)}</td>
                                        <td><span class="tag">{channel_text(t.get_untracked(), &tk.channel)}</span></td>
                                        <td><a href=client::ticket_link(tk.id) data-testid="ticket-link">{tk.subject.clone()}</a></td>
                                        <td>{status_text(t.get_untracked(), tk.status)}</td>
                                        <td>{tk.assignee.map(|a| a.name).unwrap_or_else(|| "-".into())}</td>
                                        <td>{tk.created_at.format("%Y-%m-%d %H:%M").to_string()}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any(),
            }}
            </Transition>
        </section>
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Tab {
    Info,
    Transcript,
}

#[component]
pub fn TicketScreen() -> impl IntoView {
    let t = use_texts();
    let params = use_params_map();
    let ticket = RwSignal::new(None::<Result<TicketDetail, String>>);
    let tab = RwSignal::new(Tab::Info);
    Effect::new(move |_| {
        let id = params.read().get("id").unwrap_or_default();
        let t = t.get_untracked();
        leptos::task::spawn_local(async move {
            ticket.set(Some(match id.parse::<TicketId>() {
                Ok(id) => client::ticket(id).await.map_err(|e| e.shown()),
                Err(_) => Err(t.not_found_title.to_owned()),
            }));
        });
    });
    let set_status = move |value: String| {
        let (Some(Ok(tk)), Some(status)) = (ticket.get_untracked(), TicketStatus::parse(&value))
        else {
            return;
        };
        leptos::task::spawn_local(async move {
            let change = TicketUpdate {
                status: Some(status),
            };
            match client::update_ticket(tk.id, &change).await {
                Ok(d) => ticket.set(Some(Ok(d))),
                Err(e) => ticket.set(Some(Err(e.shown()))),
            }
        });
    };
    view! {
        <section class="screen ticket-screen" data-testid="ticket-screen">
            <a class="back" href="/console/tickets">{move || format!("← {}", t.get().back_to_list)}</a>
            {move || match ticket.get() {
                None => view! { <p class="loading">{t.get().loading}</p> }.into_any(),
                Some(Err(e)) => view! { <p class="error-banner" role="alert">{e}</p> }.into_any(),
                Some(Ok(tk)) => {
                    let has_transcript = tk.transcript.is_some();
                    let transcript = tk.transcript.clone().unwrap_or_default();
                    view! {
                        <h1 class="screen-title" data-testid="ticket-subject">{tk.subject.clone()}</h1>
                        <div class="tabs" role="tablist">
                            <button type="button" role="tab" class="tab" aria-selected=move || (tab.get() == Tab::Info).to_string()
                                data-testid="tab-info" on:click=move |_| tab.set(Tab::Info)>{t.get().ticket_tab_info}</button>
                            {has_transcript.then(|| view! {
                                <button type="button" role="tab" class="tab" aria-selected=move || (tab.get() == Tab::Transcript).to_string()
                                    data-testid="tab-transcript" on:click=move |_| tab.set(Tab::Transcript)>{t.get().ticket_tab_transcript}</button>
                            })}
                        </div>
                        {move || if tab.get() == Tab::Transcript {
                            let msgs = transcript.clone();
                            view! {
                                <div class="card">
                                    <div class="chat-log transcript" role="log" tabindex="0" aria-label=move || t.get().transcript_label data-testid="ticket-transcript">
                                        {msgs.into_iter().map(|m| {
                                            let mine = m.author == shared::Author::Agent;
                                            view! { <Bubble mine message=m/> }
                                        }).collect_view()}
                                    </div>
                                </div>
                            }.into_any()
                        } else {
                            let tk = tk.clone();
                            view! {
                                <div class="card">
                                    <dl class="facts">
                                        <dt>{t.get().ticket_col_channel}</dt>
                                        <dd data-testid="ticket-channel">{channel_text(t.get_untracked(), &tk.channel)}</dd>
                                        <dt>{t.get().ticket_col_status}</dt>
                                        <dd>
                                            <select data-testid="ticket-status" prop:value=tk.status.as_str() on:change:target=move |ev| set_status(ev.target().value())>
                                                <option value="open">{t.get().ticket_status_open}</option>
                                                <option value="pending">{t.get().ticket_status_pending}</option>
                                                <option value="closed">{t.get().ticket_status_closed}</option>
                                            </select>
                                        </dd>
                                        <dt>{t.get().ticket_requester}</dt>
                                        <dd>{format!("{} {}", tk.requester_name.clone().unwrap_or_default(), tk.requester_email.clone().map(|e| format!("<{e}>")).unwrap_or_default())}</dd>
                                        <dt>{t.get().ticket_col_assignee}</dt>
                                        <dd>{tk.assignee.clone().map(|a| a.name).unwrap_or_else(|| "-".into())}</dd>
                                        <dt>{t.get().ticket_col_created}</dt>
                                        <dd>{tk.created_at.format("%Y-%m-%d %H:%M").to_string()}</dd>
                                        <dt>{t.get().ticket_body}</dt>
                                        <dd class="pre">{if tk.body.is_empty() { "-".to_string() } else { tk.body.clone() }}</dd>
                                    </dl>
                                </div>
                            }.into_any()
                        }}
                    }.into_any()
                }
            }}
        </section>
    }
}
