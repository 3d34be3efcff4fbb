//! The top handling types of a report, level by level: bars of the types at one level
//! (each the sum of itself and everything below it, as history's handling-type filter
//! counts), a bar with types below opening that level; a path above to go back up; and
//! the table behind the bars, each row opening its chats in history.

use leptos::prelude::*;
use shared::report::CategoryFigures;

use super::{Drill, share};
use crate::i18n::use_texts;

/// How many bars a level shows (the table lists them all).
const TOP: usize = 10;

/// One row of a level.
#[derive(Clone, Debug, PartialEq)]
struct LevelRow {
    /// `None`: chats without a handling type, or those of the opened type itself.
    id: Option<String>,
    name: Option<String>,
    started: i64,
    handled: i64,
    unhandled: i64,
    /// Types below it had chats (a bar that opens a level).
    deeper: bool,
}

/// The rows of the level under `parent` (ids from the top): each type at that level with
/// the sums of everything below it, and the opened type's own chats as a row of its own.
fn level_rows(types: &[CategoryFigures], parent: &[String]) -> Vec<LevelRow> {
    let depth = parent.len();
    let mut rows: Vec<LevelRow> = Vec::new();
    for c in types.iter().filter(|c| c.path_ids.starts_with(parent)) {
        let (id, name) = match (c.path_ids.get(depth), c.path.get(depth)) {
            (Some(id), Some(name)) => (Some(id.clone()), Some(name.clone())),
            _ => (None, None),
        };
        let deeper = c.path_ids.len() > depth + 1;
        match rows.iter_mut().find(|r| r.id == id) {
            Some(r) => {
                r.started += c.started;
                r.handled += c.handled;
                r.unhandled += c.unhandled;
                r.deeper |= deeper;
            }
            None => rows.push(LevelRow {
                id,
                name,
                started: c.started,
                handled: c.handled,
                unhandled: c.unhandled,
                deeper,
            }),
        }
    }
    rows.sort_by(|a, b| b.started.cmp(&a.started).then(a.name.cmp(&b.name)));
    rows
}

