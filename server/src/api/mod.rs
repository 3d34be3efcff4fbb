//! The public REST API v1 (API.md). Handlers are thin: extract (auth, JSON), call one
//! engine method, answer JSON. Errors all have the `{"error", "message"}` shape.

pub mod agents;
pub mod auth;
pub mod error;
pub mod extract;
pub mod health;
pub mod openapi;
pub mod services;

use axum::Router;
use axum::routing::{get, post};

use crate::AppState;
pub use error::ApiError;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/auth/login", post(auth::login))
        .route("/auth/logout", post(auth::logout))
        .route("/agent/me", get(agents::me))
        .route("/agents", get(agents::list))
        .route("/agents/{id}", get(agents::get_one))
        .route("/service", get(services::overview))
        .route("/services/{slug}", get(services::help_center))
        .route("/openapi.json", get(openapi::document))
        .fallback(error::no_such_endpoint)
        .method_not_allowed_fallback(error::method_not_allowed)
}
