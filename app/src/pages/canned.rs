//! `/console/canned`: canned replies (상용구, issue 19). Every agent keeps their own;
//! admins also keep the service's. Each has a title, an optional shortcut and a text
//! per language with placeholders. Changes reach the `/` list of the open console at
//! once.

use std::collections::BTreeMap;

use leptos::prelude::*;
use shared::{AgentProfile, CannedId, CannedReply, CannedReplyInput, Role, SUPPORTED_LOCALES};

use crate::chat::agent::AgentDesk;
use crate::client;
use crate::i18n::use_texts;

#[component]
pub fn CannedScreen() -> impl IntoView {
    let t = use_texts();
    let is_admin = use_context::<AgentProfile>().is_some_and(|p| p.role == Role::Admin);
    let desk = use_context::<AgentDesk>();
    let replies = RwSignal::new(Vec::<CannedReply>::new());
    let error = RwSignal::new(None::<String>);
    let editing = RwSignal::new(None::<CannedId>);
    let (title, shortcut, service_wide) = (
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(false),
    );
    let texts = RwSignal::new(BTreeMap::<String, String>::new());
    let reload = move || {
        leptos::task::spawn_local(async move {
            match client::canned_replies().await {
                Ok(list) => replies.set(list),
                Err(e) => error.set(Some(e.shown())),
            }
            if let Some(desk) = desk {
                desk.reload_canned().await;
            }
        });
    };
    Effect::new(move |_| reload());
    let clear = move || {
        editing.set(None);
        title.set(String::new());
        shortcut.set(String::new());
        texts.set(BTreeMap::new());
        service_wide.set(false);
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = CannedReplyInput {
            title: title.get_untracked(),
            shortcut: Some(shortcut.get_untracked()),
            texts: texts.get_untracked(),
            personal: !service_wide.get_untracked(),
        };
        // the server's own checks, so the field shows before a round trip
        if let Err(e) = input.normalized() {
            error.set(Some(e.to_string()));
            return;
        }
        leptos::task::spawn_local(async move {
            let done = match editing.get_untracked() {
                Some(id) => client::update_canned_reply(id, &input).await,
                None => client::create_canned_reply(&input).await,
            };
            match done {
                Ok(_) => {
                    error.set(None);
                    clear();
                    reload();
                }
                Err(e) => error.set(Some(e.shown())),
            }
        });
    };
    let start_edit = move |r: CannedReply| {
        editing.set(Some(r.id));
        title.set(r.title);
        shortcut.set(r.shortcut.unwrap_or_default());
        texts.set(r.texts);
        service_wide.set(!r.personal);
    };
    let remove = move |id: CannedId| {
        leptos::task::spawn_local(async move {
            match client::delete_canned_reply(id).await {
                Ok(()) => reload(),
                Err(e) => error.set(Some(e.shown())),
            }
        });
    };
    view! {
        <main class="screen" data-testid="canned-screen">
            <h1 class="screen-title">{move || t.get().canned.title}</h1>
            <p class="muted">{move || t.get().canned.hint}</p>
            {move || error.get().map(|e| view! { <p class="form-error" role="alert" data-testid="canned-error">{e}</p> })}
            <section class="card">
                {move || {
                    let list = replies.get();
                    if list.is_empty() {
                        return view! { <p class="muted">{t.get().canned.empty}</p> }.into_any();
                    }
                    view! {
                        <ul class="canned-manage" data-testid="canned-manage">
                            {list.into_iter().map(|r| {
                                let can_change = r.personal || is_admin;
                                let (id, edit) = (r.id, r.clone());
                                view! {
                                    <li data-testid="canned-row">
                                        <span class="tag">{if r.personal { t.get().canned.mine } else { t.get().canned.service }}</span>
                                        " " <strong>{r.title.clone()}</strong>
                                        {r.shortcut.clone().map(|s| view! { " " <code>{format!("/{s}")}</code> })}
                                        <p class="muted">{r.text_for(crate::i18n::use_locale().get_untracked().code(), "ko").to_owned()}</p>
                                        {can_change.then(|| view! {
                                            <div class="row-actions">
                                                <button type="button" class="button small" on:click=move |_| start_edit(edit.clone())>{t.get().canned.edit}</button>
                                                <button type="button" class="button small danger" on:click=move |_| remove(id)>{t.get().canned.delete}</button>
                                            </div>
                                        })}
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }}
            </section>
            <form class="card form" data-testid="canned-form" on:submit=submit>
                <h2>{move || if editing.get().is_some() { t.get().canned.edit } else { t.get().canned.add }}</h2>
                <label class="field">
                    <span>{move || t.get().canned.field_title}</span>
                    <input data-testid="canned-title" prop:value=title on:input:target=move |ev| title.set(ev.target().value())/>
                </label>
                <label class="field">
                    <span>{move || t.get().canned.field_shortcut}</span>
                    <input data-testid="canned-shortcut" prop:value=shortcut on:input:target=move |ev| shortcut.set(ev.target().value())/>
                </label>
                {SUPPORTED_LOCALES.iter().map(|code| {
                    let code: &'static str = code;
                    let lang = shared::i18n::Locale::parse(code).unwrap_or_default().native_name();
                    view! {
                        <label class="field">
                            <span>{move || shared::i18n::fill(t.get().canned.field_text, "lang", lang)}</span>
                            <textarea rows="3" data-testid=format!("canned-text-{code}")
                                prop:value=move || texts.get().get(code).cloned().unwrap_or_default()
                                on:input:target=move |ev| texts.update(|m| { m.insert(code.to_owned(), ev.target().value()); })></textarea>
                        </label>
                    }
                }).collect_view()}
                <p class="muted small">{move || t.get().canned.placeholders_help}</p>
                {is_admin.then(|| view! {
                    <label class="toggle">
                        <input type="checkbox" data-testid="canned-service-wide" prop:checked=service_wide
                            disabled=move || editing.get().is_some()
                            on:change:target=move |ev| service_wide.set(ev.target().checked())/>
                        <span>{move || t.get().canned.field_service_wide}</span>
                    </label>
                })}
                <div class="info-actions">
                    <button type="submit" class="button primary" data-testid="canned-save">{move || t.get().save}</button>
                    {move || editing.get().is_some().then(|| view! {
                        <button type="button" class="button" on:click=move |_| clear()>{t.get().canned.cancel}</button>
                    })}
                </div>
            </form>
        </main>
    }
}
