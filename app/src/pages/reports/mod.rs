//! The reports screen (통계, `/console/reports`, issue 20): a period and filters, the
//! headline figures, the chats per day (each bar opens that day's chats in history —
//! the same days, agent, handling type and channel), the first-response and wait
//! trends, satisfaction scores, the weekday × hour heatmap, the top handling types
//! (level by level) and the per-agent table (each row opens its chats in history), and
//! the `.xlsx` export. Charts are SVG drawn by Leptos components ([`charts`],
//! [`types`]) — nothing of it reaches the customers' bundle — each with the same
//! numbers as a table behind it.

mod charts;
mod types;

use leptos::prelude::*;
use shared::HistoryQuery;
use shared::report::{Durations, Report, ReportQuery};

use crate::client;
use crate::i18n::use_texts;

/// `4:07` (or `-` for none).
fn secs(d: Option<i64>) -> String {
    d.map(shared::format_duration).unwrap_or_else(|| "-".into())
}

/// `p50 / p90` of a duration figure.
fn p50_p90(d: &Durations) -> String {
    format!("{} / {}", secs(d.p50_secs), secs(d.p90_secs))
}

/// What a report was counted over, to open the same chats in history.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Drill {
    /// The service zone's offset (`+09:00`): history reads the days in it.
    offset: String,
    agent: Option<String>,
    category: Option<String>,
    channel: Option<String>,
}

impl Drill {
    fn of(report: &Report, q: &ReportQuery) -> Drill {
        Drill {
            offset: report.utc_offset.clone(),
            agent: q.agent.clone(),
            category: q.category.clone(),
            channel: q.channel.clone(),
        }
    }

    /// History filtered to `from..=to` with the report's filters, narrowed to an agent
    /// or a handling type when given.
    pub(crate) fn link(
        &self,
        from: &str,
        to: &str,
        agent: Option<&str>,
        category: Option<&str>,
    ) -> String {
        client::history_link(&HistoryQuery {
            from: Some(from.to_owned()),
            to: Some(to.to_owned()),
            tz: Some(self.offset.clone()),
            agent: agent.map(str::to_owned).or_else(|| self.agent.clone()),
            category: category
                .map(str::to_owned)
                .or_else(|| self.category.clone()),
            channel: self.channel.clone(),
            ..HistoryQuery::default()
        })
    }
}

/// A share as `83%` (`-` without a base).
fn share(part: i64, whole: i64) -> String {
    if whole <= 0 {
        return "-".into();
    }
    format!("{}%", (part * 100 + whole / 2) / whole)
}

/// The report a link asks for (`/console/reports?period=30d&agent=3`, the screen's
/// own URL; issue 32): blank values unset, no period the last 7 days, a day range only
/// with `period=custom`.
fn asked_of(link: &leptos_router::params::ParamsMap) -> ReportQuery {
    let get = |k: &str| link.get(k).filter(|v| !v.trim().is_empty());
    let period = get("period").unwrap_or_else(|| "7d".to_owned());
    let custom = period == "custom";
    ReportQuery {
        from: get("from").filter(|_| custom),
        to: get("to").filter(|_| custom),
        period: Some(period),
        agent: get("agent"),
        channel: get("channel"),
        category: get("category"),
        lang: None,
    }
}

