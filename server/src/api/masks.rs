//! PII masking endpoints (C-PII-2/3) and the audit log.

use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use shared::{AuditEntry, ChatId, ErrorBody, MaskRequest, MessageEnvelope, MessageId};

use super::ApiError;
use super::extract::{AdminAuth, AgentAuth, ApiJson, ApiPath, ApiQuery};
use crate::AppState;

/// Masks characters `start..end` (Unicode scalar values, end exclusive) of a message.
#[utoipa::path(post, path = "/chats/{id}/messages/{message_id}/masks", tag = "masking",
    params(("id" = String, Path), ("message_id" = String, Path)), request_body = MaskRequest,
    responses((status = 200, body = MessageEnvelope), (status = 403, description = "security_service_off", body = ErrorBody),
        (status = 422, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn mask(
    State(state): State<AppState>,
    AgentAuth(caller): AgentAuth,
    ApiPath((chat, message)): ApiPath<(ChatId, MessageId)>,
    ApiJson(req): ApiJson<MaskRequest>,
) -> Result<Json<MessageEnvelope>, ApiError> {
    Ok(Json(MessageEnvelope {
        message: state
            .engine
            .mask(&caller, chat, message, req.start, req.end)
            .await?,
    }))
}

/// Restores a masked run.
#[utoipa::path(delete, path = "/chats/{id}/messages/{message_id}/masks/{mask_id}", tag = "masking",
    params(("id" = String, Path), ("message_id" = String, Path), ("mask_id" = String, Path)),
    responses((status = 200, body = MessageEnvelope), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn unmask(
    State(state): State<AppState>,
    AgentAuth(caller): AgentAuth,
    ApiPath((chat, message, mask)): ApiPath<(ChatId, MessageId, i64)>,
) -> Result<Json<MessageEnvelope>, ApiError> {
    Ok(Json(MessageEnvelope {
        message: state.engine.unmask(&caller, chat, message, mask).await?,
    }))
}

#[derive(Deserialize)]
pub struct AuditQuery {
    limit: Option<i64>,
}

/// Who masked, unmasked or exported what (admins), newest first.
#[utoipa::path(get, path = "/audit", tag = "masking", params(("limit" = Option<i64>, Query)),
    responses((status = 200, body = [AuditEntry]), (status = 403, body = ErrorBody)), security(("bearer" = [])))]
pub async fn audit(
    State(state): State<AppState>,
    AdminAuth(caller): AdminAuth,
    ApiQuery(q): ApiQuery<AuditQuery>,
) -> Result<Json<Vec<AuditEntry>>, ApiError> {
    Ok(Json(
        state
            .engine
            .audit_log(&caller, q.limit.unwrap_or(200))
            .await?,
    ))
}
