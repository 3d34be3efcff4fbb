//! Reports (통계, issue 20, C-RP-1): `GET /reports`.

use axum::Json;
use axum::extract::State;
use shared::{ErrorBody, Report, ReportQuery};

use super::ApiError;
use super::extract::{AgentAuth, ApiQuery};
use crate::AppState;

/// The figures of a period (the service's time zone): totals, every day, per agent,
/// per handling type, the weekday × hour heatmap of starts and the inquiries left.
/// Agents whom the service limits to their own chats get their own figures only.
#[utoipa::path(get, path = "/api/v1/reports", tag = "reports", params(ReportQuery),
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
