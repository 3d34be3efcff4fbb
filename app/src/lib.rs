#![recursion_limit = "256"]
//! Leptos pages and components of Online Contact, server-rendered by the `server` crate
//! (feature `ssr`) and hydrated in the browser by `frontend` (feature `hydrate`).
//!
//! Pages: the public help center `/hc/{slug}`, the agent console `/console` (chat, chat
//! history, tickets) and the admin settings `/admin`. Components read all their texts
//! from [`shared::i18n`] through [`i18n::use_texts`]; data comes from the server
//! functions in [`api`], which call the engine and never hold SQL.

pub mod api;
pub mod chat;
pub mod client;
pub mod error;
pub mod i18n;
pub mod net;
mod pages;

use leptos::prelude::*;
use leptos_meta::{HashedStylesheet, Html, MetaTags, provide_meta_context};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::{SsrMode, path};

pub use pages::errors::NotFound;

/// The HTML document around the app (server side only renders it).
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <HashedStylesheet options=options.clone() id="leptos"/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The routed application.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let locale = i18n::provide_locale();
    // Set only in the browser, once the page is interactive: tests and people can tell a
    // hydrated page from a dead server-rendered one.
    let (hydrated, set_hydrated) = signal(false);
    Effect::new(move |_| set_hydrated.set(true));

    view! {
        <Html {..} lang=move || locale.get().code()/>
        <div class="app" data-hydrated=move || if hydrated.get() { "true" } else { "false" }>
            <Router>
                <Routes fallback=|| view! { <NotFound/> }>
                    <Route path=path!("/") view=pages::home::Home/>
                    <Route path=path!("/hc/:slug") view=pages::help_center::HelpCenter ssr=SsrMode::Async/>
                    <ParentRoute path=path!("/console") view=pages::console::Console ssr=SsrMode::Async>
                        <Route path=path!("") view=pages::console::ChatScreen/>
                        <Route path=path!("history") view=pages::history::HistoryScreen/>
                        <Route path=path!("tickets") view=pages::tickets::TicketsScreen/>
                        <Route path=path!("tickets/:id") view=pages::tickets::TicketScreen/>
                    </ParentRoute>
                    <Route path=path!("/admin") view=pages::admin::Admin ssr=SsrMode::Async/>
                    <Route path=path!("/widget/:slug") view=pages::widget::WidgetPage/>
                </Routes>
            </Router>
        </div>
    }
}

/// Sets the HTTP status of the page being rendered on the server (404/403 pages);
/// a no-op in the browser.
pub fn set_http_status(code: u16) {
    #[cfg(feature = "ssr")]
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>()
        && let Ok(status) = axum::http::StatusCode::from_u16(code)
    {
        res.set_status(status);
    }
    #[cfg(not(feature = "ssr"))]
    let _ = code;
}
