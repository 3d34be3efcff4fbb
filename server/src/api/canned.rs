//! Canned replies (상용구, issue 19): `GET|POST /canned-replies`,
//! `PUT|DELETE /canned-replies/{id}`.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use shared::{CannedId, CannedReply, CannedReplyInput, ErrorBody};

use super::ApiError;
use super::extract::{AgentAuth, ApiJson, ApiPath};
use crate::AppState;

/// The service's canned replies and the caller's own, by title.
#[utoipa::path(get, path = "/canned-replies", tag = "canned replies",
    responses((status = 200, body = [CannedReply]), (status = 401, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    AgentAuth(caller): AgentAuth,
) -> Result<Json<Vec<CannedReply>>, ApiError> {
    Ok(Json(state.engine.canned_replies(&caller).await?))
}

/// Adds a canned reply: `personal: true` for the caller's own (any agent), false for
/// the service's (admins).
#[utoipa::path(post, path = "/canned-replies", tag = "canned replies",
    request_body = CannedReplyInput,
    responses((status = 201, body = CannedReply), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn create(
    State(state): State<AppState>,
    AgentAuth(caller): AgentAuth,
    ApiJson(input): ApiJson<CannedReplyInput>,
) -> Result<(StatusCode, Json<CannedReply>), ApiError> {
    let reply = state.engine.create_canned_reply(&caller, input).await?;
    Ok((StatusCode::CREATED, Json(reply)))
}

/// Replaces a reply's title, shortcut and texts: the caller's own, or (admins) the
/// service's; another agent's is 404.
#[utoipa::path(put, path = "/canned-replies/{id}", tag = "canned replies",
    params(("id" = String, Path)), request_body = CannedReplyInput,
    responses((status = 200, body = CannedReply), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn update(
    State(state): State<AppState>,
    AgentAuth(caller): AgentAuth,
    ApiPath(id): ApiPath<CannedId>,
    ApiJson(input): ApiJson<CannedReplyInput>,
) -> Result<Json<CannedReply>, ApiError> {
    Ok(Json(
        state.engine.update_canned_reply(&caller, id, input).await?,
    ))
}

/// Deletes a reply (same rights as changing it).
#[utoipa::path(delete, path = "/canned-replies/{id}", tag = "canned replies",
    params(("id" = String, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn delete(
    State(state): State<AppState>,
    AgentAuth(caller): AgentAuth,
    ApiPath(id): ApiPath<CannedId>,
) -> Result<StatusCode, ApiError> {
    state.engine.delete_canned_reply(&caller, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
