//! Our own public origin and whether a request comes from it (issue 15): the embed
//! code's address, own help-center pages, and the same-origin checks against CSRF and
//! cross-site WebSocket hijacking. Pure functions of the configuration and the request
//! headers, shared by the middlewares in `edge` and the API handlers.

use crate::AppState;

/// The origin (`scheme://host[:port]`) this server is reached at: `--public-url` when
/// set, else built from the request's `Host` (and, behind a trusted proxy,
/// `X-Forwarded-Proto`). A `Host` that is not a plain `host[:port]` gives `None`, so a
/// forged header can never be reflected into embed code or accepted as our origin
/// (issue 15); deployments set `--public-url` and need not rely on it.
pub fn public_origin(state: &AppState, headers: &axum::http::HeaderMap) -> Option<String> {
    if let Some(url) = &state.public_url {
        return Some(url.trim_end_matches('/').to_owned());
    }
    let host = headers
        .get(axum::http::header::HOST)?
        .to_str()
        .ok()?
        .to_ascii_lowercase();
    let plain = !host.is_empty()
        && host.len() <= 255
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b':' | b'[' | b']'));
    let proto = match headers
        .get("x-forwarded-proto")
        .and_then(|h| h.to_str().ok())
    {
        Some("https") if state.trust_proxy => "https",
        _ => "http",
    };
    let origin = format!("{proto}://{host}");
    // the url crate must read it back as exactly this origin (no userinfo, no path)
    let parsed = url::Url::parse(&origin).ok()?;
    (plain && parsed.origin().ascii_serialization() == origin).then_some(origin)
}

/// Whether a browser request comes from our own pages: its `Origin` is our public
/// origin, or (when a browser sends no `Origin`) `Sec-Fetch-Site` says same-origin.
/// A request with neither header is not from a browser page (curl, integrations),
/// and only browsers attach cookies on their own — so such a request is let through.
pub fn same_origin(state: &AppState, headers: &axum::http::HeaderMap) -> bool {
    let ours = public_origin(state, headers);
    match headers.get(axum::http::header::ORIGIN).map(|o| o.to_str()) {
        Some(Ok(origin)) => ours.is_some_and(|o| o.eq_ignore_ascii_case(origin)),
        Some(Err(_)) => false,
        None => match headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
            Some(site) => site == "same-origin" || site == "none",
            None => true,
        },
    }
}
