//! Reading the session cookie of a request (issue 16: the edges parse requests; the UI
//! crate only reads the [`shared::request::SessionToken`] the edge put into the request).

use axum::http::HeaderMap;

/// The value of the session cookie of a request, if any.
pub fn session_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == shared::SESSION_COOKIE)
        .map(|(_, v)| v.to_owned())
}

#[cfg(test)]
mod tests {
    use super::session_token;
    use axum::http::{HeaderMap, HeaderValue, header::COOKIE};

    #[test]
    fn the_session_cookie_is_found_among_others() {
        let mut h = HeaderMap::new();
        h.append(
            COOKIE,
            HeaderValue::from_static("oc_lang=ko; oc_session=abc"),
        );
        assert_eq!(session_token(&h).as_deref(), Some("abc"));
        let mut other = HeaderMap::new();
        other.append(COOKIE, HeaderValue::from_static("x_oc_session=abc"));
        assert_eq!(session_token(&other), None);
    }
}
