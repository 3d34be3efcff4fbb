//! The public REST API v1 (API.md). Handlers are thin: extract (auth, JSON), call one
//! engine method, answer JSON. Errors all have the `{"error", "message"}` shape.

pub mod agents;
pub mod auth;
pub mod canned;
pub mod chats;
pub mod error;
pub mod extract;
pub mod files;
pub mod health;
pub mod history;
pub mod import;
pub mod masks;
pub mod openapi;
pub mod privacy;
pub mod reports;
pub mod routing;
pub mod services;
pub mod settings;
pub mod tickets;
pub mod two_factor;
pub mod webhooks;
pub mod ws;

use axum::Router;
use axum::routing::{get, post, put};

use crate::AppState;
pub use error::ApiError;

/// The largest request body the server reads (JSON of the API and server functions);
/// larger bodies are refused with 413 before they are buffered.
pub const MAX_BODY_BYTES: usize = 256 * 1024;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/auth/login", post(auth::login))
        .route("/auth/logout", post(auth::logout))
        .route("/agent/me", get(agents::me))
        .route("/agent/alerts", put(agents::set_alerts))
        .route("/agent/status", put(chats::set_status))
        .route("/agent/chats", get(chats::agent_chats))
        .route(
            "/services/{slug}/chat/availability",
            get(chats::availability),
        )
        .route("/services/{slug}/chats", post(chats::start))
        .route("/services/{slug}/inquiries", post(chats::inquiry))
        .route("/chats", get(history::list))
        .route("/chats/export.xlsx", get(history::export_now))
        .route("/chats/exports", post(history::start_export))
        .route("/chats/exports/{id}", get(history::export_progress))
        .route("/chats/exports/{id}/file", get(history::export_file))
        .route("/chats/{id}", get(chats::detail))
        .route("/chats/{id}/open", post(chats::open))
        .route(
            "/chats/{id}/messages",
            get(chats::messages).post(chats::send),
        )
        .route("/chats/{id}/end", post(chats::end))
        .route("/chats/{id}/read", post(chats::read))
        .route("/chats/{id}/typing", post(chats::typing))
        .route("/chats/{id}/notes", post(chats::note))
        // issue 19: the body is the file, read as it arrives against the service's
        // own limit — the global JSON body limit does not apply here
        .route(
            "/chats/{id}/files",
            post(files::upload).layer(axum::extract::DefaultBodyLimit::disable()),
        )
        .route("/files/{id}", get(files::download))
        .route("/files/{id}/thumbnail", get(files::thumbnail))
        .route(
            "/chats/{id}/messages/{message_id}/file-mask",
            post(files::mask).delete(files::unmask),
        )
        .route("/chats/{id}/transfer", post(routing::transfer))
        .route("/routing/board", get(routing::board))
        .route("/reports", get(reports::report))
        .route("/reports/export.xlsx", get(reports::export))
        .route(
            "/privacy/retention",
            get(privacy::retention).put(privacy::set_retention),
        )
        .route("/privacy/retention/run", post(privacy::run_retention))
        .route("/privacy/customers/find", post(privacy::find_customer))
        .route("/privacy/customers/erase", post(privacy::erase_customer))
        .route("/webhooks", get(webhooks::list).post(webhooks::create))
        .route("/import/template.xlsx", get(import::template))
        .route(
            "/import/preview",
            post(import::preview).layer(axum::extract::DefaultBodyLimit::max(
                shared::import::MAX_IMPORT_BYTES,
            )),
        )
        .route(
            "/import",
            post(import::import).layer(axum::extract::DefaultBodyLimit::max(
                shared::import::MAX_IMPORT_BYTES,
            )),
        )
        .route("/account/two-factor/setup", post(two_factor::setup))
        .route("/account/two-factor/enable", post(two_factor::enable))
        .route("/account/two-factor/disable", post(two_factor::disable))
        .route(
            "/settings/two-factor",
            axum::routing::put(two_factor::require),
        )
        .route("/webhooks/{id}", axum::routing::delete(webhooks::delete))
        .route("/canned-replies", get(canned::list).post(canned::create))
        .route(
            "/canned-replies/{id}",
            put(canned::update).delete(canned::delete),
        )
        .route("/agents/{id}/status", put(routing::set_agent_status))
        .route("/chats/{id}/messages/{message_id}/masks", post(masks::mask))
        .route(
            "/chats/{id}/messages/{message_id}/masks/{mask_id}",
            axum::routing::delete(masks::unmask),
        )
        .route("/audit", get(masks::audit))
        .route("/chats/{id}/info", put(tickets::save_info))
        .route("/chats/{id}/ticket", post(tickets::create_from_chat))
        .route("/tickets", get(tickets::list))
        .route("/tickets/{id}", get(tickets::detail).put(tickets::update))
        .route(
            "/categories",
            get(tickets::categories).post(tickets::create_category),
        )
        .route(
            "/categories/{id}",
            put(tickets::update_category).delete(tickets::delete_category),
        )
        .route("/ws", get(ws::upgrade))
        .route("/agents", get(agents::list).post(settings::create_agent))
        .route(
            "/agents/{id}",
            get(agents::get_one).put(settings::update_agent),
        )
        .route("/settings", get(settings::get).put(settings::put))
        .route("/settings/embed-code", get(settings::embed_code))
        .route("/chats/{id}/rating", post(settings::rate))
        .route("/chats/{id}/rating-request", post(settings::request_rating))
        .route("/service", get(services::overview))
        .route("/services/{slug}", get(services::help_center))
        .route("/openapi.json", get(openapi::document))
        .fallback(error::no_such_endpoint)
        .method_not_allowed_fallback(error::method_not_allowed)
}
