//! The report's charts as SVG drawn by Leptos components: chats per day (stacked
//! handled / unhandled / in progress; each bar a link to that day's chats in history),
//! the first-response and wait trends (p50 and p90 lines), satisfaction scores, and the
//! weekday × hour heatmap. Every chart has its numbers as a table behind it
//! (`<details>`), and every mark a `<title>` shown on hover.

use leptos::prelude::*;
use shared::report::{Csat, DayFigures, Durations};

use super::{Drill, secs};
use crate::i18n::use_texts;

const W: f64 = 640.0;
const H: f64 = 180.0;

/// Chats per day, stacked; a bar opens history on that day (drill-down).
#[component]
pub fn DayBars(days: Vec<DayFigures>, drill: Drill) -> impl IntoView {
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
            let link = drill.link(&d.day, &d.day, None, None);
            let label = format!(
                "{}: {} · {} {} · {} {} · {} {}",
                d.day,
                f.started,
                t.get_untracked().reports().handled,
                f.handled,
                t.get_untracked().reports().unhandled,
                f.unhandled,
                t.get_untracked().reports().open,
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
            <h2>{move || t.get().reports().per_day}</h2>
            <p class="muted">{move || t.get().reports().per_day_hint}</p>
            // a group, not an image: its bars are links (one per day)
            <svg class="chart" viewBox=format!("0 0 {W} {H}") role="group" data-testid="report-days-chart"
                aria-label=move || t.get().reports().per_day>
                {bars}
            </svg>
            <p class="legend">
                <span class="key handled"></span>{move || t.get().reports().handled}
                <span class="key unhandled"></span>{move || t.get().reports().unhandled}
                <span class="key open"></span>{move || t.get().reports().open}
            </p>
            <details>
                <summary>{move || t.get().reports().as_table}</summary>
                <table class="report-table">
                    <thead><tr>
                        <th scope="col">{move || t.get().reports().day}</th>
                        <th scope="col">{move || t.get().reports().started}</th>
                        <th scope="col">{move || t.get().reports().handled}</th>
                        <th scope="col">{move || t.get().reports().unhandled}</th>
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

/// One duration figure per day as two lines, p50 and p90 (`first_response`: the first
/// response time, else the wait for an agent). A day without the figure is a gap.
#[component]
pub fn Trend(days: Vec<DayFigures>, first_response: bool) -> impl IntoView {
    let t = use_texts();
    let pick = move |d: &DayFigures| -> Durations {
        if first_response {
            d.figures.first_response.clone()
        } else {
            d.figures.wait_to_assignment.clone()
        }
    };
    let title = move || {
        let r = t.get().reports();
        if first_response {
            r.trend_first_response
        } else {
            r.trend_wait
        }
    };
    let points: Vec<(String, Durations)> = days.iter().map(|d| (d.day.clone(), pick(d))).collect();
    let top = points
        .iter()
        .filter_map(|(_, d)| d.p90_secs.or(d.p50_secs))
        .max()
        .unwrap_or(0);
    let scale_top = (top as f64 * 1.1).max(1.0);
    let n = points.len().max(1) as f64;
    let slot = W / n;
    let x = move |i: usize| i as f64 * slot + slot / 2.0;
    let y = move |v: i64| H - 20.0 - v as f64 / scale_top * (H - 30.0);
    // the line's segments: runs of days that have the figure
    let segments = |value: fn(&Durations) -> Option<i64>| {
        let mut out: Vec<String> = Vec::new();
        let mut run = String::new();
        for (i, (_, d)) in points.iter().enumerate() {
            match value(d) {
                Some(v) => run.push_str(&format!("{:.1},{:.1} ", x(i), y(v))),
                None if !run.is_empty() => out.push(std::mem::take(&mut run)),
                None => {}
            }
        }
        if !run.is_empty() {
            out.push(run);
        }
        out
    };
    let lines = [
        ("trend-p50", segments(|d| d.p50_secs)),
        ("trend-p90", segments(|d| d.p90_secs)),
    ]
    .into_iter()
    .flat_map(|(class, runs)| {
        runs.into_iter()
            .map(move |pts| view! { <polyline class=class points=pts fill="none"/> })
    })
    .collect_view();
    let dots = points
        .iter()
        .enumerate()
        .filter_map(|(i, (day, d))| {
            let p50 = d.p50_secs?;
            let label = format!(
                "{day}: p50 {} · p90 {} ({})",
                secs(Some(p50)),
                secs(d.p90_secs),
                d.count
            );
            Some(view! {
                <circle class="trend-dot" cx=x(i) cy=y(p50) r=3><title>{label}</title></circle>
            })
        })
        .collect_view();
    let empty = top == 0 && points.iter().all(|(_, d)| d.count == 0);
    let rows = points.clone();
    let testid = if first_response {
        "report-trend-first-response"
    } else {
        "report-trend-wait"
    };
    view! {
        <section class="card report-card">
            <h2>{title}</h2>
            {empty.then(|| view! { <p class="muted">{move || t.get().reports().no_durations}</p> })}
            <svg class="chart" viewBox=format!("0 0 {W} {H}") role="img" data-testid=testid
                aria-label=title>
                <line class="axis" x1=0 y1=H - 20.0 x2=W y2=H - 20.0/>
                {(!empty).then(|| view! { <text x=2 y=12>{secs(Some(top))}</text> })}
                {lines}
                {dots}
                {points.first().map(|(d, _)| view! { <text x=2 y=H - 4.0>{d.clone()}</text> })}
                {(points.len() > 1).then(|| points.last().map(|(d, _)| view! {
                    <text x=W - 2.0 y=H - 4.0 text-anchor="end">{d.clone()}</text>
                }))}
            </svg>
            <p class="legend">
                <span class="key p50"></span>{move || t.get().reports().median}
                <span class="key p90"></span>{move || t.get().reports().p90}
            </p>
            <details>
                <summary>{move || t.get().reports().as_table}</summary>
                <table class="report-table">
                    <thead><tr>
                        <th scope="col">{move || t.get().reports().day}</th>
                        <th scope="col">"p50"</th>
                        <th scope="col">"p90"</th>
                        <th scope="col">{move || t.get().reports().count}</th>
                    </tr></thead>
                    <tbody>
                        {rows.into_iter().map(|(day, d)| view! { <tr>
                            <td>{day}</td><td>{secs(d.p50_secs)}</td>
                            <td>{secs(d.p90_secs)}</td><td>{d.count}</td>
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
            <h2>{move || t.get().reports().csat_distribution}</h2>
            <svg class="chart small" viewBox="0 0 320 165" role="img" data-testid="report-csat-chart"
                aria-label=move || t.get().reports().csat_distribution>
                {bars}
            </svg>
            <details>
                <summary>{move || t.get().reports().as_table}</summary>
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
    let rows = cells.clone();
    let names = t.get_untracked().reports().weekdays;
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
                        <title>{format!("{} {h:02}:00 · {n}", names.get(d).copied().unwrap_or(""))}</title>
                    </rect>
                }
            })
        })
        .collect_view();
    let labels = move || {
        t.get()
            .reports()
            .weekdays
            .iter()
            .enumerate()
            .map(|(d, w)| view! { <text x=0 y=d as f64 * 22.0 + 15.0>{*w}</text> })
            .collect_view()
    };
    view! {
        <section class="card report-card">
            <h2>{move || t.get().reports().heatmap}</h2>
            <svg class="chart" viewBox="0 0 640 175" role="img" data-testid="report-heatmap"
                aria-label=move || t.get().reports().heatmap>
                {labels}
                {grid}
                {(0..24).step_by(3).map(|h| view! { <text x=30.0 + h as f64 * 25.0 y=170>{format!("{h:02}")}</text> }).collect_view()}
            </svg>
            <details>
                <summary>{move || t.get().reports().as_table}</summary>
                <div class="table-scroll">
                    <table class="report-table heat-table" data-testid="report-heatmap-table">
                        <thead><tr>
                            <th scope="col">{move || t.get().reports().day}</th>
                            {(0..24).map(|h| view! { <th scope="col">{format!("{h:02}")}</th> }).collect_view()}
                        </tr></thead>
                        <tbody>
                            {rows.into_iter().enumerate().map(|(d, row)| view! { <tr>
                                <th scope="row">{move || t.get().reports().weekdays.get(d).copied().unwrap_or("")}</th>
                                {row.into_iter().map(|n| view! { <td>{n}</td> }).collect_view()}
                            </tr> }).collect_view()}
                        </tbody>
                    </table>
                </div>
            </details>
        </section>
    }
}
