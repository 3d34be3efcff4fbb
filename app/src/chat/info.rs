//! The customer-info and consult-info panel (C-AG-4..8) shared by the live chat screen and
//! chat history: edit, Save, unsaved-edit tracking, and Create ticket.

use std::collections::HashMap;

use leptos::prelude::*;
use shared::{ChatDetail, ChatId};

use crate::client;
use crate::i18n::use_texts;

/// Form values of the info panel, comparable with what is saved.
#[derive(Clone, Debug, PartialEq, Default)]
struct InfoForm {
    name: String,
    email: String,
    memo: String,
    category: String,
}

impl InfoForm {
    fn of(d: &ChatDetail) -> InfoForm {
        InfoForm {
            name: d.customer.name.clone(),
            email: d.customer.email.clone().unwrap_or_default(),
            memo: d.customer.memo.clone().unwrap_or_default(),
            category: d
                .consult
                .category_id
                .map(|c| c.to_string())
                .unwrap_or_default(),
        }
    }

    fn update(&self) -> shared::ChatInfoUpdate {
        shared::ChatInfoUpdate {
            customer: shared::CustomerInfoUpdate {
                name: Some(self.name.clone()),
                email: Some(self.email.clone()),
                memo: Some(self.memo.clone()),
            },
            consult: shared::ConsultInfoUpdate {
                category_id: self.category.parse().ok(),
            },
        }
    }
}

