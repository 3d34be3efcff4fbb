//! Issue #3: intake, assignment, messages both ways (REST and WebSocket), resume,
//! idempotency, hand-over, ending — against the real server.

mod common;

use common::{DEMO_PASSWORD, TestServer, Ws};
use reqwest::StatusCode;
use serde_json::json;

async fn agents(s: &TestServer) -> (String, String) {
    (
        s.login("agent1@demo.test", DEMO_PASSWORD).await,
        s.login("agent2@demo.test", DEMO_PASSWORD).await,
    )
}

#[tokio::test]
async fn intake_rules_absent_consent_off() {
    let s = TestServer::demo().await;
    let (_, v) = s.get("/api/v1/services/demo/chat/availability", None).await;
    assert_eq!(v["chat_enabled"], true);
    assert_eq!(v["agents_online"], 0);
    assert_eq!(v["accepting"], false, "nobody online");
    assert_eq!(v["open"], true, "no business hours set");

    let (status, v) = s
        .post(
            "/api/v1/services/demo/chats",
            None,
            json!({"consent": true}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "C-IN-2: nobody online");
    assert_eq!(v["error"], "agents_absent");

    let (a1, _) = agents(&s).await;
    s.set_status(&a1, "online").await;
    let (_, v) = s.get("/api/v1/services/demo/chat/availability", None).await;
    assert_eq!(v["agents_online"], 1);

    let (status, v) = s
        .post(
            "/api/v1/services/demo/chats",
            None,
            json!({"consent": false}),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "C-IN-3: consent first"
    );
    assert_eq!(v["error"], "consent_required");
    let (status, _) = s.post("/api/v1/services/demo/chats", None, json!({})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, v) = s
        .post(
            "/api/v1/services/demo/chats",
            None,
            json!({"consent": true, "email": "not-an-email"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(v["message"].as_str().unwrap().contains("email"));
    let (status, _) = s
        .post(
            "/api/v1/services/nope/chats",
            None,
            json!({"consent": true}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = s.get("/api/v1/services/nope/chat/availability", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // a break is not online
    s.set_status(&a1, "break").await;
    let (status, _) = s
        .post(
            "/api/v1/services/demo/chats",
            None,
            json!({"consent": true}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, v) = s
        .put(
            "/api/v1/agent/status",
            Some(&a1),
            json!({"status": "asleep"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(v["error"], "invalid_fields");
}

#[tokio::test]
async fn inquiry_becomes_a_ticket() {
    let s = TestServer::demo().await;
    let ok = json!({"name": "홍길동", "email": "hong@example.com", "subject": "환불 문의", "body": "주문 12번 환불해 주세요"});
    let (status, v) = s
        .post("/api/v1/services/demo/inquiries", None, ok.clone())
        .await;
    assert_eq!(status, StatusCode::CREATED);
    assert!(v["ticket_id"].is_string());
    let (status, v) = s
        .post(
            "/api/v1/services/demo/inquiries",
            None,
            json!({"name": "홍길동", "email": "x", "subject": "a", "body": "b"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(v["message"].as_str().unwrap().starts_with("email"));
    let (status, _) = s.post("/api/v1/services/nope/inquiries", None, ok).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_whole_chat_over_rest() {
    let s = TestServer::demo().await;
    let (a1, _) = agents(&s).await;
    s.set_status(&a1, "online").await;
    let (chat, customer) = s
        .start_chat(json!({"consent": true, "name": "손님", "locale": "en"}))
        .await;

    // the greeting (English, the customer's language) is the first message
    let (_, v) = s
        .get(&format!("/api/v1/chats/{chat}/messages"), Some(&customer))
        .await;
    let msgs = v["messages"].as_array().unwrap();
    assert_eq!(msgs.len(), 1);
    assert_eq!(msgs[0]["author"], "system");
    assert_eq!(msgs[0]["seq"], 1);
    assert!(msgs[0]["text"].as_str().unwrap().starts_with("Hello"));

    let (_, list) = s.get("/api/v1/agent/chats", Some(&a1)).await;
    assert_eq!(list["open_count"], 1);
    assert_eq!(list["chats"][0]["id"], chat.as_str());
    assert_eq!(list["chats"][0]["customer"]["name"], "손님");
    assert_eq!(list["chats"][0]["status"], "active");

    let (status, m) = s
        .send_message(&chat, &customer, "c1", "배송이 안 와요")
        .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(m["message"]["seq"], 2);
    assert_eq!(m["message"]["author"], "customer");
    let (_, list) = s.get("/api/v1/agent/chats", Some(&a1)).await;
    assert_eq!(list["chats"][0]["unread"], 1);

    // replying before opening does not count as handled (C-HIS-2)
    let (_, d) = s.get(&format!("/api/v1/chats/{chat}"), Some(&a1)).await;
    assert_eq!(d["handled"], false);
    let (status, d) = s
        .post(&format!("/api/v1/chats/{chat}/open"), Some(&a1), json!({}))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(d["opened_at"].is_string());
    let (_, list) = s.get("/api/v1/agent/chats", Some(&a1)).await;
    assert_eq!(list["chats"][0]["unread"], 0, "opening reads");
    let (status, _) = s.send_message(&chat, &a1, "a1", "확인해 드릴게요").await;
    assert_eq!(status, StatusCode::CREATED);
    // what agents keep (handled, channel, IP) is in the agent's view (issue 15)
    let (_, d) = s.get(&format!("/api/v1/chats/{chat}"), Some(&a1)).await;
    assert_eq!(d["handled"], true);
    assert_eq!(d["agent"]["name"], "김상담");
    assert_eq!(d["consult"]["channel"], "helpcenter");
    assert_eq!(d["customer"]["ip"], "127.0.0.1");

    // customer ends: still on the agent's screen, editable; no more messages
    let (status, d) = s
        .post(
            &format!("/api/v1/chats/{chat}/end"),
            Some(&customer),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(d["status"], "customer_ended");
    let (status, v) = s.send_message(&chat, &customer, "c2", "또").await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(v["error"], "chat_closed");
    let (_, list) = s.get("/api/v1/agent/chats", Some(&a1)).await;
    assert_eq!(list["open_count"], 1);
    assert_eq!(list["chats"][0]["status"], "customer_ended");

    // agent ends: it leaves the screen
    let (_, d) = s
        .post(&format!("/api/v1/chats/{chat}/end"), Some(&a1), json!({}))
        .await;
    assert_eq!(d["status"], "ended");
    let (_, list) = s.get("/api/v1/agent/chats", Some(&a1)).await;
    assert_eq!(list["open_count"], 0);
    let (status, _) = s
        .post(&format!("/api/v1/chats/{chat}/end"), Some(&a1), json!({}))
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "ending twice");
}

#[tokio::test]
async fn same_client_id_stores_once() {
    let s = TestServer::demo().await;
    let (a1, _) = agents(&s).await;
    s.set_status(&a1, "online").await;
    let (chat, customer) = s.start_chat(json!({"consent": true})).await;
    let path = format!("/api/v1/chats/{chat}/messages");
    let (_, first) = s
        .post(
            &path,
            Some(&customer),
            json!({"client_id": "dup-1", "text": "한 번만"}),
        )
        .await;
    let (status, again) = s
        .post(
            &path,
            Some(&customer),
            json!({"client_id": "dup-1", "text": "한 번만"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(first["message"]["id"], again["message"]["id"]);
    let (_, v) = s.get(&path, Some(&customer)).await;
    assert_eq!(
        v["messages"].as_array().unwrap().len(),
        2,
        "greeting + one message"
    );

    // limits and junk
    let (status, v) = s
        .post(
            &path,
            Some(&customer),
            json!({"client_id": "long", "text": "가".repeat(4001)}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(v["message"].as_str().unwrap().contains("4000"));
    let (status, _) = s
        .post(
            &path,
            Some(&customer),
            json!({"client_id": "blank", "text": "   "}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _) = s.get(&format!("{path}?after=abc"), Some(&customer)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (_, v) = s.get(&format!("{path}?after=1"), Some(&customer)).await;
    assert_eq!(v["messages"].as_array().unwrap().len(), 1);
    // user text is stored as typed and never interpreted
    let (_, v) = s
        .post(
            &path,
            Some(&customer),
            json!({"client_id": "html", "text": "<script>alert(1)</script>"}),
        )
        .await;
    assert_eq!(v["message"]["text"], "<script>alert(1)</script>");
}

#[tokio::test]
async fn chats_are_private_to_their_service_and_customer() {
    let s = TestServer::demo().await;
    let (a1, a2) = agents(&s).await;
    s.set_status(&a1, "online").await;
    let (chat_a, token_a) = s.start_chat(json!({"consent": true})).await;
    let (chat_b, _token_b) = s.start_chat(json!({"consent": true})).await;

    // the other customer's chat does not exist for this customer
    let (status, _) = s
        .get(&format!("/api/v1/chats/{chat_b}"), Some(&token_a))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = s.send_message(&chat_b, &token_a, "x", "hi").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // customers cannot act as agents
    let (status, _) = s.get("/api/v1/agent/chats", Some(&token_a)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // another agent of the service may read but not write
    let (status, _) = s.get(&format!("/api/v1/chats/{chat_a}"), Some(&a2)).await;
    assert_eq!(status, StatusCode::OK);
    let (status, v) = s.send_message(&chat_a, &a2, "x", "hi").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(v["error"], "not_assigned");

    // another service's agent: 404
    common::create_acme(&s.db_url).await;
    let boss = s.login("boss@acme.test", "acme-password").await;
    for path in [
        format!("/api/v1/chats/{chat_a}"),
        format!("/api/v1/chats/{chat_a}/messages"),
    ] {
        let (status, _) = s.get(&path, Some(&boss)).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
    }
    let (status, _) = s
        .post(
            &format!("/api/v1/chats/{chat_a}/end"),
            Some(&boss),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // acme has chat off: its help center refuses chats
    let (status, _) = s
        .post(
            "/api/v1/services/acme/chats",
            None,
            json!({"consent": true}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn fifty_simultaneous_starts_spread_evenly() {
    let s = TestServer::demo().await;
    s.set_capacity(30).await;
    let (a1, a2) = agents(&s).await;
    s.set_status(&a1, "online").await;
    s.set_status(&a2, "online").await;
    let started = common::start_chats_at_once(&[&s], 50, "v").await;
    assert_eq!(started.len(), 50);
    let ids = common::chat_ids;
    let (_, l1) = s.get("/api/v1/agent/chats", Some(&a1)).await;
    let (_, l2) = s.get("/api/v1/agent/chats", Some(&a2)).await;
    assert_eq!(l1["open_count"], 25);
    assert_eq!(l2["open_count"], 25);
    let (i1, i2) = (ids(&l1), ids(&l2));
    assert!(i1.is_disjoint(&i2), "never two agents on one chat");
    assert_eq!(&i1 | &i2, started);
}

#[tokio::test]
async fn offline_hands_over_and_waiting_chats_go_to_the_next_online_agent() {
    let s = TestServer::demo().await;
    let (a1, a2) = agents(&s).await;
    s.set_status(&a1, "online").await;
    let (chat, customer) = s.start_chat(json!({"consent": true})).await;
    s.set_status(&a2, "online").await;

    s.set_status(&a1, "offline").await;
    let (_, d) = s
        .get(&format!("/api/v1/chats/{chat}"), Some(&customer))
        .await;
    assert_eq!(
        d["agent_name"], "이상담",
        "handed to the other online agent"
    );
    assert_eq!(d["status"], "active");
    let (_, l1) = s.get("/api/v1/agent/chats", Some(&a1)).await;
    assert_eq!(l1["open_count"], 0);

    s.set_status(&a2, "offline").await;
    let (_, d) = s
        .get(&format!("/api/v1/chats/{chat}"), Some(&customer))
        .await;
    assert_eq!(d["status"], "waiting", "nobody online: the chat waits");
    assert!(d["agent_name"].is_null());
    // the customer can still write while waiting
    let (status, _) = s.send_message(&chat, &customer, "w1", "계세요?").await;
    assert_eq!(status, StatusCode::CREATED);

    s.set_status(&a1, "online").await;
    let (_, d) = s
        .get(&format!("/api/v1/chats/{chat}"), Some(&customer))
        .await;
    assert_eq!(
        d["agent_name"], "김상담",
        "the first agent back online takes it"
    );
    let (_, l1) = s.get("/api/v1/agent/chats", Some(&a1)).await;
    assert_eq!(
        l1["chats"][0]["unread"], 1,
        "the waiting message is unread for the new agent"
    );
}

#[tokio::test]
async fn the_customers_recent_agent_is_preferred() {
    let s = TestServer::demo().await;
    let (a1, a2) = agents(&s).await;
    s.set_status(&a2, "online").await;
    let (first, _) = s
        .start_chat(json!({"consent": true, "visitor_id": "visitor-42"}))
        .await;
    s.post(&format!("/api/v1/chats/{first}/end"), Some(&a2), json!({}))
        .await;
    s.set_status(&a1, "online").await;
    // agent2 now has one more chat than agent1, yet visitor-42 goes back to agent2
    s.start_chat(json!({"consent": true, "visitor_id": "other"}))
        .await; // least loaded: agent1
    let (_, l2) = s.get("/api/v1/agent/chats", Some(&a2)).await;
    assert_eq!(l2["open_count"], 0);
    let (second, token) = s
        .start_chat(json!({"consent": true, "visitor_id": "visitor-42"}))
        .await;
    let (_, d) = s
        .get(&format!("/api/v1/chats/{second}"), Some(&token))
        .await;
    assert_eq!(d["agent_name"], "이상담");
}

#[tokio::test]
async fn messages_flow_both_ways_over_websockets() {
    let s = TestServer::demo().await;
    let (a1, _) = agents(&s).await;
    s.set_status(&a1, "online").await;
    let mut agent = Ws::connect(&s.ws_url(&a1)).await;
    let counters = agent.expect("agent.counters").await;
    assert_eq!(counters["open_count"], 0);

    let (chat, customer_token) = s
        .start_chat(json!({"consent": true, "name": "웹소켓"}))
        .await;
    let assigned = agent.expect("chat.assigned").await;
    assert_eq!(assigned["chat"]["id"], chat.as_str());
    assert_eq!(assigned["chat"]["customer"]["name"], "웹소켓");
    let counters = agent.expect("agent.counters").await;
    assert_eq!(counters["open_count"], 1);

    let mut customer = Ws::connect(&s.ws_url(&customer_token)).await;
    customer
        .send(json!({"type": "resume", "chat_id": chat, "after_seq": 0}))
        .await;
    let greeting = customer.expect("message.created").await;
    assert_eq!(greeting["message"]["author"], "system");
    customer.expect("resumed").await;

    customer.send(json!({"type": "message.send", "chat_id": chat, "client_id": "k1", "text": "안녕하세요 😀"})).await;
    let ack = customer
        .expect_where("own message", |v| {
            v["type"] == "message.created" && v["message"]["client_id"] == "k1"
        })
        .await;
    assert_eq!(ack["message"]["seq"], 2);
    let got = agent.expect("message.created").await;
    assert_eq!(got["message"]["text"], "안녕하세요 😀");
    assert_eq!(agent.expect("agent.counters").await["unread"], 1);

    agent.send(json!({"type": "message.send", "chat_id": chat, "client_id": "r1", "text": "네, 말씀하세요"})).await;
    let reply = customer.expect("message.created").await;
    assert_eq!(reply["message"]["author"], "agent");
    assert_eq!(reply["message"]["agent_name"], "김상담");

    // a refused frame is answered with an error naming the client_id
    agent
        .send(json!({"type": "message.send", "chat_id": chat, "client_id": "r2", "text": ""}))
        .await;
    let err = agent.expect("error").await;
    assert_eq!(err["client_id"], "r2");
    agent.send(json!({"type": "nonsense"})).await;
    assert_eq!(agent.expect("error").await["code"], "invalid_frame");
    agent.send(json!({"type": "ping"})).await;
    agent.expect("pong").await;

    // ending reaches the other side
    customer.send(json!({"type": "ping"})).await;
    s.post(
        &format!("/api/v1/chats/{chat}/end"),
        Some(&customer_token),
        json!({}),
    )
    .await;
    let ended = agent.expect("chat.ended").await;
    assert_eq!(ended["status"], "customer_ended");
    assert_eq!(ended["by"], "customer");
    agent.close().await;
    customer.close().await;
}

#[tokio::test]
async fn resume_after_a_dropped_connection_loses_and_doubles_nothing() {
    let s = TestServer::demo().await;
    let (a1, _) = agents(&s).await;
    s.set_status(&a1, "online").await;
    let (chat, token) = s.start_chat(json!({"consent": true})).await;
    s.post(&format!("/api/v1/chats/{chat}/open"), Some(&a1), json!({}))
        .await;

    let mut customer = Ws::connect(&s.ws_url(&token)).await;
    customer
        .send(json!({"type": "resume", "chat_id": chat, "after_seq": 0}))
        .await;
    customer.expect("resumed").await;
    customer
        .send(
            json!({"type": "message.send", "chat_id": chat, "client_id": "m1", "text": "첫 번째"}),
        )
        .await;
    customer.expect("message.created").await;
    drop(customer); // the connection drops

    // while away: the agent writes twice
    for (cid, text) in [("a1", "답변 하나"), ("a2", "답변 둘")] {
        s.post(
            &format!("/api/v1/chats/{chat}/messages"),
            Some(&a1),
            json!({"client_id": cid, "text": text}),
        )
        .await;
    }

    // back: resume from the last seq seen (2), then resend the message whose ack was lost
    let mut customer = Ws::connect(&s.ws_url(&token)).await;
    customer
        .send(json!({"type": "resume", "chat_id": chat, "after_seq": 2}))
        .await;
    let m3 = customer.expect("message.created").await;
    let m4 = customer.expect("message.created").await;
    assert_eq!(
        (m3["message"]["seq"].as_i64(), m4["message"]["seq"].as_i64()),
        (Some(3), Some(4))
    );
    assert_eq!(m4["message"]["text"], "답변 둘");
    assert_eq!(customer.expect("resumed").await["last_seq"], 4);
    customer
        .send(
            json!({"type": "message.send", "chat_id": chat, "client_id": "m1", "text": "첫 번째"}),
        )
        .await;
    let ack = customer.expect("message.created").await;
    assert_eq!(
        ack["message"]["seq"], 2,
        "the resend is the stored message, not a new one"
    );

    let (_, v) = s
        .get(&format!("/api/v1/chats/{chat}/messages"), Some(&token))
        .await;
    let seqs: Vec<i64> = v["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["seq"].as_i64().unwrap())
        .collect();
    assert_eq!(seqs, [1, 2, 3, 4]);
    customer.close().await;
}

#[tokio::test]
async fn websocket_needs_a_valid_token() {
    let s = TestServer::demo().await;
    let r = s
        .http
        .get(s.url("/api/v1/ws?token=oc_forged"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let url = s.ws_url("occ_forged");
    assert!(tokio_tungstenite::connect_async(url).await.is_err());
}

#[tokio::test]
async fn an_agent_whose_console_closed_is_set_offline_and_chats_move() {
    let s = TestServer::demo().await;
    let (a1, a2) = agents(&s).await;
    s.set_status(&a1, "online").await;
    let mut console = Ws::connect(&s.ws_url(&a1)).await;
    console.expect("agent.counters").await;
    let (chat, token) = s.start_chat(json!({"consent": true})).await;
    s.set_status(&a2, "online").await;
    console.close().await; // the browser went away (grace is 1 s in tests)
    let mut moved = false;
    for _ in 0..40 {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        let (_, d) = s.get(&format!("/api/v1/chats/{chat}"), Some(&token)).await;
        if d["agent_name"] == "이상담" {
            moved = true;
            break;
        }
    }
    assert!(moved, "the chat moved to the agent who is still there");
    let (_, me) = s.get("/api/v1/agent/me", Some(&a1)).await;
    assert_eq!(me["status"], "offline");

    // a reconnect within the grace period keeps the agent online
    let mut c1 = Ws::connect(&s.ws_url(&a2)).await;
    c1.expect("agent.counters").await;
    c1.close().await;
    let mut c2 = Ws::connect(&s.ws_url(&a2)).await;
    c2.expect("agent.counters").await;
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    let (_, me) = s.get("/api/v1/agent/me", Some(&a2)).await;
    assert_eq!(me["status"], "online");
    c2.close().await;
}

#[tokio::test]
async fn agents_without_chat_permission_get_no_chats() {
    let s = TestServer::demo().await;
    let (a1, _) = agents(&s).await;
    s.set_status(&a1, "online").await;
    // the demo agents all have the permission; take it away in the store directly
    common::exec(
        &s.db_url,
        "UPDATE agents SET chat_permission = 0 WHERE email = 'agent1@demo.test'",
        &[],
    )
    .await;
    let (status, v) = s
        .post(
            "/api/v1/services/demo/chats",
            None,
            json!({"consent": true}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{v}");
    let (_, v) = s.get("/api/v1/services/demo/chat/availability", None).await;
    assert_eq!(v["agents_online"], 0);
}

/// Issue 16: the counters due in one burst are read together; each agent still gets
/// their own figures (two agents, three chats, every customer writing at once).
#[tokio::test]
async fn counters_of_a_burst_reach_each_agent_with_their_own_figures() {
    let s = TestServer::demo().await;
    let (a1, a2) = agents(&s).await;
    s.set_status(&a1, "online").await;
    s.set_status(&a2, "online").await;
    let mut ws1 = Ws::connect(&s.ws_url(&a1)).await;
    let mut ws2 = Ws::connect(&s.ws_url(&a2)).await;
    ws1.expect("agent.counters").await;
    ws2.expect("agent.counters").await;
    let mut chats = Vec::new();
    for i in 0..3 {
        chats.push(
            s.start_chat(json!({"consent": true, "visitor_id": format!("burst-{i}")}))
                .await,
        );
    }
    let open_of = |token: &str| {
        let token = token.to_owned();
        let s = &s;
        async move {
            let (_, list) = s.get("/api/v1/agent/chats", Some(&token)).await;
            list["open_count"].as_i64().unwrap()
        }
    };
    let (open1, open2) = (open_of(&a1).await, open_of(&a2).await);
    assert_eq!(open1 + open2, 3);
    assert!(
        open1 > 0 && open2 > 0,
        "both agents hold chats: {open1} / {open2}"
    );
    let keys: Vec<String> = (0..chats.len()).map(|i| format!("b{i}")).collect();
    let sends = chats
        .iter()
        .zip(&keys)
        .map(|((chat, token), key)| s.send_message(chat, token, key, "동시에 보냅니다"));
    for (status, _) in futures_util::future::join_all(sends).await {
        assert_eq!(status, StatusCode::CREATED);
    }
    for (ws, open) in [(&mut ws1, open1), (&mut ws2, open2)] {
        let counters = ws
            .expect_where("counters with every unread message", |v| {
                v["type"] == "agent.counters" && v["unread"] == open
            })
            .await;
        assert_eq!(counters["open_count"], open);
    }
}
