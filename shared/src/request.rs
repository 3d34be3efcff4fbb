//! What the server's edge learns about a request before any handler runs, handed to
//! the REST handlers, the page renderer and the server functions through request
//! extensions. The parsing (cookies, forwarded addresses) lives in the server crate
//! (issue 16); the UI only reads the results and writes its cookie through
//! [`session_cookie`].

/// The client's address as the edge determined it (peer address, or the forwarded one
/// with `--trust-proxy`).
#[derive(Clone, Debug)]
pub struct ClientAddr(pub String);

/// The session cookie's value, if the request carried one.
#[derive(Clone, Debug, Default)]
pub struct SessionToken(pub Option<String>);

/// How session cookies are written; set by the server from its configuration.
#[derive(Clone, Copy, Debug)]
pub struct CookiePolicy {
    /// Add `Secure` (the site is served over HTTPS).
    pub secure: bool,
}

/// A `Set-Cookie` value for the session (`None` clears it).
pub fn session_cookie(token: Option<&str>, max_age_secs: i64, policy: CookiePolicy) -> String {
    let secure = if policy.secure { "; Secure" } else { "" };
    let name = crate::SESSION_COOKIE;
    match token {
        Some(t) => {
            format!("{name}={t}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{secure}")
        }
        None => format!("{name}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}"),
    }
}

#[cfg(test)]
mod tests {
    use super::{CookiePolicy, session_cookie};

    #[test]
    fn session_cookies_are_http_only_and_secure_when_asked() {
        let c = session_cookie(Some("t1"), 60, CookiePolicy { secure: true });
        assert_eq!(
            c,
            "oc_session=t1; Path=/; HttpOnly; SameSite=Lax; Max-Age=60; Secure"
        );
        let cleared = session_cookie(None, 0, CookiePolicy { secure: false });
        assert!(cleared.starts_with("oc_session=;") && cleared.contains("Max-Age=0"));
    }
}
