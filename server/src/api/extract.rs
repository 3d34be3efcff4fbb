//! Extractors of the REST edge: JSON bodies with our error shape, and authentication
//! (`AgentAuth`, `AdminAuth`) from `Authorization: Bearer` or the session cookie.

use crate::session::session_token;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use engine::Caller;
use serde::de::DeserializeOwned;
use shared::request::ClientAddr;

use super::ApiError;
use crate::AppState;

/// `axum::Json`, but a broken body answers in the API's error shape:
/// 415 without a JSON content type, 400 for malformed JSON, 422 for wrong fields —
/// and 422 for JSON that is not an object (issue 30: serde reads a struct from an
/// array too, so `[null, null]` was taken as an empty settings update). Every body
/// of the API is an object.
pub struct ApiJson<T>(pub T);

/// Whether `headers` declare JSON (`application/json`, or `application/…+json`).
fn declares_json(headers: &axum::http::HeaderMap) -> bool {
    headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|m| m.trim().to_ascii_lowercase())
        .is_some_and(|m| {
            m == "application/json" || (m.starts_with("application/") && m.ends_with("+json"))
        })
}

/// The body of a request, bounded by the body limit (413 in our shape past it).
async fn body_bytes<S: Send + Sync>(
    req: Request,
    state: &S,
) -> Result<axum::body::Bytes, ApiError> {
    axum::body::Bytes::from_request(req, state)
        .await
        .map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    shared::ErrorCode::BodyTooLarge,
                    format!(
                        "the request body is larger than {} KiB",
                        crate::api::MAX_BODY_BYTES / 1024
                    ),
                )
            } else {
                ApiError::new(
                    StatusCode::BAD_REQUEST,
                    shared::ErrorCode::BadRequest,
                    rejection.body_text(),
                )
            }
        })
}

fn json_required() -> ApiError {
    ApiError::new(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        shared::ErrorCode::JsonRequired,
        "send the body as JSON with `Content-Type: application/json`",
    )
}

/// A JSON object's bytes read as `T`: 400 for malformed JSON, 422 for JSON that is not
/// an object or has wrong fields.
fn json_object<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
    if first != Some(&b'{') {
        return Err(
            match serde_json::from_slice::<serde::de::IgnoredAny>(bytes) {
                Ok(_) => ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    shared::ErrorCode::InvalidFields,
                    "the body must be a JSON object",
                ),
                Err(e) => ApiError::new(
                    StatusCode::BAD_REQUEST,
                    shared::ErrorCode::InvalidJson,
                    e.to_string(),
                ),
            },
        );
    }
    match axum::Json::<T>::from_bytes(bytes) {
        Ok(axum::Json(v)) => Ok(v),
        Err(JsonRejection::JsonDataError(e)) => whole_numbers_as_integers(bytes).ok_or_else(|| {
            ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                shared::ErrorCode::InvalidFields,
                e.body_text(),
            )
        }),
        Err(other) => Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            shared::ErrorCode::InvalidJson,
            other.body_text(),
        )),
    }
}

/// A second reading of a body serde refused, with every whole-number float (`312.0`,
/// `2e3`) made an integer: JSON Schema counts them as integers, so the document's
/// `integer` fields must take them (schemathesis sends them); serde's integer types
/// do not. Tried only after the typed reading failed, so the usual body costs one
/// parse. `None` when the body still does not fit (the first error is answered).
fn whole_numbers_as_integers<T: DeserializeOwned>(bytes: &[u8]) -> Option<T> {
    fn walk(v: &mut serde_json::Value) -> bool {
        match v {
            serde_json::Value::Number(n) => match n.as_f64() {
                // within ±2^63 a whole f64 converts exactly
                Some(f) if n.is_f64() && f.fract() == 0.0 && f.abs() < 9.2e18 => {
                    *v = serde_json::Value::from(f as i64);
                    true
                }
                _ => false,
            },
            serde_json::Value::Array(items) => items.iter_mut().fold(false, |c, i| walk(i) | c),
            serde_json::Value::Object(map) => map.values_mut().fold(false, |c, i| walk(i) | c),
            _ => false,
        }
    }
    let mut value: serde_json::Value = serde_json::from_slice(bytes).ok()?;
    if !walk(&mut value) {
        return None;
    }
    serde_json::from_value(value).ok()
}

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        if !declares_json(req.headers()) {
            return Err(json_required());
        }
        let bytes = body_bytes(req, state).await?;
        json_object(&bytes).map(ApiJson)
    }
}

