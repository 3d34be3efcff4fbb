//! Admin settings (C-SET-1..5), account management, and satisfaction ratings
//! (C-END-1/2).

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use serde::Deserialize;
use shared::{
    AgentId, AgentProfile, AgentUpdate, ChatId, EmbedCode, ErrorBody, NewAgentRequest, Rating,
    RatingRequest, Settings, SettingsUpdate,
};

use super::ApiError;
use super::chats::{AnyParty, ChatParty};
use super::extract::{AdminAuth, AgentAuth, ApiJson, ApiPath, ApiQuery};
use crate::AppState;

/// The service's settings (admins).
#[utoipa::path(get, path = "/settings", tag = "settings",
    responses((status = 200, body = Settings), (status = 403, body = ErrorBody)), security(("bearer" = [])))]
pub async fn get(
    State(state): State<AppState>,
    AdminAuth(caller): AdminAuth,
) -> Result<Json<Settings>, ApiError> {
    Ok(Json(state.engine.settings(&caller).await?))
}

/// Changes any subset of the settings; 422 for a broken rule (e.g. `contract_chat_off`).
#[utoipa::path(put, path = "/settings", tag = "settings", request_body = SettingsUpdate,
    responses((status = 200, body = Settings), (status = 422, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn put(
    State(state): State<AppState>,
    AdminAuth(caller): AdminAuth,
    ApiJson(change): ApiJson<SettingsUpdate>,
) -> Result<Json<Settings>, ApiError> {
    Ok(Json(state.engine.update_settings(&caller, change).await?))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LocaleQuery {
    /// `ko` (default; also when blank) or `en`.
    #[param(schema_with = shared::settings::schemas::language_param)]
    locale: Option<String>,
}

/// The `<script>` snippet for one help-center language (C-SET-5).
#[utoipa::path(get, path = "/settings/embed-code", tag = "settings",
    params(LocaleQuery),
    responses((status = 200, body = EmbedCode), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub async fn embed_code(
    State(state): State<AppState>,
    AdminAuth(caller): AdminAuth,
    headers: HeaderMap,
    ApiQuery(q): ApiQuery<LocaleQuery>,
) -> Result<Json<EmbedCode>, ApiError> {
    let locale = match q.locale.as_deref().map(str::trim) {
        None | Some("") => "ko".to_owned(),
        Some(l) => l.to_owned(),
    };
    if !shared::SUPPORTED_LOCALES.contains(&locale.as_str()) {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            shared::ErrorCode::UnsupportedLocale,
            "locale must be ko or en",
        ));
    }
    let slug = state.engine.service_slug(&caller).await?;
    let origin = crate::origin::public_origin(&state, &headers).ok_or_else(|| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            shared::ErrorCode::PublicUrlRequired,
            "the request's Host is not a plain host name; start the server with --public-url",
        )
    })?;
    let snippet = shared::embed_snippet(&origin, &slug, &locale);
    Ok(Json(EmbedCode { locale, snippet }))
}

/// Adds an agent or admin to the service (admins).
#[utoipa::path(post, path = "/agents", tag = "agents", request_body = NewAgentRequest,
    responses((status = 201, body = AgentProfile), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn create_agent(
    State(state): State<AppState>,
    AdminAuth(caller): AdminAuth,
    ApiJson(req): ApiJson<NewAgentRequest>,
) -> Result<(StatusCode, Json<AgentProfile>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(state.engine.create_agent(&caller, req).await?),
    ))
}

/// Changes role, chat permission, active state, name or password (admins).
#[utoipa::path(put, path = "/agents/{id}", tag = "agents", params(("id" = String, Path)), request_body = AgentUpdate,
    responses((status = 200, body = AgentProfile), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn update_agent(
    State(state): State<AppState>,
    AdminAuth(caller): AdminAuth,
    ApiPath(id): ApiPath<AgentId>,
    ApiJson(change): ApiJson<AgentUpdate>,
) -> Result<Json<AgentProfile>, ApiError> {
    Ok(Json(state.engine.update_agent(&caller, id, change).await?))
}

/// The customer rates the chat, 1–5 with an optional comment (C-END-1).
#[utoipa::path(post, path = "/chats/{id}/rating", tag = "chats", params(("id" = String, Path)), request_body = RatingRequest,
    responses((status = 200, body = Rating), (status = 422, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn rate(
    State(state): State<AppState>,
    AnyParty(party): AnyParty,
    ApiPath(chat): ApiPath<ChatId>,
    ApiJson(req): ApiJson<RatingRequest>,
) -> Result<Json<Rating>, ApiError> {
    match party {
        ChatParty::Customer(c) => Ok(Json(state.engine.rate_chat(&c, chat, req).await?)),
        ChatParty::Agent(_) => Err(ApiError::new(
            StatusCode::FORBIDDEN,
            shared::ErrorCode::CustomersOnly,
            "only the customer rates a chat",
        )),
    }
}

/// The agent sends the satisfaction guidance and the rating form (C-END-2).
#[utoipa::path(post, path = "/chats/{id}/rating-request", tag = "chats", params(("id" = String, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)), security(("bearer" = [])))]
pub async fn request_rating(
    State(state): State<AppState>,
    AgentAuth(caller): AgentAuth,
    ApiPath(chat): ApiPath<ChatId>,
) -> Result<StatusCode, ApiError> {
    state.engine.request_rating(&caller, chat).await?;
    Ok(StatusCode::NO_CONTENT)
}