#[component]
pub fn ReportsScreen() -> impl IntoView {
    let t = use_texts();
    // the period and filters are the page's URL: a change navigates, so back/forward
    // and a copied link show the same report
    let url = leptos_router::hooks::use_query_map();
    // kept in the reactive owner so the handlers below are `Copy`
    let navigate = StoredValue::new_local(leptos_router::hooks::use_navigate());
    let asked = Memo::new(move |_| asked_of(&url.read()));
    let categories = RwSignal::new(Vec::<shared::Category>::new());
    // the service's agents: admins only (an agent's own report needs no choice)
    let agents = RwSignal::new(Vec::<shared::AgentProfile>::new());
    let locale = crate::i18n::use_locale();
    // The report of the URL with the query it answers (its drill-down links and export
    // use both); `None` while a custom period waits for its first day. Keyed on the URL:
    // an answer for a filter left meanwhile is dropped, never shown over a newer one.
    let report = LocalResource::new(move || {
        let mut q = asked.get();
        q.lang = Some(locale.get().code().to_owned());
        async move {
            if q.period.as_deref() == Some("custom") {
                q.from.as_ref()?;
                q.period = None;
            }
            Some(
                client::report(&q)
                    .await
                    .map(|r| (r, q))
                    .map_err(|e| e.shown()),
            )
        }
    });
    let change = move |field: &'static str, value: String| {
        let mut q = asked.get_untracked();
        let value = Some(value).filter(|v| !v.is_empty());
        match field {
            "period" => q.period = value,
            "from" => q.from = value,
            "to" => q.to = value,
            "agent" => q.agent = value,
            "channel" => q.channel = value,
            _ => q.category = value,
        }
        navigate.with_value(|go| go(&client::reports_link(&q), Default::default()));
    };
    let period = move || asked.get().period.unwrap_or_default();
    let value = move |get: fn(&ReportQuery) -> Option<String>| {
        move || get(&asked.get()).unwrap_or_default()
    };
    Effect::new(move |prev: Option<()>| {
        if prev.is_none() {
            leptos::task::spawn_local(async move {
                if let Ok(list) = client::categories().await {
                    categories.set(list);
                }
                if let Ok(list) = client::agents().await {
                    agents.set(list);
                }
            });
        }
    });
    view! {
        <section class="screen reports" data-testid="reports">
            <header class="reports-head">
                <h1>{move || t.get().reports().title}</h1>
                <div class="reports-filters">
                    <label class="field inline">
                        <span>{move || t.get().reports().period}</span>
                        <select data-testid="report-period" prop:value=period
                            on:change:target=move |ev| change("period", ev.target().value())>
                            <option value="today">{move || t.get().reports().today}</option>
                            <option value="7d">{move || t.get().reports().week}</option>
                            <option value="30d">{move || t.get().reports().month}</option>
                            <option value="custom">{move || t.get().reports().custom}</option>
                        </select>
                    </label>
                    {move || (period() == "custom").then(|| view! {
                        <label class="field inline">
                            <span>{move || t.get().reports().from}</span>
                            <input type="date" data-testid="report-from" prop:value=value(|q| q.from.clone())
                                on:change:target=move |ev| change("from", ev.target().value())/>
                        </label>
                        <label class="field inline">
                            <span>{move || t.get().reports().to}</span>
                            <input type="date" data-testid="report-to" prop:value=value(|q| q.to.clone())
                                on:change:target=move |ev| change("to", ev.target().value())/>
                        </label>
                    })}
                    {move || (!agents.get().is_empty()).then(|| view! {
                        <label class="field inline">
                            <span>{move || t.get().reports().agent}</span>
                            <select data-testid="report-agent" prop:value=value(|q| q.agent.clone())
                                on:change:target=move |ev| change("agent", ev.target().value())>
                                <option value="">{move || t.get().reports().any}</option>
                                {agents.get().into_iter().map(|a| view! { <option value=a.id.to_string()>{a.name}</option> }).collect_view()}
                            </select>
                        </label>
                    })}
                    <label class="field inline">
                        <span>{move || t.get().reports().channel}</span>
                        <select data-testid="report-channel" prop:value=value(|q| q.channel.clone())
                            on:change:target=move |ev| change("channel", ev.target().value())>
                            <option value="">{move || t.get().reports().any}</option>
                            <option value="helpcenter">{move || t.get().reports().helpcenter}</option>
                            <option value="widget">{move || t.get().reports().widget}</option>
                        </select>
                    </label>
                    <label class="field inline">
                        <span>{move || t.get().reports().category}</span>
                        <select data-testid="report-category" prop:value=value(|q| q.category.clone())
                            on:change:target=move |ev| change("category", ev.target().value())>
                            <option value="">{move || t.get().reports().any}</option>
                            {move || categories.get().into_iter().map(|c| {
                                let label = format!("{}{}", "— ".repeat(c.depth.saturating_sub(1) as usize), c.name);
                                view! { <option value=c.id.to_string()>{label}</option> }
                            }).collect_view()}
                        </select>
                    </label>
                    {move || report.get().flatten().and_then(Result::ok).map(|(_, q)| view! {
                        <a class="button" data-testid="report-export" download=""
                            href=client::report_export_url(&q)>{move || t.get().reports().export}</a>
                    })}
                </div>
            </header>
            <Transition fallback=move || view! { <p class="loading">{t.get().loading}</p> }>
                {move || match report.get().flatten() {
                    None => None,
                    Some(Err(e)) => Some(view! { <p class="form-error" role="alert">{e}</p> }.into_any()),
                    Some(Ok((r, q))) => {
                        let drill = Drill::of(&r, &q);
                        Some(view! { <ReportBody report=r drill=drill/> }.into_any())
                    }
                }}
            </Transition>
        </section>
    }
}