/// `Option<ApiJson<T>>`: an optional body — none at all, or JSON `null`, is `None`;
/// anything else goes through the same checks as a required one.
impl<T: DeserializeOwned, S: Send + Sync> axum::extract::OptionalFromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Option<Self>, Self::Rejection> {
        let declared = declares_json(req.headers());
        let bytes = body_bytes(req, state).await?;
        let text = bytes.trim_ascii();
        if text.is_empty() || (declared && text == b"null") {
            return Ok(None);
        }
        if !declared {
            return Err(json_required());
        }
        json_object(&bytes).map(|v| Some(ApiJson(v)))
    }
}

/// `axum::extract::Query`, but a query string that cannot be read (bad percent-encoding,
/// a missing or mistyped field) answers 400 `invalid_query` in the API's error shape.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Query(v)| ApiQuery(v))
            .map_err(|e| {
                ApiError::new(
                    StatusCode::BAD_REQUEST,
                    shared::ErrorCode::InvalidQuery,
                    e.body_text(),
                )
            })
    }
}

/// A typed path segment (an id) whose text cannot be one answers 404 `not_found` in
/// the API's error shape (issue 30: axum's own rejection was a plain-text 400) — no
/// such thing exists, the same answer as an id of another service.
pub struct ApiPath<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Path(v)| ApiPath(v))
            .map_err(|_| {
                ApiError::new(
                    StatusCode::NOT_FOUND,
                    shared::ErrorCode::NotFound,
                    "no such thing",
                )
            })
    }
}

/// The token of a request: `Authorization: Bearer <token>`, else the session cookie.
pub fn request_token(parts: &Parts) -> Option<String> {
    request_token_from(&parts.headers).map(|(token, _)| token)
}

/// Where a request's token came from. Only a cookie is attached by the browser on its
/// own, so only cookie-authenticated requests need the same-origin checks (CSRF,
/// cross-site WebSocket hijacking).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenSource {
    Bearer,
    Cookie,
}

/// The token and its source: `Authorization: Bearer`, else the session cookie.
pub fn request_token_from(headers: &axum::http::HeaderMap) -> Option<(String, TokenSource)> {
    headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(|t| (t.trim().to_owned(), TokenSource::Bearer))
        .or_else(|| session_token(headers).map(|t| (t, TokenSource::Cookie)))
}

/// An authenticated agent or admin of some service.
pub struct AgentAuth(pub Caller);

impl FromRequestParts<AppState> for AgentAuth {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let token = request_token(parts).ok_or_else(|| {
            ApiError::new(
                StatusCode::UNAUTHORIZED,
                shared::ErrorCode::Unauthenticated,
                "sign in first: send `Authorization: Bearer <token>`",
            )
        })?;
        let caller = state.engine.authenticate(&token).await?;
        // a service that requires two-factor login lets an account without it only set
        // it up, read its profile and sign out (issue 21)
        // (inside the nested `/api/v1` router the URI has lost its prefix)
        let path = parts
            .extensions
            .get::<axum::extract::OriginalUri>()
            .map_or_else(|| parts.uri.path().to_owned(), |u| u.path().to_owned());
        let path = path.as_str();
        let exempt = path.starts_with("/api/v1/account/two-factor")
            || path.starts_with("/api/v1/auth/")
            || path == "/api/v1/agent/me";
        if !exempt {
            caller.require_two_factor_set_up()?;
        }
        Ok(AgentAuth(caller))
    }
}

/// An authenticated admin; agents get 403 `admin_only`.
pub struct AdminAuth(pub Caller);

impl FromRequestParts<AppState> for AdminAuth {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let AgentAuth(caller) = AgentAuth::from_request_parts(parts, state).await?;
        caller.require_admin()?;
        Ok(AdminAuth(caller))
    }
}

/// The client address the edge middleware determined.
pub struct Client(pub String);

impl<S: Send + Sync> FromRequestParts<S> for Client {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Client(
            parts
                .extensions
                .get::<ClientAddr>()
                .map(|a| a.0.clone())
                .unwrap_or_else(|| "unknown".into()),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_number_floats_are_read_as_integers() {
        let r: shared::RatingRequest = json_object(br#"{"score": 5.0, "comment": null}"#)
            .unwrap_or_else(|_| panic!("5.0 is a whole number"));
        assert_eq!(r.score, 5);
        let r: shared::MaskRequest =
            json_object(br#"{"start": 2e1, "end": 312.0}"#).unwrap_or_else(|_| panic!("whole"));
        assert_eq!((r.start, r.end), (20, 312));
        for broken in [
            &br#"{"score": 4.5}"#[..],
            br#"{"score": 1e300}"#,
            br#"{"score": "5"}"#,
        ] {
            let e = json_object::<shared::RatingRequest>(broken)
                .err()
                .expect("refused");
            assert_eq!(e.status, StatusCode::UNPROCESSABLE_ENTITY, "{broken:?}");
        }
    }
}
