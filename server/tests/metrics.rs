//! Issue 21: `GET /metrics` in the Prometheus text format — behind a token on the public
//! port (404 without one configured, 401 with a wrong one), without a token on the
//! private metrics address — counting requests by route and status, messages stored,
//! writer groups, assignment waits, open sockets by side, queue length and agents by
//! status per service, and the database pool.

mod common;

use common::{TestServer, Ws};
use reqwest::StatusCode;
use serde_json::json;

/// The value of the first sample line starting with `series` (`name{labels}`).
fn sample(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .find(|l| l.starts_with(series) && l[series.len()..].starts_with(' '))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
}

#[tokio::test]
async fn metrics_are_behind_a_token_and_count_what_happens() {
    // a free port for the private address
    let private = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let s = TestServer::demo_with(|a| {
        a.metrics_token = Some("scrape-secret".into());
        a.metrics_addr = Some(private);
    })
    .await;
    let scrape = |token: Option<&'static str>| {
        let mut r = s.http.get(s.url("/metrics"));
        if let Some(t) = token {
            r = r.bearer_auth(t);
        }
        r.send()
    };
    let r = scrape(None).await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["error"], "unauthenticated");
    assert_eq!(
        scrape(Some("wrong")).await.unwrap().status(),
        StatusCode::UNAUTHORIZED
    );

    // some traffic: an agent online, a chat with a socket, messages, an end
    let agent = s.online_agent("agent1@demo.test").await;
    let (chat, customer) = s
        .start_chat(json!({"consent": true, "first_message": "안녕하세요"}))
        .await;
    let ws = Ws::connect(&s.ws_url(&customer)).await;
    s.post(
        &format!("/api/v1/chats/{chat}/open"),
        Some(&agent),
        json!({}),
    )
    .await;
    for i in 0..3 {
        let (st, _) = s.send_message(&chat, &agent, &format!("m{i}"), "네").await;
        assert_eq!(st, StatusCode::CREATED);
    }
    let (_, _second_token) = s.start_chat(json!({"consent": true})).await;

    let r = scrape(Some("scrape-secret")).await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain")
    );
    let text = r.text().await.unwrap();
    let get =
        |series: &str| sample(&text, series).unwrap_or_else(|| panic!("no {series} in\n{text}"));
    assert!(
        get(
            r#"oc_http_requests_total{method="POST",route="/api/v1/services/{slug}/chats",status="201"}"#
        ) >= 2.0
    );
    assert!(
        get(
            r#"oc_http_requests_total{method="POST",route="/api/v1/chats/{id}/messages",status="201"}"#
        ) >= 3.0
    );
    assert!(
        get("oc_messages_stored_total") >= 4.0,
        "three replies and the first message"
    );
    assert!(get("oc_writer_group_size_count") >= 1.0);
    assert!(get("oc_assignment_wait_seconds_count") >= 1.0);
    assert!(
        get(r#"oc_http_request_duration_seconds_count{route="/api/v1/chats/{id}/messages"}"#)
            >= 3.0
    );
    assert_eq!(get(r#"oc_websockets_open{side="customer"}"#), 1.0);
    assert_eq!(get(r#"oc_agents{service="demo",status="online"}"#), 1.0);
    assert!(get(r#"oc_agents{service="demo",status="offline"}"#) >= 1.0);
    assert!(get(r#"oc_queue_length{service="demo"}"#) >= 0.0);
    assert!(get(r#"oc_db_pool_connections{state="open"}"#) >= 1.0);
    // messages waiting for the history's trigram index (SQLite's batches, issue 32)
    assert!(get("oc_search_index_queued") >= 0.0);
    assert!(
        !text.contains(&format!("/chats/{chat}/")),
        "routes are labelled by their pattern, not a chat's path"
    );

    // the socket closes: the gauge follows
    ws.close().await;
    let mut open = 1.0;
    for _ in 0..100 {
        let text = scrape(Some("scrape-secret"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        open = sample(&text, r#"oc_websockets_open{side="customer"}"#).unwrap_or(0.0);
        if open == 0.0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(open, 0.0);

    // the private address answers without a token
    let r = s
        .http
        .get(format!("http://{private}/metrics"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.text().await.unwrap().contains("oc_messages_stored_total"));
}

#[tokio::test]
async fn without_a_token_metrics_are_not_on_the_public_port() {
    let s = TestServer::demo().await;
    let r = s.http.get(s.url("/metrics")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = s
        .http
        .get(s.url("/metrics"))
        .bearer_auth("anything")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}
