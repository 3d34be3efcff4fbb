//! Two-factor login (issue 21): the signed-in account sets it up, confirms it, turns it
//! off; admins require it for the service through the settings.

use axum::Json;
use axum::extract::State;
use shared::ErrorBody;
use shared::two_factor::{RecoveryCodes, TwoFactorCode, TwoFactorSetup};

use super::ApiError;
use super::extract::{AgentAuth, ApiJson};
use crate::AppState;

/// A new secret for an authenticator app (text, `otpauth://` URL, QR code as SVG); not
/// in force until confirmed with a code.
#[utoipa::path(post, path = "/api/v1/account/two-factor/setup", tag = "account",
    responses((status = 200, body = TwoFactorSetup)), security(("bearer" = [])))]
pub async fn setup(
    State(state): State<AppState>,
    AgentAuth(caller): AgentAuth,
) -> Result<Json<TwoFactorSetup>, ApiError> {
    Ok(Json(state.engine.begin_two_factor(&caller).await?))
}

/// Confirms the set-up with a first code; answers ten one-time recovery codes (shown
/// once).
#[utoipa::path(post, path = "/api/v1/account/two-factor/enable", tag = "account",
    request_body = TwoFactorCode,
    responses((status = 200, body = RecoveryCodes),
        (status = 401, description = "`two_factor_invalid`", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn enable(
    State(state): State<AppState>,
    AgentAuth(caller): AgentAuth,
    ApiJson(body): ApiJson<TwoFactorCode>,
) -> Result<Json<RecoveryCodes>, ApiError> {
    let recovery_codes = state.engine.enable_two_factor(&caller, &body.code).await?;
    Ok(Json(RecoveryCodes { recovery_codes }))
}

/// Turns two-factor login off, with a current code (or a recovery code).
#[utoipa::path(post, path = "/api/v1/account/two-factor/disable", tag = "account",
    request_body = TwoFactorCode,
    responses((status = 200), (status = 401, description = "`two_factor_invalid`", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn disable(
    State(state): State<AppState>,
    AgentAuth(caller): AgentAuth,
    ApiJson(body): ApiJson<TwoFactorCode>,
) -> Result<Json<serde_json::Value>, ApiError> {
    state.engine.disable_two_factor(&caller, &body.code).await?;
    Ok(Json(serde_json::json!({"two_factor": false})))
}

/// `PUT /api/v1/settings/two-factor {"required": bool}` (admins): whether every account
/// of the service must use two-factor login.
#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct RequireTwoFactor {
    pub required: bool,
}

#[utoipa::path(put, path = "/api/v1/settings/two-factor", tag = "settings",
    request_body = RequireTwoFactor, responses((status = 200)), security(("bearer" = [])))]
pub async fn require(
    State(state): State<AppState>,
    super::extract::AdminAuth(caller): super::extract::AdminAuth,
    ApiJson(body): ApiJson<RequireTwoFactor>,
) -> Result<Json<serde_json::Value>, ApiError> {
    state
        .engine
        .set_require_two_factor(&caller, body.required)
        .await?;
    Ok(Json(serde_json::json!({"required": body.required})))
}
