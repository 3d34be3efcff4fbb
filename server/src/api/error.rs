//! `ApiError`: the REST boundary's one error type. Engine errors become fitting 4xx/5xx
//! statuses with a person-readable message; internals are logged, never shown.

use shared::ErrorCode;
use std::time::Duration;

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use shared::ErrorBody;

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: ErrorCode,
    pub message: String,
    /// For 429: when to try again.
    pub retry_after: Option<Duration>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: ErrorCode, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code,
            message: message.into(),
            retry_after: None,
        }
    }
}

impl From<engine::Error> for ApiError {
    fn from(e: engine::Error) -> Self {
        use engine::Error as E;
        // the database cannot store now: nothing wrong with the request (issue 30)
        if let Some(why) = e.storage_failure() {
            tracing::error!(error = %e, "request failed: storage unavailable");
            let mut err = ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                shared::ErrorCode::StorageUnavailable,
                format!("{why}; nothing was saved, please try again in a moment"),
            );
            err.retry_after = Some(std::time::Duration::from_secs(5));
            return err;
        }
        let (status, code) = match &e {
            E::NotFound(_) => (StatusCode::NOT_FOUND, ErrorCode::NotFound),
            E::Unauthenticated => (StatusCode::UNAUTHORIZED, ErrorCode::Unauthenticated),
            E::InvalidCredentials => (StatusCode::UNAUTHORIZED, ErrorCode::InvalidCredentials),
            E::AccountDeactivated => (StatusCode::FORBIDDEN, ErrorCode::AccountDeactivated),
            E::Throttled { retry_after } => {
                let mut err = ApiError::new(
                    StatusCode::TOO_MANY_REQUESTS,
                    shared::ErrorCode::TooManyAttempts,
                    e.to_string(),
                );
                err.retry_after = Some(*retry_after);
                return err;
            }
            E::Limited {
                code, retry_after, ..
            } => {
                let mut err = ApiError::new(StatusCode::TOO_MANY_REQUESTS, *code, e.to_string());
                err.retry_after = Some(*retry_after);
                return err;
            }
            E::Busy { retry_after } => {
                let mut err = ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    shared::ErrorCode::Busy,
                    e.to_string(),
                );
                err.retry_after = Some(*retry_after);
                return err;
            }
            E::Forbidden { code, .. } => (StatusCode::FORBIDDEN, *code),
            E::SecondFactor { code, .. } => (StatusCode::UNAUTHORIZED, *code),
            E::Invalid(_) => (StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::InvalidInput),
            E::Conflict { code, .. } => (StatusCode::CONFLICT, *code),
            E::Rule { code, .. } => (StatusCode::UNPROCESSABLE_ENTITY, *code),
            E::TooLarge { code, .. } => (StatusCode::PAYLOAD_TOO_LARGE, *code),
            E::Unsupported { code, .. } => (StatusCode::UNSUPPORTED_MEDIA_TYPE, *code),
            E::Database(_) | E::Migrate(_) | E::Internal(_) => {
                tracing::error!(error = %e, "request failed");
                return ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    shared::ErrorCode::Internal,
                    "something went wrong on our side; please try again",
                );
            }
        };
        ApiError::new(status, code, e.to_string())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: self.code.as_str().to_owned(),
            message: self.message,
        };
        let mut res = (self.status, Json(body)).into_response();
        if let Some(wait) = self.retry_after {
            let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
            if let Ok(v) = HeaderValue::from_str(&secs.max(1).to_string()) {
                res.headers_mut().insert(header::RETRY_AFTER, v);
            }
        }
        res
    }
}

/// Unknown `/api/v1/...` path.
pub async fn no_such_endpoint() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        shared::ErrorCode::NoSuchEndpoint,
        "there is no such API endpoint",
    )
}

/// Known path, wrong method.
pub async fn method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        shared::ErrorCode::MethodNotAllowed,
        "this endpoint does not take that method",
    )
}
