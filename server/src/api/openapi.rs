//! `GET /api/v1/openapi.json`: the OpenAPI 3.1 document of the endpoints that exist,
//! generated from the handlers' annotations so it cannot drift from the code.
//!
//! The answers every endpoint of a kind can give because of the layers and extractors
//! in front of its handler — not of the handler itself — are added here once
//! ([`CommonAnswers`], issue 30), so the document declares every status the server
//! really sends: a signed-in endpoint can answer 401 and 403, one with path ids 404,
//! one with a query 400 `invalid_query`, one with a JSON body 400/404/413/415/422, and
//! any of them 503 (`storage_unavailable`, `busy`). Checked by schemathesis (README,
//! *Tests*).

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
    modifiers(&BearerAuth, &CommonAnswers)
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

/// Adds the statuses the layers and extractors give (see the module doc).
struct CommonAnswers;

/// A response in the API's error shape.
fn error_answer(description: &str) -> utoipa::openapi::RefOr<utoipa::openapi::Response> {
    use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/json",
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("ErrorBody")))
                .build(),
        )
        .build()
        .into()
}

impl Modify for CommonAnswers {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::path::ParameterIn;
        for item in openapi.paths.paths.values_mut() {
            let ops = [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
            ];
            for op in ops.into_iter().flatten() {
                let params = op.parameters.as_deref().unwrap_or_default();
                let has = |place: ParameterIn| params.iter().any(|p| p.parameter_in == place);
                let mut add: Vec<(&str, &str)> = vec![(
                    "503",
                    "`storage_unavailable` (the database cannot store now) or `busy`; retry after `Retry-After`",
                )];
                if op.security.is_some() {
                    add.push(("401", "`unauthenticated`: no valid session or token"));
                    add.push((
                        "403",
                        "`forbidden` (role), `foreign_origin` (a cookie request from another site), `two_factor_setup_required`",
                    ));
                }
                if has(ParameterIn::Path) {
                    add.push((
                        "404",
                        "`not_found` (also an id of another service, or text that cannot be an id)",
                    ));
                }
                if has(ParameterIn::Query) {
                    add.push(("400", "`invalid_query`: a missing or mistyped parameter"));
                }
                let json_body = op
                    .request_body
                    .as_ref()
                    .is_some_and(|b| b.content.contains_key("application/json"));
                if json_body {
                    add.push(("400", "`invalid_json`: the body is not JSON"));
                    add.push(("413", "`body_too_large`: over 256 KiB"));
                    add.push(("415", "`json_required`: the body is not declared JSON"));
                    add.push((
                        "422",
                        "`invalid_input` (the field and why) or a rule's code",
                    ));
                    add.push((
                        "404",
                        "`not_found`: a thing the body refers to does not exist",
                    ));
                }
                for (status, why) in add {
                    op.responses
                        .responses
                        .entry(status.to_owned())
                        .or_insert_with(|| error_answer(why));
                }
            }
        }
    }
}

pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 30: what the layers and extractors answer is declared on every operation
    /// it applies to (schemathesis found 97 statuses the document did not declare).
    #[test]
    fn every_operation_declares_what_its_layers_answer() {
        let doc = serde_json::to_value(ApiDoc::openapi()).unwrap();
        let mut checked = 0;
        for (path, item) in doc["paths"].as_object().unwrap() {
            for (method, op) in item.as_object().unwrap() {
                let answers = op["responses"].as_object().unwrap();
                let has = |s: &str| answers.contains_key(s);
                assert!(has("503"), "{method} {path}");
                if op.get("security").is_some() {
                    assert!(has("401") && has("403"), "{method} {path}");
                }
                if op["requestBody"]["content"]
                    .get("application/json")
                    .is_some()
                {
                    for s in ["400", "413", "415", "422"] {
                        assert!(has(s), "{method} {path} lacks {s}");
                    }
                }
                if path.contains('{') {
                    assert!(has("404"), "{method} {path}");
                }
                // a query's fields declared as path parameters named no real path
                for p in op["parameters"].as_array().into_iter().flatten() {
                    if p["in"] == "path" {
                        let name = p["name"].as_str().unwrap();
                        assert!(
                            path.contains(&format!("{{{name}}}")),
                            "{method} {path}: `{name}` is no path parameter"
                        );
                    }
                }
                checked += 1;
            }
        }
        assert!(checked >= 70, "{checked} operations");
    }
}
