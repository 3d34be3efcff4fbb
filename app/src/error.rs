//! `AppError`: the one error type of the server functions. It crosses the wire as JSON
//! with the same `code`/`message` pair as the REST API's errors.

use serde::{Deserialize, Serialize};
use server_fn_error::*;

mod server_fn_error {
    pub use leptos::server_fn::codec::JsonEncoding;
    pub use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppError {
    /// Machine-readable, snake_case (`unauthenticated`, `admin_only`, …).
    pub code: String,
    /// For people; shown in the UI.
    pub message: String,
    /// The HTTP status the server function answers with (issue 15: a user's mistake is
    /// a 4xx, not the framework's default 500). Set on the server; the edge copies it
    /// onto the response.
    #[serde(default)]
    pub status: u16,
}

impl AppError {
    pub fn new(code: &str, message: impl Into<String>) -> AppError {
        AppError {
            code: code.to_owned(),
            message: message.into(),
            status: match code {
                "unauthenticated" => 401,
                "not_found" => 404,
                "internal" => 500,
                _ => 400,
            },
        }
    }

    /// The same error with the HTTP status it came with (the outbox retries 5xx, 408
    /// and 429, issue 31).
    pub fn with_status(mut self, status: u16) -> AppError {
        self.status = status;
        self
    }

    pub fn is(&self, code: &str) -> bool {
        self.code == code
    }

    /// What the UI shows for this error: the text of its code in the UI's language
    /// (issue 16: never the server's English wording).
    pub fn shown(&self) -> String {
        crate::i18n::texts_now().error_text(&self.code).to_owned()
    }
}

impl std::fmt::Display for AppError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        AppError::new("request_failed", value.to_string())
    }
}

#[cfg(feature = "ssr")]
impl From<engine::Error> for AppError {
    fn from(e: engine::Error) -> Self {
        use engine::Error as E;
        let (code, status) = match &e {
            E::NotFound(_) => (shared::ErrorCode::NotFound, 404),
            E::Unauthenticated => (shared::ErrorCode::Unauthenticated, 401),
            E::InvalidCredentials => (shared::ErrorCode::InvalidCredentials, 401),
            E::AccountDeactivated => (shared::ErrorCode::AccountDeactivated, 403),
            E::Throttled { .. } => (shared::ErrorCode::TooManyAttempts, 429),
            E::Limited { code, .. } => (*code, 429),
            E::Busy { .. } => (shared::ErrorCode::Busy, 503),
            E::Forbidden { code, .. } => (*code, 403),
            E::SecondFactor { code, .. } => (*code, 401),
            E::Invalid(_) => (shared::ErrorCode::InvalidInput, 422),
            E::Conflict { code, .. } => (*code, 409),
            E::Rule { code, .. } => (*code, 422),
            E::TooLarge { code, .. } => (*code, 413),
            E::Unsupported { code, .. } => (*code, 415),
            E::Database(_) if e.storage_failure().is_some() => {
                tracing::error!(error = %e, "server function failed: storage unavailable");
                return AppError::new(
                    "storage_unavailable",
                    "Nothing could be saved just now. Please try again in a moment.",
                )
                .with_status(503);
            }
            E::Database(_) | E::Migrate(_) | E::Internal(_) => {
                tracing::error!(error = %e, "server function failed");
                return AppError::new(
                    "internal",
                    "Something went wrong on our side. Please try again.",
                );
            }
        };
        AppError::new(code.as_str(), e.to_string()).with_status(status)
    }
}
