//! Issue 19: internal notes reach agents only — never a customer's socket, API answer or
//! transcript — and count as no reply; history finds them and tickets show them.

mod common;

use common::{DEMO_PASSWORD, TestServer, Ws};
use reqwest::StatusCode;
use serde_json::json;

const NOTE: &str = "내부 메모: VIP 고객, 환불 승인 대기 중";

#[tokio::test]
async fn notes_stay_with_the_agents() {
    let s = TestServer::demo().await;
    let agent = s.online_agent("agent1@demo.test").await;
    let (chat, customer) = s
        .start_chat(json!({"consent": true, "name": "김메모"}))
        .await;
    let mut agent_ws = Ws::connect(&s.ws_url(&agent)).await;
    let mut customer_ws = Ws::connect(&s.ws_url(&customer)).await;
    let notes = format!("/api/v1/chats/{chat}/notes");

    // customers cannot write notes; bad notes are refused like messages
    let (status, _) = s
        .post(
            &notes,
            Some(&customer),
            json!({"client_id": "n0", "text": "x"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = s
        .post(&notes, Some(&agent), json!({"client_id": "n0", "text": ""}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    let (status, v) = s
        .post(
            &notes,
            Some(&agent),
            json!({"client_id": "n1", "text": NOTE}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{v}");
    assert_eq!(v["message"]["internal"], true);
    let note_id = v["message"]["id"].as_str().unwrap().to_owned();
    // the same client_id again: the stored note
    let (status, again) = s
        .post(
            &notes,
            Some(&agent),
            json!({"client_id": "n1", "text": NOTE}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(again["message"]["id"], note_id.as_str());

    // the agent's socket has it; the customer's next frame is the next real message
    let f = agent_ws
        .expect_where("the note", |f| f["type"] == "message.created")
        .await;
    assert_eq!(f["message"]["internal"], true);
    let (status, _) = s.send_message(&chat, &agent, "a1", "확인해 드릴게요").await;
    assert_eq!(status, StatusCode::CREATED);
    let f = customer_ws
        .expect_where("a message", |f| f["type"] == "message.created")
        .await;
    assert_eq!(
        f["message"]["text"], "확인해 드릴게요",
        "the note never reached the customer"
    );
    // a message's client_id is not a note's: refused, not a server error
    let (status, v) = s
        .post(
            &notes,
            Some(&agent),
            json!({"client_id": "a1", "text": "메모"}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{v}");
    assert_eq!(v["error"], "client_id_taken");

    // the customer's transcript and a replay after reconnecting leave it out
    let texts = |list: &[serde_json::Value]| -> Vec<String> {
        list.iter()
            .map(|m| m["text"].as_str().unwrap().to_owned())
            .collect()
    };
    let theirs = texts(&common::chat_messages(&s, &chat, &customer).await);
    assert!(!theirs.iter().any(|t| t.contains("VIP")), "{theirs:?}");
    let ours = texts(&common::chat_messages(&s, &chat, &agent).await);
    assert!(ours.iter().any(|t| t == NOTE), "{ours:?}");
    let mut again_ws = Ws::connect(&s.ws_url(&customer)).await;
    again_ws
        .send(json!({"type": "resume", "chat_id": chat, "after_seq": 0}))
        .await;
    loop {
        let f = again_ws.next().await.expect("frames");
        assert!(!f.to_string().contains("VIP"), "replayed a note: {f}");
        if f["type"] == "resumed" {
            break;
        }
    }

    // a second agent (the admin) reads it, history finds it, the ticket shows it
    let admin = s.login("admin@demo.test", DEMO_PASSWORD).await;
    let admins = texts(&common::chat_messages(&s, &chat, &admin).await);
    assert!(admins.iter().any(|t| t == NOTE));
    let (_, found) = s
        .get(
            "/api/v1/chats?q=%ED%99%98%EB%B6%88%20%EC%8A%B9%EC%9D%B8",
            Some(&admin),
        )
        .await;
    assert_eq!(found["total"], 1, "history searches notes: {found}");
    let (_, t) = s
        .post(
            &format!("/api/v1/chats/{chat}/ticket"),
            Some(&agent),
            json!({}),
        )
        .await;
    let (_, ticket) = s
        .get(
            &format!("/api/v1/tickets/{}", t["ticket_id"].as_str().unwrap()),
            Some(&agent),
        )
        .await;
    assert!(
        ticket["transcript"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["internal"] == true),
        "{ticket}"
    );

    // masking a note (security service on) updates the agents' screens only
    let (status, _) = s
        .put(
            "/api/v1/settings",
            Some(&admin),
            json!({"contract": {"security_service": true}}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = s
        .post(
            &format!("/api/v1/chats/{chat}/messages/{note_id}/masks"),
            Some(&agent),
            json!({"start": 0, "end": 5}),
        )
        .await;
    assert!(
        status.is_success() || status == StatusCode::FORBIDDEN,
        "{status}"
    );
    let (status, _) = s.send_message(&chat, &customer, "c1", "감사합니다").await;
    assert_eq!(status, StatusCode::CREATED);
    let f = customer_ws
        .expect_where("the next frame", |f| {
            f["type"] != "typing" && f["type"] != "chat.read"
        })
        .await;
    assert!(!f.to_string().contains("VIP"), "{f}");
}

#[tokio::test]
async fn a_note_is_no_reply() {
    let s = TestServer::demo().await;
    let agent = s.online_agent("agent1@demo.test").await;
    let (chat, _) = s.start_chat(json!({"consent": true})).await;
    s.post(
        &format!("/api/v1/chats/{chat}/open"),
        Some(&agent),
        json!({}),
    )
    .await;
    let (status, _) = s
        .post(
            &format!("/api/v1/chats/{chat}/notes"),
            Some(&agent),
            json!({"client_id": "n1", "text": "메모만"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let (_, detail) = s.get(&format!("/api/v1/chats/{chat}"), Some(&agent)).await;
    assert_eq!(
        detail["handled"], false,
        "a note does not answer the customer"
    );
    // another service's agent cannot write into this chat
    common::create_acme(&s.db_url).await;
    let boss = s.login("boss@acme.test", "acme-password").await;
    let (status, _) = s
        .post(
            &format!("/api/v1/chats/{chat}/notes"),
            Some(&boss),
            json!({"client_id": "x", "text": "침입"}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
