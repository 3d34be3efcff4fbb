//! Reports (통계, issue 20, C-RP-1): `GET /reports` and `GET /reports/export.xlsx`.

use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use shared::{ErrorBody, Report, ReportQuery};

use super::ApiError;
use super::extract::{AgentAuth, ApiQuery};
use crate::AppState;

/// The figures of a period (the service's time zone): totals, every day, per agent,
/// per handling type, the weekday × hour heatmap of starts and the inquiries left.
/// Agents whom the service limits to their own chats get their own figures only.
#[utoipa::path(get, path = "/reports", tag = "reports", params(ReportQuery),
    responses((status = 200, body = Report),
        (status = 422, description = "a bad period, range, agent, handling type or channel (named)", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn report(
    State(state): State<AppState>,
    AgentAuth(caller): AgentAuth,
    ApiQuery(q): ApiQuery<ReportQuery>,
) -> Result<Json<Report>, ApiError> {
    Ok(Json(state.engine.report(&caller, &q).await?))
}

/// The same report as an `.xlsx` workbook: sheets for the summary, the days, the agents,
/// the handling types, the satisfaction scores and the weekday × hour starts, with
/// native charts; headers in `lang` (`ko`, default, or `en`).
#[utoipa::path(get, path = "/reports/export.xlsx", tag = "reports", params(ReportQuery),
    responses((status = 200, description = "the workbook", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (status = 422, description = "a bad period, range, agent, handling type, channel or language (named)", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn export(
    State(state): State<AppState>,
    AgentAuth(caller): AgentAuth,
    ApiQuery(q): ApiQuery<ReportQuery>,
) -> Result<impl IntoResponse, ApiError> {
    let (bytes, name) = state.engine.report_xlsx(&caller, &q).await?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_owned(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        bytes,
    ))
}
