//! `/admin`: the service's settings, for admins only. Agents get the 403 page, people
//! without a session a pointer to the login.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::{AdminView, admin_overview};
use crate::i18n::{LangSwitch, use_texts};
use crate::pages::errors::Forbidden;

#[component]
pub fn Admin() -> impl IntoView {
    let t = use_texts();
    let data = Resource::new(|| (), |_| admin_overview());
    view! {
        <Title text=move || format!("{} · {}", t.get().admin_title, t.get().product)/>
        <Suspense fallback=move || view! { <p class="loading">{move || t.get().loading}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(view) => view! { <AdminPage view/> }.into_any(),
                    Err(e) if e.is("admin_only") => {
                        view! { <Forbidden body=Signal::derive(move || t.get().forbidden_admin_body)/> }.into_any()
                    }
                    Err(e) if e.is("unauthenticated") => {
                        crate::set_http_status(401);
                        view! {
                            <main class="error-page" data-testid="admin-login-required">
                                <div class="error-card">
                                    <h1>{move || t.get().admin_title}</h1>
                                    <p>{move || t.get().admin_need_login}</p>
                                    <a class="button primary" href="/console">{move || t.get().go_console}</a>
                                </div>
                            </main>
                        }
                            .into_any()
                    }
                    Err(e) => view! { <p class="error-banner" role="alert">{e.shown()}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn AdminPage(view: AdminView) -> impl IntoView {
    let t = use_texts();
    let s = view.service;
    view! {
        <div class="console" data-testid="admin">
            <header class="topbar">
                <a class="brand" href="/console">
                    <span class="brand-mark" aria-hidden="true">"OC"</span>
                    <span class="brand-service">{s.name.clone()}</span>
                </a>
                <nav class="topnav">
                    <a href="/console">{move || t.get().console_title}</a>
                    <a href="/admin" aria-current="page">{move || t.get().nav_admin}</a>
                </nav>
                <div class="topbar-right"><LangSwitch/></div>
            </header>
            <main class="screen admin-screen">
                <h1 class="screen-title">{move || t.get().admin_title}</h1>
                <crate::pages::settings::SettingsPanel/>
                <crate::pages::appearance::AppearancePanel/>
                <crate::pages::routing::RoutingPanel/>
                <crate::pages::settings::AgentsPanel initial=view.agents/>
                <crate::pages::categories::CategoryManager/>
                <crate::pages::import::ImportPanel/>
                <crate::pages::two_factor::TwoFactorPolicy/>
                <crate::pages::privacy::PrivacyPanel/>
                <crate::pages::consent::ConsentWordingPanel/>
                <crate::pages::webhooks::WebhooksPanel/>
                <crate::pages::settings::AuditPanel/>
            </main>
        </div>
    }
}
