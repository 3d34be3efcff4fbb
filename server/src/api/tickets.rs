//! Customer/consult info (Save), tickets made from chats and inquiries, and the
//! handling-type categories (C-AG-5..8, C-SET-6).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use shared::{
    Category, CategoryDeleted, CategoryId, CategoryUpdate, ChatDetail, ChatId, ChatInfoUpdate,
    ErrorBody, NewCategory, TicketCreated, TicketDetail, TicketId, TicketList, TicketStatus,
    TicketUpdate,
};

use super::ApiError;
use super::extract::{AdminAuth, AgentAuth, ApiJson, ApiPath, ApiQuery};
use crate::AppState;

/// The Save button: replaces customer info and the handling type (C-AG-7). Every field
/// is written as sent; an empty or missing one is cleared.
#[utoipa::path(put, path = "/chats/{id}/info", tag = "chats", params(("id" = String, Path)),
    request_body = ChatInfoUpdate,
    responses((status = 200, body = ChatDetail), (status = 422, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn save_info(
    State(state): State<AppState>,
    AgentAuth(caller): AgentAuth,
    ApiPath(chat): ApiPath<ChatId>,
    ApiJson(info): ApiJson<ChatInfoUpdate>,
) -> Result<Json<ChatDetail>, ApiError> {
    Ok(Json(
        state.engine.save_chat_info(&caller, chat, info).await?,
    ))
}

/// Makes a ticket (channel `chat`) from a chat; one per chat (C-AG-8).
#[utoipa::path(post, path = "/chats/{id}/ticket", tag = "tickets", params(("id" = String, Path)),
    responses((status = 201, body = TicketCreated), (status = 200, description = "the chat's existing ticket", body = TicketCreated),
        (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn create_from_chat(
    State(state): State<AppState>,
    AgentAuth(caller): AgentAuth,
    ApiPath(chat): ApiPath<ChatId>,
) -> Result<(StatusCode, Json<TicketCreated>), ApiError> {
    let (ticket_id, new) = state.engine.create_ticket_from_chat(&caller, chat).await?;
    Ok((
        if new {
            StatusCode::CREATED
        } else {
            StatusCode::OK
        },
        Json(TicketCreated { ticket_id }),
    ))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TicketQuery {
    /// `open`, `pending` or `closed` (empty: all).
    #[param(pattern = "^(open|pending|closed)?$")]
    status: Option<String>,
    /// `chat` or `inquiry` (empty: both).
    #[param(pattern = "^(chat|inquiry)?$")]
    channel: Option<String>,
}

/// The service's tickets, newest first; filter by `status` and `channel`.
#[utoipa::path(get, path = "/tickets", tag = "tickets",
    params(TicketQuery),
    responses((status = 200, body = TicketList), (status = 400, body = ErrorBody)), security(("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    AgentAuth(caller): AgentAuth,
    ApiQuery(q): ApiQuery<TicketQuery>,
) -> Result<Json<TicketList>, ApiError> {
    let status = match q.status.as_deref().filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => Some(TicketStatus::parse(s).ok_or_else(|| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                shared::ErrorCode::InvalidQuery,
                "status must be open, pending or closed",
            )
        })?),
    };
    let channel = match q.channel.as_deref().filter(|s| !s.is_empty()) {
        None => None,
        Some(c @ ("chat" | "inquiry")) => Some(c.to_owned()),
        Some(_) => {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                shared::ErrorCode::InvalidQuery,
                "channel must be chat or inquiry",
            ));
        }
    };
    let tickets = state
        .engine
        .tickets(&caller, engine::TicketFilter { status, channel })
        .await?;
    Ok(Json(TicketList { tickets }))
}

/// One ticket; chat tickets include the transcript.
#[utoipa::path(get, path = "/tickets/{id}", tag = "tickets", params(("id" = String, Path)),
    responses((status = 200, body = TicketDetail), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
pub async fn detail(
    State(state): State<AppState>,
    AgentAuth(caller): AgentAuth,
    ApiPath(id): ApiPath<TicketId>,
) -> Result<Json<TicketDetail>, ApiError> {
    Ok(Json(state.engine.ticket(&caller, id).await?))
}

/// Changes a ticket's status.
#[utoipa::path(put, path = "/tickets/{id}", tag = "tickets", params(("id" = String, Path)), request_body = TicketUpdate,
    responses((status = 200, body = TicketDetail), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn update(
    State(state): State<AppState>,
    AgentAuth(caller): AgentAuth,
    ApiPath(id): ApiPath<TicketId>,
    ApiJson(change): ApiJson<TicketUpdate>,
) -> Result<Json<TicketDetail>, ApiError> {
    Ok(Json(state.engine.update_ticket(&caller, id, change).await?))
}

/// The service's handling types, flat (depth, order, enabled, in use).
#[utoipa::path(get, path = "/categories", tag = "categories",
    responses((status = 200, body = [Category])), security(("bearer" = [])))]
pub async fn categories(
    State(state): State<AppState>,
    AgentAuth(caller): AgentAuth,
) -> Result<Json<Vec<Category>>, ApiError> {
    Ok(Json(state.engine.categories(&caller).await?))
}

/// Adds a category (admins); a fourth level is 422 `category_too_deep`.
#[utoipa::path(post, path = "/categories", tag = "categories", request_body = NewCategory,
    responses((status = 201, body = Category), (status = 422, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn create_category(
    State(state): State<AppState>,
    AdminAuth(caller): AdminAuth,
    ApiJson(new): ApiJson<NewCategory>,
) -> Result<(StatusCode, Json<Category>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(state.engine.create_category(&caller, new).await?),
    ))
}

/// Renames, enables/disables or moves (`"move": "up"|"down"`) a category (admins).
#[utoipa::path(put, path = "/categories/{id}", tag = "categories", params(("id" = String, Path)),
    request_body = CategoryUpdate,
    responses((status = 200, body = Category), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn update_category(
    State(state): State<AppState>,
    AdminAuth(caller): AdminAuth,
    ApiPath(id): ApiPath<CategoryId>,
    ApiJson(change): ApiJson<CategoryUpdate>,
) -> Result<Json<Category>, ApiError> {
    Ok(Json(
        state.engine.update_category(&caller, id, change).await?,
    ))
}

/// Deletes a category and its children; one in use is disabled instead (admins).
#[utoipa::path(delete, path = "/categories/{id}", tag = "categories", params(("id" = String, Path)),
    responses((status = 200, body = CategoryDeleted), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
pub async fn delete_category(
    State(state): State<AppState>,
    AdminAuth(caller): AdminAuth,
    ApiPath(id): ApiPath<CategoryId>,
) -> Result<Json<CategoryDeleted>, ApiError> {
    Ok(Json(state.engine.delete_category(&caller, id).await?))
}
