//! `/console/history` (채팅 기록, C-HIS-1..4, C-PII-4): the filter bar (period — the last
//! 7 days by default — status, agent, handling type, customer, message text), the table
//! of matching chats with keyset "load more", the right-hand pane with customer and
//! consult info (Save, Create ticket) and the transcript with masking, and the Excel
//! export with a progress bar.

use leptos::prelude::*;
use shared::{
    Author, ChatDetail, ChatId, ExportProgress, ExportState, HistoryQuery, HistoryRow, Message,
};

use crate::chat::info::ChatInfoPanel;
use crate::chat::{Bubble, ConfirmDialog, MaskActions, upsert_message};
use crate::client;
use crate::i18n::use_texts;
use crate::net;

/// The filter bar's values, as typed.
#[derive(Clone, Debug, Default, PartialEq)]
struct Filters {
    from: String,
    to: String,
    status: String,
    agent: String,
    category: String,
    /// `helpcenter`, `widget` or blank (every channel).
    channel: String,
    customer: String,
    q: String,
    /// The days' offset when a link gave one (a report's drill-down: the service's
    /// zone), else the browser's.
    tz: Option<String>,
}

impl Filters {
    /// The last 7 days in the browser's time zone.
    fn last_week() -> Filters {
        let tz = shared::parse_offset(&net::browser_offset())
            .unwrap_or_else(|| chrono::FixedOffset::east_opt(9 * 3600).expect("offset"));
        let (from, to) = shared::last_week(net::now(), tz);
        Filters {
            from: from.to_string(),
            to: to.to_string(),
            ..Filters::default()
        }
    }

    /// The filter a link carries (`/console/history?from=…`): the page's own URL after
    /// a search, a report's drill-down, a copied link. No period: the last 7 days.
    fn of_link(link: &leptos_router::params::ParamsMap) -> Filters {
        let mut f = Filters::last_week();
        if let Some(from) = link.get("from") {
            f.to = link.get("to").unwrap_or_else(|| from.clone());
            f.from = from;
            f.tz = link.get("tz");
        }
        for (key, field) in [
            ("agent", &mut f.agent),
            ("category", &mut f.category),
            ("status", &mut f.status),
            ("channel", &mut f.channel),
            ("customer", &mut f.customer),
            ("q", &mut f.q),
        ] {
            if let Some(v) = link.get(key) {
                *field = v;
            }
        }
        f
    }

    /// The link of these values (what the address bar shows after a search): the
    /// filter without the screen's own language, in the link's zone if it gave one.
    fn link(&self) -> String {
        let mut q = self.to_query("", "");
        q.tz = self.tz.clone();
        q.lang = None;
        client::history_link(&q)
    }

    /// The history filter of these values (blank ones unset), in the browser's zone.
    fn to_query(&self, tz: &str, lang: &str) -> HistoryQuery {
        let set = |v: &String| Some(v.trim().to_owned()).filter(|v| !v.is_empty());
        HistoryQuery {
            tz: Some(self.tz.clone().unwrap_or_else(|| tz.to_owned())),
            lang: Some(lang.to_owned()),
            from: set(&self.from),
            to: set(&self.to),
            status: set(&self.status),
            agent: set(&self.agent),
            category: set(&self.category),
            channel: set(&self.channel),
            customer: set(&self.customer),
            q: set(&self.q),
            ..HistoryQuery::default()
        }
    }
}

/// `12,345`: digits in groups of three (the same in Korean and English).
fn group_digits(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    if n < 0 { format!("-{out}") } else { out }
}

/// `4:07` or `-`.
fn duration_text(secs: Option<i64>) -> String {
    secs.map(shared::format_duration)
        .unwrap_or_else(|| "-".into())
}

/// A time in the browser's zone, `2026-11-24 16:59`.
fn local_time(at: chrono::DateTime<chrono::Utc>) -> String {
    let tz = shared::parse_offset(&net::browser_offset())
        .unwrap_or_else(|| chrono::FixedOffset::east_opt(0).expect("offset"));
    at.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string()
}

