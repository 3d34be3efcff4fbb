//! When nobody can chat (C-IN-2, issue 18): the *상담원 부재중* notice — with the
//! service's business hours when chat is closed outside them — and the 1:1 inquiry form
//! it leads to, which becomes a ticket.

use leptos::prelude::*;
use shared::InquiryRequest;

use super::super::waiting::HoursTable;
use super::{CustomerChatState, Panel};
use crate::client;
use crate::i18n::use_texts;

#[component]
pub(super) fn AbsentNotice(state: CustomerChatState) -> impl IntoView {
    let t = use_texts();
    view! {
        <div class="chat-absent" data-testid="absent-popup">
            <h3>{move || t.get().absent_title}</h3>
            {move || match state.hours.get() {
                Some(hours) => view! {
                    <p data-testid="outside-hours">{move || t.get().routing.outside_hours}</p>
                    <HoursTable hours/>
                }.into_any(),
                None => view! { <p>{move || t.get().absent_body}</p> }.into_any(),
            }}
            <button type="button" class="button primary" data-testid="inquiry-button" on:click=move |_| state.panel.set(Panel::Inquiry)>
                {move || t.get().inquiry_button}
            </button>
        </div>
    }
}

#[component]
pub(super) fn InquiryForm(state: CustomerChatState) -> impl IntoView {
    let t = use_texts();
    let (name, email, subject, body) = (
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
    );
    let problem = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let req = InquiryRequest {
            name: name.get_untracked(),
            email: email.get_untracked(),
            subject: subject.get_untracked(),
            body: body.get_untracked(),
        };
        // the same rules as the server, so the error shows before a round trip
        let check = shared::validate::name("name", &req.name)
            .and_then(|_| shared::validate::email("email", &req.email));
        if let Err(e) = check {
            problem.set(Some(e.to_string()));
            return;
        }
        busy.set(true);
        let slug = state.slug.get_value();
        leptos::task::spawn_local(async move {
            match client::leave_inquiry(&slug, &req).await {
                Ok(_) => state.panel.set(Panel::InquirySent),
                Err(e) => problem.set(Some(
                    state.texts.get_untracked().error_text(&e.code).to_owned(),
                )),
            }
            busy.set(false);
        });
    };
    let field = move |label: fn(&shared::i18n::Texts) -> &'static str,
                      sig: RwSignal<String>,
                      kind: &'static str,
                      testid: &'static str| {
        view! {
            <label class="field">
                <span>{move || label(t.get())}</span>
                <input type=kind required data-testid=testid prop:value=sig on:input:target=move |ev| sig.set(ev.target().value())/>
            </label>
        }
    };
    view! {
        <form class="form chat-inquiry" data-testid="inquiry-form" on:submit=submit>
            <h3>{move || t.get().inquiry_title}</h3>
            {field(|t| t.inquiry_name, name, "text", "inquiry-name")}
            {field(|t| t.inquiry_email, email, "email", "inquiry-email")}
            {field(|t| t.inquiry_subject, subject, "text", "inquiry-subject")}
            <label class="field">
                <span>{move || t.get().inquiry_body}</span>
                <textarea rows="4" required data-testid="inquiry-body" prop:value=body on:input:target=move |ev| body.set(ev.target().value())></textarea>
            </label>
            {move || problem.get().map(|p| view! { <p class="form-error" role="alert" data-testid="inquiry-error">{p}</p> })}
            <button type="submit" class="button primary" data-testid="inquiry-submit" disabled=move || busy.get()>
                {move || t.get().inquiry_submit}
            </button>
        </form>
    }
}
