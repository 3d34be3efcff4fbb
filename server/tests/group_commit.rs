//! Issue #9: messages are committed in groups by one writer. Under concurrent load every
//! send is answered after its commit, a refused send (closed chat) does not undo the
//! others in its group, resends stay idempotent, and seqs stay gapless per chat.

mod common;

use std::collections::HashMap;

use common::TestServer;
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn concurrent_sends_commit_in_groups_without_losing_rules() {
    let s = TestServer::demo().await;
    let agent = s.online_agent("agent1@demo.test").await;
    let mut chats = Vec::new();
    for _ in 0..12 {
        chats.push(s.start_chat(json!({"consent": true})).await);
    }
    // the agent ends one chat: its customer's sends must be refused
    let closed = chats[0].0.clone();
    let (st, _) = s
        .post(
            &format!("/api/v1/chats/{closed}/end"),
            Some(&agent),
            json!({}),
        )
        .await;
    assert_eq!(st, StatusCode::OK);

    // 12 chats × 8 sends at once, each send also repeated with the same client_id
    let mut sends = Vec::new();
    for (chat, token) in &chats {
        for k in 0..8 {
            for _ in 0..2 {
                let (s, chat, token) = (&s, chat.clone(), token.clone());
                sends.push(async move {
                    let (st, v) = s
                        .send_message(&chat, &token, &format!("c{k}"), &format!("동시 메시지 {k}"))
                        .await;
                    (chat, k, st, v)
                });
            }
        }
    }
    let results = futures_util::future::join_all(sends).await;

    let mut ids: HashMap<(String, i32), String> = HashMap::new();
    for (chat, k, st, v) in results {
        if chat == closed {
            assert_eq!(st, StatusCode::CONFLICT, "{v}");
            assert_eq!(v["error"], "chat_closed");
            continue;
        }
        assert_eq!(st, StatusCode::CREATED, "{v}");
        let id = v["message"]["id"].as_str().unwrap().to_owned();
        // the resend answers the same stored message
        if let Some(before) = ids.insert((chat.clone(), k), id.clone()) {
            assert_eq!(before, id, "resend of c{k} in chat {chat}");
        }
    }
    assert_eq!(ids.len(), 11 * 8);

    // every open chat holds greeting + 8 messages with gapless seqs
    for (chat, token) in &chats[1..] {
        let seqs = common::message_seqs(&s, chat, token).await;
        assert_eq!(seqs, (1..=seqs.len() as i64).collect::<Vec<_>>());
        let (_, v) = s
            .get(&format!("/api/v1/chats/{chat}/messages"), Some(token))
            .await;
        let customer = v["messages"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|m| m["author"] == "customer")
            .count();
        assert_eq!(customer, 8, "chat {chat}");
    }
    // the closed chat got nothing new
    assert!(
        common::chat_messages(&s, &closed, &agent)
            .await
            .iter()
            .all(|m| m["author"] != "customer")
    );
}

#[tokio::test]
async fn a_burst_reaches_the_customer_whole_and_in_order() {
    let s = TestServer::demo().await;
    let agent = s.online_agent("agent1@demo.test").await;
    let (chat, customer) = s.start_chat(json!({"consent": true})).await;
    let mut ws = common::Ws::connect(&s.ws_url(&customer)).await;
    ws.send(json!({"type": "resume", "chat_id": chat, "after_seq": 0}))
        .await;
    ws.expect("resumed").await;
    // 150 agent messages at once: a group's messages are published together, more than
    // a customer topic buffers, so a slow socket resyncs from the store
    let sends = (0..150).map(|k| {
        let (s, chat, agent) = (&s, chat.clone(), agent.clone());
        async move {
            let (st, _) = s
                .send_message(&chat, &agent, &format!("burst-{k}"), &format!("답변 {k}"))
                .await;
            assert_eq!(st, StatusCode::CREATED);
        }
    });
    futures_util::future::join_all(sends).await;
    let mut seqs = Vec::new();
    while seqs.len() < 150 {
        let v = ws
            .expect_where("an agent message", |v| {
                v["type"] == "message.created" && v["message"]["author"] == "agent"
            })
            .await;
        seqs.push(v["message"]["seq"].as_i64().unwrap());
    }
    let mut sorted = seqs.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(seqs, sorted, "in order, no doubles");
    assert_eq!(seqs.len(), 150);
    assert_eq!(seqs[149] - seqs[0], 149, "no gaps");
}

