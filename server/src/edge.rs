//! Request-wide edge concerns: who the client is (address for throttling and, later,
//! the customer's IP).

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use shared::request::{ClientAddr, SessionToken};

use crate::AppState;

/// With a trusted proxy, the **last** `X-Forwarded-For` entry — the one our own proxy
/// appended for the peer it saw; everything left of it was written by the client and
/// can be anything (issue 15). Without `--trust-proxy`, the socket peer.
pub(crate) fn client_addr_of(req: &Request, trust_proxy: bool) -> String {
    if trust_proxy
        && let Some(last) = req
            .headers()
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .last()
            .and_then(|v| v.parse::<std::net::IpAddr>().ok())
    {
        return last.to_string();
    }
    req.extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string())
        .unwrap_or_else(|| "unknown".into())
}

/// Middleware: puts the [`ClientAddr`] and the [`SessionToken`] into every request's
/// extensions (the pages and server functions read them from there).
pub(crate) async fn request_context(
    State(state): State<AppState>,
    mut req: Request,
    next: Next,
) -> Response {
    let addr = client_addr_of(&req, state.trust_proxy);
    let token = crate::session::session_token(req.headers());
    req.extensions_mut().insert(ClientAddr(addr));
    req.extensions_mut().insert(SessionToken(token));
    next.run(req).await
}

/// Middleware against cross-site request forgery (issue 15): a state-changing request
/// (anything but GET/HEAD/OPTIONS) that a **cookie** authenticates — or any server
/// function, login included (login CSRF) — must come from our own pages
/// ([`crate::origin::same_origin`]); else 403 `foreign_origin`. Bearer-token requests are left alone:
/// a browser never attaches those on its own.
pub(crate) async fn csrf(State(state): State<AppState>, req: Request, next: Next) -> Response {
    use axum::http::Method;
    use axum::response::IntoResponse;
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if !safe {
        let by_cookie = matches!(
            crate::api::extract::request_token_from(req.headers()),
            Some((_, crate::api::extract::TokenSource::Cookie))
        );
        let server_fn = req.uri().path().starts_with("/sfn/");
        if (by_cookie || server_fn) && !crate::origin::same_origin(&state, req.headers()) {
            tracing::info!(path = req.uri().path(), "cross-site request refused");
            return crate::api::ApiError::new(
                axum::http::StatusCode::FORBIDDEN,
                shared::ErrorCode::ForeignOrigin,
                "this request must come from this site's own pages",
            )
            .into_response();
        }
    }
    next.run(req).await
}

/// Middleware: a server function's error answers with the status its [`AppError`]
/// carries (401, 403, 404, 409, 422, 429, 503) instead of the framework's blanket 500
/// (issue 15), so a wrong password is a client error in logs and monitoring too.
///
/// [`AppError`]: app::error::AppError
pub(crate) async fn server_fn_status(req: Request, next: Next) -> Response {
    let res = next.run(req).await;
    if res.status() != axum::http::StatusCode::INTERNAL_SERVER_ERROR
        || !res.headers().contains_key("serverfnerror")
    {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let bytes = axum::body::to_bytes(body, 64 * 1024)
        .await
        .unwrap_or_default();
    if let Ok(err) = serde_json::from_slice::<app::error::AppError>(&bytes)
        && let Ok(status) = axum::http::StatusCode::from_u16(err.status)
        && (status.is_client_error() || status == axum::http::StatusCode::SERVICE_UNAVAILABLE)
    {
        parts.status = status;
    }
    Response::from_parts(parts, axum::body::Body::from(bytes))
}

/// The script nonce of one response (issue 15): chosen here, handed to the page render
/// through the request's extensions, and named in the response's
/// Content-Security-Policy — the edge owns the header, the render never writes it.
#[derive(Clone, Debug)]
pub(crate) struct PageNonce(pub String);

/// A page's Content-Security-Policy: only the framework's own inline scripts (which
/// carry the nonce) run, and what they load ('strict-dynamic': the hydration module
/// and its wasm, which needs 'wasm-unsafe-eval'); styles allow inline `style`
/// attributes (the category tree's indentation); images may also be `blob:` URLs (a
/// customer's window shows chat files it fetched with its token, issue 19);
/// `ancestors` says who may frame it.
fn page_policy(nonce: &str, ancestors: &str) -> String {
    format!(
        "default-src 'self'; script-src 'nonce-{nonce}' 'strict-dynamic' 'wasm-unsafe-eval'; \
         style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; \
         object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors {ancestors}"
    )
}

/// Middleware: security headers on every response (issue 15). `nosniff` and a referrer
/// policy everywhere; pages get the Content-Security-Policy with this response's
/// nonce ([`PageNonce`]) and frame protection — the widget page may be framed by the
/// service's allowed domains only, every other page by nobody (`frame-ancestors
/// 'none'` and `X-Frame-Options: DENY`).
pub(crate) async fn security_headers(
    State(state): State<AppState>,
    mut req: Request,
    next: Next,
) -> Response {
    use axum::http::{HeaderValue, header};
    let widget_slug = req
        .uri()
        .path()
        .strip_prefix("/widget/")
        .map(|s| s.split('/').next().unwrap_or_default().to_owned());
    // only what can render a page gets a nonce (not the API, files, the loader)
    let path = req.uri().path();
    let page = !["/api/", "/pkg/", "/sfn/", "/widget.js", "/healthz"]
        .iter()
        .any(|p| path.starts_with(p));
    let nonce = page.then(|| leptos::nonce::Nonce::new().to_string());
    if let Some(n) = &nonce {
        req.extensions_mut().insert(PageNonce(n.clone()));
    }
    let mut res = next.run(req).await;
    let headers = res.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("strict-origin-when-cross-origin"),
    );
    let html = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    let Some(nonce) = nonce.filter(|_| html) else {
        return res;
    };
    let ancestors = match &widget_slug {
        Some(slug) => crate::widget::frame_ancestors(&state, slug).await,
        None => {
            res.headers_mut()
                .insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
            "'none'".to_owned()
        }
    };
    if let Ok(v) = HeaderValue::from_str(&page_policy(&nonce, &ancestors)) {
        res.headers_mut().insert(header::CONTENT_SECURITY_POLICY, v);
    }
    res
}

/// The answer when a handler panicked (a bug, never user input): logged, and a 500 in
/// the API's error shape instead of a dropped connection.
pub(crate) fn panic_response(panic: Box<dyn std::any::Any + Send + 'static>) -> Response {
    use axum::response::IntoResponse;
    let what = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("(no message)");
    tracing::error!(panic = what, "a request handler panicked");
    crate::api::ApiError::new(
        axum::http::StatusCode::INTERNAL_SERVER_ERROR,
        shared::ErrorCode::Internal,
        "something went wrong on our side; please try again",
    )
    .into_response()
}