/// Customer info and consult info (C-AG-4..7): edits persist only on Save; the form
/// reports whether it holds unsaved edits; Create ticket (C-AG-8). Used by the live chat
/// screen and by chat history (C-HIS-1), which differ only in where the chat comes from.
#[component]
pub fn ChatInfoPanel(
    chat: ChatId,
    /// The chat as last loaded or saved.
    #[prop(into)]
    detail: Signal<Option<ChatDetail>>,
    /// The service's handling types.
    #[prop(into)]
    categories: Signal<Vec<shared::Category>>,
    /// A save succeeded with this result.
    on_saved: Callback<ChatDetail>,
    /// The form has (true) or no longer has (false) unsaved edits.
    on_dirty: Callback<bool>,
    /// An action failed (shown by the owner).
    on_error: Callback<String>,
) -> impl IntoView {
    let t = use_texts();
    let form = RwSignal::new(InfoForm::default());
    let loaded = RwSignal::new(false);
    let errors = RwSignal::new(HashMap::<String, String>::new());
    let saved_note = RwSignal::new(false);
    let ticket = RwSignal::new(None::<shared::TicketId>);
    let detail = move || detail.get();
    Effect::new(move |_| {
        if let Some(d) = detail()
            && !loaded.get_untracked()
        {
            form.set(InfoForm::of(&d));
            loaded.set(true);
        }
    });
    let dirty = move || loaded.get() && detail().is_some_and(|d| InfoForm::of(&d) != form.get());
    Effect::new(move |_| {
        on_dirty.run(dirty());
    });
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let update = form.get_untracked().update();
        if let Err(e) = update.validate() {
            errors.set(HashMap::from([(e.field.to_owned(), e.reason)]));
            return;
        }
        leptos::task::spawn_local(async move {
            match client::save_chat_info(chat, &update).await {
                Ok(d) => {
                    form.set(InfoForm::of(&d));
                    on_saved.run(d);
                    errors.set(HashMap::new());
                    saved_note.set(true);
                }
                Err(e) => {
                    let field = e
                        .message
                        .split(':')
                        .next()
                        .unwrap_or_default()
                        .trim()
                        .to_owned();
                    let field =
                        if ["name", "email", "memo", "category_id"].contains(&field.as_str()) {
                            field
                        } else {
                            "form".into()
                        };
                    errors.set(HashMap::from([(field, e.shown())]));
                }
            }
        });
    };
    let make_ticket = move |_| {
        leptos::task::spawn_local(async move {
            match client::make_ticket(chat).await {
                Ok(created) => ticket.set(Some(created.ticket_id)),
                Err(e) => on_error.run(e.shown()),
            }
        });
    };
    let error_for = move |field: &'static str| {
        move || {
            errors.get().get(field).cloned().map(|m| view! { <span class="field-error" role="alert" data-testid=format!("error-{field}")>{m}</span> })
        }
    };
    let choices = move || shared::choosable_paths(&shared::build_tree(&categories.get()));
    view! {
        <aside class="desk-info">
            <form class="form info-form" on:submit=save>
                <section class="info-card">
                    <h3>{move || t.get().customer_info}</h3>
                    <label class="field">
                        <span>{move || t.get().inquiry_name}</span>
                        <input data-testid="customer-name" prop:value=move || form.get().name
                            on:input:target=move |ev| { saved_note.set(false); form.update(|f| f.name = ev.target().value()) }/>
                        {error_for("name")}
                    </label>
                    <label class="field">
                        <span>{move || t.get().inquiry_email}</span>
                        <input type="text" inputmode="email" data-testid="customer-email" prop:value=move || form.get().email
                            on:input:target=move |ev| { saved_note.set(false); form.update(|f| f.email = ev.target().value()) }/>
                        {error_for("email")}
                    </label>
                    <label class="field">
                        <span>{move || t.get().memo_label}</span>
                        <textarea rows="3" data-testid="customer-memo" prop:value=move || form.get().memo
                            on:input:target=move |ev| { saved_note.set(false); form.update(|f| f.memo = ev.target().value()) }></textarea>
                        {error_for("memo")}
                    </label>
                    <dl class="facts">
                        <dt>{move || t.get().ip_label}</dt>
                        <dd data-testid="customer-ip">{move || detail().and_then(|d| d.customer.ip).unwrap_or_default()}</dd>
                        <dt>{move || t.get().device_label}</dt>
                        <dd data-testid="customer-device">{move || detail().and_then(|d| d.customer.device).unwrap_or_else(|| "-".into())}</dd>
                    </dl>
                </section>
                <section class="info-card">
                    <h3>{move || t.get().consult_info}</h3>
                    <dl class="facts">
                        <dt>{move || t.get().rating_label}</dt>
                        <dd data-testid="consult-rating">
                            {move || detail().and_then(|d| d.rating).map(|r| format!("{} {r}/5", "★".repeat(r.clamp(0, 5) as usize))).unwrap_or_else(|| "-".into())}
                        </dd>
                        <dt>{move || t.get().channel_label}</dt>
                        <dd data-testid="consult-channel">
                            {move || {
                                detail()
                                    .map(|d| if d.consult.channel == "helpcenter" { t.get().channel_helpcenter.to_string() } else { d.consult.channel })
                                    .unwrap_or_default()
                            }}
                        </dd>
                    </dl>
                    <label class="field">
                        <span>{move || t.get().category_label}</span>
                        <select data-testid="consult-category" prop:value=move || form.get().category
                            on:change:target=move |ev| { saved_note.set(false); form.update(|f| f.category = ev.target().value()) }>
                            <option value="">{move || t.get().category_none}</option>
                            {move || choices().into_iter().map(|(id, path)| {
                                let value = id.to_string();
                                let selected = form.get_untracked().category == value;
                                view! { <option value=value selected=selected>{path}</option> }
                            }).collect_view()}
                        </select>
                        {error_for("category_id")}
                    </label>
                </section>
                {error_for("form")}
                <div class="info-actions">
                    <button type="submit" class="button primary" data-testid="save-info">{move || t.get().save}</button>
                    <button type="button" class="button" data-testid="create-ticket" on:click=make_ticket>{move || t.get().create_ticket}</button>
                </div>
                {move || dirty().then(|| view! { <p class="note warn" data-testid="unsaved-note">{t.get().unsaved}</p> })}
                {move || (saved_note.get() && !dirty()).then(|| view! { <p class="note ok" data-testid="saved-note">{t.get().saved}</p> })}
                {move || ticket.get().map(|id| view! {
                    <a class="note link" data-testid="ticket-link" href=format!("/console/tickets/{id}")>{format!("{} #{id}", t.get().open_ticket)}</a>
                })}
            </form>
        </aside>
    }
}