/// Issue 16: the agent's unread count is kept by the writer (not counted on every
/// read). Customer messages and agent replies committed in the same groups leave it at
/// exactly the customer messages after the agent's last reply; reading clears it.
#[tokio::test]
async fn unread_counts_stay_exact_through_mixed_groups() {
    let s = TestServer::demo().await;
    let agent = s.online_agent("agent1@demo.test").await;
    let (chat, customer) = s.start_chat(json!({"consent": true})).await;
    for round in 0..3 {
        let sends = (0..24).map(|k| {
            let (s, chat) = (&s, chat.clone());
            let (token, id) = if k % 5 == 2 {
                (agent.clone(), format!("a{round}-{k}"))
            } else {
                (customer.clone(), format!("c{round}-{k}"))
            };
            async move {
                let (st, v) = s.send_message(&chat, &token, &id, "섞인 메시지").await;
                assert_eq!(st, StatusCode::CREATED, "{v}");
            }
        });
        futures_util::future::join_all(sends).await;
        let (_, v) = s
            .get(&format!("/api/v1/chats/{chat}/messages"), Some(&agent))
            .await;
        let messages = v["messages"].as_array().unwrap();
        let last_reply = messages
            .iter()
            .filter(|m| m["author"] == "agent")
            .map(|m| m["seq"].as_i64().unwrap())
            .max()
            .unwrap_or(0);
        let expected = messages
            .iter()
            .filter(|m| m["author"] == "customer" && m["seq"].as_i64().unwrap() > last_reply)
            .count();
        let (_, list) = s.get("/api/v1/agent/chats", Some(&agent)).await;
        assert_eq!(
            list["chats"][0]["unread"], expected as i64,
            "round {round}: unread after the last reply (seq {last_reply})"
        );
    }
    // reading up to the end clears it
    let last = common::message_seqs(&s, &chat, &customer)
        .await
        .pop()
        .unwrap();
    let (st, _) = s
        .post(
            &format!("/api/v1/chats/{chat}/read"),
            Some(&agent),
            json!({"seq": last}),
        )
        .await;
    assert!(st.is_success());
    let (_, list) = s.get("/api/v1/agent/chats", Some(&agent)).await;
    assert_eq!(list["chats"][0]["unread"], 0);
}

/// Issue 16: a send whose chat row cannot be read fails the whole group's transaction;
/// the writer then stores the group's other sends one by one, so sends to healthy chats
/// that happened to share the group still succeed.
#[tokio::test]
async fn a_bad_row_in_a_group_fails_only_its_own_sends() {
    if common::backend() != common::Backend::Sqlite {
        // PostgreSQL's typed columns cannot hold the corrupt value this test needs
        return;
    }
    let s = TestServer::demo().await;
    s.online_agent("agent1@demo.test").await;
    let (bad, bad_token) = s.start_chat(json!({"consent": true})).await;
    let mut good = Vec::new();
    for _ in 0..8 {
        good.push(s.start_chat(json!({"consent": true})).await);
    }
    common::exec(
        &s.db_url,
        "UPDATE chats SET handled = 'not a flag' WHERE id = ?",
        &[common::Arg::Int(bad.parse().unwrap())],
    )
    .await;
    // the bad chat's sends interleaved with the good ones, all at once, several rounds
    for round in 0..4 {
        let mut sends = Vec::new();
        for (k, (chat, token)) in good.iter().enumerate() {
            sends.push((true, chat.clone(), token.clone(), format!("g{round}-{k}")));
            sends.push((
                false,
                bad.clone(),
                bad_token.clone(),
                format!("b{round}-{k}"),
            ));
        }
        let sends = sends.into_iter().map(|(healthy, chat, token, id)| {
            let s = &s;
            async move { (healthy, s.send_message(&chat, &token, &id, "메시지").await) }
        });
        for (healthy, (st, v)) in futures_util::future::join_all(sends).await {
            if healthy {
                assert_eq!(st, StatusCode::CREATED, "round {round}: {v}");
            } else {
                assert_eq!(st, StatusCode::INTERNAL_SERVER_ERROR, "{v}");
            }
        }
    }
    for (chat, token) in &good {
        let seqs = common::message_seqs(&s, chat, token).await;
        assert_eq!(seqs, (1..=seqs.len() as i64).collect::<Vec<_>>());
        assert_eq!(seqs.len(), 1 + 4, "greeting and four messages in {chat}");
    }
}

