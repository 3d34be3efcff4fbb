//! Accounts of the caller's service: `GET /agent/me`, `GET /agents`, `GET /agents/{id}`.

use axum::Json;
use axum::extract::State;
use shared::{AgentId, AgentProfile, AlertPrefs, ErrorBody};

use super::ApiError;
use super::extract::{AdminAuth, AgentAuth, ApiPath};
use crate::AppState;

/// The signed-in account.
#[utoipa::path(
    get, path = "/agent/me", tag = "agents",
    responses((status = 200, body = AgentProfile), (status = 401, body = ErrorBody)),
    security(("bearer" = []))
)]
pub async fn me(
    State(state): State<AppState>,
    AgentAuth(caller): AgentAuth,
) -> Result<Json<AgentProfile>, ApiError> {
    Ok(Json(state.engine.profile(&caller).await?))
}

/// The caller's alert preferences (issue 19): desktop notifications and sound.
#[utoipa::path(
    put, path = "/agent/alerts", tag = "agents", request_body = AlertPrefs,
    responses((status = 200, body = AgentProfile), (status = 401, body = ErrorBody)),
    security(("bearer" = []))
)]
pub async fn set_alerts(
    State(state): State<AppState>,
    AgentAuth(caller): AgentAuth,
    super::extract::ApiJson(prefs): super::extract::ApiJson<AlertPrefs>,
) -> Result<Json<AgentProfile>, ApiError> {
    Ok(Json(state.engine.set_alerts(&caller, prefs).await?))
}

/// Every account of the caller's service (admins only).
#[utoipa::path(
    get, path = "/agents", tag = "agents",
    responses((status = 200, body = [AgentProfile]), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = []))
)]
pub async fn list(
    State(state): State<AppState>,
    AdminAuth(caller): AdminAuth,
) -> Result<Json<Vec<AgentProfile>>, ApiError> {
    Ok(Json(state.engine.list_agents(&caller).await?))
}

/// One account of the caller's service; another service's id is 404.
#[utoipa::path(
    get, path = "/agents/{id}", tag = "agents",
    params(("id" = String, Path, description = "Agent id")),
    responses((status = 200, body = AgentProfile), (status = 404, body = ErrorBody)),
    security(("bearer" = []))
)]
pub async fn get_one(
    State(state): State<AppState>,
    AgentAuth(caller): AgentAuth,
    ApiPath(id): ApiPath<AgentId>,
) -> Result<Json<AgentProfile>, ApiError> {
    Ok(Json(state.engine.agent(&caller, id).await?))
}