/// Top handling types with the drill-down by level.
#[component]
pub fn TypeBars(
    types: Vec<CategoryFigures>,
    from: String,
    to: String,
    drill: Drill,
) -> impl IntoView {
    let t = use_texts();
    // the opened types, from the top level down: (id, name)
    let opened = RwSignal::new(Vec::<(String, String)>::new());
    let types = StoredValue::new(types);
    let rows = move || {
        let parent: Vec<String> = opened.get().into_iter().map(|(id, _)| id).collect();
        types.with_value(|ts| level_rows(ts, &parent))
    };
    let name_of = move |r: &LevelRow| -> String {
        match (&r.name, opened.get().last()) {
            (Some(n), _) => n.clone(),
            (None, Some(_)) => t.get().reports().itself.to_owned(),
            (None, None) => t.get().reports().no_type.to_owned(),
        }
    };
    let bars =
        move || {
            let rows = rows();
            let top = rows.iter().map(|r| r.started).max().unwrap_or(0).max(1) as f64;
            rows.into_iter()
            .take(TOP)
            .enumerate()
            .map(|(i, r)| {
                let y = i as f64 * 24.0;
                let w = r.started as f64 / top * 420.0;
                let label = format!("{}: {}", name_of(&r), r.started);
                let title = label.clone();
                let open = r.deeper.then(|| (r.id.clone().unwrap_or_default(), name_of(&r)));
                let can_open = open.is_some();
                let go = move || {
                    if let Some(o) = open.clone() {
                        opened.update(|p| p.push(o));
                    }
                };
                let go_key = go.clone();
                view! {
                    <g class="type-bar" class:opens=can_open data-testid="report-type-bar"
                        role=can_open.then_some("button") tabindex=can_open.then_some("0")
                        aria-label=label
                        on:click=move |_| go()
                        on:keydown=move |ev| if ev.key() == "Enter" { go_key() }>
                        <title>{title}</title>
                        <text x=0 y=y + 15.0 class="type-name">{truncate(&name_of(&r), 14)}</text>
                        <rect class="bar-handled" x=180 y=y + 3.0 width=w.max(1.0) height=18/>
                        <text x=186.0 + w y=y + 16.0>{r.started}</text>
                    </g>
                }
            })
            .collect_view()
        };
    let height = move || (rows().len().clamp(1, TOP) * 24) as f64;
    let (from_s, to_s) = (StoredValue::new(from), StoredValue::new(to));
    let drill = StoredValue::new(drill);
    view! {
        <section class="card report-card">
            <h2>{move || t.get().reports().top_types}</h2>
            <p class="muted">{move || t.get().reports().types_hint}</p>
            <nav class="type-path" aria-label=move || t.get().reports().top_types>
                <button type="button" class="link-button" data-testid="report-types-top"
                    on:click=move |_| opened.set(Vec::new())>{move || t.get().reports().all_types}</button>
                {move || opened.get().into_iter().enumerate().map(|(i, (_, name))| view! {
                    " › "
                    <button type="button" class="link-button" data-testid="report-types-up"
                        on:click=move |_| opened.update(|p| p.truncate(i + 1))>{name}</button>
                }).collect_view()}
            </nav>
            <svg class="chart" viewBox=move || format!("0 0 640 {}", height()) role="group"
                data-testid="report-types-chart" aria-label=move || t.get().reports().top_types>
                {bars}
            </svg>
            <table class="report-table" data-testid="report-types">
                <thead><tr>
                    <th scope="col">{move || t.get().reports().category}</th>
                    <th scope="col">{move || t.get().reports().started}</th>
                    <th scope="col">{move || t.get().reports().handled_share}</th>
                </tr></thead>
                <tbody>
                    {move || rows().into_iter().map(|r| {
                        let name = name_of(&r);
                        // the opened type's own chats and chats without a type have no
                        // history filter of their own: no link
                        let link = r.id.as_deref().map(|id| {
                            drill.with_value(|d| from_s.with_value(|f| to_s.with_value(|to| d.link(f, to, None, Some(id)))))
                        });
                        view! { <tr data-testid="report-type-row">
                            <td>{match link {
                                Some(href) => view! { <a href=href data-testid="report-type-link" title=move || t.get().reports().open_history>{name}</a> }.into_any(),
                                None => view! { <span>{name}</span> }.into_any(),
                            }}</td>
                            <td>{r.started}</td>
                            <td>{share(r.handled, r.handled + r.unhandled)}</td>
                        </tr> }
                    }).collect_view()}
                </tbody>
            </table>
        </section>
    }
}

/// A name cut to `n` characters with `…` (the bar's title has it whole).
fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_owned()
    } else {
        format!("{}…", s.chars().take(n - 1).collect::<String>())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(ids: &[&str], names: &[&str], started: i64) -> CategoryFigures {
        CategoryFigures {
            category_id: ids.last().map(|s| s.to_string()),
            path: names.iter().map(|s| s.to_string()).collect(),
            path_ids: ids.iter().map(|s| s.to_string()).collect(),
            started,
            handled: started,
            unhandled: 0,
        }
    }

    #[test]
    fn a_level_sums_everything_below_each_type() {
        let types = vec![
            c(&["1", "2"], &["회원", "가입"], 3),
            c(&["1", "2", "3"], &["회원", "가입", "인증"], 4),
            c(&["1"], &["회원"], 2),
            c(&["9"], &["배송"], 5),
            c(&[], &[], 1),
        ];
        let top = level_rows(&types, &[]);
        assert_eq!(
            top.iter()
                .map(|r| (r.id.clone(), r.started, r.deeper))
                .collect::<Vec<_>>(),
            [
                (Some("1".into()), 9, true),
                (Some("9".into()), 5, false),
                (None, 1, false)
            ]
        );
        let under = level_rows(&types, &["1".into()]);
        assert_eq!(
            under
                .iter()
                .map(|r| (r.id.clone(), r.started, r.deeper))
                .collect::<Vec<_>>(),
            [(Some("2".into()), 7, true), (None, 2, false)]
        );
        assert_eq!(level_rows(&types, &["1".into(), "2".into()])[0].started, 4);
        assert_eq!(truncate("가나다라마", 3), "가나…");
    }
}
