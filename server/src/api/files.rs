//! Files and images (issue 19): uploading into a chat, downloading (scoped like the
//! chat) and masking a file.
//!
//! An upload is the file's bytes as the request body (`POST …/files?name=…&client_id=…`,
//! any `Content-Type`: the server sniffs the bytes). The body is read as it arrives —
//! never buffered whole — and handed to the engine a piece at a time; the global body
//! limit does not apply to this route, the service's file limit does (413 as soon as
//! the declared length or the bytes counted pass it).

use std::time::Duration;

use axum::Json;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use serde::Deserialize;
use shared::{ChatId, ErrorBody, MessageEnvelope, MessageId};

use super::ApiError;
use super::chats::AnyParty;
use super::extract::{AgentAuth, ApiPath, ApiQuery, Client};
use crate::AppState;

/// A pause longer than this between two pieces of an upload ends it (408): a slow
/// sender cannot hold one of the server's upload slots for ever.
const IDLE: Duration = Duration::from_secs(30);
/// The slowest an upload may arrive on average after its first [`RATE_GRACE`] (issue
/// 30): one byte every 20 seconds kept a slot for 15 minutes. 4 KiB/s is far below
/// any mobile network that can send a file at all (2G EDGE is ≈ 20 KB/s).
const MIN_RATE: u64 = 4 * 1024;
/// Time an upload has before [`MIN_RATE`] is asked of it (connection set-up, a slow
/// start).
const RATE_GRACE: Duration = Duration::from_secs(10);
/// The longest an upload may take at all (50 MB at 60 KB/s); well inside the hour
/// after which the engine deletes an unfinished upload's rows.
const MAX_UPLOAD_TIME: Duration = Duration::from_secs(15 * 60);

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UploadQuery {
    /// The file's name as the sender knows it (kept without any path; the extension of
    /// what the content really is is added when it claims another).
    pub name: String,
    /// The sender's idempotency key, as for a message.
    pub client_id: String,
}

