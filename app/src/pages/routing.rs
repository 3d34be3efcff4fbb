//! Routing in `/admin` (issue 18): the routing settings (capacity, re-routing, the
//! recent-agent hold), the business hours (per weekday, holidays, time zone, chat
//! outside hours) and the live board of agents and the queue, where an admin can set a
//! forgotten agent offline. The board refreshes every few seconds while it is shown.

use leptos::prelude::*;
use shared::routing::{parse_spans, spans_text};
use shared::{AgentStatus, BusinessHours, Routing, RoutingBoard, SettingsUpdate, StatusRequest};

use crate::client;
use crate::i18n::use_texts;

/// How often the board asks again (a supervisor watches it; sockets carry the agents'
/// own screens, the board is a summary).
const BOARD_REFRESH_MS: u64 = 3_000;

/// The weekday fields, Monday first, as (index, accessor).
fn day_mut(h: &mut BusinessHours, i: usize) -> &mut Vec<shared::Span> {
    let w = &mut h.weekly;
    match i {
        0 => &mut w.mon,
        1 => &mut w.tue,
        2 => &mut w.wed,
        3 => &mut w.thu,
        4 => &mut w.fri,
        5 => &mut w.sat,
        _ => &mut w.sun,
    }
}

#[component]
pub fn RoutingPanel() -> impl IntoView {
    let t = use_texts();
    let capacity = RwSignal::new(String::new());
    let reroute = RwSignal::new(String::new());
    let hold = RwSignal::new(String::new());
    let hours = RwSignal::new(BusinessHours::default());
    let days: [RwSignal<String>; 7] = std::array::from_fn(|_| RwSignal::new(String::new()));
    let holidays = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let saved = RwSignal::new(false);
    let show = move |s: shared::Settings| {
        capacity.set(s.routing.agent_capacity.to_string());
        reroute.set(
            s.routing
                .reroute_after_secs
                .map(|v| v.to_string())
                .unwrap_or_default(),
        );
        hold.set(s.routing.recent_agent_hold_secs.to_string());
        let mut h = s.hours;
        for (i, d) in days.iter().enumerate() {
            d.set(spans_text(day_mut(&mut h, i)));
        }
        holidays.set(
            h.holidays
                .iter()
                .map(|d| d.to_string())
                .collect::<Vec<_>>()
                .join("\n"),
        );
        hours.set(h);
    };
    Effect::new(move |_| {
        leptos::task::spawn_local(async move {
            match client::settings().await {
                Ok(s) => show(s),
                Err(e) => error.set(Some(e.shown())),
            }
        });
    });
    let number = |s: &str| s.trim().parse::<i64>().ok();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        saved.set(false);
        let routing = Routing {
            agent_capacity: number(&capacity.get_untracked()).unwrap_or(0),
            reroute_after_secs: number(&reroute.get_untracked()),
            recent_agent_hold_secs: number(&hold.get_untracked()).unwrap_or(-1),
        };
        let mut h = hours.get_untracked();
        for (i, d) in days.iter().enumerate() {
            *day_mut(&mut h, i) = parse_spans(&d.get_untracked());
        }
        let mut dates = Vec::new();
        for line in holidays
            .get_untracked()
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
        {
            match line.parse() {
                Ok(d) => dates.push(d),
                Err(_) => {
                    error.set(Some(format!("hours.holidays: `{line}` is not YYYY-MM-DD")));
                    return;
                }
            }
        }
        h.holidays = dates;
        // the same checks as the server, so the field shows before a round trip
        if let Err(e) = routing.validate().and_then(|_| h.normalized().map(|_| ())) {
            error.set(Some(e.to_string()));
            return;
        }
        let change = SettingsUpdate {
            routing: Some(routing),
            hours: Some(h),
            ..Default::default()
        };
        crate::pages::settings::save_section(change, show, error, saved);
    };
    let text_field = move |label: fn(&shared::i18n::RoutingTexts) -> &'static str,
                           sig: RwSignal<String>,
                           testid: &'static str| {
        view! {
            <label class="field">
                <span>{move || label(t.get().routing)}</span>
                <input inputmode="numeric" data-testid=testid prop:value=sig on:input:target=move |ev| sig.set(ev.target().value())/>
            </label>
        }
    };
    let toggle = move |label: fn(&shared::i18n::RoutingTexts) -> &'static str,
                       on: fn(&BusinessHours) -> bool,
                       set: fn(&mut BusinessHours, bool),
                       testid: &'static str| {
        view! {
            <label class="toggle">
                <input type="checkbox" role="switch" data-testid=testid prop:checked=move || on(&hours.get())
                    on:change:target=move |ev| hours.update(|h| set(h, ev.target().checked()))/>
                <span>{move || label(t.get().routing)}</span>
            </label>
        }
    };
    view! {
        <section class="card" data-testid="routing-panel">
            <h2>{move || t.get().routing.routing_title}</h2>
            <form class="form" on:submit=submit>
                <div class="form-grid">
                    {text_field(|r| r.capacity_label, capacity, "routing-capacity")}
                    {text_field(|r| r.reroute_label, reroute, "routing-reroute")}
                    {text_field(|r| r.hold_label, hold, "routing-hold")}
                </div>
                <h3>{move || t.get().routing.hours_title}</h3>
                <div class="toggles">
                    {toggle(|r| r.hours_enabled, |h| h.enabled, |h, v| h.enabled = v, "hours-enabled")}
                    {toggle(|r| r.chat_outside_hours, |h| h.chat_outside_hours, |h, v| h.chat_outside_hours = v, "hours-outside")}
                </div>
                <label class="field">
                    <span>{move || t.get().routing.time_zone_label}</span>
                    <input data-testid="hours-time-zone" prop:value=move || hours.get().time_zone
                        on:input:target=move |ev| hours.update(|h| h.time_zone = ev.target().value())/>
                </label>
                <div class="form-grid hours-grid">
                    {days.into_iter().enumerate().map(|(i, d)| view! {
                        <label class="field">
                            <span>{move || shared::i18n::fill(t.get().routing.day_hours_label, "day", t.get().routing.weekdays[i])}</span>
                            <input data-testid=format!("hours-day-{i}") placeholder=move || t.get().routing.day_hours_hint
                                prop:value=d on:input:target=move |ev| d.set(ev.target().value())/>
                        </label>
                    }).collect_view()}
                </div>
                <label class="field">
                    <span>{move || t.get().routing.holidays_label}</span>
                    <textarea rows="3" data-testid="hours-holidays" prop:value=holidays
                        on:input:target=move |ev| holidays.set(ev.target().value())></textarea>
                </label>
                {move || error.get().map(|e| view! { <p class="form-error" role="alert" data-testid="routing-error">{e}</p> })}
                <div class="info-actions">
                    <button type="submit" class="button primary" data-testid="routing-save">{move || t.get().save}</button>
                    {move || saved.get().then(|| view! { <span class="note ok" data-testid="routing-saved">{t.get().settings_saved}</span> })}
                </div>
            </form>
        </section>
        <RoutingBoardPanel/>
    }
}

