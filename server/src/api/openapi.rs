//! `GET /api/v1/openapi.json`: the OpenAPI 3.1 document of the endpoints that exist,
//! generated with the router from one list of endpoints (`api::endpoints`) and the
//! handlers' annotations, so it cannot drift from the code.
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
    paths(super::health::healthz),
    modifiers(&BearerAuth)
)]
struct ApiDoc;

/// The whole document: the server's own paths (`/healthz`) and the API's endpoints from
/// their one list ([`super::endpoints`]) under `/api/v1`, with the answers every
/// endpoint of a kind can give added once ([`CommonAnswers`]).
pub fn build() -> utoipa::openapi::OpenApi {
    let mut doc = ApiDoc::openapi().nest("/api/v1", super::documented());
    CommonAnswers.modify(&mut doc);
    doc
}

/// Built once: the document is the same for the process's life.
static DOCUMENT: std::sync::LazyLock<utoipa::openapi::OpenApi> = std::sync::LazyLock::new(build);

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

pub async fn document() -> Json<&'static utoipa::openapi::OpenApi> {
    Json(&*DOCUMENT)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 30: what the layers and extractors answer is declared on every operation
    /// it applies to (schemathesis found 97 statuses the document did not declare).
    #[test]
    fn every_operation_declares_what_its_layers_answer() {
        let doc = serde_json::to_value(build()).unwrap();
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