/// Sends a file or image into a chat (either party). Answers the message that carries
/// it, as `POST …/messages` does.
#[utoipa::path(post, path = "/chats/{id}/files", tag = "files",
    params(("id" = String, Path), UploadQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "the file's bytes"),
    responses((status = 201, body = MessageEnvelope),
        (status = 413, description = "file_too_large (the message names the limit)", body = ErrorBody),
        (status = 415, description = "file_type_not_allowed, broken_image", body = ErrorBody),
        (status = 409, description = "chat_closed", body = ErrorBody),
        (status = 403, description = "files_off", body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 408, description = "upload_stalled (a pause of 30 s, or slower than 4 KiB/s on average after 10 s)", body = ErrorBody),
        (status = 429, description = "too_many_messages, too_many_uploads (two at once per chat side, four per customer address)", body = ErrorBody),
        (status = 503, description = "busy: every upload slot of the server is receiving bytes", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn upload(
    State(state): State<AppState>,
    AnyParty(party): AnyParty,
    ApiPath(chat): ApiPath<ChatId>,
    Client(addr): Client,
    ApiQuery(q): ApiQuery<UploadQuery>,
    headers: HeaderMap,
    body: Body,
) -> Result<(StatusCode, Json<MessageEnvelope>), ApiError> {
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let engine = &state.engine;
    let mut up = engine
        .begin_upload(
            party.as_party(),
            chat,
            &q.name,
            &q.client_id,
            declared,
            Some(&addr),
        )
        .await?;
    let mut stream = body.into_data_stream();
    let started = tokio::time::Instant::now();
    let deadline = started + MAX_UPLOAD_TIME;
    loop {
        // the next piece must come before the pause limit, the total limit, and the
        // moment the average since the start would fall below MIN_RATE
        let rate_deadline = started + RATE_GRACE + Duration::from_secs(up.received() / MIN_RATE);
        let now = tokio::time::Instant::now();
        let wait = IDLE
            .min(deadline.saturating_duration_since(now))
            .min(rate_deadline.saturating_duration_since(now));
        let piece = match tokio::time::timeout(wait, stream.next()).await {
            Ok(Some(Ok(bytes))) => bytes,
            Ok(None) => break,
            Ok(Some(Err(_))) => {
                engine.abort_upload(up).await;
                return Err(ApiError::new(
                    StatusCode::BAD_REQUEST,
                    shared::ErrorCode::UploadBroken,
                    "the upload was cut off; please send the file again",
                ));
            }
            Err(_) => {
                engine.abort_upload(up).await;
                return Err(ApiError::new(
                    StatusCode::REQUEST_TIMEOUT,
                    shared::ErrorCode::UploadStalled,
                    "the upload stalled or was too slow; please send the file again",
                ));
            }
        };
        if let Err(e) = engine.upload_bytes(&mut up, &piece).await {
            engine.abort_upload(up).await;
            return Err(e.into());
        }
    }
    let message = engine
        .finish_upload(party.as_party(), up, &q.client_id)
        .await?
        .message();
    Ok((StatusCode::CREATED, Json(MessageEnvelope { message })))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DownloadQuery {
    /// `1`: always as a download, also for an image.
    #[serde(default)]
    #[param(minimum = 0, maximum = 1)]
    pub download: Option<u8>,
}

/// A file's bytes, for the chat's customer and the service's agents who may see the
/// chat (others: 404). Images are shown inline unless `download=1`; everything else is
/// `Content-Disposition: attachment`. Always `nosniff` and a sandboxing CSP.
#[utoipa::path(get, path = "/files/{id}", tag = "files",
    params(("id" = String, Path), DownloadQuery),
    responses((status = 200, description = "the file", content_type = "application/octet-stream"),
        (status = 409, description = "file_masked", body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn download(
    State(state): State<AppState>,
    AnyParty(party): AnyParty,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<DownloadQuery>,
) -> Result<Response, ApiError> {
    let file = state.engine.file(party.as_party(), &id).await?;
    let inline = file.inline() && q.download != Some(1);
    let engine = state.engine.clone();
    let pieces = futures_util::stream::unfold(
        (engine, file.clone(), 0i64),
        |(engine, file, seq)| async move {
            if seq >= file.chunks {
                return None;
            }
            let piece = engine
                .file_chunk(&file, seq)
                .await
                .map(axum::body::Bytes::from)
                .map_err(std::io::Error::other);
            Some((piece, (engine, file, seq + 1)))
        },
    )
    // a layer may poll once more after the end; a fused stream answers `None` again
    .fuse();
    let mut res = Body::from_stream(pieces).into_response();
    file_headers(res.headers_mut(), &file.mime, &file.name, inline);
    if let Ok(v) = HeaderValue::from_str(&file.size.to_string()) {
        res.headers_mut().insert(header::CONTENT_LENGTH, v);
    }
    Ok(res)
}

/// The thumbnail of an image (JPEG, at most 320 pixels a side, no metadata).
#[utoipa::path(get, path = "/files/{id}/thumbnail", tag = "files",
    params(("id" = String, Path)),
    responses((status = 200, description = "a JPEG", content_type = "image/jpeg"),
        (status = 409, description = "file_masked", body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn thumbnail(
    State(state): State<AppState>,
    AnyParty(party): AnyParty,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let file = state.engine.file(party.as_party(), &id).await?;
    let jpeg = state.engine.file_thumbnail(&file).await?;
    let mut res = jpeg.into_response();
    file_headers(res.headers_mut(), "image/jpeg", &file.name, true);
    Ok(res)
}

/// The headers of a file answer: its sniffed type, how to show it, and that the
/// browser must neither guess another type nor run anything in it.
fn file_headers(h: &mut HeaderMap, mime: &str, name: &str, inline: bool) {
    if let Ok(v) = HeaderValue::from_str(mime) {
        h.insert(header::CONTENT_TYPE, v);
    }
    let how = if inline { "inline" } else { "attachment" };
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let value = format!(
        "{how}; filename=\"{ascii}\"; filename*=UTF-8''{}",
        rfc5987(name)
    );
    if let Ok(v) = HeaderValue::from_str(&value) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; sandbox"),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=300"),
    );
}

/// Percent-encodes a file name for `filename*` (RFC 5987: only `attr-char` stays).
/// Hand-written: `url`'s form encoding writes spaces as `+`, which this header does not
/// decode.
fn rfc5987(name: &str) -> String {
    let mut out = String::with_capacity(name.len() * 3);
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || b"!#$&+.^_`|~-".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Hides a message's file (가려진 파일): kept only encrypted, its name masked; audited.
#[utoipa::path(post, path = "/chats/{id}/messages/{message_id}/file-mask", tag = "masking",
    params(("id" = String, Path), ("message_id" = String, Path)),
    responses((status = 200, body = MessageEnvelope), (status = 403, description = "security_service_off", body = ErrorBody),
        (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn mask(
    State(state): State<AppState>,
    AgentAuth(caller): AgentAuth,
    ApiPath((chat, message)): ApiPath<(ChatId, MessageId)>,
) -> Result<Json<MessageEnvelope>, ApiError> {
    Ok(Json(MessageEnvelope {
        message: state.engine.mask_file(&caller, chat, message).await?,
    }))
}

/// Restores a hidden file and its name; audited.
#[utoipa::path(delete, path = "/chats/{id}/messages/{message_id}/file-mask", tag = "masking",
    params(("id" = String, Path), ("message_id" = String, Path)),
    responses((status = 200, body = MessageEnvelope), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn unmask(
    State(state): State<AppState>,
    AgentAuth(caller): AgentAuth,
    ApiPath((chat, message)): ApiPath<(ChatId, MessageId)>,
) -> Result<Json<MessageEnvelope>, ApiError> {
    Ok(Json(MessageEnvelope {
        message: state.engine.unmask_file(&caller, chat, message).await?,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_quoted_safely() {
        assert_eq!(rfc5987("a b.png"), "a%20b.png");
        assert_eq!(rfc5987("사진.jpg"), "%EC%82%AC%EC%A7%84.jpg");
        let mut h = HeaderMap::new();
        file_headers(&mut h, "application/pdf", "견적 \"1\".pdf", false);
        let cd = h[header::CONTENT_DISPOSITION].to_str().unwrap();
        assert!(
            cd.starts_with("attachment; filename=\"__ _1_.pdf\""),
            "{cd}"
        );
        assert!(cd.contains("filename*=UTF-8''%EA%B2%AC"), "{cd}");
        assert_eq!(h[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    }
}