/// Agents' status and load, and the queue, live; admins change an agent's status here.
#[component]
fn RoutingBoardPanel() -> impl IntoView {
    let t = use_texts();
    let board = RwSignal::new(None::<RoutingBoard>);
    let error = RwSignal::new(None::<String>);
    let load = move || {
        leptos::task::spawn_local(async move {
            match client::routing_board().await {
                Ok(b) => board.set(Some(b)),
                Err(e) => error.set(Some(e.shown())),
            }
        });
    };
    Effect::new(move |_| {
        load();
        let every = std::time::Duration::from_millis(BOARD_REFRESH_MS);
        if let Ok(handle) = leptos::leptos_dom::helpers::set_interval_with_handle(load, every) {
            on_cleanup(move || handle.clear());
        }
    });
    let set_status = move |agent: shared::AgentId, value: String| {
        let Some(status) = AgentStatus::parse(&value) else {
            return;
        };
        leptos::task::spawn_local(async move {
            match client::set_status_of(agent, &StatusRequest { status }).await {
                Ok(_) => {
                    error.set(None);
                    load();
                }
                Err(e) => error.set(Some(e.shown())),
            }
        });
    };
    let status_text = move |s: AgentStatus| {
        let tx = t.get();
        match s {
            AgentStatus::Online => tx.status_online,
            AgentStatus::Break => tx.status_break,
            AgentStatus::Offline => tx.status_offline,
        }
    };
    view! {
        <section class="card" data-testid="routing-board">
            <h2>
                {move || t.get().routing.board_title}
                {move || board.get().map(|b| {
                    let r = t.get().routing;
                    view! { <span class="tag" data-testid="board-hours">{if b.open { r.board_open } else { r.board_closed }}</span> }
                })}
            </h2>
            {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
            <table class="table" data-testid="board-agents">
                <thead>
                    <tr>
                        <th>{move || t.get().routing.board_agent}</th>
                        <th>{move || t.get().routing.board_status}</th>
                        <th>{move || t.get().routing.board_load}</th>
                        <th>{move || t.get().routing.board_set_status}</th>
                    </tr>
                </thead>
                <tbody>
                    <For each=move || board.get().map(|b| b.agents).unwrap_or_default()
                        key=|a| (a.id, a.status, a.open_chats, a.capacity) let:a>
                        {
                            let id = a.id;
                            let name = a.name.clone();
                            view! {
                                <tr data-testid="board-agent" data-agent-id=id.to_string()>
                                    <td>{a.name.clone()}</td>
                                    <td><span class=format!("status-dot {}", a.status.as_str())></span>" "{move || status_text(a.status)}</td>
                                    <td data-testid="board-load">{format!("{} / {}", a.open_chats, a.capacity)}</td>
                                    <td>
                                        <select data-testid="board-status" prop:value=a.status.as_str()
                                            aria-label=move || format!("{} — {}", t.get().routing.board_set_status, name)
                                            on:change:target=move |ev| set_status(id, ev.target().value())>
                                            <option value="online">{move || t.get().status_online}</option>
                                            <option value="break">{move || t.get().status_break}</option>
                                            <option value="offline">{move || t.get().status_offline}</option>
                                        </select>
                                    </td>
                                </tr>
                            }
                        }
                    </For>
                </tbody>
            </table>
            <h3>{move || t.get().routing.board_queue}</h3>
            {move || {
                let queue = board.get().map(|b| b.queue).unwrap_or_default();
                if queue.is_empty() {
                    view! { <p class="muted" data-testid="board-queue-empty">{t.get().routing.board_queue_empty}</p> }.into_any()
                } else {
                    view! {
                        <ol class="board-queue" data-testid="board-queue">
                            {queue.into_iter().map(|q| view! {
                                <li data-testid="board-queued">
                                    {t.get().customer_name(&q.customer_name, q.chat_id)}
                                    <span class="muted">{format!(" · {} {}", t.get().routing.board_waiting_since, crate::chat::clock_at(q.since))}</span>
                                </li>
                            }).collect_view()}
                        </ol>
                    }.into_any()
                }
            }}
        </section>
    }
}
