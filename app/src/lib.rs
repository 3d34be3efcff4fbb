#![recursion_limit = "256"]
//! Leptos pages and components of Online Contact, server-rendered by the `server` crate
//! (feature `ssr`) and hydrated in the browser (feature `hydrate`): the agents' [`App`]
//! by `frontend`, the customers' [`CustomerApp`] by the lean `customer` bundle.
//!
//! Pages: the public help center `/hc/{slug}`, the agent console `/console` (chat, chat
//! history, tickets) and the admin settings `/admin`. Components read all their texts
//! from [`shared::i18n`] through [`i18n::use_texts`]; data comes from the server
//! functions in [`api`], which call the engine and never hold SQL.

pub mod api;
pub mod brand;
pub mod chat;
pub mod client;
pub mod document;
pub mod error;
pub mod i18n;
pub mod net;
mod pages;

use leptos::prelude::*;
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::{SsrMode, path};

pub use document::{Bundle, SiteAssets, customer_shell, shell};
pub use pages::errors::NotFound;

/// The agents' app: console and admin (the customers' pages are [`CustomerApp`]).
#[component]
pub fn App() -> impl IntoView {
    view! {
        <document::AppFrame>
            <Router>
                <Routes fallback=|| view! { <NotFound/> }>
                    <Route path=path!("/") view=pages::home::Home/>
                    <ParentRoute path=path!("/console") view=pages::console::Console ssr=SsrMode::Async>
                        <Route path=path!("") view=pages::console::ChatScreen/>
                        <Route path=path!("history") view=pages::history::HistoryScreen/>
                        <Route path=path!("tickets") view=pages::tickets::TicketsScreen/>
                        <Route path=path!("tickets/:id") view=pages::tickets::TicketScreen/>
                        <Route path=path!("canned") view=pages::canned::CannedScreen/>
                        <Route path=path!("reports") view=pages::reports::ReportsScreen/>
                        <Route path=path!("security") view=pages::two_factor::SecurityScreen/>
                    </ParentRoute>
                    <Route path=path!("/admin") view=pages::admin::Admin ssr=SsrMode::Async/>
                </Routes>
            </Router>
        </document::AppFrame>
    }
}

/// The customers' app: the help center and the widget's chat (issue 17). Hydrated by
/// its own lean bundle (`customer` crate), which holds none of the agents' code.
#[component]
pub fn CustomerApp() -> impl IntoView {
    view! {
        <document::AppFrame>
            <Router>
                <Routes fallback=|| view! { <NotFound/> }>
                    <Route path=path!("/hc/:slug") view=pages::help_center::HelpCenter ssr=SsrMode::Async/>
                    <Route path=path!("/widget/:slug") view=pages::widget::WidgetPage ssr=SsrMode::Async/>
                </Routes>
            </Router>
        </document::AppFrame>
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
