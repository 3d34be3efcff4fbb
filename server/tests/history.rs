//! Issue #8: chat history — every filter of C-HIS-3, full-text search over Korean text
//! (masked runs unsearchable, C-PII-4), keyset pagination, the handled/unhandled status
//! of C-HIS-2, the agents-see-own-only setting, and the `.xlsx` export of C-HIS-4 read
//! back with calamine.

mod common;

use std::collections::HashSet;

use calamine::{Data, Reader, Xlsx};
use common::{Arg, DEMO_PASSWORD, TestServer};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// The chats the tests look for, by role.
struct Seeded {
    admin: String,
    agent1: String,
    agent2: String,
    agent2_id: String,
    /// 환불 (refund) chat: agent1, handled, category leaf, masked order number.
    refund: String,
    /// 배송 (delivery) chat: agent1, opened but never answered (unhandled).
    delivery: String,
    /// English chat: agent1, never opened.
    english: String,
    /// agent2's chat, handled, named 김민지 with an example.org email.
    kim: String,
    /// agent2's chat backdated by 20 days.
    old: String,
    /// the leaf category and its top-level ancestor
    leaf: String,
    root: String,
}

async fn seed(s: &TestServer) -> Seeded {
    let admin = s.login("admin@demo.test", DEMO_PASSWORD).await;
    let agent1 = s.online_agent("agent1@demo.test").await;
    // only agent1 is online: the first three chats are theirs
    let (refund, refund_token) = s
        .start_chat(json!({"consent": true, "name": "박서준", "email": "park@shop.test"}))
        .await;
    let (delivery, delivery_token) = s
        .start_chat(json!({"consent": true, "name": "이도윤"}))
        .await;
    let (english, english_token) = s
        .start_chat(json!({"consent": true, "name": "Jane Roe", "email": "jane@mail.test"}))
        .await;
    s.set_status(&agent1, "break").await;
    let agent2 = s.online_agent("agent2@demo.test").await;
    let (kim, kim_token) = s
        .start_chat(json!({"consent": true, "name": "김민지", "email": "minji@example.org"}))
        .await;
    let (old, old_token) = s
        .start_chat(json!({"consent": true, "name": "오래된 고객"}))
        .await;

    s.send_message(
        &refund,
        &refund_token,
        "r1",
        "환불 요청합니다. 주문번호 778899 입니다",
    )
    .await;
    s.send_message(&delivery, &delivery_token, "d1", "배송이 너무 늦어요")
        .await;
    s.send_message(
        &english,
        &english_token,
        "e1",
        "I want a REFUND for my order",
    )
    .await;
    s.send_message(&kim, &kim_token, "k1", "쿠폰 적용이 안 됩니다")
        .await;
    s.send_message(&old, &old_token, "o1", "예전 문의입니다")
        .await;

    // handled = opened, then answered (C-HIS-2)
    for (chat, token) in [(&refund, &agent1), (&delivery, &agent1), (&kim, &agent2)] {
        let (st, _) = s
            .post(
                &format!("/api/v1/chats/{chat}/open"),
                Some(token),
                json!({}),
            )
            .await;
        assert_eq!(st, StatusCode::OK);
    }
    s.send_message(&refund, &agent1, "a1", "네, 환불 도와드리겠습니다")
        .await;
    s.send_message(&kim, &agent2, "a2", "쿠폰 번호를 알려주세요")
        .await;

    // a handling type three levels down
    let (_, cats) = s.get("/api/v1/categories", Some(&admin)).await;
    let cats = cats.as_array().unwrap();
    let leaf = cats.iter().find(|c| c["depth"] == 3).unwrap();
    let mid = cats.iter().find(|c| c["id"] == leaf["parent_id"]).unwrap();
    let root = cats.iter().find(|c| c["id"] == mid["parent_id"]).unwrap();
    let (st, v) = s
        .put(
            &format!("/api/v1/chats/{refund}/info"),
            Some(&agent1),
            json!({"customer": {"name": "박서준", "email": "park@shop.test"}, "consult": {"category_id": leaf["id"]}}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{v}");

    // mask the order number: it must stop being searchable
    let (_, msgs) = s
        .get(&format!("/api/v1/chats/{refund}/messages"), Some(&agent1))
        .await;
    let first = msgs["messages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["author"] == "customer")
        .unwrap();
    let text = first["text"].as_str().unwrap();
    let start = text.chars().position(|c| c == '7').unwrap();
    let (st, v) = s
        .post(
            &format!(
                "/api/v1/chats/{refund}/messages/{}/masks",
                first["id"].as_str().unwrap()
            ),
            Some(&agent1),
            json!({"start": start, "end": start + 6}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{v}");

    // backdate one chat (and its messages) by 20 days
    let past = chrono::Utc::now() - chrono::Duration::days(20);
    common::exec(
        &s.db_url,
        "UPDATE chats SET created_at = ?, assigned_at = ? WHERE id = ?",
        &[
            Arg::Time(past),
            Arg::Time(past),
            Arg::Int(old.parse().unwrap()),
        ],
    )
    .await;

    let (_, me2) = s.get("/api/v1/agent/me", Some(&agent2)).await;
    Seeded {
        admin,
        agent1,
        agent2,
        agent2_id: me2["id"].as_str().unwrap().to_owned(),
        refund,
        delivery,
        english,
        kim,
        old,
        leaf: leaf["id"].as_str().unwrap().to_owned(),
        root: root["id"].as_str().unwrap().to_owned(),
    }
}

/// The chat ids of one history query (checking `total` matches when it is one page).
async fn ids(s: &TestServer, token: &str, query: &str) -> Vec<String> {
    let (st, v) = s.get(&format!("/api/v1/chats?{query}"), Some(token)).await;
    assert_eq!(st, StatusCode::OK, "{query}: {v}");
    let ids: Vec<String> = v["chats"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_owned())
        .collect();
    if v["next_page"].is_null() {
        assert_eq!(v["total"], ids.len() as i64, "{query}: total");
    }
    ids
}

fn set(v: &[&String]) -> HashSet<String> {
    v.iter().map(|s| s.to_string()).collect()
}

fn as_set(v: Vec<String>) -> HashSet<String> {
    v.into_iter().collect()
}

#[tokio::test]
async fn every_filter_search_and_pagination() {
    let s = TestServer::demo().await;
    let d = seed(&s).await;
    let t = &d.admin;

    // newest first; the backdated chat is last
    let all = ids(&s, t, "").await;
    assert_eq!(
        all,
        vec![
            d.kim.clone(),
            d.english.clone(),
            d.delivery.clone(),
            d.refund.clone(),
            d.old.clone()
        ]
    );

    // the row carries what the table shows
    let (_, page) = s.get("/api/v1/chats", Some(t)).await;
    let row = page["chats"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == d.refund.as_str())
        .unwrap();
    assert_eq!(row["customer_name"], "박서준");
    assert_eq!(row["customer_email"], "park@shop.test");
    assert_eq!(
        row["agent"]["name"].as_str().map(|n| !n.is_empty()),
        Some(true)
    );
    assert_eq!(row["channel"], "helpcenter");
    assert_eq!(row["category_path"].as_array().unwrap().len(), 3);
    assert_eq!(row["handled"], true);
    assert!(row["first_response_secs"].as_i64().is_some());
    assert!(row["message_count"].as_i64().unwrap() >= 2);

    // C-HIS-2 status
    assert_eq!(
        as_set(ids(&s, t, "status=handled").await),
        set(&[&d.refund, &d.kim])
    );
    assert_eq!(
        as_set(ids(&s, t, "status=unhandled").await),
        set(&[&d.delivery, &d.english, &d.old])
    );
    // agent
    assert_eq!(
        as_set(ids(&s, t, &format!("agent={}", d.agent2_id)).await),
        set(&[&d.kim, &d.old])
    );
    // handling type at any level
    assert_eq!(
        ids(&s, t, &format!("category={}", d.leaf)).await,
        vec![d.refund.clone()]
    );
    assert_eq!(
        ids(&s, t, &format!("category={}", d.root)).await,
        vec![d.refund.clone()]
    );
    // customer name or email
    assert_eq!(
        ids(&s, t, "customer=%EA%B9%80%EB%AF%BC").await,
        vec![d.kim.clone()]
    ); // 김민
    assert_eq!(
        ids(&s, t, "customer=EXAMPLE.ORG").await,
        vec![d.kim.clone()]
    );
    assert_eq!(ids(&s, t, "customer=jane").await, vec![d.english.clone()]);
    assert!(ids(&s, t, "customer=100%25").await.is_empty());

    // full text, Korean: two characters (below a trigram), a phrase, an inner word
    let q = |text: &str| format!("q={}", urlencode(text));
    assert_eq!(as_set(ids(&s, t, &q("환불")).await), set(&[&d.refund]));
    assert_eq!(
        ids(&s, t, &q("환불 요청합니다")).await,
        vec![d.refund.clone()]
    );
    assert_eq!(ids(&s, t, &q("늦어요")).await, vec![d.delivery.clone()]);
    assert_eq!(ids(&s, t, &q("쿠폰 번호")).await, vec![d.kim.clone()]);
    // Latin text ignores case
    assert_eq!(ids(&s, t, &q("refund")).await, vec![d.english.clone()]);
    assert!(ids(&s, t, &q("존재하지 않는 말")).await.is_empty());
    // the masked order number is not searchable; the rest of its message is
    assert!(ids(&s, t, &q("778899")).await.is_empty());
    assert!(ids(&s, t, &q("8899")).await.is_empty());
    assert_eq!(ids(&s, t, &q("주문번호")).await, vec![d.refund.clone()]);
    // filters combine
    assert!(
        ids(&s, t, &format!("{}&status=unhandled", q("환불")))
            .await
            .is_empty()
    );
    assert_eq!(
        ids(&s, t, &format!("{}&status=handled", q("쿠폰"))).await,
        vec![d.kim.clone()]
    );

    // period: dates are whole days (KST by default); the old chat is 20 days back
    let today = chrono::Utc::now().with_timezone(&chrono::FixedOffset::east_opt(9 * 3600).unwrap());
    let week_ago = (today - chrono::Duration::days(6))
        .format("%Y-%m-%d")
        .to_string();
    let today_s = today.format("%Y-%m-%d").to_string();
    let recent = ids(&s, t, &format!("from={week_ago}&to={today_s}")).await;
    assert_eq!(recent.len(), 4);
    assert!(!recent.contains(&d.old));
    let long_ago = (today - chrono::Duration::days(30))
        .format("%Y-%m-%d")
        .to_string();
    let before = (today - chrono::Duration::days(10))
        .format("%Y-%m-%d")
        .to_string();
    assert_eq!(
        ids(&s, t, &format!("from={long_ago}&to={before}")).await,
        vec![d.old.clone()]
    );
    // text within a short period reads that period's messages: same answers
    let week = format!("from={week_ago}&to={today_s}");
    assert_eq!(
        ids(&s, t, &format!("{week}&{}", q("주문번호"))).await,
        vec![d.refund.clone()]
    );
    assert!(
        ids(&s, t, &format!("{week}&{}", q("778899")))
            .await
            .is_empty()
    );
    assert!(
        ids(&s, t, &format!("{week}&{}", q("예전 문의")))
            .await
            .is_empty()
    );
    assert_eq!(
        ids(&s, t, &format!("{week}&{}", q("REFUND"))).await,
        vec![d.english.clone()]
    );
    // search has no time limit: the old chat's text is found without a period
    assert_eq!(ids(&s, t, &q("예전 문의")).await, vec![d.old.clone()]);

    // keyset pagination: 2 + 2 + 1, no repeats, same order as one page
    let mut walked = Vec::new();
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/v1/chats?limit=2&page={c}"),
            None => "/api/v1/chats?limit=2".into(),
        };
        let (st, v) = s.get(&path, Some(t)).await;
        assert_eq!(st, StatusCode::OK);
        assert_eq!(v["total"], 5);
        pages += 1;
        for c in v["chats"].as_array().unwrap() {
            walked.push(c["id"].as_str().unwrap().to_owned());
        }
        match v["next_page"].as_str() {
            Some(n) => cursor = Some(n.to_owned()),
            None => break,
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(walked, all);
    // the same walk inside a period (its end left to the cursor) and from an unknown cursor
    let mut in_week = Vec::new();
    let mut cursor = String::new();
    loop {
        let (_, v) = s
            .get(
                &format!("/api/v1/chats?{week}&limit=3&page={cursor}"),
                Some(t),
            )
            .await;
        in_week.extend(
            v["chats"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c["id"].as_str().unwrap().to_owned()),
        );
        match v["next_page"].as_str() {
            Some(n) => cursor = n.to_owned(),
            None => break,
        }
    }
    assert_eq!(in_week, recent);
    let (_, v) = s.get("/api/v1/chats?page=999999", Some(t)).await;
    assert!(v["chats"].as_array().unwrap().is_empty());
    // a chat that arrives meanwhile does not shift later pages
    let (_, first) = s.get("/api/v1/chats?limit=2", Some(t)).await;
    s.set_status(&d.agent2, "online").await;
    s.start_chat(json!({"consent": true})).await;
    let (_, second) = s
        .get(
            &format!(
                "/api/v1/chats?limit=2&page={}",
                first["next_page"].as_str().unwrap()
            ),
            Some(t),
        )
        .await;
    let second: Vec<&str> = second["chats"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(second, vec![d.delivery.as_str(), d.refund.as_str()]);

    // bad input: 422 naming the parameter
    for (query, field) in [
        ("status=done", "status"),
        ("from=yesterday", "from"),
        ("from=2026-11-10&to=2026-11-01", "to"),
        ("limit=1000", "limit"),
        ("agent=abc", "agent"),
    ] {
        let (st, v) = s.get(&format!("/api/v1/chats?{query}"), Some(t)).await;
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{query}");
        assert!(
            v["message"].as_str().unwrap().contains(field),
            "{query}: {v}"
        );
    }
    // no session: 401
    let (st, _) = s.get("/api/v1/chats", None).await;
    assert_eq!(st, StatusCode::UNAUTHORIZED);
    let _ = &d.agent1;
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Reads the first sheet of an `.xlsx` into rows of strings.
fn read_xlsx(bytes: Vec<u8>) -> Vec<Vec<String>> {
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    let sheet = book.sheet_names()[0].clone();
    let range = book.worksheet_range(&sheet).unwrap();
    range
        .rows()
        .map(|r| {
            r.iter()
                .map(|c| match c {
                    Data::Empty => String::new(),
                    Data::Float(f) => format!("{f}"),
                    Data::Int(i) => i.to_string(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect()
}

async fn download(
    s: &TestServer,
    token: &str,
    path: &str,
) -> (StatusCode, reqwest::header::HeaderMap, Vec<u8>) {
    let r = s
        .http
        .get(s.url(path))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let st = r.status();
    let headers = r.headers().clone();
    (st, headers, r.bytes().await.unwrap().to_vec())
}

#[tokio::test]
async fn export_reads_back_with_every_matching_chat() {
    let s = TestServer::demo().await;
    let d = seed(&s).await;

    // a transcript longer than an Excel cell holds
    let customer = s
        .start_chat(json!({"consent": true, "name": "긴 대화"}))
        .await;
    let long_chat = customer.0.clone();
    let chunk = "가나다라마바사아자차".repeat(390); // 3,900 characters
    for i in 0..10 {
        let (st, _) = s
            .send_message(&customer.0, &customer.1, &format!("l{i}"), &chunk)
            .await;
        assert_eq!(st, StatusCode::CREATED);
    }

    // all chats (no filter) — every row, Korean headers, the masked number as stars
    let (st, headers, bytes) = download(&s, &d.admin, "/api/v1/chats/export.xlsx").await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(
        headers["content-type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    let disposition = headers["content-disposition"].to_str().unwrap().to_owned();
    let name = disposition
        .split("filename=\"")
        .nth(1)
        .unwrap()
        .trim_end_matches('"');
    assert!(
        name.starts_with("chat-history-") && name.ends_with(".xlsx"),
        "{name}"
    );
    assert_eq!(name.len(), "chat-history-20261124-1659.xlsx".len());
    let rows = read_xlsx(bytes);
    assert_eq!(rows[0][0], "채팅 ID");
    assert_eq!(rows[0][7], "상태");
    assert_eq!(rows[0][12], "대화 내역");
    let (_, all) = s.get("/api/v1/chats", Some(&d.admin)).await;
    assert_eq!(rows.len() as i64 - 1, all["total"].as_i64().unwrap());
    assert_eq!(rows.len() - 1, 6);
    let refund = rows.iter().find(|r| r[0] == d.refund).unwrap();
    assert_eq!(refund[2], "박서준");
    assert_eq!(refund[3], "park@shop.test");
    assert_eq!(refund[5], "헬프센터");
    assert_eq!(refund[6].matches(" > ").count(), 2);
    assert_eq!(refund[7], "처리");
    assert!(
        refund[12].contains("환불 요청합니다. 주문번호 ****** 입니다"),
        "{}",
        refund[12]
    );
    assert!(!refund[12].contains("778899"));
    assert!(refund[12].contains("네, 환불 도와드리겠습니다"));
    let delivery = rows.iter().find(|r| r[0] == d.delivery).unwrap();
    assert_eq!(delivery[7], "미처리");
    let long = rows.iter().find(|r| r[0] == long_chat).unwrap();
    assert_eq!(long[12].chars().count(), shared::XLSX_CELL_MAX_CHARS);

    // filtered (English headers): the row count is the filtered count
    let (_, headers2, bytes) = download(
        &s,
        &d.agent2,
        "/api/v1/chats/export.xlsx?status=handled&lang=en",
    )
    .await;
    assert!(
        headers2["content-disposition"]
            .to_str()
            .unwrap()
            .contains("chat-history-")
    );
    let rows = read_xlsx(bytes);
    assert_eq!(rows[0][12], "Transcript");
    let exported: HashSet<String> = rows[1..].iter().map(|r| r[0].clone()).collect();
    assert_eq!(exported, set(&[&d.refund, &d.kim]));
    assert_eq!(rows.iter().find(|r| r[0] == d.kim).unwrap()[7], "Handled");

    // a bad filter loses nothing and says why
    let (st, _, body) = download(&s, &d.admin, "/api/v1/chats/export.xlsx?from=nope").await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(String::from_utf8_lossy(&body).contains("from"));

    // the job form: progress, then the same file; only its owner sees it
    let (st, job) = s
        .post(
            &format!("/api/v1/chats/exports?q={}", urlencode("환불")),
            Some(&d.agent1),
            json!({}),
        )
        .await;
    assert_eq!(st, StatusCode::ACCEPTED, "{job}");
    assert_eq!(job["total"], 1);
    let id = job["id"].as_str().unwrap().to_owned();
    let mut progress = Value::Null;
    for _ in 0..100 {
        let (_, p) = s
            .get(&format!("/api/v1/chats/exports/{id}"), Some(&d.agent1))
            .await;
        progress = p;
        if progress["state"] != "running" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(progress["state"], "done", "{progress}");
    assert_eq!(progress["written"], 1);
    let (st, _) = s
        .get(&format!("/api/v1/chats/exports/{id}"), Some(&d.agent2))
        .await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    let (st, _, bytes) = download(&s, &d.agent1, &format!("/api/v1/chats/exports/{id}/file")).await;
    assert_eq!(st, StatusCode::OK);
    let rows = read_xlsx(bytes);
    let exported: HashSet<String> = rows[1..].iter().map(|r| r[0].clone()).collect();
    assert_eq!(exported, set(&[&d.refund]));

    // every export is in the audit log, with who and how many rows
    let (_, audit) = s.get("/api/v1/audit", Some(&d.admin)).await;
    let exports: Vec<&Value> = audit
        .as_array()
        .or_else(|| audit["entries"].as_array())
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "export")
        .collect();
    assert_eq!(exports.len(), 3, "{audit}");
    assert!(
        exports
            .iter()
            .any(|e| e["detail"].as_str().unwrap_or("").contains("\"rows\":2"))
    );
}

#[tokio::test]
async fn agents_can_be_limited_to_their_own_chats() {
    let s = TestServer::demo().await;
    let d = seed(&s).await;
    // default: agents see every chat
    assert_eq!(ids(&s, &d.agent1, "").await.len(), 5);

    let (st, v) = s
        .put(
            "/api/v1/settings",
            Some(&d.admin),
            json!({"agents_see_all_history": false}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    assert_eq!(v["agents_see_all_history"], false);

    let mine = as_set(ids(&s, &d.agent1, "").await);
    assert_eq!(mine, set(&[&d.refund, &d.delivery, &d.english]));
    // nor can they open, export or mask another agent's chat
    let (st, _) = s
        .get(&format!("/api/v1/chats/{}", d.kim), Some(&d.agent1))
        .await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    let (st, _) = s
        .get(
            &format!("/api/v1/chats/{}/messages", d.kim),
            Some(&d.agent1),
        )
        .await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    let (_, _, bytes) = download(&s, &d.agent1, "/api/v1/chats/export.xlsx").await;
    assert_eq!(read_xlsx(bytes).len() - 1, 3);
    // admins still see all
    assert_eq!(ids(&s, &d.admin, "").await.len(), 5);
    // and agent2 sees theirs
    assert_eq!(as_set(ids(&s, &d.agent2, "").await), set(&[&d.kim, &d.old]));
}

#[tokio::test]
async fn saving_an_ended_chat_from_history_leaves_the_live_list_alone() {
    let s = TestServer::demo().await;
    let agent = s.online_agent("agent1@demo.test").await;
    let (chat, _customer) = s
        .start_chat(json!({"consent": true, "name": "종료 고객"}))
        .await;
    let (st, _) = s
        .post(
            &format!("/api/v1/chats/{chat}/end"),
            Some(&agent),
            json!({}),
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    let mut ws = common::Ws::connect(&s.ws_url(&agent)).await;
    let (st, _) = s
        .put(
            &format!("/api/v1/chats/{chat}/info"),
            Some(&agent),
            json!({"customer": {"name": "이름 수정", "memo": "기록에서 저장"}, "consult": {}}),
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    // the next chat's assignment is the first chat.assigned the console hears
    let (next, _) = s.start_chat(json!({"consent": true})).await;
    let frame = ws.expect("chat.assigned").await;
    assert_eq!(frame["chat"]["id"], next.as_str(), "{frame}");
    let (_, list) = s.get("/api/v1/agent/chats", Some(&agent)).await;
    assert!(
        list["chats"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["id"] != chat.as_str())
    );
    // the edit is kept
    let (_, detail) = s.get(&format!("/api/v1/chats/{chat}"), Some(&agent)).await;
    assert_eq!(detail["customer"]["memo"], "기록에서 저장");
}

/// Issue 16: page totals are counted up to a cap (a text search: 1,000) and say so, and
/// a common word over the whole history is found by walking the newest chats instead of
/// listing every match — the same first page as the period scan gives.
#[tokio::test]
async fn totals_are_capped_and_common_words_page_like_the_period_scan() {
    let s = TestServer::demo().await;
    let admin = s.login("admin@demo.test", DEMO_PASSWORD).await;
    s.online_agent("agent1@demo.test").await;
    let starts = (0..1001).map(|i| {
        let s = &s;
        async move {
            let (chat, token) = s
                .start_chat(json!({"consent": true, "visitor_id": format!("v{i}")}))
                .await;
            for k in 0..2 {
                let (st, v) = s
                    .send_message(&chat, &token, &format!("m{k}"), "상품이 파손되어 왔어요")
                    .await;
                assert_eq!(st, StatusCode::CREATED, "{v}");
            }
        }
    });
    // a few at a time, as visitors arrive
    use futures_util::StreamExt;
    futures_util::stream::iter(starts)
        .buffer_unordered(8)
        .collect::<Vec<_>>()
        .await;

    let page = |q: String| {
        let (s, admin) = (&s, admin.clone());
        async move {
            let (st, v) = s.get(&format!("/api/v1/chats?{q}"), Some(&admin)).await;
            assert_eq!(st, StatusCode::OK, "{v}");
            v
        }
    };
    // no filter: 1,001 is under the cap, exact
    let all = page("limit=50".into()).await;
    assert_eq!(
        (all["total"].as_i64(), all["total_capped"].as_bool()),
        (Some(1001), Some(false))
    );

    // a word in every chat (2,002 messages), whole history: capped at 1,000
    let word = "q=%ED%8C%8C%EC%86%90%EB%90%98%EC%96%B4"; // 파손되어
    let whole = page(format!("{word}&limit=50")).await;
    assert_eq!(whole["total"], 1000);
    assert_eq!(whole["total_capped"], true);
    let ids = |v: &Value| -> Vec<String> {
        v["chats"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(ids(&whole).len(), 50);
    // the same first page as the period scan, which reads the period's messages
    let from = (chrono::Utc::now() - chrono::Duration::days(1)).format("%Y-%m-%d");
    let period = page(format!("{word}&limit=50&from={from}")).await;
    assert_eq!(ids(&whole), ids(&period));
    assert_eq!(
        ids(&whole),
        ids(&all),
        "every chat matches: newest first either way"
    );
    // and the pages go on to the last chat
    let mut seen: HashSet<String> = ids(&whole).into_iter().collect();
    let mut next = whole["next_page"].as_str().map(str::to_owned);
    while let Some(cursor) = next {
        let v = page(format!("{word}&limit=200&page={cursor}")).await;
        seen.extend(ids(&v));
        next = v["next_page"].as_str().map(str::to_owned);
    }
    assert_eq!(seen.len(), 1001);
}
