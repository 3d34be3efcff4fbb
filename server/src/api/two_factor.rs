//! Two-factor login (issue 21): the signed-in account sets it up, confirms it, turns it
//! off; admins require it for the service through the settings.

use axum::Json;
use axum::extract::State;
use shared::ErrorBody;
use shared::two_factor::{RecoveryCodes, TwoFactorCode, TwoFactorSetup};

use super::ApiError;
use super::extract::{AgentAuth, ApiJson, Client, request_token_from};
use crate::AppState;

/// `POST …/two-factor/setup` body: empty (or `null`, `{}`) to set up a first factor;
/// with two-factor login on, the current code (or a recovery code) to replace it.
#[derive(Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetupRequest {
    #[serde(default)]
    pub current_code: Option<String>,
}

/// A new secret for an authenticator app (text, `otpauth://` URL, QR code as SVG); not
/// in force until confirmed with a code. Replacing a factor in force needs its current
/// code (issue 30), throttled like a login.
#[utoipa::path(post, path = "/account/two-factor/setup", tag = "account",
    request_body(content = Option<SetupRequest>, description = "optional; `current_code` when two-factor login is on"),
    responses((status = 200, body = TwoFactorSetup),
        (status = 401, description = "`two_factor_required` (it is on: send `current_code`), `two_factor_invalid`", body = ErrorBody),
        (status = 429, description = "too_many_attempts", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn setup(
    State(state): State<AppState>,
    AgentAuth(caller): AgentAuth,
    Client(addr): Client,
    body: Option<ApiJson<SetupRequest>>,
) -> Result<Json<TwoFactorSetup>, ApiError> {
    let req = body.map(|ApiJson(r)| r).unwrap_or_default();
    Ok(Json(
        state
            .engine
            .begin_two_factor(&caller, req.current_code.as_deref(), &addr)
            .await?,
    ))
}

/// Confirms the set-up with a first code; answers ten one-time recovery codes (shown
/// once).
#[utoipa::path(post, path = "/account/two-factor/enable", tag = "account",
    request_body = TwoFactorCode,
    responses((status = 200, body = RecoveryCodes),
        (status = 401, description = "`two_factor_invalid`", body = ErrorBody),
        (status = 409, description = "`two_factor_not_started`: no set-up to confirm", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn enable(
    State(state): State<AppState>,
    AgentAuth(caller): AgentAuth,
    headers: axum::http::HeaderMap,
    ApiJson(body): ApiJson<TwoFactorCode>,
) -> Result<Json<RecoveryCodes>, ApiError> {
    // the session that turns it on stays; the account's others end
    let session = request_token_from(&headers)
        .map(|(token, _)| token)
        .unwrap_or_default();
    let recovery_codes = state
        .engine
        .enable_two_factor(&caller, &body.code, &session)
        .await?;
    Ok(Json(RecoveryCodes { recovery_codes }))
}

/// Turns two-factor login off, with a current code (or a recovery code).
#[utoipa::path(post, path = "/account/two-factor/disable", tag = "account",
    request_body = TwoFactorCode,
    responses((status = 200), (status = 401, description = "`two_factor_invalid`", body = ErrorBody),
        (status = 429, description = "too_many_attempts (the login's throttle)", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn disable(
    State(state): State<AppState>,
    AgentAuth(caller): AgentAuth,
    Client(addr): Client,
    ApiJson(body): ApiJson<TwoFactorCode>,
) -> Result<Json<serde_json::Value>, ApiError> {
    state
        .engine
        .disable_two_factor(&caller, &body.code, &addr)
        .await?;
    Ok(Json(serde_json::json!({"two_factor": false})))
}

/// `PUT /api/v1/settings/two-factor {"required": bool}` (admins): whether every account
/// of the service must use two-factor login.
#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct RequireTwoFactor {
    pub required: bool,
}

#[utoipa::path(put, path = "/settings/two-factor", tag = "settings",
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
