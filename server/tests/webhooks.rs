//! Issue 21: webhooks against a real HTTP receiver on loopback — events of a chat's
//! life arrive signed (`X-Signature` = HMAC-SHA256 of the body with the webhook's
//! secret), a failing receiver is retried with back-off until it answers, the admin
//! sees the delivery log; URLs to loopback and private ranges are refused unless the
//! operator allows them (SSRF); on two PostgreSQL instances each event is delivered once.

mod common;

use std::sync::{Arc, Mutex};

use axum::http::HeaderMap;
use common::{DEMO_PASSWORD, TestServer};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// What the receiver got: (headers, body).
type Got = Arc<Mutex<Vec<(HeaderMap, String)>>>;

/// An HTTP receiver on loopback answering 500 to its first `fail_first` calls, then 200.
async fn receiver(fail_first: usize) -> (String, Got) {
    let got: Got = Arc::default();
    let seen = got.clone();
    let calls = Arc::new(Mutex::new(0usize));
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |headers: HeaderMap, body: String| {
            let (seen, calls) = (seen.clone(), calls.clone());
            async move {
                let n = {
                    let mut c = calls.lock().unwrap();
                    *c += 1;
                    *c
                };
                if n <= fail_first {
                    return StatusCode::INTERNAL_SERVER_ERROR;
                }
                seen.lock().unwrap().push((headers, body));
                StatusCode::OK
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, got)
}

/// Waits until `got` holds `n` calls (or fails after 20 s).
async fn wait_for(got: &Got, n: usize) -> Vec<(HeaderMap, Value)> {
    for _ in 0..400 {
        if got.lock().unwrap().len() >= n {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let calls = got.lock().unwrap().clone();
    assert!(
        calls.len() >= n,
        "{} of {n} deliveries arrived",
        calls.len()
    );
    calls
        .into_iter()
        .map(|(h, b)| {
            // the signature is the body's HMAC under the secret (checked by the caller)
            (h, serde_json::from_str(&b).unwrap())
        })
        .collect()
}

fn allow_private(a: &mut server::config::ServeArgs) {
    a.webhooks_allow_private = true;
    a.webhook_retry_scale = 0.05; // 10 s → 0.5 s
}

#[tokio::test]
async fn events_arrive_signed_and_failures_are_retried() {
    let (url, got) = receiver(2).await;
    let s = TestServer::demo_with(allow_private).await;
    let admin = s.login("admin@demo.test", DEMO_PASSWORD).await;
    let agent = s.online_agent("agent1@demo.test").await;
    let (st, v) = s
        .post(
            "/api/v1/webhooks",
            Some(&agent),
            json!({"url": url, "events": ["chat.ended"]}),
        )
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN, "admins only: {v}");
    let (st, hook) = s
        .post(
            "/api/v1/webhooks",
            Some(&admin),
            json!({"url": url, "events": ["chat.started", "chat.assigned", "chat.ended", "chat.rated"]}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{hook}");
    let secret = hook["secret"].as_str().unwrap().to_owned();
    assert_eq!(secret.len(), 64);

    let (chat, customer) = s.start_chat(json!({"consent": true, "name": "웹훅"})).await;
    s.end_chat(&chat, &agent).await;
    s.post(
        &format!("/api/v1/chats/{chat}/rating"),
        Some(&customer),
        json!({"score": 5}),
    )
    .await;
    let calls = wait_for(&got, 4).await;
    let events: Vec<&str> = calls
        .iter()
        .map(|(_, b)| b["event"].as_str().unwrap())
        .collect();
    for e in ["chat.started", "chat.assigned", "chat.ended", "chat.rated"] {
        assert_eq!(
            events.iter().filter(|x| **x == e).count(),
            1,
            "{e} once: {events:?}"
        );
    }
    for (h, body) in &calls {
        assert_eq!(body["data"]["chat_id"], chat.as_str());
        assert_eq!(h["x-webhook-event"], body["event"].as_str().unwrap());
    }
    // the signature over the exact bytes received
    let (headers, raw) = got.lock().unwrap()[0].clone();
    let expected = format!("sha256={}", engine::webhooks::signature(&secret, &raw));
    assert_eq!(headers["x-signature"].to_str().unwrap(), expected);
    assert!(
        !raw.contains("웹훅"),
        "no customer personal data in payloads: {raw}"
    );
    let rated = calls
        .iter()
        .find(|(_, b)| b["event"] == "chat.rated")
        .unwrap();
    assert_eq!(rated.1["data"]["score"], 5);

    // the first two calls failed: the log shows the retries and the end state
    let (_, hooks) = s.get("/api/v1/webhooks", Some(&admin)).await;
    let deliveries = hooks[0]["deliveries"].as_array().unwrap();
    assert!(
        deliveries.iter().all(|d| d["state"] == "delivered"),
        "{hooks}"
    );
    let attempts: i64 = deliveries
        .iter()
        .map(|d| d["attempts"].as_i64().unwrap())
        .sum();
    assert_eq!(attempts, 4 + 2, "two failures retried: {hooks}");
    assert!(
        deliveries
            .iter()
            .all(|d| d["last_status"].is_null() || d["last_status"] == 200)
    );

    // deleting the webhook stops deliveries
    let id = hook["id"].as_str().unwrap();
    let r = s
        .http
        .delete(s.url(&format!("/api/v1/webhooks/{id}")))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let (_, hooks) = s.get("/api/v1/webhooks", Some(&admin)).await;
    assert_eq!(hooks, json!([]));
}

#[tokio::test]
async fn private_addresses_and_bad_input_are_refused() {
    let s = TestServer::demo().await;
    let admin = s.login("admin@demo.test", DEMO_PASSWORD).await;
    for url in [
        "http://127.0.0.1:9/hook",
        "http://localhost/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://10.0.0.8/",
        "http://[::1]/x",
        "http://0x7f000001/",
        "ftp://example.com/",
        "https://user:pw@example.com/",
        "not a url",
    ] {
        let (st, v) = s
            .post(
                "/api/v1/webhooks",
                Some(&admin),
                json!({"url": url, "events": ["chat.ended"]}),
            )
            .await;
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{url}: {v}");
        assert!(
            v["message"].as_str().unwrap().starts_with("url"),
            "{url}: {v}"
        );
    }
    let (st, v) = s
        .post(
            "/api/v1/webhooks",
            Some(&admin),
            json!({"url": "http://127.0.0.1/", "events": []}),
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    // no DNS oracle (issue 30): a name resolving to loopback and a name that does not
    // resolve at all get the same answer, naming no address
    let mut said = Vec::new();
    for host in ["localhost", "no-such-host.invalid"] {
        let (st, v) = s
            .post(
                "/api/v1/webhooks",
                Some(&admin),
                json!({"url": format!("http://{host}/hook"), "events": ["chat.ended"]}),
            )
            .await;
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        let m = v["message"].as_str().unwrap().replace(host, "HOST");
        assert!(!m.contains("127.0.0.1") && !m.contains("::1"), "{m}");
        said.push(m);
    }
    assert_eq!(said[0], said[1]);
}

#[tokio::test]
async fn two_instances_deliver_each_event_once() {
    if common::backend() != common::Backend::Postgres {
        eprintln!("multi-instance: PostgreSQL only");
        return;
    }
    let (url, got) = receiver(0).await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shared.db");
    let a = TestServer::start_on_with(&path, allow_private).await;
    let b = TestServer::start_on_with(&path, allow_private).await;
    let admin = a.login("admin@demo.test", DEMO_PASSWORD).await;
    let (st, v) = a
        .post(
            "/api/v1/webhooks",
            Some(&admin),
            json!({"url": url, "events": ["chat.started"]}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    b.online_agent("agent1@demo.test").await;
    for i in 0..20 {
        let s = if i % 2 == 0 { &a } else { &b };
        s.start_chat(json!({"consent": true})).await;
    }
    let calls = wait_for(&got, 20).await;
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    let ids: std::collections::HashSet<String> = calls
        .iter()
        .map(|(_, b)| b["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids.len(), 20);
    assert_eq!(
        got.lock().unwrap().len(),
        20,
        "each event delivered exactly once"
    );
}
