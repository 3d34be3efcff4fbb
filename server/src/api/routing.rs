//! Routing (issue 18): `POST /chats/{id}/transfer`, `GET /routing/board` and
//! `PUT /agents/{id}/status` (an admin sets an agent's status from the board).

use axum::Json;
use axum::extract::State;
use shared::{
    AgentId, ChatDetail, ChatId, ErrorBody, RoutingBoard, StatusRequest, TransferRequest,
};

use super::ApiError;
use super::extract::{AdminAuth, AgentAuth, ApiJson, ApiPath};
use crate::AppState;

/// Hands an active chat to another online agent (capacity does not stop an explicit
/// choice) or, with `to_agent_id: null`, back to the queue; the note is kept for the
/// receiver. The chat's agent or an admin.
#[utoipa::path(post, path = "/chats/{id}/transfer", tag = "routing",
    params(("id" = String, Path)), request_body = TransferRequest,
    responses((status = 200, body = ChatDetail), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn transfer(
    State(state): State<AppState>,
    AgentAuth(caller): AgentAuth,
    ApiPath(id): ApiPath<ChatId>,
    ApiJson(req): ApiJson<TransferRequest>,
) -> Result<Json<ChatDetail>, ApiError> {
    Ok(Json(state.engine.transfer_chat(&caller, id, req).await?))
}

/// Every agent's status, open chats and cap, the queue in order, and whether the
/// service is inside its hours (any agent of the service).
#[utoipa::path(get, path = "/routing/board", tag = "routing",
    responses((status = 200, body = RoutingBoard), (status = 401, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn board(
    State(state): State<AppState>,
    AgentAuth(caller): AgentAuth,
) -> Result<Json<RoutingBoard>, ApiError> {
    Ok(Json(state.engine.routing_board(&caller).await?))
}

/// Sets an agent's status (admins): going offline hands their chats over as when the
/// agent does it, recorded as the admin's change.
#[utoipa::path(put, path = "/agents/{id}/status", tag = "routing",
    params(("id" = String, Path)), request_body = StatusRequest,
    responses((status = 200, body = StatusRequest), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "`agent_inactive`: the account is deactivated", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn set_agent_status(
    State(state): State<AppState>,
    AdminAuth(caller): AdminAuth,
    ApiPath(id): ApiPath<AgentId>,
    ApiJson(req): ApiJson<StatusRequest>,
) -> Result<Json<StatusRequest>, ApiError> {
    let status = state
        .engine
        .set_agent_status(&caller, id, req.status)
        .await?;
    Ok(Json(StatusRequest { status }))
}
