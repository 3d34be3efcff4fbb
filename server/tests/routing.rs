//! Issue 18: routing that never strands a customer — capacity, the visible queue,
//! re-routing an unanswered chat, transfer, business hours and the routing board —
//! against the real server (SQLite, and PostgreSQL with `OC_TEST_DB=postgres`).

mod common;

use std::time::Duration;

use common::{Arg, DEMO_PASSWORD, TestServer, Ws, exec};
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn admin(s: &TestServer) -> String {
    s.login("admin@demo.test", DEMO_PASSWORD).await
}

async fn agent_id(s: &TestServer, token: &str) -> String {
    let (_, me) = s.get("/api/v1/agent/me", Some(token)).await;
    me["id"].as_str().unwrap().to_owned()
}

async fn set_routing(s: &TestServer, admin: &str, routing: Value) -> (StatusCode, Value) {
    s.put(
        "/api/v1/settings",
        Some(admin),
        json!({ "routing": routing }),
    )
    .await
}

async fn customer_view(s: &TestServer, chat: &str, token: &str) -> Value {
    let (status, v) = s.get(&format!("/api/v1/chats/{chat}"), Some(token)).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    v
}

async fn start(s: &TestServer, visitor: &str) -> (String, String) {
    s.start_chat(json!({"consent": true, "visitor_id": visitor}))
        .await
}

/// Capacity reached → queue with live positions → a seat frees → the head is assigned,
/// with what the customer wrote while waiting; leaving the queue ends the chat.
#[tokio::test]
async fn a_full_desk_queues_and_the_queue_moves_when_a_seat_frees() {
    let s = TestServer::demo().await;
    let boss = admin(&s).await;
    let (status, v) = set_routing(&s, &boss, json!({"agent_capacity": 2})).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["routing"]["agent_capacity"], 2);
    let a1 = s.online_agent("agent1@demo.test").await;
    let mut agent_ws = Ws::connect(&s.ws_url(&a1)).await;
    let counters = agent_ws.expect("agent.counters").await;
    assert_eq!(counters["capacity"], 2);

    let (c1, _) = start(&s, "v1").await;
    let (_c2, _) = start(&s, "v2").await;
    let (_, list) = s.get("/api/v1/agent/chats", Some(&a1)).await;
    assert_eq!(list["open_count"], 2);
    assert_eq!(list["capacity"], 2, "대화중 2 / 2");

    // the desk is full: the next customers wait, in order
    let (c3, t3) = start(&s, "v3").await;
    let (c4, t4) = start(&s, "v4").await;
    let v3 = customer_view(&s, &c3, &t3).await;
    assert_eq!(v3["status"], "waiting");
    assert_eq!(v3["queue"]["position"], 1);
    assert_eq!(customer_view(&s, &c4, &t4).await["queue"]["position"], 2);
    agent_ws
        .expect_where("queue.length 2", |f| {
            f["type"] == "queue.length" && f["waiting"] == 2
        })
        .await;
    let (_, list) = s.get("/api/v1/agent/chats", Some(&a1)).await;
    assert_eq!(list["open_count"], 2, "nobody is given a third chat");
    assert_eq!(list["waiting"], 2);

    // the waiting customer hears their place on connecting, and may write
    let mut ws4 = Ws::connect(&s.ws_url(&t4)).await;
    let place = ws4.expect("queue.updated").await;
    assert_eq!(place["place"]["position"], 2);
    let (status, _) = s.send_message(&c3, &t3, "w1", "기다리는 중입니다").await;
    assert_eq!(status, StatusCode::CREATED);

    // a seat frees: the head of the queue goes to the agent, the next moves up
    let (status, _) = s.end_chat(&c1, &a1).await;
    assert_eq!(status, StatusCode::OK);
    let assigned = agent_ws.expect("chat.assigned").await;
    assert_eq!(assigned["chat"]["id"], c3.as_str());
    let moved = ws4.expect("queue.updated").await;
    assert_eq!(moved["place"]["position"], 1);
    let messages = common::chat_messages(&s, &c3, &a1).await;
    assert!(
        messages.iter().any(|m| m["text"] == "기다리는 중입니다"),
        "the agent sees what the customer wrote while waiting: {messages:?}"
    );
    assert_eq!(customer_view(&s, &c3, &t3).await["queue"], Value::Null);

    // the last one leaves the queue: the chat ends, unhandled
    let (status, v) = s.end_chat(&c4, &t4).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(v["status"], "ended");
    agent_ws
        .expect_where("queue.length 0", |f| {
            f["type"] == "queue.length" && f["waiting"] == 0
        })
        .await;
    let (_, detail) = s.get(&format!("/api/v1/chats/{c4}"), Some(&boss)).await;
    assert_eq!(detail["handled"], false);
    assert_eq!(
        detail["agent"],
        Value::Null,
        "never assigned: abandoned in the queue"
    );
}

