//! `GET /healthz`: 200 when the database answers and a write commits, 503 otherwise
//! with the reason (issue 30: a writer that cannot commit is not healthy, whatever
//! reads answer).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use shared::Health;

use crate::AppState;

#[utoipa::path(
    get, path = "/healthz", tag = "health",
    responses((status = 200, body = Health), (status = 503, body = Health))
)]
pub async fn healthz(State(state): State<AppState>) -> (StatusCode, Json<Health>) {
    let unavailable = |database: &str, reason: String| {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(Health {
                status: "unavailable".into(),
                database: database.into(),
                reason: Some(reason),
            }),
        )
    };
    if let Err(e) = state.engine.health().await {
        tracing::error!(error = %e, "health check failed: the database does not answer");
        return unavailable("unreachable", "the database does not answer".into());
    }
    if let Err(e) = state.engine.can_write().await {
        tracing::error!(error = %e, "health check failed: a write cannot commit");
        let why = e
            .storage_failure()
            .unwrap_or("a write to the database cannot commit");
        return unavailable("cannot_write", why.into());
    }
    (
        StatusCode::OK,
        Json(Health {
            status: "ok".into(),
            database: "ok".into(),
            reason: None,
        }),
    )
}
