//! Issue #7: reversible PII masking — offsets, merging, live updates, encryption at
//! rest (the original is nowhere in the database files after a restart), unmask, audit,
//! and the security-service flag.

mod common;

use common::{DEMO_PASSWORD, TestServer, Ws};
use reqwest::StatusCode;
use serde_json::{Value, json};

const SECRET_PHONE: &str = "010-9876-5432";

async fn chat_with_pii(s: &TestServer) -> (String, String, String, String) {
    let agent = s.online_agent("agent1@demo.test").await;
    let (chat, token) = s.start_chat(json!({"consent": true})).await;
    let (_, m) = s
        .post(
            &format!("/api/v1/chats/{chat}/messages"),
            Some(&token),
            json!({"client_id": "p1", "text": format!("😀 제 번호는 {SECRET_PHONE} 입니다")}),
        )
        .await;
    (
        agent,
        chat,
        token,
        m["message"]["id"].as_str().unwrap().to_owned(),
    )
}

#[tokio::test]
async fn mask_unmask_at_rest_and_live() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("oc.db");
    let s = TestServer::start_on(&path, true).await;
    let (agent, chat, token, msg) = chat_with_pii(&s).await;

    // the detector points the agent at the number (character offsets, after an emoji)
    let (_, v) = s
        .get(&format!("/api/v1/chats/{chat}/messages"), Some(&agent))
        .await;
    let m = v["messages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == msg.as_str())
        .unwrap()
        .clone();
    assert_eq!(
        m["pii"][0],
        json!({"start": 8, "end": 21, "kind": "mobile"})
    );

    let mut customer_ws = Ws::connect(&s.ws_url(&token)).await;
    customer_ws
        .send(json!({"type": "resume", "chat_id": chat, "after_seq": 100}))
        .await;
    customer_ws.expect("resumed").await;

    // mask part, then an overlapping run: they merge
    let url = format!("/api/v1/chats/{chat}/messages/{msg}/masks");
    let (status, v) = s
        .post(&url, Some(&agent), json!({"start": 8, "end": 12}))
        .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["message"]["text"], "😀 제 번호는 ****9876-5432 입니다");
    let (_, v) = s
        .post(&url, Some(&agent), json!({"start": 10, "end": 21}))
        .await;
    assert_eq!(v["message"]["text"], "😀 제 번호는 ************* 입니다");
    assert_eq!(
        v["message"]["masks"].as_array().unwrap().len(),
        1,
        "overlapping masks merge"
    );
    assert_eq!(v["message"]["masks"][0]["start"], 8);
    assert_eq!(v["message"]["masks"][0]["end"], 21);
    let mask_id = v["message"]["masks"][0]["id"].as_str().unwrap().to_owned();
    // every screen hears it, the customer's included
    let upd = customer_ws.expect("message.updated").await;
    assert!(upd["message"]["text"].as_str().unwrap().contains("****"));
    customer_ws.close().await;
    let (_, v) = s
        .get(&format!("/api/v1/chats/{chat}/messages"), Some(&token))
        .await;
    assert!(
        !v.to_string().contains(SECRET_PHONE),
        "the customer's own transcript is masked"
    );

    // bad input
    let (status, _) = s
        .post(&url, Some(&agent), json!({"start": 5, "end": 500}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _) = s
        .post(&url, Some(&agent), json!({"start": 5, "end": 5}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _) = s
        .post(&url, Some(&token), json!({"start": 0, "end": 1}))
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "customers cannot mask");

    // while the server runs — what a kill -9 now would leave (issue 30) — and after a
    // graceful stop, the raw files hold no part of the number
    if common::backend() == common::Backend::Sqlite {
        for needle in [SECRET_PHONE.as_bytes(), b"9876"] {
            let holding = common::sqlite_files_holding(dir.path(), needle);
            assert!(
                holding.is_empty(),
                "{holding:?} hold the original while running"
            );
        }
    }
    let db_url = s.db_url.clone();
    s.stop().await;
    assert_eq!(common::stored_texts_containing(&db_url, "9876").await, 0);
    if common::backend() == common::Backend::Sqlite {
        let holding = common::sqlite_files_holding(dir.path(), SECRET_PHONE.as_bytes());
        assert!(holding.is_empty(), "{holding:?} hold the original");
        let holding = common::sqlite_files_holding(dir.path(), b"9876");
        assert!(holding.is_empty(), "{holding:?} hold part of the original");
        assert!(dir.path().join("mask.key").exists());
    }

    // after the restart the same key restores it
    let s = TestServer::start_on(&path, true).await;
    let agent = s.login("agent1@demo.test", DEMO_PASSWORD).await;
    let r = s
        .http
        .delete(s.url(&format!("{url}/{mask_id}")))
        .bearer_auth(&agent)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let v: Value = r.json().await.unwrap();
    assert_eq!(
        v["message"]["text"],
        format!("😀 제 번호는 {SECRET_PHONE} 입니다")
    );
    assert_eq!(v["message"]["masks"], json!([]));

    // the audit log has both, for admins only
    let admin = s.login("admin@demo.test", DEMO_PASSWORD).await;
    let (_, log) = s.get("/api/v1/audit", Some(&admin)).await;
    let actions: Vec<&str> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["unmask", "mask", "mask"]);
    assert_eq!(log[0]["agent"], "김상담");
    assert_eq!(log[0]["message_id"], msg.as_str());
    let (status, _) = s.get("/api/v1/audit", Some(&agent)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn masking_needs_the_security_service() {
    let s = TestServer::demo().await;
    let (agent, chat, _, msg) = chat_with_pii(&s).await;
    let admin = s.login("admin@demo.test", DEMO_PASSWORD).await;
    s.put(
        "/api/v1/settings",
        Some(&admin),
        json!({"contract": {"security_service": false}}),
    )
    .await;
    let (status, v) = s
        .post(
            &format!("/api/v1/chats/{chat}/messages/{msg}/masks"),
            Some(&agent),
            json!({"start": 8, "end": 21}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(v["error"], "security_service_off");
    // another chat's message id or another service: not found
    s.put(
        "/api/v1/settings",
        Some(&admin),
        json!({"contract": {"security_service": true}}),
    )
    .await;
    let (status, _) = s
        .post(
            &format!("/api/v1/chats/999/messages/{msg}/masks"),
            Some(&agent),
            json!({"start": 0, "end": 1}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn detected_pii_can_be_masked_on_arrival() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("oc.db");
    let s = TestServer::start_on(&path, true).await;
    let admin = s.login("admin@demo.test", DEMO_PASSWORD).await;
    let (status, v) = s
        .put(
            "/api/v1/settings",
            Some(&admin),
            json!({"auto_mask_pii": true}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(v["auto_mask_pii"], true);
    let (agent, chat, token, msg) = chat_with_pii(&s).await;
    let (_, v) = s
        .get(&format!("/api/v1/chats/{chat}/messages"), Some(&token))
        .await;
    let m = v["messages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == msg.as_str())
        .unwrap()
        .clone();
    assert_eq!(m["text"], "😀 제 번호는 ************* 입니다");
    assert_eq!(m["masks"][0]["start"], 8);
    // an agent can still restore it
    let mask = m["masks"][0]["id"].as_str().unwrap();
    let r = s
        .http
        .delete(s.url(&format!("/api/v1/chats/{chat}/messages/{msg}/masks/{mask}")))
        .bearer_auth(&agent)
        .send()
        .await
        .unwrap();
    let v: Value = r.json().await.unwrap();
    assert!(
        v["message"]["text"]
            .as_str()
            .unwrap()
            .contains(SECRET_PHONE)
    );
    // and a new message with a card number is masked again, nothing in the files
    s.send_message(&chat, &token, "p2", "카드 4111 1111 1111 1111")
        .await;
    let db_url = s.db_url.clone();
    s.stop().await;
    assert_eq!(
        common::stored_texts_containing(&db_url, "4111 1111 1111 1111").await,
        0
    );
    let holding = common::sqlite_files_holding(dir.path(), b"4111 1111 1111 1111");
    assert!(holding.is_empty(), "{holding:?} hold the card number");
}
