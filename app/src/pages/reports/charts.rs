//! The report's charts as SVG drawn by Leptos components: chats per day (stacked
//! handled / unhandled / in progress; each bar a link to that day's chats in history),
//! satisfaction scores, and the weekday × hour heatmap. Every chart has its numbers as
//! a table behind it (`<details>`), and every mark a `<title>` shown on hover.

use leptos::prelude::*;
use shared::report::{Csat, DayFigures};

use crate::client;
use crate::i18n::use_texts;

const W: f64 = 640.0;
const H: f64 = 180.0;

/// Chats per day, stacked; a bar opens history on that day (drill-down).
#[component]
pub fn DayBars(
    days: Vec<DayFigures>,
    offset: String,
    category: RwSignal<String>,
    agent: RwSignal<String>,
) -> impl IntoView {
    let t = use_texts();
    let navigate = leptos_router::hooks::use_navigate();
    let top = days
        .iter()
        .map(|d| d.figures.started)
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let n = days.len().max(1) as f64;
    let slot = W / n;
    let bar = (slot * 0.7).max(2.0);
    let scale = |v: i64| v as f64 / top * (H - 20.0);
    let rows = days.clone();
    let bars = days
        .into_iter()
        .enumerate()
        .map(|(i, d)| {
            let f = &d.figures;
            let x = i as f64 * slot + (slot - bar) / 2.0;
            let (hh, uh, oh) = (scale(f.handled), scale(f.unhandled), scale(f.open));
            let link = client::history_link(
                &d.day,
                &d.day,
                &offset,
                Some(agent.get_untracked().as_str()).filter(|a| !a.is_empty()),
                Some(category.get_untracked().as_str()).filter(|c| !c.is_empty()),
            );
            let label = format!(
                "{}: {} · {} {} · {} {} · {} {}",
                d.day,
                f.started,
                t.get_untracked().reports.handled,
                f.handled,
                t.get_untracked().reports.unhandled,
                f.unhandled,
                t.get_untracked().reports.open,
                f.open
            );
            let name = label.clone();
            // an SVG group acting as a link (an `<a>` here would be made as an HTML
            // element, which SVG does not draw): click or Enter opens the day
            let go = {
                let (link, navigate) = (link.clone(), navigate.clone());
                move || navigate(&link, Default::default())
            };
            let go_key = go.clone();
            view! {
                <g class="day-bar" role="link" tabindex="0" data-testid="report-day-bar" data-day=d.day.clone()
                    data-count=f.started data-href=link aria-label=name
                    on:click=move |_| go()
                    on:keydown=move |ev| if ev.key() == "Enter" { go_key() }>
                    <title>{label}</title>
                    <rect class="bar-hit" x=x y=0 width=bar height=H fill="transparent"/>
                    <rect class="bar-handled" x=x y=H - hh width=bar height=hh/>
                    <rect class="bar-unhandled" x=x y=H - hh - uh width=bar height=uh/>
                    <rect class="bar-open" x=x y=H - hh - uh - oh width=bar height=oh/>
                </g>
            }
        })
        .collect_view();
    view! {
        <section class="card report-card">
            <h2>{move || t.get().reports.per_day}</h2>
            <p class="muted">{move || t.get().reports.per_day_hint}</p>
            // a group, not an image: its bars are links (one per day)
            <svg class="chart" viewBox=format!("0 0 {W} {H}") role="group" data-testid="report-days-chart"
                aria-label=move || t.get().reports.per_day>
                {bars}
            </svg>
            <p class="legend">
                <span class="key handled"></span>{move || t.get().reports.handled}
                <span class="key unhandled"></span>{move || t.get().reports.unhandled}
                <span class="key open"></span>{move || t.get().reports.open}
            </p>
            <details>
                <summary>{move || t.get().reports.as_table}</summary>
                <table class="report-table">
                    <thead><tr>
                        <th scope="col">{move || t.get().reports.day}</th>
                        <th scope="col">{move || t.get().reports.started}</th>
                        <th scope="col">{move || t.get().reports.handled}</th>
                        <th scope="col">{move || t.get().reports.unhandled}</th>
                    </tr></thead>
                    <tbody>
                        {rows.into_iter().map(|d| view! { <tr>
                            <td>{d.day}</td><td>{d.figures.started}</td>
                            <td>{d.figures.handled}</td><td>{d.figures.unhandled}</td>
                        </tr> }).collect_view()}
                    </tbody>
                </table>
            </details>
        </section>
    }
}

/// How many ratings of each score.
#[component]
pub fn CsatBars(csat: Csat) -> impl IntoView {
    let t = use_texts();
    let top = csat.distribution.iter().copied().max().unwrap_or(0).max(1) as f64;
    let bars = csat
        .distribution
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let h = *n as f64 / top * 120.0;
            let x = 20.0 + i as f64 * 60.0;
            view! {
                <g>
                    <title>{format!("{}: {n}", i + 1)}</title>
                    <rect class="bar-csat" x=x y=140.0 - h width=40 height=h/>
                    <text x=x + 20.0 y=158 text-anchor="middle">{i + 1}</text>
                </g>
            }
        })
        .collect_view();
    let rows = csat.distribution;
    view! {
        <section class="card report-card">
            <h2>{move || t.get().reports.csat_distribution}</h2>
            <svg class="chart small" viewBox="0 0 320 165" role="img" data-testid="report-csat-chart"
                aria-label=move || t.get().reports.csat_distribution>
                {bars}
            </svg>
            <details>
                <summary>{move || t.get().reports.as_table}</summary>
                <table class="report-table"><tbody>
                    {rows.into_iter().enumerate().map(|(i, n)| view! { <tr><th scope="row">{i + 1}</th><td>{n}</td></tr> }).collect_view()}
                </tbody></table>
            </details>
        </section>
    }
}

/// Chat starts per weekday (rows, Monday first) × hour (columns).
#[component]
pub fn Heatmap(cells: Vec<Vec<i64>>) -> impl IntoView {
    let t = use_texts();
    let top = cells.iter().flatten().copied().max().unwrap_or(0).max(1) as f64;
    let grid = cells
        .iter()
        .enumerate()
        .flat_map(|(d, row)| {
            row.iter().enumerate().map(move |(h, n)| {
                let shade = if *n == 0 {
                    0.04
                } else {
                    0.15 + 0.85 * (*n as f64 / top)
                };
                view! {
                    <rect x=30.0 + h as f64 * 25.0 y=d as f64 * 22.0 width=23 height=20
                        class="heat" fill-opacity=format!("{shade:.2}")>
                        <title>{format!("{d}·{h:02}h: {n}")}</title>
                    </rect>
                }
            })
        })
        .collect_view();
    let labels = move || {
        t.get()
            .reports
            .weekdays
            .iter()
            .enumerate()
            .map(|(d, w)| view! { <text x=0 y=d as f64 * 22.0 + 15.0>{*w}</text> })
            .collect_view()
    };
    view! {
        <section class="card report-card">
            <h2>{move || t.get().reports.heatmap}</h2>
            <svg class="chart" viewBox="0 0 640 175" role="img" data-testid="report-heatmap"
                aria-label=move || t.get().reports.heatmap>
                {labels}
                {grid}
                {(0..24).step_by(3).map(|h| view! { <text x=30.0 + h as f64 * 25.0 y=170>{format!("{h:02}")}</text> }).collect_view()}
            </svg>
        </section>
    }
}
