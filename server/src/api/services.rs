//! `GET /api/v1/service` (the caller's service, admins) and
//! `GET /api/v1/services/{slug}` (a help center's public face).

use axum::Json;
use axum::extract::{Path, State};
use shared::{ConsentRecord, ErrorBody, HelpCenterInfo, ServiceOverview};

use super::ApiError;
use super::extract::AdminAuth;
use crate::AppState;

/// The caller's service: contract flags and help-center configuration.
#[utoipa::path(
    get, path = "/service", tag = "services",
    responses((status = 200, body = ServiceOverview), (status = 403, body = ErrorBody)),
    security(("bearer" = []))
)]
pub async fn overview(
    State(state): State<AppState>,
    AdminAuth(caller): AdminAuth,
) -> Result<Json<ServiceOverview>, ApiError> {
    Ok(Json(state.engine.service_overview(&caller).await?))
}

/// What a help center shows of its service (public).
#[utoipa::path(
    get, path = "/services/{slug}", tag = "services",
    params(("slug" = String, Path, description = "Service slug")),
    responses((status = 200, body = HelpCenterInfo), (status = 404, body = ErrorBody))
)]
pub async fn help_center(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Json<HelpCenterInfo>, ApiError> {
    state
        .engine
        .help_center(&slug)
        .await?
        .map(Json)
        .ok_or_else(|| engine::Error::NotFound("service").into())
}

/// A privacy consent as customers of the service accepted it (issue 33; public — it is
/// what every visitor was shown): the version a chat start answered.
#[utoipa::path(
    get, path = "/services/{slug}/consents/{version}", tag = "services",
    params(("slug" = String, Path, description = "Service slug"),
           ("version" = String, Path, description = "A chat start's `consent_version`")),
    responses((status = 200, body = ConsentRecord), (status = 404, body = ErrorBody))
)]
pub async fn consent(
    State(state): State<AppState>,
    Path((slug, version)): Path<(String, String)>,
) -> Result<Json<ConsentRecord>, ApiError> {
    state
        .engine
        .consent_record(&slug, &version)
        .await?
        .map(Json)
        .ok_or_else(|| engine::Error::NotFound("consent").into())
}
