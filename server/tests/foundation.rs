//! Issue #2: process, accounts, auth, tenancy, pages — against the real server.

mod common;

use common::{DEMO_PASSWORD, TestServer};
use reqwest::StatusCode;
use serde_json::{Value, json};

#[tokio::test]
async fn healthz_answers_when_the_database_does() {
    let s = TestServer::demo().await;
    let (status, body) = s.get("/healthz", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["database"], "ok");
}

#[tokio::test]
async fn login_gives_a_token_that_identifies_the_agent() {
    let s = TestServer::demo().await;
    let r = s
        .http
        .post(s.url("/api/v1/auth/login"))
        .json(&json!({"email": "Agent1@demo.test ", "password": DEMO_PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let v: Value = r.json().await.unwrap();
    assert!(v["token"].as_str().unwrap().len() > 40);
    assert_eq!(v["agent"]["email"], "agent1@demo.test");
    assert_eq!(v["agent"]["role"], "agent");
    assert_eq!(v["agent"]["service"], "demo");
    assert!(v["agent"]["id"].is_string(), "ids are strings");

    let token = v["token"].as_str().unwrap();
    let (status, me) = s.get("/api/v1/agent/me", Some(token)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["name"], "김상담");

    // logout ends the token
    let r = s
        .http
        .post(s.url("/api/v1/auth/logout"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let (status, body) = s.get("/api/v1/agent/me", Some(token)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["error"], "unauthenticated");
}

#[tokio::test]
async fn wrong_credentials_are_401_in_the_error_shape() {
    let s = TestServer::demo().await;
    for (email, password) in [
        ("agent1@demo.test", "wrong-password"),
        ("nobody@demo.test", DEMO_PASSWORD),
    ] {
        let r = s
            .http
            .post(s.url("/api/v1/auth/login"))
            .json(&json!({"email": email, "password": password}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
        let v: Value = r.json().await.unwrap();
        assert_eq!(v["error"], "invalid_credentials");
        assert!(
            v["message"]
                .as_str()
                .unwrap()
                .contains("wrong email or password")
        );
    }
    let (status, body) = s.get("/api/v1/agent/me", Some("oc_forged")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["error"], "unauthenticated");
}

#[tokio::test]
async fn repeated_failures_are_throttled_with_retry_after() {
    let s = TestServer::demo().await;
    let attempt = |password: &'static str| {
        s.http
            .post(s.url("/api/v1/auth/login"))
            .json(&json!({"email": "agent2@demo.test", "password": password}))
            .send()
    };
    for _ in 0..engine::throttle::MAX_PER_ACCOUNT {
        assert_eq!(
            attempt("wrong-password").await.unwrap().status(),
            StatusCode::UNAUTHORIZED
        );
    }
    let r = attempt(DEMO_PASSWORD).await.unwrap();
    assert_eq!(
        r.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "even the right password waits"
    );
    let retry: u64 = r.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry > 0 && retry <= engine::throttle::WINDOW.as_secs());
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["error"], "too_many_attempts");
    // other accounts are unaffected
    s.login("agent1@demo.test", DEMO_PASSWORD).await;
}

#[tokio::test]
async fn junk_input_gets_a_clear_4xx() {
    let s = TestServer::demo().await;
    let post = |body: &'static str, ct: Option<&'static str>| {
        let mut r = s.http.post(s.url("/api/v1/auth/login")).body(body);
        if let Some(ct) = ct {
            r = r.header("content-type", ct);
        }
        r.send()
    };
    let cases = [
        (
            post("{not json", Some("application/json")).await.unwrap(),
            StatusCode::BAD_REQUEST,
            "invalid_json",
        ),
        (
            post(r#"{"email": 5}"#, Some("application/json"))
                .await
                .unwrap(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_fields",
        ),
        // issue 30: JSON that is not an object is no request body of ours
        (
            post("[null, null]", Some("application/json"))
                .await
                .unwrap(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_fields",
        ),
        (
            post(r#"{"email":"a@b.c","password":"x"}"#, None)
                .await
                .unwrap(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "json_required",
        ),
    ];
    for (r, status, code) in cases {
        assert_eq!(r.status(), status);
        let v: Value = r.json().await.unwrap();
        assert_eq!(v["error"], code);
        assert!(!v["message"].as_str().unwrap().is_empty());
    }
    let (status, v) = s.get("/api/v1/no/such/thing", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(v["error"], "no_such_endpoint");
    // an id that cannot be one is "not found" in the error shape, not axum's plain 400
    // (issue 30)
    let agent = s.login("agent1@demo.test", DEMO_PASSWORD).await;
    let r = s
        .http
        .delete(s.url("/api/v1/canned-replies/exp_not-an-id"))
        .bearer_auth(&agent)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["error"], "not_found");
    let r = s
        .http
        .delete(s.url("/api/v1/auth/login"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::METHOD_NOT_ALLOWED);
    let (status, v) = s
        .get(
            "/api/v1/agents/not-a-number",
            Some(&s.login("admin@demo.test", DEMO_PASSWORD).await),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(v["error"], "not_found");
}

#[tokio::test]
async fn demo_seed_is_idempotent() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("oc.db");
    let s = TestServer::start_on(&path, true).await;
    let admin = s.login("admin@demo.test", DEMO_PASSWORD).await;
    let (_, first_agents) = s.get("/api/v1/agents", Some(&admin)).await;
    let (_, first_service) = s.get("/api/v1/service", Some(&admin)).await;
    assert_eq!(first_agents.as_array().unwrap().len(), 3);
    assert_eq!(
        first_service["contract"],
        json!({"chat": true, "security_service": true})
    );
    s.stop().await;

    let s = TestServer::start_on(&path, true).await;
    let admin = s.login("admin@demo.test", DEMO_PASSWORD).await;
    let (_, agents) = s.get("/api/v1/agents", Some(&admin)).await;
    let (_, service) = s.get("/api/v1/service", Some(&admin)).await;
    assert_eq!(
        agents, first_agents,
        "second start created or changed no account"
    );
    assert_eq!(service, first_service);
    s.stop().await;
}

#[tokio::test]
async fn service_create_makes_a_tenant_and_refuses_a_taken_slug() {
    let s = TestServer::demo().await;
    common::create_acme(&s.db_url).await;
    let boss = s.login("boss@acme.test", "acme-password").await;
    let (_, me) = s.get("/api/v1/agent/me", Some(&boss)).await;
    assert_eq!(me["role"], "admin");
    assert_eq!(me["service"], "acme");

    use clap::Parser;
    let again = server::config::Cli::try_parse_from([
        "online-contact",
        "service",
        "create",
        "--database-url",
        &s.db_url,
        "--slug",
        "acme",
        "--name",
        "Other",
        "--admin-email",
        "other@acme.test",
        "--admin-password",
        "other-password",
    ])
    .unwrap();
    let err = server::run(again).await.unwrap_err();
    assert!(err.to_string().contains("already exists"), "{err}");
    // nothing half-made: the second admin does not exist
    let r = s
        .http
        .post(s.url("/api/v1/auth/login"))
        .json(&json!({"email": "other@acme.test", "password": "other-password"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);

    let bad = server::config::Cli::try_parse_from([
        "online-contact",
        "service",
        "create",
        "--database-url",
        &s.db_url,
        "--slug",
        "Bad Slug",
        "--name",
        "X",
        "--admin-email",
        "x@x.test",
        "--admin-password",
        "long-enough",
    ])
    .unwrap();
    assert!(
        server::run(bad)
            .await
            .unwrap_err()
            .to_string()
            .contains("slug")
    );
}

#[tokio::test]
async fn one_service_never_sees_another() {
    let s = TestServer::demo().await;
    common::create_acme(&s.db_url).await;
    let boss = s.login("boss@acme.test", "acme-password").await;
    let demo_admin = s.login("admin@demo.test", DEMO_PASSWORD).await;

    let (_, acme_agents) = s.get("/api/v1/agents", Some(&boss)).await;
    let emails: Vec<&str> = acme_agents
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["email"].as_str().unwrap())
        .collect();
    assert_eq!(emails, ["boss@acme.test"]);
    let (_, demo_agents) = s.get("/api/v1/agents", Some(&demo_admin)).await;
    assert_eq!(demo_agents.as_array().unwrap().len(), 3);

    // another tenant's id is 404, not 403
    let demo_agent_id = demo_agents[0]["id"].as_str().unwrap();
    let (status, body) = s
        .get(&format!("/api/v1/agents/{demo_agent_id}"), Some(&boss))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["error"], "not_found");
    let acme_id = acme_agents[0]["id"].as_str().unwrap();
    let (status, _) = s
        .get(&format!("/api/v1/agents/{acme_id}"), Some(&demo_admin))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, own) = s
        .get(&format!("/api/v1/agents/{acme_id}"), Some(&boss))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(own["email"], "boss@acme.test");

    let (_, service) = s.get("/api/v1/service", Some(&boss)).await;
    assert_eq!(service["slug"], "acme");
    assert_eq!(service["contract"]["chat"], false);
}

#[tokio::test]
async fn agents_are_refused_admin_endpoints() {
    let s = TestServer::demo().await;
    let agent = s.login("agent1@demo.test", DEMO_PASSWORD).await;
    for path in ["/api/v1/agents", "/api/v1/service"] {
        let (status, body) = s.get(path, Some(&agent)).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
        assert_eq!(body["error"], "admin_only");
    }
    let (status, _) = s.get("/api/v1/agents", None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn pages_render_with_the_right_status() {
    let s = TestServer::demo().await;
    let (status, html) = s.get_html("/hc/demo", None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("데모 쇼핑"),
        "service name on the help center"
    );
    assert!(html.contains("무엇을 도와드릴까요?"), "Korean by default");
    assert!(html.contains(r#"lang="ko""#));

    let r = s
        .http
        .get(s.url("/hc/demo"))
        .header("cookie", "oc_lang=en")
        .send()
        .await
        .unwrap();
    let html = r.text().await.unwrap();
    assert!(html.contains("How can we help?"), "English when chosen");

    for path in ["/hc/no-such-service", "/no/such/page"] {
        let (status, html) = s.get_html(path, None).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert!(
            html.contains("data-testid=\"not-found\""),
            "{path} shows the 404 page"
        );
        assert!(html.contains("페이지를 찾을 수 없습니다"));
    }

    // console: login form without a session, the frame with one
    let (status, html) = s.get_html("/console", None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("data-testid=\"login-email\""));
    let agent = s.login("agent1@demo.test", DEMO_PASSWORD).await;
    let (_, html) = s.get_html("/console", Some(&agent)).await;
    assert!(html.contains("data-testid=\"console\""));
    assert!(html.contains("김상담"));
    assert!(
        !html.contains("data-testid=\"nav-admin\""),
        "agents get no admin link"
    );

    // admin page: 403 for agents, the real settings for admins, a login pointer otherwise
    let (status, html) = s.get_html("/admin", Some(&agent)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(html.contains("data-testid=\"forbidden\""));
    let admin = s.login("admin@demo.test", DEMO_PASSWORD).await;
    let (status, html) = s.get_html("/admin", Some(&admin)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("agent2@demo.test"));
    let (status, _) = s.get_html("/admin", None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn browser_login_sets_an_httponly_lax_cookie() {
    let s = TestServer::demo().await;
    let r = s
        .http
        .post(s.url("/sfn/login"))
        .header("accept", "application/json")
        .form(&[("email", "agent1@demo.test"), ("password", DEMO_PASSWORD)])
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "{}", r.status());
    let cookie = r.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(cookie.starts_with("oc_session=oc_"), "{cookie}");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/"),
        "{cookie}"
    );
    let token = cookie
        .split(';')
        .next()
        .unwrap()
        .trim_start_matches("oc_session=")
        .to_owned();
    // the cookie is a session for the REST API too
    let r = s
        .http
        .get(s.url("/api/v1/agent/me"))
        .header("cookie", format!("oc_session={token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);

    // a wrong password sets no cookie
    let r = s
        .http
        .post(s.url("/sfn/login"))
        .header("accept", "application/json")
        .form(&[("email", "agent1@demo.test"), ("password", "nope-nope")])
        .send()
        .await
        .unwrap();
    assert!(r.headers().get("set-cookie").is_none());
}

#[tokio::test]
async fn openapi_describes_the_endpoints() {
    let s = TestServer::demo().await;
    let (status, doc) = s.get("/api/v1/openapi.json", None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    for path in [
        "/api/v1/auth/login",
        "/api/v1/agents/{id}",
        "/healthz",
        "/api/v1/chats/{id}/files",
        "/api/v1/files/{id}",
        "/api/v1/files/{id}/thumbnail",
        "/api/v1/chats/{id}/messages/{message_id}/file-mask",
    ] {
        assert!(doc["paths"].get(path).is_some(), "{path} documented");
    }
    assert!(doc["components"]["schemas"].get("LoginResponse").is_some());
}

#[tokio::test]
async fn graceful_shutdown_checkpoints_the_wal() {
    if common::backend() != common::Backend::Sqlite {
        eprintln!("SQLite-only: PostgreSQL has no WAL file beside the data");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("oc.db");
    let s = TestServer::start_on(&path, true).await;
    s.login("agent1@demo.test", DEMO_PASSWORD).await;
    let wal = dir.path().join("oc.db-wal");
    s.stop().await;
    let wal_len = std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0);
    assert_eq!(
        wal_len, 0,
        "the WAL was checkpointed and truncated at shutdown"
    );
    // WAL mode persists in the file header
    let header = std::fs::read(&path).unwrap();
    assert_eq!(&header[18..20], &[2, 2], "database file is in WAL mode");
}

/// Pages keep answering while another server starts in the same process (the tests and
/// several instances do this): listing the page routes switched resource loading off for
/// the whole process, which left renders of the running server waiting forever (about one
/// render in ten thousand; a CI run timed out on it). Each page request gets 10 s — a
/// liveness bound, not a speed target (they answer in milliseconds).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_answer_while_another_server_starts() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::time::Duration;
    let s = Arc::new(TestServer::demo().await);
    let starting = Arc::new(AtomicBool::new(true));
    let mut renders = Vec::new();
    for path in ["/admin", "/console", "/hc/demo", "/console"] {
        let (s, starting) = (s.clone(), starting.clone());
        renders.push(tokio::spawn(async move {
            let mut n = 0;
            while starting.load(Ordering::Relaxed) {
                let answer = tokio::time::timeout(Duration::from_secs(10), s.get_html(path, None));
                assert!(answer.await.is_ok(), "{path} did not answer (request {n})");
                n += 1;
            }
            n
        }));
    }
    let mut started = Vec::new();
    for _ in 0..30 {
        started.push(TestServer::demo().await);
    }
    starting.store(false, Ordering::Relaxed);
    let mut rendered = 0;
    for r in renders {
        rendered += r.await.unwrap();
    }
    assert!(rendered > 0);
}

/// Issue 17: customers' pages load the lean `customer` bundle and agents' pages the
/// whole one, both under content-hashed names served with a year-long immutable policy;
/// a precompressed copy is sent as it is; unhashed names are `no-cache`.
#[tokio::test]
async fn bundles_are_split_hashed_and_precompressed() {
    let site = tempfile::tempdir().unwrap();
    let pkg = site.path().join("pkg");
    std::fs::create_dir(&pkg).unwrap();
    for (name, body) in [
        ("online-contact.js", "export default 1; // agents"),
        ("online-contact.wasm", "agents wasm"),
        ("online-contact.css", "body{}"),
        ("customer.js", "export default 2; // customers"),
        ("customer_bg.wasm", "customers wasm"),
    ] {
        std::fs::write(pkg.join(name), body).unwrap();
    }
    // a brotli copy of the customers' wasm, written after it (fresh)
    std::thread::sleep(std::time::Duration::from_millis(20));
    std::fs::write(pkg.join("customer_bg.wasm.br"), b"BROTLI BYTES").unwrap();
    let s = TestServer::start_demo_with_site(site.path().to_owned()).await;

    // every /pkg/ address a page names
    let links = |html: &str| -> Vec<String> {
        html.match_indices("/pkg/")
            .map(|(i, _)| {
                let rest = &html[i..];
                let end = rest.find(['"', '\'', ')', '&']).unwrap_or(rest.len());
                rest[..end].to_owned()
            })
            .collect()
    };
    // the customers' bundle and the shared stylesheet, nothing of the agents'
    let customers_only = |links: &[String]| {
        links
            .iter()
            .all(|l| l.starts_with("/pkg/customer") || l.ends_with(".css"))
    };
    // a file under /pkg as a client taking these encodings gets it
    let fetch = |path: &str, encodings: &str| {
        s.http
            .get(s.url(path))
            .header("accept-encoding", encodings)
            .send()
    };
    let (status, hc) = s.get_html("/hc/demo", None).await;
    assert_eq!(status, StatusCode::OK);
    let hc_links = links(&hc);
    assert!(
        customers_only(&hc_links),
        "the help center loads no agents' code: {hc_links:?}"
    );
    let wasm = hc_links
        .iter()
        .find(|l| l.starts_with("/pkg/customer_bg.") && l.ends_with(".wasm"))
        .cloned()
        .expect("the help center loads the customers' wasm");
    assert_eq!(
        wasm.len(),
        "/pkg/customer_bg.".len() + 16 + ".wasm".len(),
        "{wasm}"
    );
    assert!(hc.contains("hydrate_customer"));
    let (_, widget) = s
        .get_html("/widget/demo?locale=ko&host=http%3A%2F%2Fx.test", None)
        .await;
    let widget_links = links(&widget);
    assert!(
        widget_links.contains(&wasm),
        "the widget loads the same lean bundle"
    );
    assert!(customers_only(&widget_links), "{widget_links:?}");

    let (_, console) = s.get_html("/console", None).await;
    let console_links = links(&console);
    assert!(
        console_links
            .iter()
            .all(|l| !l.starts_with("/pkg/customer")),
        "agents' pages load the whole bundle: {console_links:?}"
    );
    let agents_js = console_links
        .iter()
        .find(|l| l.starts_with("/pkg/online-contact.") && l.ends_with(".js"))
        .cloned()
        .expect("the console loads the agents' script");

    // hashed: immutable for a year; the brotli copy as it is to a client that takes it
    let r = fetch(&wasm, "br, gzip").await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        r.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert_eq!(r.headers()["content-encoding"], "br");
    assert_eq!(r.bytes().await.unwrap().as_ref(), b"BROTLI BYTES");
    // ... and the file itself to one that does not
    let r = fetch(&wasm, "identity").await.unwrap();
    assert!(r.headers().get("content-encoding").is_none());
    assert_eq!(r.bytes().await.unwrap().as_ref(), b"customers wasm");
    let r = s.http.get(s.url(&agents_js)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        r.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    // an old or made-up hash is not the file; the plain name is never cached blindly
    let (status, _) = s
        .get_html("/pkg/customer_bg.0000000000000000.wasm", None)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let r = s.http.get(s.url("/pkg/customer.js")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["cache-control"], "no-cache");
}