/// Caps are 1–50 (422 naming the field), an agent's own cap overrides the service's,
/// and raising a cap takes from the queue at once.
#[tokio::test]
async fn caps_are_checked_and_a_raised_cap_moves_the_queue() {
    let s = TestServer::demo().await;
    let boss = admin(&s).await;
    for bad in [0, 51, -3] {
        let (status, v) = set_routing(&s, &boss, json!({"agent_capacity": bad})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}: {v}");
        assert!(
            v["message"]
                .as_str()
                .unwrap()
                .contains("routing.agent_capacity"),
            "{v}"
        );
    }
    let (status, v) = set_routing(
        &s,
        &boss,
        json!({"agent_capacity": 3, "reroute_after_secs": 5}),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let (_, settings) = s.get("/api/v1/settings", Some(&boss)).await;
    assert_eq!(
        settings["routing"]["agent_capacity"], 3,
        "refused changes change nothing"
    );
    assert_eq!(settings["routing"]["reroute_after_secs"], Value::Null);

    let a1 = s.online_agent("agent1@demo.test").await;
    let id1 = agent_id(&s, &a1).await;
    let path = format!("/api/v1/agents/{id1}");
    for bad in [0, 51] {
        let (status, v) = s.put(&path, Some(&boss), json!({"capacity": bad})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    }
    let (status, v) = s.put(&path, Some(&boss), json!({"capacity": 1})).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["capacity"], 1);

    let (_c1, _) = start(&s, "v1").await;
    let (c2, t2) = start(&s, "v2").await;
    assert_eq!(customer_view(&s, &c2, &t2).await["status"], "waiting");
    let (_, list) = s.get("/api/v1/agent/chats", Some(&a1)).await;
    assert_eq!(list["capacity"], 1, "the agent's own cap");

    // null: back to the service's cap (3), and the waiting chat is taken at once
    let (status, v) = s.put(&path, Some(&boss), json!({"capacity": null})).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["capacity"], Value::Null);
    assert_eq!(customer_view(&s, &c2, &t2).await["status"], "active");
    // a change without the field leaves the cap alone
    let (_, v) = s.put(&path, Some(&boss), json!({"name": "김상담"})).await;
    assert_eq!(v["capacity"], Value::Null);
}

