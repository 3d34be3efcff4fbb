//! Issue #6: the widget loader, the frame policy, signed users and allowed domains.

mod common;

use common::{DEMO_PASSWORD, TestServer};
use reqwest::StatusCode;
use serde_json::json;

/// The loader as a host page gets it for the demo service.
async fn loader_js(s: &TestServer) -> String {
    s.http
        .get(s.url("/widget.js?service=demo"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

#[tokio::test]
async fn loader_carries_the_services_switches() {
    let s = TestServer::demo().await;
    let r = s
        .http
        .get(s.url("/widget.js?service=demo"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/javascript")
    );
    let js = r.text().await.unwrap();
    assert!(
        js.contains(
            r##"{"domains":[],"look":{"color":"#2456e8","label":{},"position":"right"},"on":true,"slug":"demo"});"##
        ),
        "{}",
        &js[js.len() - 80..]
    );
    assert!(js.trim_end().ends_with(");"));
    assert!(js.contains("data-testid','chat-icon'"));

    let admin = s.login("admin@demo.test", DEMO_PASSWORD).await;
    s.put(
        "/api/v1/settings",
        Some(&admin),
        json!({"contract": {"chat": false}}),
    )
    .await;
    let js = loader_js(&s).await;
    assert!(js.contains(r#""on":false"#), "chat off reaches the loader");
    let js = s
        .http
        .get(s.url("/widget.js?service=nope"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(js.contains(r#""on":false"#));
}

#[tokio::test]
async fn the_widget_page_may_only_be_framed_by_allowed_sites() {
    let s = TestServer::demo().await;
    let r = s
        .http
        .get(s.url("/widget/demo?locale=ko"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    // the page's script policy (issue 15) ends with the framing rule
    let csp = r.headers()["content-security-policy"].to_str().unwrap();
    assert!(csp.ends_with("frame-ancestors 'self' *"), "{csp}");
    let admin = s.login("admin@demo.test", DEMO_PASSWORD).await;
    let (status, v) = s
        .put(
            "/api/v1/settings",
            Some(&admin),
            json!({"allowed_domains": ["shop.example.com", "*.acme.test"]}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    let r = s.http.get(s.url("/widget/demo")).send().await.unwrap();
    let csp = r.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        csp.contains("https://shop.example.com")
            && csp.contains("http://*.acme.test")
            && !csp.contains(" * "),
        "{csp}"
    );
    let js = loader_js(&s).await;
    assert!(
        js.contains(r#""domains":["shop.example.com","*.acme.test"]"#),
        "the loader refuses other sites itself"
    );

    // the server refuses chats from other sites too
    s.online_agent("agent1@demo.test").await;
    let (status, v) = s
        .post(
            "/api/v1/services/demo/chats",
            None,
            json!({"consent": true, "channel_url": "https://evil.test/x"}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(v["error"], "domain_not_allowed");
    let (status, _) = s
        .post(
            "/api/v1/services/demo/chats",
            None,
            json!({"consent": true, "channel_url": "https://www.acme.test/p/1"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    // with a list set, a chat needs its page (issue 15); our own help center's page is
    // always allowed
    let (status, _) = s
        .post(
            "/api/v1/services/demo/chats",
            None,
            json!({"consent": true}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "no page, no chat");
    let (status, _) = s
        .post(
            "/api/v1/services/demo/chats",
            None,
            json!({"consent": true, "channel_url": s.url("/hc/demo")}),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::CREATED,
        "the help center itself is always allowed"
    );
    let (status, v) = s
        .put(
            "/api/v1/settings",
            Some(&admin),
            json!({"allowed_domains": ["https://x.com"]}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(v["error"], "invalid_domain");
}

#[tokio::test]
async fn signed_users_are_verified() {
    let s = TestServer::demo().await;
    let admin = s.login("admin@demo.test", DEMO_PASSWORD).await;
    let (_, settings) = s.get("/api/v1/settings", Some(&admin)).await;
    let secret = settings["identity_secret"].as_str().unwrap().to_owned();
    assert_eq!(secret.len(), 64);
    s.online_agent("agent1@demo.test").await;

    let good = engine::identity::user_hash(&secret, "member-7");
    let (status, v) = s
        .post(
            "/api/v1/services/demo/chats",
            None,
            json!({"consent": true, "user_id": "member-7", "user_hash": good}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{v}");
    for forged in [
        json!("forged"),
        json!(engine::identity::user_hash("wrong-secret", "member-7")),
        json!(null),
    ] {
        let (status, v) = s
            .post(
                "/api/v1/services/demo/chats",
                None,
                json!({"consent": true, "user_id": "member-7", "user_hash": forged}),
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert_eq!(v["error"], "identity_invalid");
    }
    // only signed users when the admin says so
    s.put(
        "/api/v1/settings",
        Some(&admin),
        json!({"require_signed_user": true}),
    )
    .await;
    let (status, v) = s
        .post(
            "/api/v1/services/demo/chats",
            None,
            json!({"consent": true}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(v["error"], "identity_required");
    let (status, _) = s
        .post(
            "/api/v1/services/demo/chats",
            None,
            json!({"consent": true, "user_id": "member-7", "user_hash": good}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
}

/// Issue 33: the widget's chat opened without a locale (no `data-locale` on the host
/// page) speaks the visitor's browser language among the service's languages — an
/// English browser gets English where the service offers it, its default otherwise;
/// the loader no longer forces Korean.
#[tokio::test]
async fn the_widget_follows_the_browsers_language_among_the_services() {
    let s = TestServer::demo().await;
    let page = |s: &TestServer, accept: &'static str| {
        let req = s
            .http
            .get(s.url("/widget/demo?host=https%3A%2F%2Fshop.example.com"))
            .header("accept-language", accept);
        async move { req.send().await.unwrap().text().await.unwrap() }
    };
    let html = page(&s, "en-US,en;q=0.9").await;
    assert!(html.contains(r#"lang="en""#), "an English browser: English");
    assert!(
        html.contains("<title>Chat</title>"),
        "the window's title in English"
    );
    let html = page(&s, "ko-KR,ko;q=0.9,en;q=0.8").await;
    assert!(html.contains(r#"lang="ko""#), "a Korean browser: Korean");
    // a service that offers only Korean: Korean for everyone
    let admin = s.login("admin@demo.test", DEMO_PASSWORD).await;
    s.put("/api/v1/settings", Some(&admin), json!({"locales": ["ko"]}))
        .await;
    let html = page(&s, "en-US,en;q=0.9").await;
    assert!(
        html.contains("<title>채팅 상담</title>") && html.contains(r#"lang="ko""#),
        "fitted to the service's languages"
    );
    // the loader passes a locale only when the host page sets one
    let js = loader_js(&s).await;
    assert!(!js.contains("||'ko'"), "no forced Korean");
}

/// Issue 33: the widget wears the service's brand — a colour white text reads on
/// (refused with the contrast and field otherwise), the corner, the launcher's label and
/// the window's welcome lines per language — in the loader and the chat page at once,
/// without a rebuild; the help center takes the same colour.
#[tokio::test]
async fn the_widget_wears_the_services_brand() {
    let s = TestServer::demo().await;
    let admin = s.login("admin@demo.test", DEMO_PASSWORD).await;
    // too pale for white text: 422 naming the field, with the ratio
    let (status, v) = s
        .put(
            "/api/v1/settings",
            Some(&admin),
            json!({"appearance": {"color": "#ffd400"}}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(
        v["message"].as_str().unwrap().contains("appearance.color"),
        "{v}"
    );
    assert!(v["message"].as_str().unwrap().contains("4.5:1"), "{v}");
    let look = json!({"color": "#0B6E4F", "position": "left",
                      "launcher_label": {"ko": "상담하기", "en": "Talk to us"},
                      "welcome_title": {"ko": "그린마켓 고객센터", "en": "Green Market support"},
                      "welcome_subtitle": {"ko": "평균 2분 안에 답해 드려요"}});
    let (status, v) = s
        .put(
            "/api/v1/settings",
            Some(&admin),
            json!({"appearance": look}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["appearance"]["color"], "#0b6e4f", "tidied: {v}");
    assert_eq!(v["appearance"]["position"], "left");

    let js = loader_js(&s).await;
    assert!(
        js.contains(r##""color":"#0b6e4f""##),
        "the loader carries the colour"
    );
    assert!(js.contains(r#""position":"left""#));
    assert!(js.contains("상담하기") && js.contains("Talk to us"));

    let (_, info) = s.get("/api/v1/services/demo", None).await;
    assert_eq!(
        info["appearance"]["welcome_title"]["ko"],
        "그린마켓 고객센터"
    );
    for page in ["/widget/demo?locale=ko", "/hc/demo"] {
        let html = s
            .http
            .get(s.url(page))
            .header("cookie", "oc_lang=ko")
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            html.contains("--c-primary:#0b6e4f"),
            "{page} wears the colour"
        );
    }
}
