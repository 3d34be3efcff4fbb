//! Excel import (issue 21): the template, the preview (writes nothing) and the import
//! (all or nothing) of agents and the handling-type tree. The workbook is the request
//! body (`application/vnd.openxmlformats-officedocument.spreadsheetml.sheet`), at most
//! 5 MB.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use shared::ErrorBody;
use shared::import::{ImportDone, ImportPreview, MAX_IMPORT_BYTES};

use super::ApiError;
use super::extract::AdminAuth;
use crate::AppState;

/// The body, or 413 in the API's shape when it is over the limit.
fn workbook(body: Result<Bytes, BytesRejection>) -> Result<Bytes, ApiError> {
    let bytes = body.map_err(|_| {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            shared::ErrorCode::FileTooLarge,
            format!(
                "a workbook may be at most {} MB",
                MAX_IMPORT_BYTES / 1024 / 1024
            ),
        )
    })?;
    if bytes.is_empty() {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            shared::ErrorCode::InvalidInput,
            "file: send the .xlsx workbook as the request body",
        ));
    }
    Ok(bytes)
}

/// The template workbook: the 상담원 and 처리유형 sheets with headers and an example.
#[utoipa::path(get, path = "/import/template.xlsx", tag = "import",
    responses((status = 200, description = "the template")), security(("bearer" = [])))]
pub async fn template(AdminAuth(_caller): AdminAuth) -> Result<impl IntoResponse, ApiError> {
    let bytes = engine::import::template()?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"online-contact-import.xlsx\"",
            ),
        ],
        bytes,
    ))
}

/// Every row of the workbook with its error, and what would be created; writes nothing.
#[utoipa::path(post, path = "/import/preview", tag = "import",
    request_body(content = Vec<u8>, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    responses((status = 200, body = ImportPreview),
        (status = 413, body = ErrorBody),
        (status = 422, description = "not a workbook, a zip bomb, too many rows, formulas, merged cells, no known sheet", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn preview(
    State(state): State<AppState>,
    AdminAuth(caller): AdminAuth,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<ImportPreview>, ApiError> {
    let bytes = workbook(body)?;
    Ok(Json(state.engine.import_preview(&caller, &bytes).await?))
}

/// Imports the workbook in one transaction — or nothing, when any row has an error
/// (422 `import_has_errors`). Answers the created accounts with their generated
/// passwords (shown once).
#[utoipa::path(post, path = "/import", tag = "import",
    request_body(content = Vec<u8>, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    responses((status = 201, body = ImportDone),
        (status = 422, description = "rows with errors: nothing was written", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn import(
    State(state): State<AppState>,
    AdminAuth(caller): AdminAuth,
    body: Result<Bytes, BytesRejection>,
) -> Result<(StatusCode, Json<ImportDone>), ApiError> {
    let bytes = workbook(body)?;
    Ok((
        StatusCode::CREATED,
        Json(state.engine.import(&caller, &bytes).await?),
    ))
}