/// An agent hands a chat to a colleague with a note (the customer reads that the agent
/// changed; history keeps both agents in order), or back to the queue for anyone.
#[tokio::test]
async fn transfer_to_an_agent_with_a_note_and_to_the_queue() {
    let s = TestServer::demo().await;
    let boss = admin(&s).await;
    let a1 = s.online_agent("agent1@demo.test").await;
    let a2 = s.online_agent("agent2@demo.test").await;
    let (id1, id2) = (agent_id(&s, &a1).await, agent_id(&s, &a2).await);
    let (chat, token) = start(&s, "t1").await;
    let (_, list1) = s.get("/api/v1/agent/chats", Some(&a1)).await;
    let (first, second, first_id, second_id) = if common::chat_ids(&list1).contains(&chat) {
        (a1.clone(), a2.clone(), id1.clone(), id2.clone())
    } else {
        (a2.clone(), a1.clone(), id2.clone(), id1.clone())
    };
    let mut first_ws = Ws::connect(&s.ws_url(&first)).await;
    let mut second_ws = Ws::connect(&s.ws_url(&second)).await;
    let mut customer_ws = Ws::connect(&s.ws_url(&token)).await;
    let transfer = format!("/api/v1/chats/{chat}/transfer");

    // refused: to oneself, a long note, an agent of nowhere, someone offline
    let (status, v) = s
        .post(&transfer, Some(&first), json!({"to_agent_id": first_id}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let long = "가".repeat(501);
    let (status, _) = s
        .post(
            &transfer,
            Some(&first),
            json!({"to_agent_id": second_id, "note": long}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _) = s
        .post(&transfer, Some(&first), json!({"to_agent_id": "999999"}))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = s
        .post(&transfer, Some(&second), json!({"to_agent_id": second_id}))
        .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "only the chat's agent (or an admin)"
    );
    let boss_id = agent_id(&s, &boss).await;
    let (status, v) = s
        .post(&transfer, Some(&first), json!({"to_agent_id": boss_id}))
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "the admin is offline: {v}");
    assert_eq!(v["error"], "agent_unavailable");

    let (status, v) = s
        .post(
            &transfer,
            Some(&first),
            json!({"to_agent_id": second_id, "note": "VIP 고객, 환불 문의"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    let gone = first_ws.expect("chat.unassigned").await;
    assert_eq!(gone["reason"], "transfer");
    let got = second_ws.expect("chat.assigned").await;
    assert_eq!(got["chat"]["id"], chat.as_str());
    let line = customer_ws
        .expect_where("the agent-changed line", |f| {
            f["type"] == "message.created" && f["message"]["author"] == "system"
        })
        .await;
    assert_eq!(line["message"]["text"], "상담원이 변경되었습니다");
    let (_, detail) = s.get(&format!("/api/v1/chats/{chat}"), Some(&second)).await;
    let handovers = detail["handovers"].as_array().unwrap();
    assert_eq!(handovers.len(), 1);
    assert_eq!(handovers[0]["kind"], "transfer");
    assert_eq!(handovers[0]["note"], "VIP 고객, 환불 문의");
    assert_eq!(handovers[0]["to_agent"], detail["agent"]["name"]);
    let (status, _) = s
        .post(&transfer, Some(&first), json!({"to_agent_id": second_id}))
        .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "no longer the first agent's chat"
    );

    // back to the queue: anyone else with room takes it (not the sender)
    let (status, v) = s
        .post(&transfer, Some(&second), json!({"to_agent_id": null}))
        .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    let back = first_ws.expect("chat.assigned").await;
    assert_eq!(back["chat"]["id"], chat.as_str());
    let (_, detail) = s.get(&format!("/api/v1/chats/{chat}"), Some(&boss)).await;
    let kinds: Vec<_> = detail["handovers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| (h["kind"].clone(), h["to_agent"].clone()))
        .collect();
    assert_eq!(kinds.len(), 2);
    assert_eq!(
        kinds[1].1,
        Value::Null,
        "the second hand-over went to the queue"
    );
    assert_eq!(detail["agent"]["name"], handovers[0]["from_agent"]);

    // an explicit choice may exceed the receiver's cap: the first agent holds one
    // chat at cap 1, the next chat goes to the second, who hands it to the first
    let (_, _) = set_routing(&s, &boss, json!({"agent_capacity": 1})).await;
    let (other, _) = start(&s, "t2").await;
    let (_, list2) = s.get("/api/v1/agent/chats", Some(&second)).await;
    assert!(common::chat_ids(&list2).contains(&other), "{list2}");
    let (status, v) = s
        .post(
            &format!("/api/v1/chats/{other}/transfer"),
            Some(&second),
            json!({"to_agent_id": first_id}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    let (_, list1) = s.get("/api/v1/agent/chats", Some(&first)).await;
    assert_eq!(list1["open_count"], 2, "past the cap by explicit choice");
}

/// With re-routing on, a chat its agent has not answered moves to the next free agent;
/// the first agent is told and history records it. An answered chat stays.
#[tokio::test]
async fn an_unanswered_chat_is_rerouted_after_the_timeout() {
    let s = TestServer::demo().await;
    let boss = admin(&s).await;
    let (status, v) = set_routing(
        &s,
        &boss,
        json!({"agent_capacity": 3, "reroute_after_secs": 30}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    let a1 = s.online_agent("agent1@demo.test").await;
    let (quiet, _) = start(&s, "r1").await;
    let (answered, _) = start(&s, "r2").await;
    let (status, _) = s.send_message(&answered, &a1, "a1", "안녕하세요").await;
    assert_eq!(status, StatusCode::CREATED);
    let a2 = s.online_agent("agent2@demo.test").await;
    let mut ws1 = Ws::connect(&s.ws_url(&a1)).await;
    let mut ws2 = Ws::connect(&s.ws_url(&a2)).await;
    // both were given to agent 1 five minutes ago (as far as the clock of the rule goes)
    let past = chrono::Utc::now() - chrono::Duration::minutes(5);
    exec(
        &s.db_url,
        "UPDATE chats SET assigned_at = ? WHERE id IN (?, ?)",
        &[
            Arg::Time(past),
            Arg::Int(quiet.parse().unwrap()),
            Arg::Int(answered.parse().unwrap()),
        ],
    )
    .await;
    exec(
        &s.db_url,
        "UPDATE messages SET created_at = ? WHERE chat_id = ? AND author = 'agent'",
        &[
            Arg::Time(past + chrono::Duration::seconds(10)),
            Arg::Int(answered.parse().unwrap()),
        ],
    )
    .await;
    let gone = tokio::time::timeout(Duration::from_secs(15), ws1.expect("chat.unassigned"))
        .await
        .expect("re-routed within a few ticks");
    assert_eq!(gone["chat_id"], quiet.as_str());
    assert_eq!(gone["reason"], "reroute");
    let got = ws2.expect("chat.assigned").await;
    assert_eq!(got["chat"]["id"], quiet.as_str());
    let (_, detail) = s.get(&format!("/api/v1/chats/{quiet}"), Some(&boss)).await;
    assert_eq!(detail["handovers"][0]["kind"], "reroute");
    // the answered chat stays with agent 1
    tokio::time::sleep(Duration::from_secs(3)).await;
    let (_, list) = s.get("/api/v1/agent/chats", Some(&a1)).await;
    assert!(common::chat_ids(&list).contains(&answered), "{list}");
}

/// Outside the business hours the window offers the 1:1 inquiry (with the hours), a
/// start is refused; online agents may still take chats when the service allows it.
/// Hours are checked with the field named.
#[tokio::test]
async fn outside_business_hours_the_chat_is_absent() {
    let s = TestServer::demo().await;
    let boss = admin(&s).await;
    let _a1 = s.online_agent("agent1@demo.test").await;
    let today = chrono::Utc::now()
        .with_timezone(&chrono::FixedOffset::east_opt(9 * 3600).unwrap())
        .date_naive()
        .to_string();
    let all_day = json!([{"start": "00:00", "end": "24:00"}]);
    let week = json!({"mon": all_day, "tue": all_day, "wed": all_day, "thu": all_day,
                      "fri": all_day, "sat": all_day, "sun": all_day});
    let hours = json!({"enabled": true, "time_zone": "Asia/Seoul", "weekly": week,
                       "holidays": [today, today], "chat_outside_hours": false});
    let (status, v) = s
        .put("/api/v1/settings", Some(&boss), json!({"hours": hours}))
        .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(
        v["hours"]["holidays"].as_array().unwrap().len(),
        1,
        "de-duplicated"
    );

    let (_, a) = s.get("/api/v1/services/demo/chat/availability", None).await;
    assert_eq!(a["open"], false, "today is a holiday in Seoul: {a}");
    assert_eq!(a["accepting"], false);
    assert_eq!(a["agents_online"], 1);
    assert_eq!(a["hours"]["time_zone"], "Asia/Seoul");
    let (status, v) = s
        .post(
            "/api/v1/services/demo/chats",
            None,
            json!({"consent": true}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{v}");
    assert_eq!(v["error"], "outside_hours");

    let mut outside = hours.clone();
    outside["chat_outside_hours"] = json!(true);
    let (status, _) = s
        .put("/api/v1/settings", Some(&boss), json!({"hours": outside}))
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, a) = s.get("/api/v1/services/demo/chat/availability", None).await;
    assert_eq!(
        (a["open"].clone(), a["accepting"].clone()),
        (json!(false), json!(true))
    );
    start(&s, "h1").await;

    // refused hours name their field and change nothing
    for (bad, field) in [
        (
            json!({"mon": [{"start": "18:00", "end": "09:00"}]}),
            "hours.weekly.mon",
        ),
        (
            json!({"tue": [{"start": "09:00", "end": "12:00"}, {"start": "11:00", "end": "13:00"}]}),
            "hours.weekly.tue",
        ),
        (
            json!({"wed": [{"start": "9", "end": "18:00"}]}),
            "hours.weekly.wed",
        ),
    ] {
        let h = json!({"enabled": true, "time_zone": "Asia/Seoul", "weekly": bad});
        let (status, v) = s
            .put("/api/v1/settings", Some(&boss), json!({"hours": h}))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert!(
            v["message"].as_str().unwrap().contains(field),
            "{field}: {v}"
        );
    }
    let h = json!({"enabled": true, "time_zone": "Mars/Olympus"});
    let (status, v) = s
        .put("/api/v1/settings", Some(&boss), json!({"hours": h}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        v["message"].as_str().unwrap().contains("hours.time_zone"),
        "{v}"
    );
    let (_, settings) = s.get("/api/v1/settings", Some(&boss)).await;
    assert_eq!(settings["hours"]["chat_outside_hours"], true);

    // hours off: open again
    let (status, _) = s
        .put(
            "/api/v1/settings",
            Some(&boss),
            json!({"hours": {"enabled": false, "time_zone": "Asia/Seoul"}}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, a) = s.get("/api/v1/services/demo/chat/availability", None).await;
    assert_eq!(
        (a["open"].clone(), a["hours"].clone()),
        (json!(true), Value::Null)
    );
}

/// Admins see every agent's status and load and the queue, and can set a forgotten
/// agent offline: their chats are handed over as when the agent does it.
#[tokio::test]
async fn the_routing_board_and_setting_an_agent_offline() {
    let s = TestServer::demo().await;
    let boss = admin(&s).await;
    let a1 = s.online_agent("agent1@demo.test").await;
    let id1 = agent_id(&s, &a1).await;
    let (_, _) = set_routing(&s, &boss, json!({"agent_capacity": 1})).await;
    let (held, _) = start(&s, "b1").await;
    let (queued, _) = start(&s, "b2").await;
    let (status, board) = s.get("/api/v1/routing/board", Some(&a1)).await;
    assert_eq!(status, StatusCode::OK, "{board}");
    let me = board["agents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == id1.as_str())
        .unwrap()
        .clone();
    assert_eq!(
        (me["open_chats"].clone(), me["capacity"].clone()),
        (json!(1), json!(1))
    );
    assert_eq!(me["status"], "online");
    assert_eq!(board["queue"][0]["chat_id"], queued.as_str());
    assert_eq!(board["queue"][0]["position"], 1);
    assert_eq!(board["open"], true);

    // an agent limited to their own chats reads the queue's customers by number only
    let (named, _) = s
        .start_chat(json!({"consent": true, "visitor_id": "b3", "name": "비공개고객"}))
        .await;
    let name_in = |board: &Value| {
        board["queue"]
            .as_array()
            .unwrap()
            .iter()
            .find(|q| q["chat_id"] == named.as_str())
            .map(|q| q["customer_name"].as_str().unwrap().to_owned())
            .unwrap()
    };
    let (_, board) = s.get("/api/v1/routing/board", Some(&a1)).await;
    assert_eq!(name_in(&board), "비공개고객");
    let (status, _) = s
        .put(
            "/api/v1/settings",
            Some(&boss),
            json!({"agents_see_all_history": false}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let a1 = s.login("agent1@demo.test", DEMO_PASSWORD).await;
    let (_, board) = s.get("/api/v1/routing/board", Some(&a1)).await;
    assert_eq!(name_in(&board), format!("고객 {named}"));
    let (_, board) = s.get("/api/v1/routing/board", Some(&boss)).await;
    assert_eq!(name_in(&board), "비공개고객", "admins see every name");

    let path = format!("/api/v1/agents/{id1}/status");
    let (status, _) = s.put(&path, Some(&a1), json!({"status": "offline"})).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "admins only");
    let a2 = s.online_agent("agent2@demo.test").await;
    // agent 2 came online and took the queued chat; now agent 1 is set offline
    let mut ws1 = Ws::connect(&s.ws_url(&a1)).await;
    let (status, v) = s
        .put(&path, Some(&boss), json!({"status": "offline"}))
        .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    let gone = ws1.expect("chat.unassigned").await;
    assert_eq!(gone["reason"], "supervisor");
    let (_, board) = s.get("/api/v1/routing/board", Some(&boss)).await;
    let me = board["agents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == id1.as_str())
        .unwrap()
        .clone();
    assert_eq!(me["status"], "offline");
    assert_eq!(me["open_chats"], 0);
    // agent 2 (cap 1) is full with the queued chat: the handed-over one waits
    let (_, list2) = s.get("/api/v1/agent/chats", Some(&a2)).await;
    assert!(common::chat_ids(&list2).contains(&queued), "{list2}");
    assert_eq!(board["queue"][0]["chat_id"], held.as_str());
    let (_, detail) = s.get(&format!("/api/v1/chats/{held}"), Some(&boss)).await;
    assert_eq!(detail["handovers"][0]["kind"], "supervisor");
}
