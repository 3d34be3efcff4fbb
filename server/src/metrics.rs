//! Metrics in the Prometheus text format (issue 21): `GET /metrics`, read by an
//! operator's Prometheus. The `metrics` facade records in the engine and here; the
//! `metrics-exporter-prometheus` recorder (installed once per process) renders them.
//!
//! Where it is served: on the public port only with a token (`OC_METRICS_TOKEN`, sent as
//! `Authorization: Bearer …`; without one configured the path is 404 there), and, when
//! `OC_METRICS_ADDR` is set, without a token on that separate address (meant for a
//! private interface). Figures read at scrape time (queue lengths, agents by status,
//! database pool use) come from the engine then; counters and histograms are kept as
//! they happen.
//!
//! Every label value comes from a closed set, so no client can grow the recorder's
//! memory (issue 30): the method is one of HTTP's nine or `other`, the route is the
//! router's pattern (`unmatched` for a path no route has), the status is one the server
//! itself chose, and services are the operator's own slugs. When metrics are off (no
//! token, no private address) no recorder is installed and requests are not counted.

use std::sync::OnceLock;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

use crate::AppState;

/// The process's recorder: one per process (the `metrics` facade has one global
/// recorder), shared by every server a test process starts.
static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();

/// Installs the recorder (once) and answers its handle; `None` if another recorder
/// was installed first.
pub fn handle() -> Option<PrometheusHandle> {
    HANDLE
        .get_or_init(|| {
            let seconds = [
                0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
                60.0, 300.0,
            ];
            PrometheusBuilder::new()
                .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), &seconds)
                .and_then(|b| {
                    b.set_buckets_for_metric(
                        Matcher::Full("oc_writer_group_size".into()),
                        &[1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0, 256.0, 512.0],
                    )
                })
                .ok()?
                .install_recorder()
                .ok()
        })
        .clone()
}

/// Whether a recorder is installed in this process (issue 30: not when no server in it
/// serves metrics).
pub fn recorder_installed() -> bool {
    HANDLE.get().is_some_and(Option::is_some)
}

/// A request's method as a label: one of the methods HTTP defines, else `other` — a
/// client may send any token as its method, and each distinct label value would be
/// kept for ever.
fn method_label(method: &axum::http::Method) -> &'static str {
    use axum::http::Method;
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::PATCH => "PATCH",
        Method::OPTIONS => "OPTIONS",
        Method::CONNECT => "CONNECT",
        Method::TRACE => "TRACE",
        _ => "other",
    }
}

/// Counts every request by method, route pattern and status, and times it — only on a
/// server that serves metrics (`on`).
pub async fn track(State(on): State<bool>, req: Request, next: Next) -> Response {
    if !on {
        return next.run(req).await;
    }
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let method = method_label(req.method());
    let started = Instant::now();
    let res = next.run(req).await;
    let status = res.status().as_u16().to_string();
    metrics::counter!("oc_http_requests_total", "method" => method, "route" => route.clone(), "status" => status)
        .increment(1);
    metrics::histogram!("oc_http_request_duration_seconds", "route" => route)
        .record(started.elapsed().as_secs_f64());
    res
}

/// A WebSocket held open, counted by side while it lives.
pub struct OpenSocket(&'static str);

impl OpenSocket {
    /// `side`: `agent` or `customer`.
    pub fn new(side: &'static str) -> OpenSocket {
        metrics::gauge!("oc_websockets_open", "side" => side).increment(1.0);
        OpenSocket(side)
    }
}

impl Drop for OpenSocket {
    fn drop(&mut self) {
        metrics::gauge!("oc_websockets_open", "side" => self.0).decrement(1.0);
    }
}

/// Whether `headers` carry the metrics token (compared in constant time).
fn token_matches(headers: &HeaderMap, token: &str) -> bool {
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    let (a, b) = (given.as_bytes(), token.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// `GET /metrics` on the public port: with the configured token, else 404 (401 for a
/// wrong token).
pub async fn public(State(state): State<AppState>, headers: HeaderMap) -> Response {
    match state.metrics_token.as_deref() {
        None => crate::api::error::ApiError::new(
            StatusCode::NOT_FOUND,
            shared::ErrorCode::NotFound,
            "no such page",
        )
        .into_response(),
        Some(t) if !token_matches(&headers, t) => crate::api::error::ApiError::new(
            StatusCode::UNAUTHORIZED,
            shared::ErrorCode::Unauthenticated,
            "send the metrics token as Authorization: Bearer …",
        )
        .into_response(),
        Some(_) => render(&state).await,
    }
}

/// `GET /metrics` on the private metrics address: no token.
pub async fn private(State(state): State<AppState>) -> Response {
    render(&state).await
}

/// The scrape: the figures read now, then everything in the text format.
async fn render(state: &AppState) -> Response {
    let Some(handle) = handle() else {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            "metrics recorder unavailable",
        )
            .into_response();
    };
    match state.engine.gauges().await {
        Ok(g) => {
            for (service, waiting) in g.queue {
                metrics::gauge!("oc_queue_length", "service" => service).set(waiting as f64);
            }
            for (service, status, n) in g.agents {
                metrics::gauge!("oc_agents", "service" => service, "status" => status)
                    .set(n as f64);
            }
            metrics::gauge!("oc_db_pool_connections", "state" => "open").set(g.pool_open as f64);
            metrics::gauge!("oc_db_pool_connections", "state" => "idle").set(g.pool_idle as f64);
            metrics::gauge!("oc_exports_running").set(g.exports_running as f64);
            metrics::gauge!("oc_search_index_queued").set(g.search_index_queued as f64);
        }
        Err(e) => tracing::warn!(error = %e, "metrics: reading the gauges failed"),
    }
    handle.run_upkeep();
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        handle.render(),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_must_match_exactly() {
        let mut h = HeaderMap::new();
        assert!(!token_matches(&h, "s3cret"));
        h.insert(header::AUTHORIZATION, "Bearer s3cret".parse().unwrap());
        assert!(token_matches(&h, "s3cret"));
        assert!(!token_matches(&h, "s3cre"));
        assert!(!token_matches(&h, "s3cret!"));
        h.insert(header::AUTHORIZATION, "s3cret".parse().unwrap());
        assert!(!token_matches(&h, "s3cret"));
    }

    #[test]
    fn methods_outside_http_are_one_label() {
        use axum::http::Method;
        assert_eq!(method_label(&Method::POST), "POST");
        assert_eq!(method_label(&Method::TRACE), "TRACE");
        for made_up in ["XAB12", "get", "PROPFIND", "BREW"] {
            let m = Method::from_bytes(made_up.as_bytes()).unwrap();
            assert_eq!(method_label(&m), "other", "{made_up}");
        }
    }
}
