//! The admin's personal-data panel (issue 21): the service's retention (days, or empty
//! for off; saved with a button; run now; its last run) and the erasure of one
//! customer's data on request — find by email, visitor id or signed user id, see how
//! many chats it covers, then erase after a second, explicit confirmation.

use leptos::prelude::*;
use shared::i18n::fill;
use shared::privacy::{CustomerChats, CustomerKey, Erased, Retention};

use crate::client;
use crate::i18n::use_texts;

/// "Erased from …" with the counts.
fn erased_text(template: &str, e: &Erased) -> String {
    let s = fill(template, "chats", e.chats);
    let s = fill(&s, "messages", e.messages);
    let s = fill(&s, "files", e.files);
    fill(&s, "tickets", e.tickets)
}

#[component]
pub fn PrivacyPanel() -> impl IntoView {
    let t = use_texts();
    let days = RwSignal::new(String::new());
    let last_run = RwSignal::new(None::<String>);
    let note = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<String>);
    let show = move |r: Retention| {
        days.set(r.retention_days.map(|d| d.to_string()).unwrap_or_default());
        last_run.set(
            r.last_run_at
                .map(|at| at.chars().take(16).collect::<String>().replace('T', " ")),
        );
    };
    Effect::new(move |_| {
        leptos::task::spawn_local(async move {
            match client::retention().await {
                Ok(r) => show(r),
                Err(e) => error.set(Some(e.shown())),
            }
        });
    });
    let save = move |_| {
        let raw = days.get_untracked();
        let retention_days = match raw.trim() {
            "" => None,
            v => match v.parse::<i64>() {
                Ok(n) => Some(n),
                Err(_) => Some(-1), // the server names the rule
            },
        };
        leptos::task::spawn_local(async move {
            match client::save_retention(&Retention {
                retention_days,
                last_run_at: None,
            })
            .await
            {
                Ok(r) => {
                    show(r);
                    error.set(None);
                    note.set(Some(t.get_untracked().privacy().saved.to_owned()));
                }
                Err(e) => error.set(Some(e.shown())),
            }
        });
    };
    let run_now = move |_| {
        leptos::task::spawn_local(async move {
            match client::run_retention().await {
                Ok(done) => {
                    error.set(None);
                    note.set(Some(erased_text(t.get_untracked().privacy().erased, &done)));
                    if let Ok(r) = client::retention().await {
                        show(r);
                    }
                }
                Err(e) => error.set(Some(e.shown())),
            }
        });
    };

    // erasure on request
    let by = RwSignal::new("email".to_string());
    let value = RwSignal::new(String::new());
    let found = RwSignal::new(None::<CustomerChats>);
    let confirming = RwSignal::new(false);
    let key = move || {
        let v = value.get_untracked();
        match by.get_untracked().as_str() {
            "visitor_id" => CustomerKey::VisitorId(v),
            "user_id" => CustomerKey::UserId(v),
            _ => CustomerKey::Email(v),
        }
    };
    let find = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        confirming.set(false);
        let k = key();
        leptos::task::spawn_local(async move {
            match client::find_customer(&k).await {
                Ok(c) => {
                    error.set(None);
                    note.set(None);
                    found.set(Some(c));
                }
                Err(e) => {
                    found.set(None);
                    error.set(Some(e.shown()));
                }
            }
        });
    };
    let erase = move |_| {
        let k = key();
        leptos::task::spawn_local(async move {
            match client::erase_customer(&k).await {
                Ok(done) => {
                    error.set(None);
                    confirming.set(false);
                    found.set(None);
                    note.set(Some(erased_text(t.get_untracked().privacy().erased, &done)));
                }
                Err(e) => error.set(Some(e.shown())),
            }
        });
    };
    view! {
        <section class="card privacy-panel" data-testid="privacy-panel">
            <h2>{move || t.get().privacy().title}</h2>
            {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
            {move || note.get().map(|n| view! { <p class="form-note" role="status" data-testid="privacy-note">{n}</p> })}
            <h3>{move || t.get().privacy().retention}</h3>
            <p class="muted">{move || t.get().privacy().retention_hint}</p>
            <div class="row">
                <label class="field inline">
                    <span>{move || format!("{} ({})", t.get().privacy().retention, t.get().privacy().days)}</span>
                    <input type="number" min="1" max="3650" inputmode="numeric" data-testid="retention-days"
                        prop:value=days on:input:target=move |ev| days.set(ev.target().value())/>
                </label>
                <button type="button" class="button" data-testid="retention-save" on:click=save>{move || t.get().privacy().save}</button>
                <button type="button" class="button" data-testid="retention-run" on:click=run_now
                    disabled=move || days.get().trim().is_empty()>{move || t.get().privacy().run_now}</button>
            </div>
            <p class="muted" data-testid="retention-last-run">
                {move || format!("{}: {}", t.get().privacy().last_run, last_run.get().unwrap_or_else(|| t.get().privacy().never.to_owned()))}
            </p>
            <h3>{move || t.get().privacy().erase_title}</h3>
            <p class="muted">{move || t.get().privacy().erase_hint}</p>
            <form class="row" on:submit=find>
                <label class="field inline">
                    <span>{move || t.get().privacy().by}</span>
                    <select data-testid="erase-by" prop:value=by on:change:target=move |ev| by.set(ev.target().value())>
                        <option value="email">{move || t.get().privacy().email}</option>
                        <option value="visitor_id">{move || t.get().privacy().visitor_id}</option>
                        <option value="user_id">{move || t.get().privacy().user_id}</option>
                    </select>
                </label>
                <label class="field inline grow">
                    <span>{move || t.get().privacy().value}</span>
                    <input type="text" data-testid="erase-value" maxlength="320" autocomplete="off"
                        prop:value=value on:input:target=move |ev| { value.set(ev.target().value()); found.set(None); }/>
                </label>
                <button type="submit" class="button" data-testid="erase-find">{move || t.get().privacy().find}</button>
            </form>
            {move || found.get().map(|c| {
                let text = fill(&fill(t.get().privacy().found, "ended", c.ended), "open", c.open);
                view! {
                    <p data-testid="erase-found">{text}</p>
                    {(c.ended > 0).then(|| view! {
                        {move || if confirming.get() {
                            view! {
                                <div class="danger-zone" role="alertdialog" aria-label=move || t.get().privacy().erase>
                                    <p>{fill(t.get().privacy().confirm, "ended", c.ended)}</p>
                                    <button type="button" class="button danger" data-testid="erase-confirm" on:click=erase>{move || t.get().privacy().erase}</button>
                                    <button type="button" class="button" on:click=move |_| confirming.set(false)>{move || t.get().cancel}</button>
                                </div>
                            }.into_any()
                        } else {
                            view! {
                                <button type="button" class="button danger" data-testid="erase-start"
                                    on:click=move |_| confirming.set(true)>{move || t.get().privacy().erase}</button>
                            }.into_any()
                        }}
                    })}
                }
            })}
        </section>
    }
}
