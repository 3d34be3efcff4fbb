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
}

impl AppError {
    pub fn new(code: &str, message: impl Into<String>) -> AppError {
        AppError {
            code: code.to_owned(),
            message: message.into(),
        }
    }

    pub fn is(&self, code: &str) -> bool {
        self.code == code
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
        let code = match &e {
            E::NotFound(_) => "not_found",
            E::Unauthenticated => "unauthenticated",
            E::InvalidCredentials => "invalid_credentials",
            E::AccountDeactivated => "account_deactivated",
            E::Throttled { .. } => "too_many_attempts",
            E::Forbidden { code, .. } => code,
            E::Invalid(_) => "invalid_input",
            E::Conflict { code, .. } => code,
            E::Rule { code, .. } => code,
            E::Database(_) | E::Migrate(_) | E::Internal(_) => {
                tracing::error!(error = %e, "server function failed");
                return AppError::new(
                    "internal",
                    "Something went wrong on our side. Please try again.",
                );
            }
        };
        AppError::new(code, e.to_string())
    }
}