/// PostgreSQL's two-round-trip writer reads a chat, decides, and writes only if the
/// chat's row is still what it read (issue 16). Here the chat is ended by another
/// transaction after the send has read it as active: the send's write waits for that
/// row, sees the end, and the send is decided again on the locked path — refused, and
/// nothing stored. (Without the re-check the message lands in the ended chat.)
#[tokio::test]
async fn a_chat_ended_between_read_and_write_takes_no_message() {
    if common::backend() != common::Backend::Postgres {
        eprintln!("PostgreSQL-only: SQLite's writer reads and writes under one lock");
        return;
    }
    use sqlx::Connection;
    let s = TestServer::demo().await;
    let _agent = s.online_agent("agent1@demo.test").await;
    let (chat, token) = s.start_chat(json!({"consent": true})).await;

    // another transaction ends the chat and holds its row
    let mut other = sqlx::PgConnection::connect(&s.db_url).await.unwrap();
    sqlx::query("BEGIN").execute(&mut other).await.unwrap();
    sqlx::query("UPDATE chats SET status = 'ended', ended_at = now() WHERE id = (SELECT max(id) FROM chats)")
        .execute(&mut other)
        .await
        .unwrap();

    let send = {
        let (s_url, chat, token) = (s.url(""), chat.clone(), token.clone());
        let http = s.http.clone();
        tokio::spawn(async move {
            let r = http
                .post(format!("{s_url}/api/v1/chats/{chat}/messages"))
                .bearer_auth(token)
                .json(&json!({"client_id": "late", "text": "끝난 뒤"}))
                .send()
                .await
                .unwrap();
            let status = r.status();
            (status, r.json::<serde_json::Value>().await.unwrap())
        })
    };
    // wait until the send's write is blocked on the chat's row (asked on a connection
    // of its own: inside a transaction pg_stat_activity keeps its first snapshot)
    let mut watch = sqlx::PgConnection::connect(&s.db_url).await.unwrap();
    let mut waiting = false;
    for _ in 0..250 {
        let n: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM pg_stat_activity
              WHERE datname = current_database() AND wait_event_type = 'Lock'
                AND query LIKE '%UPDATE chats c%'",
        )
        .fetch_one(&mut watch)
        .await
        .unwrap();
        if n > 0 {
            waiting = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(waiting, "the send's write never waited for the chat's row");
    sqlx::query("COMMIT").execute(&mut other).await.unwrap();

    let (status, v) = send.await.unwrap();
    assert_eq!(status, StatusCode::CONFLICT, "{v}");
    assert_eq!(v["error"], "chat_closed");
    let stored: i64 = sqlx::query_scalar("SELECT count(*) FROM messages WHERE client_id = 'late'")
        .fetch_one(&mut other)
        .await
        .unwrap();
    assert_eq!(stored, 0);
    let messages = common::chat_messages(&s, &chat, &token).await;
    assert!(
        messages.iter().all(|m| m["text"] != "끝난 뒤"),
        "{messages:?}"
    );
}
