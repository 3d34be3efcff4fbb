//! `POST /api/v1/auth/login` and `/logout`.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::http::request::Parts;
use shared::{ErrorBody, LoginRequest, LoginResponse};

use super::ApiError;
use super::extract::{ApiJson, Client, request_token};
use crate::AppState;

/// Signs in with email and password; answers a bearer token.
#[utoipa::path(
    post, path = "/auth/login", tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in", body = LoginResponse),
        (status = 401, description = "Wrong email or password", body = ErrorBody),
        (status = 403, description = "Account deactivated", body = ErrorBody),
        (status = 429, description = "Too many failures; see Retry-After", body = ErrorBody),
    )
)]
pub async fn login(
    State(state): State<AppState>,
    Client(addr): Client,
    ApiJson(req): ApiJson<LoginRequest>,
) -> Result<Json<LoginResponse>, ApiError> {
    let out = state
        .engine
        .login(&req.email, &req.password, req.code.as_deref(), &addr)
        .await?;
    Ok(Json(LoginResponse {
        token: out.token,
        agent: out.agent,
        expires_at: out.expires_at,
    }))
}

/// Ends the session of the presented token (bearer or cookie). Idempotent.
#[utoipa::path(
    post, path = "/auth/logout", tag = "auth",
    responses((status = 204, description = "Signed out (also without a session: signing out is idempotent)")),
    security((), ("bearer" = []))
)]
pub async fn logout(State(state): State<AppState>, parts: Parts) -> Result<StatusCode, ApiError> {
    if let Some(token) = request_token(&parts) {
        state.engine.logout(&token).await?;
    }
    Ok(StatusCode::NO_CONTENT)
}
