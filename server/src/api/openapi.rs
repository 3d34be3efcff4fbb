//! `GET /api/v1/openapi.json`: the OpenAPI 3.1 document of the endpoints that exist,
//! generated from the handlers' annotations so it cannot drift from the code.

use axum::Json;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(title = "Online Contact API", version = "1", description = "Live chat for contact centers (API.md)."),
    paths(
        super::health::healthz,
        super::auth::login,
        super::auth::logout,
        super::agents::me,
        super::agents::set_alerts,
        super::agents::list,
        super::agents::get_one,
        super::services::overview,
        super::services::help_center,
        super::chats::availability,
        super::chats::start,
        super::chats::inquiry,
        super::chats::set_status,
        super::chats::agent_chats,
        super::chats::detail,
        super::chats::open,
        super::chats::messages,
        super::chats::send,
        super::chats::end,
        super::chats::read,
        super::chats::typing,
        super::chats::note,
        super::tickets::save_info,
        super::tickets::create_from_chat,
        super::tickets::list,
        super::tickets::detail,
        super::tickets::update,
        super::tickets::categories,
        super::tickets::create_category,
        super::tickets::update_category,
        super::tickets::delete_category,
        super::settings::get,
        super::settings::put,
        super::settings::embed_code,
        super::settings::create_agent,
        super::settings::update_agent,
        super::settings::rate,
        super::settings::request_rating,
        super::reports::report,
        super::reports::export,
        super::privacy::retention,
        super::privacy::set_retention,
        super::privacy::run_retention,
        super::privacy::find_customer,
        super::privacy::erase_customer,
        super::webhooks::list,
        super::webhooks::create,
        super::webhooks::delete,
        super::import::template,
        super::import::preview,
        super::import::import,
        super::two_factor::setup,
        super::two_factor::enable,
        super::two_factor::disable,
        super::two_factor::require,
        super::files::upload,
        super::files::download,
        super::files::thumbnail,
        super::files::mask,
        super::files::unmask,
        super::masks::mask,
        super::masks::unmask,
        super::masks::audit,
        super::history::list,
        super::history::export_now,
        super::history::start_export,
        super::history::export_progress,
        super::history::export_file,
        super::routing::transfer,
        super::routing::board,
        super::routing::set_agent_status,
        super::canned::list,
        super::canned::create,
        super::canned::update,
        super::canned::delete,
    ),
    modifiers(&BearerAuth)
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
