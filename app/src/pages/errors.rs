//! Error pages (404, 403) that set the matching HTTP status when rendered on the server.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::i18n::use_texts;

/// "Page not found", with an optional more specific line.
#[component]
pub fn NotFound(#[prop(optional)] detail: Option<&'static str>) -> impl IntoView {
    crate::set_http_status(404);
    let t = use_texts();
    view! {
        <Title text=move || t.get().not_found_title.to_string()/>
        <main class="error-page" data-testid="not-found">
            <div class="error-card">
                <p class="error-code">"404"</p>
                <h1>{move || t.get().not_found_title}</h1>
                <p>{move || detail.unwrap_or(t.get().not_found_body)}</p>
                <a class="button" href="/" rel="external">{move || t.get().go_home}</a>
            </div>
        </main>
    }
}

/// "Access denied" for a signed-in account without the needed role.
#[component]
pub fn Forbidden(body: Signal<&'static str>) -> impl IntoView {
    crate::set_http_status(403);
    let t = use_texts();
    view! {
        <Title text=move || t.get().forbidden_title.to_string()/>
        <main class="error-page" data-testid="forbidden">
            <div class="error-card">
                <p class="error-code">"403"</p>
                <h1>{move || t.get().forbidden_title}</h1>
                <p>{move || body.get()}</p>
                <a class="button" href="/console">{move || t.get().go_console}</a>
            </div>
        </main>
    }
}