#[component]
pub fn HistoryScreen() -> impl IntoView {
    let t = use_texts();
    // The applied filter is the page's URL (issue 32): a search navigates to the
    // filter's link, so back/forward and a copied link show the same chats; the form
    // follows the URL and holds what is typed until the next search.
    let url = leptos_router::hooks::use_query_map();
    let navigate = leptos_router::hooks::use_navigate();
    let applied = Memo::new(move |_| Filters::of_link(&url.read()));
    let form = RwSignal::new(Filters::default());
    let rows = RwSignal::new(Vec::<HistoryRow>::new());
    let next_page = RwSignal::new(None::<String>);
    let total = RwSignal::new(None::<(i64, bool)>);
    let loading = RwSignal::new(true);
    let error = RwSignal::new(None::<String>);
    let selected = RwSignal::new(None::<ChatId>);
    let security = RwSignal::new(false);
    let agents = RwSignal::new(Vec::<shared::ChatAgent>::new());
    let categories = RwSignal::new(Vec::<shared::Category>::new());
    let export = RwSignal::new(None::<ExportProgress>);
    let locale = crate::i18n::use_locale();
    let lang = move || locale.get_untracked().code();

    // The first page of the URL's filter. A resource keyed on the URL: when the filter
    // changes while an answer is on its way, that answer is dropped when it comes (the
    // resource keeps only its latest source's), so a slow earlier search can never
    // replace a newer one.
    let first_page = LocalResource::new(move || {
        let query = applied
            .get()
            .to_query(&net::browser_offset(), locale.get().code());
        async move { client::history(&query).await.map_err(|e| e.shown()) }
    });
    Effect::new(move |_| {
        let f = applied.get();
        form.set(f);
        selected.set(None);
        loading.set(true);
    });
    Effect::new(move |_| {
        let Some(answer) = first_page.get() else {
            return;
        };
        match answer {
            Ok(page) => {
                error.set(None);
                security.set(page.security_service);
                agents.set(page.agents);
                total.set(Some((page.total, page.total_capped)));
                next_page.set(page.next_page);
                rows.set(page.chats);
            }
            Err(e) => error.set(Some(e)),
        }
        loading.set(false);
    });
    // the next (older) page of the same filter, appended; dropped if the filter
    // changed meanwhile
    let load_more = move || {
        let Some(cursor) = next_page.get_untracked() else {
            return;
        };
        let filter = applied.get_untracked();
        let mut query = filter.to_query(&net::browser_offset(), lang());
        query.page = Some(cursor);
        loading.set(true);
        leptos::task::spawn_local(async move {
            let answer = client::history(&query).await;
            if applied.get_untracked() != filter {
                return;
            }
            match answer {
                Ok(page) => {
                    error.set(None);
                    next_page.set(page.next_page);
                    rows.update(|r| r.extend(page.chats));
                }
                Err(e) => error.set(Some(e.shown())),
            }
            loading.set(false);
        });
    };
    // browser only: the handling types for the filter
    Effect::new(move |prev: Option<()>| {
        if prev.is_none() {
            leptos::task::spawn_local(async move {
                if let Ok(list) = client::categories().await {
                    categories.set(list);
                }
            });
        }
    });
    let go = {
        let navigate = navigate.clone();
        move |f: Filters| {
            if f == applied.get_untracked() {
                // the same filter again: read it anew (new chats may have ended)
                first_page.refetch();
            } else {
                navigate(&f.link(), Default::default());
            }
        }
    };
    let search = {
        let go = go.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            go(form.get_untracked());
        }
    };
    let reset = move |_| go(Filters::last_week());
    let start_export = move |_| {
        let query = applied
            .get_untracked()
            .to_query(&net::browser_offset(), lang());
        leptos::task::spawn_local(async move {
            let mut progress = match client::start_export(&query).await {
                Ok(p) => p,
                Err(e) => {
                    error.set(Some(e.shown()));
                    return;
                }
            };
            export.set(Some(progress.clone()));
            while progress.state == ExportState::Running {
                net::sleep_ms(400).await;
                match client::export_progress(&progress.id).await {
                    Ok(p) => progress = p,
                    Err(e) => {
                        error.set(Some(e.shown()));
                        export.set(None);
                        return;
                    }
                }
                export.set(Some(progress.clone()));
            }
            if progress.state == ExportState::Done {
                net::navigate(&client::export_file_url(&progress.id));
            }
        });
    };
    let exporting = move || {
        export
            .get()
            .is_some_and(|p| p.state == ExportState::Running)
    };
    let on_saved = Callback::new(move |d: ChatDetail| {
        rows.update(|list| {
            if let Some(r) = list.iter_mut().find(|r| r.id == d.id) {
                r.customer_name = d.customer.name.clone();
                r.customer_email = d.customer.email.clone();
                r.category_path = d.consult.category_path.clone();
            }
        })
    });

    view! {
        <section class="screen history-screen" data-testid="history-screen">
            <div class="screen-head">
                <h1 class="screen-title">{move || t.get().nav_history}</h1>
                <div class="history-actions">
                    {move || total.get().map(|(n, capped)| view! {
                        <span class="muted" data-testid="history-total">{format!("{}{} {}", group_digits(n), if capped { "+" } else { "" }, t.get().history_total_suffix)}</span>
                    })}
                    <button type="button" class="button" data-testid="history-export" disabled=exporting on:click=start_export>
                        {move || t.get().history_export}
                    </button>
                </div>
            </div>
            {move || export.get().map(|p| {
                let label = match p.state {
                    ExportState::Running => format!("{} {} / {}", t.get().history_exporting, p.written, p.total),
                    ExportState::Done => format!("{} ({})", t.get().history_export_done, p.file_name),
                    ExportState::Failed => format!("{}: {}", t.get().history_export_failed, p.error.clone().unwrap_or_default()),
                };
                view! {
                    <div class="export-progress" data-testid="export-progress" data-state=format!("{:?}", p.state).to_lowercase()>
                        <progress max=p.total.max(1) value=p.written></progress>
                        <span>{label}</span>
                    </div>
                }
            })}
            <form class="card history-filters" data-testid="history-filters" on:submit=search>
                <label class="field">
                    <span>{move || t.get().history_filter_from}</span>
                    <input type="date" data-testid="history-from" prop:value=move || form.get().from
                        on:input:target=move |ev| form.update(|f| f.from = ev.target().value())/>
                </label>
                <label class="field">
                    <span>{move || t.get().history_filter_to}</span>
                    <input type="date" data-testid="history-to" prop:value=move || form.get().to
                        on:input:target=move |ev| form.update(|f| f.to = ev.target().value())/>
                </label>
                <label class="field">
                    <span>{move || t.get().history_filter_status}</span>
                    <select data-testid="history-status" prop:value=move || form.get().status
                        on:change:target=move |ev| form.update(|f| f.status = ev.target().value())>
                        <option value="">{move || t.get().filter_all}</option>
                        <option value="handled">{move || t.get().history_handled}</option>
                        <option value="unhandled">{move || t.get().history_unhandled}</option>
                    </select>
                </label>
                <label class="field">
                    <span>{move || t.get().history_filter_agent}</span>
                    <select data-testid="history-agent" prop:value=move || form.get().agent
                        on:change:target=move |ev| form.update(|f| f.agent = ev.target().value())>
                        <option value="">{move || t.get().filter_all}</option>
                        {move || agents.get().into_iter().map(|a| view! { <option value=a.id.to_string()>{a.name}</option> }).collect_view()}
                    </select>
                </label>
                <label class="field">
                    <span>{move || t.get().history_filter_category}</span>
                    <select data-testid="history-category" prop:value=move || form.get().category
                        on:change:target=move |ev| form.update(|f| f.category = ev.target().value())>
                        <option value="">{move || t.get().filter_all}</option>
                        {move || category_paths(&categories.get()).into_iter().map(|(id, path)| view! {
                            <option value=id.to_string()>{path}</option>
                        }).collect_view()}
                    </select>
                </label>
                <label class="field">
                    <span>{move || t.get().reports().channel}</span>
                    <select data-testid="history-channel" prop:value=move || form.get().channel
                        on:change:target=move |ev| form.update(|f| f.channel = ev.target().value())>
                        <option value="">{move || t.get().filter_all}</option>
                        <option value="helpcenter">{move || t.get().reports().helpcenter}</option>
                        <option value="widget">{move || t.get().reports().widget}</option>
                    </select>
                </label>
                <label class="field">
                    <span>{move || t.get().history_filter_customer}</span>
                    <input type="search" data-testid="history-customer" prop:value=move || form.get().customer
                        on:input:target=move |ev| form.update(|f| f.customer = ev.target().value())/>
                </label>
                <label class="field grow">
                    <span>{move || t.get().history_filter_text}</span>
                    <input type="search" data-testid="history-q" maxlength=shared::MAX_QUERY_CHARS prop:value=move || form.get().q
                        on:input:target=move |ev| form.update(|f| f.q = ev.target().value())/>
                </label>
                <div class="filter-buttons">
                    <button type="submit" class="button primary" data-testid="history-search">{move || t.get().history_search}</button>
                    <button type="button" class="button ghost" data-testid="history-reset" on:click=reset>{move || t.get().history_reset}</button>
                </div>
            </form>
            {move || error.get().map(|e| view! { <p class="error-banner" role="alert" data-testid="history-error">{e}</p> })}
            <div class="history-body" class:with-pane=move || selected.get().is_some()>
                <div class="card history-table-card">
                    <table class="table history-table" data-testid="history-table">
                        <thead>
                            <tr>
                                <th>{move || t.get().history_col_date}</th>
                                <th>{move || t.get().history_col_customer}</th>
                                <th>{move || t.get().history_col_agent}</th>
                                <th class="col-optional">{move || t.get().history_col_channel}</th>
                                <th>{move || t.get().history_col_category}</th>
                                <th>{move || t.get().history_col_status}</th>
                                <th>{move || t.get().history_col_rating}</th>
                                <th class="col-optional">{move || t.get().history_col_duration}</th>
                                <th class="col-optional">{move || t.get().history_col_first_response}</th>
                            </tr>
                        </thead>
                        <tbody>
                            <For each=move || rows.get() key=|r| (r.id, r.customer_name.clone(), r.category_path.clone()) let:row>
                                {
                                    let id = row.id;
                                    let channel = if row.channel == "helpcenter" { t.get_untracked().channel_helpcenter.to_string() } else { row.channel.clone() };
                                    view! {
                                        <tr data-testid="history-row" data-chat-id=id.to_string() class="clickable"
                                            class:selected=move || selected.get() == Some(id)
                                            on:click=move |_| selected.set(Some(id))>
                                            <td class="nowrap">{local_time(row.created_at)}</td>
                                            <td>
                                                <span class="strong">{let name = row.customer_name.clone(); move || t.get().customer_name(&name, id)}</span>
                                                {row.customer_email.clone().map(|e| view! { <span class="muted small block">{e}</span> })}
                                            </td>
                                            <td>{row.agent.clone().map(|a| a.name).unwrap_or_else(|| "-".into())}</td>
                                            <td class="ellipsis col-optional" title=channel.clone()>{channel.clone()}</td>
                                            <td>{if row.category_path.is_empty() { "-".to_string() } else { row.category_path.join(" > ") }}</td>
                                            <td>
                                                <span class=if row.handled { "tag ok" } else { "tag warn" } data-testid="history-status-tag">
                                                    {move || if row.handled { t.get().history_handled } else { t.get().history_unhandled }}
                                                </span>
                                            </td>
                                            <td>{row.rating.map(|r| format!("★ {r}")).unwrap_or_else(|| "-".into())}</td>
                                            <td class="col-optional">{duration_text(row.duration_secs)}</td>
                                            <td class="col-optional">{duration_text(row.first_response_secs)}</td>
                                        </tr>
                                    }
                                }
                            </For>
                        </tbody>
                    </table>
                    {move || (total.get().is_some_and(|(n, _)| n == 0)).then(|| view! { <div class="empty-state"><p class="muted">{t.get().history_empty}</p></div> })}
                    {move || next_page.get().is_some().then(|| view! {
                        <div class="load-more">
                            <button type="button" class="button" data-testid="history-more" disabled=loading on:click=move |_| load_more()>
                                {t.get().history_more}
                            </button>
                        </div>
                    })}
                    {move || (loading.get() && rows.get().is_empty()).then(|| view! { <p class="loading">{t.get().loading}</p> })}
                </div>
                {move || selected.get().map(|chat| view! {
                    <HistoryPane chat security=security.get_untracked() categories on_saved
                        on_close=Callback::new(move |_| selected.set(None))/>
                })}
            </div>
        </section>
    }
}

