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
use axum::extract::DefaultBodyLimit;
use axum::routing::get;
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouterExt};
use utoipa_axum::routes;

use crate::AppState;
pub use error::ApiError;

/// The largest request body the server reads (JSON of the API and server functions);
/// larger bodies are refused with 413 before they are buffered.
pub const MAX_BODY_BYTES: usize = 256 * 1024;

/// Every endpoint of the API, written once (issue 32): each `routes!` entry takes the
/// method and path from the handler's `#[utoipa::path]`, so the router ([`router`]) and
/// the OpenAPI document ([`openapi::document`]) are built from this one list and cannot
/// disagree. Paths are relative to `/api/v1`, where the server nests them. Handlers
/// sharing a path share one entry (axum takes one method router per path).
fn endpoints() -> OpenApiRouter<AppState> {
    // the Excel import's workbook may be larger than a JSON body
    let workbook = || DefaultBodyLimit::max(shared::import::MAX_IMPORT_BYTES);
    OpenApiRouter::new()
        .routes(routes!(auth::login))
        .routes(routes!(auth::logout))
        .routes(routes!(agents::me))
        .routes(routes!(agents::set_alerts))
        .routes(routes!(chats::set_status))
        .routes(routes!(chats::agent_chats))
        .routes(routes!(chats::availability))
        .routes(routes!(chats::start))
        .routes(routes!(chats::inquiry))
        .routes(routes!(history::list))
        .routes(routes!(history::export_now))
        .routes(routes!(history::start_export))
        .routes(routes!(history::export_progress))
        .routes(routes!(history::export_file))
        .routes(routes!(chats::detail))
        .routes(routes!(chats::open))
        .routes(routes!(chats::messages, chats::send))
        .routes(routes!(chats::end))
        .routes(routes!(chats::read))
        .routes(routes!(chats::typing))
        .routes(routes!(chats::note))
        // issue 19: the body is the file, read as it arrives against the service's
        // own limit — the global JSON body limit does not apply here
        .routes(routes!(files::upload).layer(DefaultBodyLimit::disable()))
        .routes(routes!(files::download))
        .routes(routes!(files::thumbnail))
        .routes(routes!(files::mask, files::unmask))
        .routes(routes!(routing::transfer))
        .routes(routes!(routing::board))
        .routes(routes!(routing::set_agent_status))
        .routes(routes!(reports::report))
        .routes(routes!(reports::export))
        .routes(routes!(privacy::retention, privacy::set_retention))
        .routes(routes!(privacy::run_retention))
        .routes(routes!(privacy::find_customer))
        .routes(routes!(privacy::erase_customer))
        .routes(routes!(webhooks::list, webhooks::create))
        .routes(routes!(webhooks::delete))
        .routes(routes!(import::template))
        .routes(routes!(import::preview).layer(workbook()))
        .routes(routes!(import::import).layer(workbook()))
        .routes(routes!(two_factor::setup))
        .routes(routes!(two_factor::enable))
        .routes(routes!(two_factor::disable))
        .routes(routes!(two_factor::require))
        .routes(routes!(canned::list, canned::create))
        .routes(routes!(canned::update, canned::delete))
        .routes(routes!(masks::mask))
        .routes(routes!(masks::unmask))
        .routes(routes!(masks::audit))
        .routes(routes!(tickets::save_info))
        .routes(routes!(tickets::create_from_chat))
        .routes(routes!(tickets::list))
        .routes(routes!(tickets::detail, tickets::update))
        .routes(routes!(tickets::categories, tickets::create_category))
        .routes(routes!(tickets::update_category, tickets::delete_category))
        .routes(routes!(agents::list, settings::create_agent))
        .routes(routes!(agents::get_one, settings::update_agent))
        .routes(routes!(settings::get, settings::put))
        .routes(routes!(settings::embed_code))
        .routes(routes!(settings::rate))
        .routes(routes!(settings::request_rating))
        .routes(routes!(services::overview))
        .routes(routes!(services::help_center))
        .routes(routes!(services::consent))
}

/// The API's router (nested at `/api/v1` by the server): the endpoints, the WebSocket
/// (described in API.md, not in OpenAPI, which has no words for it), the document
/// itself, and the JSON answers for unknown paths and methods.
pub fn router() -> Router<AppState> {
    let (router, _) = endpoints().split_for_parts();
    router
        .route("/ws", get(ws::upgrade))
        .route("/openapi.json", get(openapi::document))
        .fallback(error::no_such_endpoint)
        .method_not_allowed_fallback(error::method_not_allowed)
}

/// The endpoints' paths and schemas, nested at `/api/v1` (for [`openapi`]).
fn documented() -> utoipa::openapi::OpenApi {
    endpoints().split_for_parts().1
}
