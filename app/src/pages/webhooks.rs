//! The admin's webhooks panel (issue 21): the service's webhooks (URL, events, the
//! signing secret behind a button, delete), a form to add one (URL and event
//! checkboxes), and each webhook's latest deliveries with their state, attempts and
//! last answer — the delivery log.

use leptos::prelude::*;
use shared::webhook::{NewWebhook, WEBHOOK_EVENTS, Webhook};

use crate::client;
use crate::i18n::use_texts;

#[component]
pub fn WebhooksPanel() -> impl IntoView {
    let t = use_texts();
    let hooks = RwSignal::new(Vec::<Webhook>::new());
    let error = RwSignal::new(None::<String>);
    let url = RwSignal::new(String::new());
    let chosen = RwSignal::new(vec!["chat.ended".to_string()]);
    let reload = move || {
        leptos::task::spawn_local(async move {
            match client::webhooks().await {
                Ok(list) => hooks.set(list),
                Err(e) => error.set(Some(e.shown())),
            }
        });
    };
    Effect::new(move |_| reload());
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let new = NewWebhook {
            url: url.get_untracked(),
            events: chosen.get_untracked(),
        };
        leptos::task::spawn_local(async move {
            match client::add_webhook(&new).await {
                Ok(_) => {
                    error.set(None);
                    url.set(String::new());
                    reload();
                }
                Err(e) => error.set(Some(e.shown())),
            }
        });
    };
    let remove = move |id: String| {
        leptos::task::spawn_local(async move {
            match client::delete_webhook(&id).await {
                Ok(_) => reload(),
                Err(e) => error.set(Some(e.shown())),
            }
        });
    };
    let state_text = move |s: &str| {
        let w = t.get().webhooks();
        match s {
            "delivered" => w.delivered,
            "failed" => w.failed,
            _ => w.pending,
        }
    };
    view! {
        <section class="card webhooks-panel" data-testid="webhooks-panel">
            <h2>{move || t.get().webhooks().title}</h2>
            <p class="muted">{move || t.get().webhooks().hint}</p>
            {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
            <form class="webhook-form" on:submit=add>
                <label class="field grow">
                    <span>{move || t.get().webhooks().url}</span>
                    <input type="url" data-testid="webhook-url" placeholder="https://crm.example.com/hooks/chat"
                        prop:value=url on:input:target=move |ev| url.set(ev.target().value())/>
                </label>
                <fieldset class="webhook-events">
                    <legend>{move || t.get().webhooks().events}</legend>
                    {WEBHOOK_EVENTS.iter().map(|e| {
                        let e = (*e).to_string();
                        let name = e.clone();
                        view! {
                            <label class="check">
                                <input type="checkbox" data-testid=format!("webhook-event-{e}")
                                    prop:checked=move || chosen.get().contains(&name)
                                    on:change:target={
                                        let e = e.clone();
                                        move |ev| {
                                            let on = ev.target().checked();
                                            chosen.update(|c| {
                                                c.retain(|x| x != &e);
                                                if on { c.push(e.clone()); }
                                            });
                                        }
                                    }/>
                                <code>{e.clone()}</code>
                            </label>
                        }
                    }).collect_view()}
                </fieldset>
                <button type="submit" class="button primary" data-testid="webhook-add">{move || t.get().webhooks().add}</button>
            </form>
            {move || if hooks.get().is_empty() {
                view! { <p class="muted">{t.get().webhooks().empty}</p> }.into_any()
            } else {
                hooks.get().into_iter().map(|h| {
                    let id = h.id.clone();
                    let shown = RwSignal::new(false);
                    let secret = h.secret.clone();
                    view! {
                        <div class="webhook" data-testid="webhook">
                            <div class="webhook-head">
                                <code class="webhook-url">{h.url.clone()}</code>
                                <span class="muted">{h.events.join(", ")}</span>
                                <button type="button" class="button" on:click=move |_| shown.update(|s| *s = !*s)>
                                    {move || t.get().webhooks().show_secret}</button>
                                <button type="button" class="button danger" data-testid="webhook-delete"
                                    on:click=move |_| remove(id.clone())>{move || t.get().webhooks().delete}</button>
                            </div>
                            {move || shown.get().then(|| view! {
                                <p class="webhook-secret"><span>{t.get().webhooks().secret}": "</span><code>{secret.clone()}</code></p>
                            })}
                            <h3>{move || t.get().webhooks().log}</h3>
                            {if h.deliveries.is_empty() {
                                view! { <p class="muted">{move || t.get().webhooks().none}</p> }.into_any()
                            } else {
                                view! {
                                    <table class="table" data-testid="webhook-log">
                                        <thead><tr>
                                            <th>{move || t.get().webhooks().when}</th>
                                            <th>{move || t.get().webhooks().events}</th>
                                            <th>{move || t.get().webhooks().state}</th>
                                            <th>{move || t.get().webhooks().attempts}</th>
                                            <th>{move || t.get().webhooks().answer}</th>
                                        </tr></thead>
                                        <tbody>
                                            {h.deliveries.into_iter().map(|d| {
                                                let answer = d.last_status.map(|s| s.to_string())
                                                    .or(d.last_error.clone()).unwrap_or_default();
                                                let state = d.state.clone();
                                                view! { <tr data-testid="webhook-delivery" data-state=d.state.clone()>
                                                    <td>{d.last_at.unwrap_or(d.created_at).chars().take(19).collect::<String>().replace('T', " ")}</td>
                                                    <td><code>{d.event}</code></td>
                                                    <td>{move || state_text(&state)}</td>
                                                    <td>{d.attempts}</td>
                                                    <td class="audit-detail">{answer}</td>
                                                </tr> }
                                            }).collect_view()}
                                        </tbody>
                                    </table>
                                }.into_any()
                            }}
                        </div>
                    }
                }).collect_view().into_any()
            }}
        </section>
    }
}
