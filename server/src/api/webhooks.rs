//! Webhooks (issue 21): the admins' API. A new webhook's URL must resolve to public
//! addresses only (SSRF), unless the operator allows private ones.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use shared::ErrorBody;
use shared::webhook::{NewWebhook, Webhook};

use super::ApiError;
use super::extract::{AdminAuth, ApiJson, ApiPath};
use crate::AppState;

/// The service's webhooks, each with its latest deliveries (the delivery log).
#[utoipa::path(get, path = "/webhooks", tag = "webhooks",
    responses((status = 200, body = Vec<Webhook>)), security(("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    AdminAuth(caller): AdminAuth,
) -> Result<Json<Vec<Webhook>>, ApiError> {
    Ok(Json(state.engine.webhooks(&caller).await?))
}

/// Subscribes a URL to events; answers the webhook with its signing secret.
#[utoipa::path(post, path = "/webhooks", tag = "webhooks", request_body = NewWebhook,
    responses((status = 201, body = Webhook),
        (status = 422, description = "a bad or private URL, unknown events", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn create(
    State(state): State<AppState>,
    AdminAuth(caller): AdminAuth,
    ApiJson(new): ApiJson<NewWebhook>,
) -> Result<(StatusCode, Json<Webhook>), ApiError> {
    caller.require_admin()?;
    if let Err(reason) =
        crate::webhooks::receiver_addresses(&new.url, state.webhooks_allow_private).await
    {
        // a URL that does not parse is the usual `invalid_input`; one that resolves
        // nowhere or to a private address has a code the console explains
        let code = if engine::webhooks::check_url(&new.url).is_err() {
            shared::ErrorCode::InvalidInput
        } else {
            shared::ErrorCode::WebhookAddressRefused
        };
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            code,
            reason,
        ));
    }
    let hook = state.engine.create_webhook(&caller, &new).await?;
    Ok((StatusCode::CREATED, Json(hook)))
}

/// Removes a webhook and its log.
#[utoipa::path(delete, path = "/webhooks/{id}", tag = "webhooks",
    params(("id" = String, Path)),
    responses((status = 200, description = "`{\"deleted\": true}`"), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
pub async fn delete(
    State(state): State<AppState>,
    AdminAuth(caller): AdminAuth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<serde_json::Value>, ApiError> {
    state.engine.delete_webhook(&caller, id).await?;
    Ok(Json(serde_json::json!({"deleted": true})))
}
