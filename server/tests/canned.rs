//! Issue 19: canned replies (상용구) — the service's kept by admins, each agent's own
//! kept by that agent and seen by nobody else — against the real server.

mod common;

use common::{DEMO_PASSWORD, TestServer};
use reqwest::StatusCode;
use serde_json::{Value, json};

const PATH: &str = "/api/v1/canned-replies";

async fn delete(s: &TestServer, path: &str, token: &str) -> StatusCode {
    s.http
        .delete(s.url(path))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .status()
}

fn titles(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|r| r["title"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn service_and_personal_replies_are_kept_apart() {
    let s = TestServer::demo().await;
    let admin = s.login("admin@demo.test", DEMO_PASSWORD).await;
    let a1 = s.login("agent1@demo.test", DEMO_PASSWORD).await;
    let a2 = s.login("agent2@demo.test", DEMO_PASSWORD).await;

    let shared = json!({"title": "환불 안내", "shortcut": "/refund",
        "texts": {"ko": "{customer_name}님, 환불은 3~5일 걸립니다.", "en": "Refunds take 3-5 days."}});
    let (status, _) = s.post(PATH, Some(&a1), shared.clone()).await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "only admins keep the service's"
    );
    let (status, v) = s.post(PATH, Some(&admin), shared).await;
    assert_eq!(status, StatusCode::CREATED, "{v}");
    assert_eq!(v["shortcut"], "refund");
    assert_eq!(v["personal"], false);
    let service_id = v["id"].as_str().unwrap().to_owned();

    let (status, v) = s
        .post(
            PATH,
            Some(&a1),
            json!({"title": "인사", "shortcut": "hi", "personal": true,
            "texts": {"ko": "안녕하세요, {agent_name}입니다."}}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{v}");
    let own = v["id"].as_str().unwrap().to_owned();

    // each agent sees the service's and their own
    let (_, l1) = s.get(PATH, Some(&a1)).await;
    assert_eq!(titles(&l1), ["인사", "환불 안내"]);
    let (_, l2) = s.get(PATH, Some(&a2)).await;
    assert_eq!(titles(&l2), ["환불 안내"]);

    // another agent's personal reply does not exist for them; the service's is admins'
    let own_path = format!("{PATH}/{own}");
    let body = json!({"title": "x", "texts": {"ko": "y"}});
    let (status, _) = s.put(&own_path, Some(&a2), body.clone()).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(delete(&s, &own_path, &a2).await, StatusCode::NOT_FOUND);
    assert_eq!(
        delete(&s, &own_path, &admin).await,
        StatusCode::NOT_FOUND,
        "admins too"
    );
    let service_path = format!("{PATH}/{service_id}");
    let (status, _) = s.put(&service_path, Some(&a1), body.clone()).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // the owner edits; whose it is stays
    let (status, v) = s
        .put(
            &own_path,
            Some(&a1),
            json!({"title": "첫 인사", "texts": {"ko": "반갑습니다"}, "personal": false}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(
        (v["title"].clone(), v["personal"].clone()),
        (json!("첫 인사"), json!(true))
    );
    assert_eq!(v["shortcut"], Value::Null);
    assert_eq!(delete(&s, &own_path, &a1).await, StatusCode::NO_CONTENT);
    assert_eq!(
        delete(&s, &service_path, &admin).await,
        StatusCode::NO_CONTENT
    );
    let (_, l1) = s.get(PATH, Some(&a1)).await;
    assert!(l1.as_array().unwrap().is_empty());
}

#[tokio::test]
async fn bad_replies_are_refused_with_the_field_named() {
    let s = TestServer::demo().await;
    let a1 = s.login("agent1@demo.test", DEMO_PASSWORD).await;
    for (body, field) in [
        (
            json!({"title": "", "texts": {"ko": "x"}, "personal": true}),
            "title",
        ),
        (
            json!({"title": "t", "shortcut": "two words", "texts": {"ko": "x"}, "personal": true}),
            "shortcut",
        ),
        (
            json!({"title": "t", "texts": {}, "personal": true}),
            "texts",
        ),
        (
            json!({"title": "t", "texts": {"fr": "x"}, "personal": true}),
            "texts",
        ),
        (
            json!({"title": "t", "texts": {"ko": "가".repeat(4001)}, "personal": true}),
            "texts",
        ),
    ] {
        let (status, v) = s.post(PATH, Some(&a1), body).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert!(
            v["message"].as_str().unwrap().starts_with(field),
            "{field}: {v}"
        );
    }
    let (status, _) = s.get(PATH, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    // another service's admin sees none of demo's
    common::create_acme(&s.db_url).await;
    let admin = s.login("admin@demo.test", DEMO_PASSWORD).await;
    let (_, v) = s
        .post(
            PATH,
            Some(&admin),
            json!({"title": "데모", "texts": {"ko": "x"}}),
        )
        .await;
    let boss = s.login("boss@acme.test", "acme-password").await;
    let (_, list) = s.get(PATH, Some(&boss)).await;
    assert!(list.as_array().unwrap().is_empty());
    let (status, _) = s
        .put(
            &format!("{PATH}/{}", v["id"].as_str().unwrap()),
            Some(&boss),
            json!({"title": "x", "texts": {"ko": "y"}}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