/// Every category with its full path, for the filter (any level may be chosen).
fn category_paths(list: &[shared::Category]) -> Vec<(shared::CategoryId, String)> {
    let name = |id: shared::CategoryId| list.iter().find(|c| c.id == id);
    let mut out: Vec<(shared::CategoryId, String)> = list
        .iter()
        .map(|c| {
            let mut path = vec![c.name.clone()];
            let mut parent = c.parent_id;
            while let Some(p) = parent.and_then(name) {
                path.push(p.name.clone());
                parent = p.parent_id;
            }
            path.reverse();
            (c.id, path.join(" > "))
        })
        .collect();
    out.sort_by(|a, b| a.1.cmp(&b.1));
    out
}

/// The right-hand pane: info panels and the transcript of one chat, with masking.
#[component]
fn HistoryPane(
    chat: ChatId,
    security: bool,
    categories: RwSignal<Vec<shared::Category>>,
    on_saved: Callback<ChatDetail>,
    on_close: Callback<()>,
) -> impl IntoView {
    let t = use_texts();
    let detail = RwSignal::new(None::<ChatDetail>);
    let messages = RwSignal::new(Vec::<Message>::new());
    let error = RwSignal::new(None::<String>);
    let confirm_unmask = RwSignal::new(None::<(shared::MessageId, String)>);
    // the panel is created once the chat arrived, and kept while it is saved
    let loaded = Memo::new(move |_| detail.with(Option::is_some));
    Effect::new(move |_| {
        leptos::task::spawn_local(async move {
            match client::chat_detail(chat).await {
                Ok(d) => detail.set(Some(d)),
                Err(e) => error.set(Some(e.shown())),
            }
            // every page of the transcript
            let mut after = 0;
            loop {
                match client::messages(chat, after, None).await {
                    Ok(list) => {
                        let n = list.len();
                        after = list.last().map_or(after, |m| m.seq);
                        messages.update(|all| {
                            for m in list {
                                upsert_message(all, m);
                            }
                        });
                        if n < 500 {
                            break;
                        }
                    }
                    Err(e) => {
                        error.set(Some(e.shown()));
                        break;
                    }
                }
            }
        });
    });
    let apply = move |result: Result<Message, crate::error::AppError>| match result {
        Ok(message) => messages.update(|all| upsert_message(all, message)),
        Err(e) => error.set(Some(e.shown())),
    };
    let mask = move |message: shared::MessageId, start: usize, end: usize| {
        leptos::task::spawn_local(async move {
            apply(client::mask(chat, message, start, end).await);
        });
    };
    let unmask = move |message: shared::MessageId, mask_id: String| {
        confirm_unmask.set(None);
        leptos::task::spawn_local(async move {
            apply(client::unmask(chat, message, &mask_id).await);
        });
    };
    let mask_selection = move || match crate::chat::selection_to_mask(t.get_untracked()) {
        Ok((message, start, end)) => {
            error.set(None);
            mask(message, start, end);
        }
        Err(why) => error.set(Some(why.into())),
    };
    let actions = security.then_some(MaskActions {
        unmask: Callback::new(move |(message, mask_id)| {
            confirm_unmask.set(Some((message, mask_id)))
        }),
        mask: Callback::new(move |(message, start, end)| mask(message, start, end)),
        file: crate::chat::files::controls(Callback::new(move |(message, hide)| {
            leptos::task::spawn_local(async move {
                apply(client::mask_file(chat, message, hide).await);
            });
        })),
    });
    view! {
        {move || confirm_unmask.get().map(|(message, mask_id)| view! {
            <ConfirmDialog text=t.get().unmask_confirm
                on_cancel=Callback::new(move |_| confirm_unmask.set(None))
                on_ok=Callback::new(move |_| unmask(message, mask_id.clone()))/>
        })}
        <aside class="history-pane" data-testid="history-pane" data-chat-id=chat.to_string()>
            <header class="history-pane-head">
                <strong>{move || detail.get().map(|d| t.get().customer_name(&d.customer.name, d.id)).unwrap_or_default()}</strong>
                <span class="muted small">{format!("#{chat}")}</span>
                <span class="grow"></span>
                {security.then(|| view! {
                    <button type="button" class="button small" data-testid="mask-button"
                        on:mousedown=|ev| ev.prevent_default()
                        on:click=move |_| mask_selection()>
                        {move || t.get().mask_button}
                    </button>
                })}
                <button type="button" class="button small ghost" data-testid="history-close" on:click=move |_| on_close.run(())>
                    {move || t.get().history_close}
                </button>
            </header>
            {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
            // every change of hands, in order, with the transfer notes (issue 18)
            <crate::chat::transfer::HandoverList detail=Signal::derive(move || detail.get())/>
            <div class="history-pane-body">
                <div class="history-transcript chat-log" role="log" tabindex="0" aria-label=move || t.get().transcript_label>
                    <For each=move || messages.get() key=|m| (m.seq, m.text.clone(), m.masks.len()) let:m>
                        <Bubble mine=m.author == Author::Agent message=m actions=actions
                            read_upto=Signal::derive(move || detail.with(|d| d.as_ref().map_or(0, |d| d.customer_read_seq)))/>
                    </For>
                </div>
                {move || loaded.get().then(|| view! {
                    <ChatInfoPanel
                        chat
                        detail=Signal::derive(move || detail.get())
                        categories
                        on_saved=Callback::new(move |d: ChatDetail| { on_saved.run(d.clone()); detail.set(Some(d)); })
                        on_dirty=Callback::new(|_| {})
                        on_error=Callback::new(move |e: String| error.set(Some(e)))
                    />
                })}
            </div>
        </aside>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn totals_are_grouped_by_thousands() {
        assert_eq!(group_digits(0), "0");
        assert_eq!(group_digits(999), "999");
        assert_eq!(group_digits(10_000), "10,000");
        assert_eq!(group_digits(1_234_567), "1,234,567");
    }

    #[test]
    fn filters_carry_only_set_values() {
        let f = Filters {
            from: "2026-11-18".into(),
            status: "handled".into(),
            q: " 환불 요청 ".into(),
            customer: "  ".into(),
            ..Filters::default()
        };
        let q = f.to_query("+09:00", "ko");
        assert_eq!(q.q.as_deref(), Some("환불 요청"));
        assert_eq!((q.from.as_deref(), q.to), (Some("2026-11-18"), None));
        assert_eq!(q.customer, None);
        assert_eq!(
            crate::client::history_query_string(&Filters::default().to_query("Z", "en")),
            "tz=Z&lang=en"
        );
    }

    #[test]
    fn category_paths_name_every_level() {
        let c = |id: i64, parent: Option<i64>, name: &str, depth: u8| shared::Category {
            id: shared::CategoryId(id),
            parent_id: parent.map(shared::CategoryId),
            name: name.into(),
            position: 0,
            enabled: true,
            depth,
            in_use: false,
        };
        let paths = category_paths(&[
            c(1, None, "결제", 1),
            c(2, Some(1), "환불", 2),
            c(3, Some(2), "부분 환불", 3),
        ]);
        assert_eq!(
            paths.iter().map(|p| p.1.as_str()).collect::<Vec<_>>(),
            vec!["결제", "결제 > 환불", "결제 > 환불 > 부분 환불"]
        );
    }
}
