//! Chat endpoints of API.md: customer intake (availability, start, inquiry), the agent's
//! status and list, and the chat operations both sides share (detail, messages, end).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use engine::ClientInfo;
use serde::Deserialize;
use shared::{
    AgentChats, Availability, ChatDetail, ChatId, ChatView, ErrorBody, InquiryRequest,
    InquiryResponse, MessageEnvelope, MessageList, SendMessageRequest, StartChatRequest,
    StartChatResponse, StatusRequest,
};

use super::ApiError;
use super::extract::{AgentAuth, ApiJson, ApiPath, ApiQuery, Client, request_token};
use crate::AppState;

pub use engine::ChatParty;

/// The extractor of either side of a chat from `Authorization: Bearer` (an agent's
/// session token or a customer's chat token; the engine tells them apart).
pub struct AnyParty(pub ChatParty);

impl axum::extract::FromRequestParts<AppState> for AnyParty {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let token = request_token(parts).ok_or_else(|| {
            ApiError::new(
                StatusCode::UNAUTHORIZED,
                shared::ErrorCode::Unauthenticated,
                "send `Authorization: Bearer <token>` (agent or customer token)",
            )
        })?;
        Ok(AnyParty(state.engine.authenticate_party(&token).await?))
    }
}

/// Whether chat is on for a help center and how many agents are online.
#[utoipa::path(get, path = "/services/{slug}/chat/availability", tag = "chats",
    params(("slug" = String, Path)),
    responses((status = 200, body = Availability), (status = 404, description = "unknown service or chat off", body = ErrorBody)))]
pub async fn availability(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Json<Availability>, ApiError> {
    Ok(Json(state.engine.availability(&slug).await?))
}

/// Starts a chat (consent required); answers the chat id and the customer token.
#[utoipa::path(post, path = "/services/{slug}/chats", tag = "chats",
    params(("slug" = String, Path)), request_body = StartChatRequest,
    responses((status = 201, body = StartChatResponse),
        (status = 422, description = "consent_required or invalid fields", body = ErrorBody),
        (status = 409, description = "agents_absent", body = ErrorBody),
        (status = 403, description = "domain_not_allowed, identity_invalid or identity_required", body = ErrorBody),
        (status = 404, description = "unknown service or chat off", body = ErrorBody)))]
pub async fn start(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Client(ip): Client,
    headers: HeaderMap,
    ApiJson(req): ApiJson<StartChatRequest>,
) -> Result<(StatusCode, Json<StartChatResponse>), ApiError> {
    let user_agent = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let started = state
        .engine
        .start_chat(
            &slug,
            req,
            ClientInfo {
                ip: Some(ip),
                user_agent,
                own_origin: crate::origin::public_origin(&state, &headers),
            },
        )
        .await?;
    Ok((StatusCode::CREATED, Json(started)))
}