#[component]
fn ReportBody(report: Report, drill: Drill) -> impl IntoView {
    let t = use_texts();
    let f = report.totals.clone();
    let tiles = move || {
        let r = t.get().reports();
        vec![
            ("tile-started", r.started, f.started.to_string()),
            ("tile-handled", r.handled, f.handled.to_string()),
            ("tile-unhandled", r.unhandled, f.unhandled.to_string()),
            ("tile-open", r.open, f.open.to_string()),
            (
                "tile-abandoned",
                r.abandoned,
                f.abandoned_in_queue.to_string(),
            ),
            (
                "tile-first-response",
                r.first_response,
                p50_p90(&f.first_response),
            ),
            ("tile-wait", r.wait, p50_p90(&f.wait_to_assignment)),
            ("tile-handling", r.handling, p50_p90(&f.handling)),
            (
                "tile-csat",
                r.csat,
                f.csat
                    .average
                    .map_or_else(|| "-".into(), |a| format!("{a:.2} ({})", f.csat.count)),
            ),
            ("tile-inquiries", r.inquiries, report.inquiries.to_string()),
        ]
    };
    let empty = report.totals.started == 0;
    let days = report.days.clone();
    let agents = report.agents.clone();
    let (from, to) = (report.from.clone(), report.to.clone());
    let agent_link = {
        let drill = drill.clone();
        move |id: &str| drill.link(&from, &to, Some(id), None)
    };
    view! {
        <div class="report-tiles">
            {move || tiles().into_iter().map(|(id, label, value)| view! {
                <div class="report-tile" data-testid=id>
                    <span class="report-tile-label">{label}</span>
                    <strong class="report-tile-value">{value}</strong>
                </div>
            }).collect_view()}
        </div>
        <p class="muted report-note">{move || format!("p50 / p90 · {}", report.time_zone)}</p>
        {empty.then(|| view! { <p class="report-empty" data-testid="report-empty">{move || t.get().reports().empty}</p> })}
        <div class="report-grid">
            <charts::DayBars days=days.clone() drill=drill.clone()/>
            <charts::Trend days=days.clone() first_response=true/>
            <charts::Trend days=days.clone() first_response=false/>
            <charts::CsatBars csat=report.totals.csat.clone()/>
            <charts::Heatmap cells=report.heatmap.clone()/>
            <types::TypeBars types=report.categories.clone() from=report.from.clone() to=report.to.clone() drill=drill/>
        </div>
        <section class="card report-card">
            <h2>{move || t.get().reports().agents}</h2>
            <table class="report-table" data-testid="report-agents">
                <thead><tr>
                    <th scope="col">{move || t.get().reports().agent}</th>
                    <th scope="col">{move || t.get().reports().started}</th>
                    <th scope="col">{move || t.get().reports().handled_share}</th>
                    <th scope="col">{move || t.get().reports().first_response}</th>
                    <th scope="col">{move || t.get().reports().handling}</th>
                    <th scope="col">{move || t.get().reports().csat}</th>
                    <th scope="col">{move || t.get().reports().online}</th>
                    <th scope="col">{move || t.get().reports().on_break}</th>
                </tr></thead>
                <tbody>
                    {agents.into_iter().map(|a| {
                        let g = a.figures;
                        let href = agent_link(&a.agent_id);
                        view! { <tr data-testid="report-agent-row">
                            <td><a href=href data-testid="report-agent-link" title=move || t.get().reports().open_history>{a.name}</a></td>
                            <td>{g.started}</td>
                            <td>{share(g.handled, g.handled + g.unhandled)}</td>
                            <td>{secs(g.first_response.p50_secs)}</td>
                            <td>{secs(g.handling.p50_secs)}</td>
                            <td>{g.csat.average.map_or_else(|| "-".into(), |v| format!("{v:.2}"))}</td>
                            <td>{secs(Some(a.online_secs))}</td>
                            <td>{secs(Some(a.break_secs))}</td>
                        </tr> }
                    }).collect_view()}
                </tbody>
            </table>
        </section>
    }
}
