//! Issue 19: typing indicators and read receipts against the real server (SQLite, and
//! PostgreSQL with `OC_TEST_DB=postgres`).

mod common;

use std::time::Duration;

use common::{DEMO_PASSWORD, TestServer, Ws};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// A chat with agent 1 online; answers (agent token, chat id, customer token).
async fn chat(s: &TestServer) -> (String, String, String) {
    let agent = s.online_agent("agent1@demo.test").await;
    let (chat, customer) = s.start_chat(json!({"consent": true})).await;
    (agent, chat, customer)
}

async fn typing(s: &TestServer, chat: &str, token: &str, preview: Option<&str>) -> StatusCode {
    s.post(
        &format!("/api/v1/chats/{chat}/typing"),
        Some(token),
        json!({ "preview": preview }),
    )
    .await
    .0
}

/// The next frame that is not a counter or queue update.
async fn next_signal(ws: &mut Ws) -> Value {
    loop {
        let f = ws.next().await.expect("a frame");
        let kind = f["type"].as_str().unwrap_or_default();
        if !matches!(kind, "agent.counters" | "queue.length" | "queue.updated") {
            return f;
        }
    }
}

#[tokio::test]
async fn typing_reaches_the_other_side_throttled_and_is_never_stored() {
    let s = TestServer::demo().await;
    let (agent, chat, customer) = chat(&s).await;
    let mut agent_ws = Ws::connect(&s.ws_url(&agent)).await;
    let mut customer_ws = Ws::connect(&s.ws_url(&customer)).await;

    // the customer types: the agent sees it, without a preview (off by default)
    let secret = "카드번호 1234-5678-9012-3456 입니다";
    assert_eq!(
        typing(&s, &chat, &customer, Some(secret)).await,
        StatusCode::ACCEPTED
    );
    let f = next_signal(&mut agent_ws).await;
    assert_eq!(f["type"], "typing");
    assert_eq!(f["by"], "customer");
    assert_eq!(f["chat_id"], chat.as_str());
    assert_eq!(
        f["preview"],
        Value::Null,
        "no preview unless the service allows it"
    );

    // within 2 s a second signal is accepted but not forwarded: the next frame the
    // agent gets is the customer's message, and the message ends the typing
    assert_eq!(
        typing(&s, &chat, &customer, None).await,
        StatusCode::ACCEPTED
    );
    let (status, _) = s.send_message(&chat, &customer, "c1", "안녕하세요").await;
    assert_eq!(status, StatusCode::CREATED);
    let f = next_signal(&mut agent_ws).await;
    assert_eq!(f["type"], "message.created", "throttled: {f}");
    // after a send the next keystroke signals at once
    assert_eq!(
        typing(&s, &chat, &customer, None).await,
        StatusCode::ACCEPTED
    );
    assert_eq!(next_signal(&mut agent_ws).await["type"], "typing");

    // the agent types: the customer sees it (over the socket frame too)
    agent_ws
        .send(json!({"type": "typing", "chat_id": chat, "preview": "agents never preview"}))
        .await;
    let f = customer_ws
        .expect_where("agent typing", |f| f["type"] == "typing")
        .await;
    assert_eq!(f["by"], "agent");
    assert_eq!(f["preview"], Value::Null);

    // with the preview on, the agent reads the customer's unsent text, cut at 500
    let admin = s.login("admin@demo.test", DEMO_PASSWORD).await;
    let (status, _) = s
        .put(
            "/api/v1/settings",
            Some(&admin),
            json!({"typing_preview": true}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let long = format!("{secret}{}", "가".repeat(600));
    assert_eq!(
        typing(&s, &chat, &customer, Some(&long)).await,
        StatusCode::ACCEPTED
    );
    let f = next_signal(&mut agent_ws).await;
    let preview = f["preview"].as_str().unwrap();
    assert!(preview.starts_with(secret));
    assert_eq!(preview.chars().count(), 500);

    // typing is never stored: not as a message, not anywhere in messages' text
    assert_eq!(
        common::stored_texts_containing(&s.db_url, "1234-5678").await,
        0
    );
    assert_eq!(
        common::chat_messages(&s, &chat, &agent).await.len(),
        2,
        "greeting + one"
    );
}

#[tokio::test]
async fn typing_is_scoped_to_the_typists_own_chat() {
    let s = TestServer::demo().await;
    let (agent, chat, customer) = chat(&s).await;
    let (other, other_token) = s.start_chat(json!({"consent": true})).await;
    let mut agent_ws = Ws::connect(&s.ws_url(&agent)).await;
    // a customer's token on another chat: 404 over REST, silently dropped on the socket
    assert_eq!(
        typing(&s, &other, &customer, None).await,
        StatusCode::NOT_FOUND
    );
    let mut customer_ws = Ws::connect(&s.ws_url(&customer)).await;
    customer_ws
        .send(json!({"type": "typing", "chat_id": other}))
        .await;
    // the agent hears the real chat's typing next, nothing of the forged one
    assert_eq!(
        typing(&s, &chat, &customer, None).await,
        StatusCode::ACCEPTED
    );
    let f = next_signal(&mut agent_ws).await;
    assert_eq!(f["chat_id"], chat.as_str(), "{f}");
    // an ended chat takes no typing; nobody's token, none
    let (status, _) = s.end_chat(&other, &other_token).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        typing(&s, &other, &other_token, None).await,
        StatusCode::CONFLICT
    );
    let (status, _) = s
        .post(&format!("/api/v1/chats/{chat}/typing"), None, json!({}))
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn read_receipts_both_ways() {
    let s = TestServer::demo().await;
    let (agent, chat, customer) = chat(&s).await;
    let mut agent_ws = Ws::connect(&s.ws_url(&agent)).await;
    let mut customer_ws = Ws::connect(&s.ws_url(&customer)).await;
    let (_, m) = s
        .send_message(&chat, &customer, "c1", "주문 확인 부탁드려요")
        .await;
    let seq = m["message"]["seq"].as_i64().unwrap();

    // the agent opens the chat: the customer sees 읽음 up to the last message
    let (status, _) = s
        .post(
            &format!("/api/v1/chats/{chat}/open"),
            Some(&agent),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let f = customer_ws
        .expect_where("the agent's read", |f| f["type"] == "chat.read")
        .await;
    assert_eq!(
        (f["by"].clone(), f["seq"].clone()),
        (json!("agent"), json!(seq))
    );
    let (_, view) = s
        .get(&format!("/api/v1/chats/{chat}"), Some(&customer))
        .await;
    assert_eq!(view["agent_read_seq"], seq, "kept for a reload");

    // the agent answers; the customer reads it: the agent sees 읽음
    let (_, m) = s.send_message(&chat, &agent, "a1", "확인해 드릴게요").await;
    let reply = m["message"]["seq"].as_i64().unwrap();
    let read = format!("/api/v1/chats/{chat}/read");
    let (status, _) = s.post(&read, Some(&customer), json!({"seq": reply})).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let f = agent_ws
        .expect_where("the customer's read", |f| f["type"] == "chat.read")
        .await;
    assert_eq!(
        (f["by"].clone(), f["seq"].clone()),
        (json!("customer"), json!(reply))
    );
    // never past the last message, never back
    s.post(&read, Some(&customer), json!({"seq": 10_000})).await;
    s.post(&read, Some(&customer), json!({"seq": 1})).await;
    let (_, detail) = s.get(&format!("/api/v1/chats/{chat}"), Some(&agent)).await;
    assert_eq!(detail["customer_read_seq"], reply);
    // over the socket too
    customer_ws
        .send(json!({"type": "read", "chat_id": chat, "seq": reply}))
        .await;
    let f = agent_ws
        .expect_where("the socket's read", |f| f["type"] == "chat.read")
        .await;
    assert_eq!(f["seq"], reply);
    // another chat's token cannot move this chat's marker
    let (_, other_token) = s.start_chat(json!({"consent": true})).await;
    let (status, _) = s.post(&read, Some(&other_token), json!({"seq": 1})).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

/// Issue 19: each agent's alert switches are kept with the account.
#[tokio::test]
async fn alert_preferences_follow_the_agent() {
    let s = TestServer::demo().await;
    let a1 = s.login("agent1@demo.test", DEMO_PASSWORD).await;
    let (_, me) = s.get("/api/v1/agent/me", Some(&a1)).await;
    assert_eq!(
        me["alerts"],
        json!({"desktop": false, "sound": true}),
        "the defaults"
    );
    let (status, v) = s
        .put(
            "/api/v1/agent/alerts",
            Some(&a1),
            json!({"desktop": true, "sound": false}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    // another session of the same agent (another browser) sees them; others keep theirs
    let again = s.login("agent1@demo.test", DEMO_PASSWORD).await;
    let (_, me) = s.get("/api/v1/agent/me", Some(&again)).await;
    assert_eq!(me["alerts"], json!({"desktop": true, "sound": false}));
    let a2 = s.login("agent2@demo.test", DEMO_PASSWORD).await;
    let (_, other) = s.get("/api/v1/agent/me", Some(&a2)).await;
    assert_eq!(other["alerts"]["sound"], true);
    let (status, _) = s
        .put("/api/v1/agent/alerts", None, json!({"desktop": true}))
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = s
        .put("/api/v1/agent/alerts", Some(&a1), json!({"desktop": "yes"}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}