/// Leaves a 1:1 inquiry; it becomes a ticket (channel `inquiry`).
#[utoipa::path(post, path = "/services/{slug}/inquiries", tag = "chats",
    params(("slug" = String, Path)), request_body = InquiryRequest,
    responses((status = 201, body = InquiryResponse), (status = 422, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn inquiry(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Client(ip): Client,
    ApiJson(req): ApiJson<InquiryRequest>,
) -> Result<(StatusCode, Json<InquiryResponse>), ApiError> {
    let ticket_id = state.engine.create_inquiry(&slug, req, Some(&ip)).await?;
    Ok((StatusCode::CREATED, Json(InquiryResponse { ticket_id })))
}

/// Sets the caller's status: online, break or offline (C-AG-2).
#[utoipa::path(put, path = "/agent/status", tag = "agents", request_body = StatusRequest,
    responses((status = 200, body = StatusRequest), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub async fn set_status(
    State(state): State<AppState>,
    AgentAuth(caller): AgentAuth,
    ApiJson(req): ApiJson<StatusRequest>,
) -> Result<Json<StatusRequest>, ApiError> {
    let status = state.engine.set_status(&caller, req.status).await?;
    Ok(Json(StatusRequest { status }))
}

/// The caller's open chats and the 대화중 count (C-AG-3).
#[utoipa::path(get, path = "/agent/chats", tag = "agents",
    responses((status = 200, body = AgentChats)), security(("bearer" = [])))]
pub async fn agent_chats(
    State(state): State<AppState>,
    AgentAuth(caller): AgentAuth,
) -> Result<Json<AgentChats>, ApiError> {
    Ok(Json(state.engine.agent_chats(&caller).await?))
}

/// One chat: agents of its service get the whole detail, its customer their own view
/// (no memo, handling type, IP or device).
#[utoipa::path(get, path = "/chats/{id}", tag = "chats", params(("id" = String, Path)),
    responses((status = 200, body = ChatView), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
pub async fn detail(
    State(state): State<AppState>,
    AnyParty(party): AnyParty,
    ApiPath(id): ApiPath<ChatId>,
) -> Result<Json<ChatView>, ApiError> {
    Ok(Json(state.engine.chat_view(party.as_party(), id).await?))
}

/// The assigned agent opened the request (C-HIS-2).
#[utoipa::path(post, path = "/chats/{id}/open", tag = "chats", params(("id" = String, Path)),
    responses((status = 200, body = ChatDetail), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn open(
    State(state): State<AppState>,
    AgentAuth(caller): AgentAuth,
    ApiPath(id): ApiPath<ChatId>,
) -> Result<Json<ChatDetail>, ApiError> {
    Ok(Json(state.engine.open_chat(&caller, id).await?))
}

#[derive(Deserialize)]
pub struct AfterQuery {
    #[serde(default)]
    after: Option<String>,
}

/// Messages after a seq, oldest first (at most 500 per call).
#[utoipa::path(get, path = "/chats/{id}/messages", tag = "chats",
    params(("id" = String, Path), ("after" = Option<i64>, Query, description = "only messages with a greater seq")),
    responses((status = 200, body = MessageList), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
pub async fn messages(
    State(state): State<AppState>,
    AnyParty(party): AnyParty,
    ApiPath(id): ApiPath<ChatId>,
    ApiQuery(q): ApiQuery<AfterQuery>,
) -> Result<Json<MessageList>, ApiError> {
    let after = match q.after.as_deref().filter(|s| !s.is_empty()) {
        None => 0,
        Some(s) => s.parse().map_err(|_| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                shared::ErrorCode::InvalidQuery,
                "`after` must be a whole number (a seq)",
            )
        })?,
    };
    let messages = state.engine.messages(party.as_party(), id, after).await?;
    Ok(Json(MessageList { messages }))
}

/// Sends a message; the same `client_id` again returns the stored message.
#[utoipa::path(post, path = "/chats/{id}/messages", tag = "chats", params(("id" = String, Path)),
    request_body = SendMessageRequest,
    responses((status = 201, body = MessageEnvelope), (status = 409, description = "chat_closed", body = ErrorBody),
        (status = 422, body = ErrorBody), (status = 403, description = "not_assigned", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn send(
    State(state): State<AppState>,
    AnyParty(party): AnyParty,
    ApiPath(id): ApiPath<ChatId>,
    ApiJson(req): ApiJson<SendMessageRequest>,
) -> Result<(StatusCode, Json<MessageEnvelope>), ApiError> {
    let message = state
        .engine
        .send_message(party.as_party(), id, &req.client_id, &req.text)
        .await?
        .message();
    Ok((StatusCode::CREATED, Json(MessageEnvelope { message })))
}

/// Adds an internal note (issue 19): agents of the service only; never sent to the
/// customer. The same `client_id` again answers the stored note.
#[utoipa::path(post, path = "/chats/{id}/notes", tag = "chats", params(("id" = String, Path)),
    request_body = SendMessageRequest,
    responses((status = 201, body = MessageEnvelope), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn note(
    State(state): State<AppState>,
    AgentAuth(caller): AgentAuth,
    ApiPath(id): ApiPath<ChatId>,
    ApiJson(req): ApiJson<SendMessageRequest>,
) -> Result<(StatusCode, Json<MessageEnvelope>), ApiError> {
    let message = state
        .engine
        .add_note(&caller, id, &req.client_id, &req.text)
        .await?;
    Ok((StatusCode::CREATED, Json(MessageEnvelope { message })))
}

/// Ends the chat for the caller's side (C-END-3); answers the chat as the caller may
/// see it.
#[utoipa::path(post, path = "/chats/{id}/end", tag = "chats", params(("id" = String, Path)),
    responses((status = 200, body = ChatView), (status = 409, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn end(
    State(state): State<AppState>,
    AnyParty(party): AnyParty,
    ApiPath(id): ApiPath<ChatId>,
) -> Result<Json<ChatView>, ApiError> {
    Ok(Json(state.engine.end_chat(party.as_party(), id).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct ReadRequest {
    /// The highest seq the reader has seen.
    seq: i64,
}

/// The caller has read the chat up to `seq`: the assigned agent (clears unread
/// counts) or the chat's customer (issue 19); the other side hears `chat.read`.
#[utoipa::path(post, path = "/chats/{id}/read", tag = "chats", params(("id" = String, Path)),
    request_body = ReadRequest,
    responses((status = 204), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
pub async fn read(
    State(state): State<AppState>,
    AnyParty(party): AnyParty,
    ApiPath(id): ApiPath<ChatId>,
    ApiJson(req): ApiJson<ReadRequest>,
) -> Result<StatusCode, ApiError> {
    state
        .engine
        .mark_read_by(party.as_party(), id, req.seq)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, Default, utoipa::ToSchema)]
pub struct TypingRequest {
    /// The customer's unsent text (shown to the agent only when the service's typing
    /// preview is on; never stored; cut at 500 characters).
    #[serde(default)]
    preview: Option<String>,
}

/// The caller is typing (issue 19): the other side hears `typing`. At most one frame
/// per typist every 2 s goes out (202 either way); nothing is stored.
#[utoipa::path(post, path = "/chats/{id}/typing", tag = "chats", params(("id" = String, Path)),
    request_body = TypingRequest,
    responses((status = 202), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn typing(
    State(state): State<AppState>,
    AnyParty(party): AnyParty,
    ApiPath(id): ApiPath<ChatId>,
    ApiJson(req): ApiJson<TypingRequest>,
) -> Result<StatusCode, ApiError> {
    state
        .engine
        .typing(party.as_party(), id, req.preview.as_deref())
        .await?;
    Ok(StatusCode::ACCEPTED)
}
