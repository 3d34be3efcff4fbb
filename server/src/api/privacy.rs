//! Retention and erasure (issue 21): the admins' API over `engine::privacy`.
//! Identifiers travel in request bodies, never in URLs (which end up in logs).

use axum::Json;
use axum::extract::State;
use shared::ErrorBody;
use shared::privacy::{CustomerChats, CustomerKey, Erased, Retention};

use super::ApiError;
use super::extract::{AdminAuth, ApiJson};
use crate::AppState;

/// The service's retention setting and its last run.
#[utoipa::path(get, path = "/privacy/retention", tag = "privacy",
    responses((status = 200, body = Retention)), security(("bearer" = [])))]
pub async fn retention(
    State(state): State<AppState>,
    AdminAuth(caller): AdminAuth,
) -> Result<Json<Retention>, ApiError> {
    Ok(Json(state.engine.retention(&caller).await?))
}

/// Sets the retention: `retention_days` 1–3,650, or `null` for off.
#[utoipa::path(put, path = "/privacy/retention", tag = "privacy", request_body = Retention,
    responses((status = 200, body = Retention),
        (status = 422, description = "outside 1–3,650 days", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn set_retention(
    State(state): State<AppState>,
    AdminAuth(caller): AdminAuth,
    ApiJson(body): ApiJson<Retention>,
) -> Result<Json<Retention>, ApiError> {
    state
        .engine
        .set_retention(&caller, body.retention_days)
        .await?;
    Ok(Json(state.engine.retention(&caller).await?))
}

/// Runs the retention now (it also runs daily by itself); answers what was erased.
#[utoipa::path(post, path = "/privacy/retention/run", tag = "privacy",
    responses((status = 200, body = Erased),
        (status = 409, description = "`retention_off`: no retention period is set", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn run_retention(
    State(state): State<AppState>,
    AdminAuth(caller): AdminAuth,
) -> Result<Json<Erased>, ApiError> {
    Ok(Json(state.engine.run_retention_now(&caller).await?))
}

/// How many chats of the service belong to a customer (by email, visitor id or signed
/// user id).
#[utoipa::path(post, path = "/privacy/customers/find", tag = "privacy", request_body = CustomerKey,
    responses((status = 200, body = CustomerChats)), security(("bearer" = [])))]
pub async fn find_customer(
    State(state): State<AppState>,
    AdminAuth(caller): AdminAuth,
    ApiJson(key): ApiJson<CustomerKey>,
) -> Result<Json<CustomerChats>, ApiError> {
    Ok(Json(state.engine.find_customer_chats(&caller, &key).await?))
}

/// Erases the personal data of every ended chat of a customer (and their 1:1
/// inquiries, by email); audited.
#[utoipa::path(post, path = "/privacy/customers/erase", tag = "privacy", request_body = CustomerKey,
    responses((status = 200, body = Erased)), security(("bearer" = [])))]
pub async fn erase_customer(
    State(state): State<AppState>,
    AdminAuth(caller): AdminAuth,
    ApiJson(key): ApiJson<CustomerKey>,
) -> Result<Json<Erased>, ApiError> {
    Ok(Json(state.engine.erase_customer(&caller, &key).await?))
}
