//! Request-wide edge concerns: who the client is (address for throttling and, later,
//! the customer's IP).

use std::net::SocketAddr;

use app::api::ssr::ClientAddr;
use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::Response;

use crate::AppState;

/// The first `X-Forwarded-For` entry when the proxy is trusted, else the socket peer.
pub(crate) fn client_addr_of(req: &Request, trust_proxy: bool) -> String {
    if trust_proxy
        && let Some(first) = req
            .headers()
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
            .map(str::trim)
            .filter(|v| !v.is_empty())
    {
        return first.to_owned();
    }
    req.extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string())
        .unwrap_or_else(|| "unknown".into())
}

/// Middleware: puts a [`ClientAddr`] into every request's extensions.
pub(crate) async fn client_addr(
    State(state): State<AppState>,
    mut req: Request,
    next: Next,
) -> Response {
    let addr = client_addr_of(&req, state.trust_proxy);
    req.extensions_mut().insert(ClientAddr(addr));
    next.run(req).await
}
