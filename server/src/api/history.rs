//! Chat history (C-HIS-1..4): the filtered list, and the Excel export — at once
//! (`GET /chats/export.xlsx`) or as a job whose progress the console polls.

use axum::Json;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use shared::{ErrorBody, ExportProgress, HistoryPage, HistoryQuery};

use super::ApiError;
use super::extract::{AgentAuth, ApiQuery};
use crate::AppState;

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// The service's chats matching the filter, newest first, one keyset page at a time.
#[utoipa::path(get, path = "/chats", tag = "history", params(HistoryQuery),
    responses((status = 200, body = HistoryPage), (status = 422, description = "a filter value is malformed", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    AgentAuth(caller): AgentAuth,
    ApiQuery(q): ApiQuery<HistoryQuery>,
) -> Result<Json<HistoryPage>, ApiError> {
    let filter = q.filter().map_err(engine::Error::from)?;
    Ok(Json(state.engine.history(&caller, &filter).await?))
}

/// Streams a finished export file as an `.xlsx` attachment; the file stays on disk
/// until the download ends.
async fn xlsx_response(
    file: std::sync::Arc<tempfile::TempPath>,
    name: String,
) -> Result<Response, ApiError> {
    let opened = tokio::fs::File::open(file.as_ref() as &std::path::Path)
        .await
        .map_err(|e| engine::Error::Internal(format!("cannot read the export: {e}")))?;
    let len = opened.metadata().await.map(|m| m.len()).ok();
    let keep = file.clone();
    let stream = tokio_util::io::ReaderStream::new(opened);
    let body = Body::from_stream(futures_util::StreamExt::map(stream, move |chunk| {
        let _alive = &keep;
        chunk
    }));
    let mut res = (
        [
            (header::CONTENT_TYPE, XLSX.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        body,
    )
        .into_response();
    if let Some(len) = len
        && let Ok(v) = header::HeaderValue::from_str(&len.to_string())
    {
        res.headers_mut().insert(header::CONTENT_LENGTH, v);
    }
    Ok(res)
}

/// Every chat matching the filter (not just a page) as `chat-history-YYYYMMDD-HHMM.xlsx`.
#[utoipa::path(get, path = "/chats/export.xlsx", tag = "history", params(HistoryQuery),
    responses((status = 200, description = "the workbook", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn export_now(
    State(state): State<AppState>,
    AgentAuth(caller): AgentAuth,
    ApiQuery(q): ApiQuery<HistoryQuery>,
) -> Result<Response, ApiError> {
    let filter = q.filter().map_err(engine::Error::from)?;
    let (file, name) = state.engine.export_now(&caller, filter).await?;
    xlsx_response(file, name).await
}

/// Starts an export job; poll `GET /chats/exports/{id}` and fetch `…/file` when done.
#[utoipa::path(post, path = "/chats/exports", tag = "history", params(HistoryQuery),
    responses((status = 202, body = ExportProgress), (status = 409, description = "export_running", body = ErrorBody),
        (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn start_export(
    State(state): State<AppState>,
    AgentAuth(caller): AgentAuth,
    ApiQuery(q): ApiQuery<HistoryQuery>,
) -> Result<(StatusCode, Json<ExportProgress>), ApiError> {
    let filter = q.filter().map_err(engine::Error::from)?;
    Ok((
        StatusCode::ACCEPTED,
        Json(state.engine.start_export(&caller, filter).await?),
    ))
}

/// How far an export job of the caller's is.
#[utoipa::path(get, path = "/chats/exports/{id}", tag = "history", params(("id" = String, Path)),
    responses((status = 200, body = ExportProgress), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn export_progress(
    State(state): State<AppState>,
    AgentAuth(caller): AgentAuth,
    Path(id): Path<String>,
) -> Result<Json<ExportProgress>, ApiError> {
    Ok(Json(state.engine.export_progress(&caller, &id).await?))
}

/// The finished workbook of an export job.
#[utoipa::path(get, path = "/chats/exports/{id}/file", tag = "history", params(("id" = String, Path)),
    responses((status = 200, description = "the workbook", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (status = 409, description = "export_running or export_failed", body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn export_file(
    State(state): State<AppState>,
    AgentAuth(caller): AgentAuth,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let (file, name) = state.engine.export_file(&caller, &id).await?;
    xlsx_response(file, name).await
}
