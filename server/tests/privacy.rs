//! Issue 21: erasure on request and retention. A customer's personal data leaves every
//! copy — messages, masked originals, files, tickets, the full-text index, the raw
//! SQLite files — while the chats' rows keep every report figure; each run is audited
//! with counts and without the identifier; bad settings and callers are refused.

mod common;

use common::{Arg, DEMO_PASSWORD, TestServer};
use reqwest::StatusCode;
use serde_json::{Value, json};

const PHONE: &str = "010-4321-8765";
const EMAIL: &str = "erase.me@example.com";
const FILE_MARK: &str = "FILEMARK-93a1c";

/// A report's figures without the agents' time online (which runs on).
fn figures(r: &Value) -> Value {
    json!([r["totals"], r["days"], r["categories"], r["heatmap"]])
}

async fn chat_of(s: &TestServer, agent: &str, email: &str, end: bool) -> (String, String) {
    let (chat, customer) = s
        .start_chat(json!({"consent": true, "name": "홍길동", "email": email}))
        .await;
    s.post(
        &format!("/api/v1/chats/{chat}/open"),
        Some(agent),
        json!({}),
    )
    .await;
    let (st, _) = s
        .send_message(&chat, &customer, "c1", &format!("제 번호는 {PHONE} 입니다"))
        .await;
    assert_eq!(st, StatusCode::CREATED);
    let (st, _) = s.send_message(&chat, agent, "a1", "확인했습니다").await;
    assert_eq!(st, StatusCode::CREATED);
    if end {
        s.end_chat(&chat, agent).await;
    }
    (chat, customer)
}

#[tokio::test]
async fn erasure_and_retention_leave_no_personal_data_and_keep_reports() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("oc.db");
    let s = TestServer::start_on(&path, true).await;
    let admin = s.login("admin@demo.test", DEMO_PASSWORD).await;
    let agent = s.online_agent("agent1@demo.test").await;
    s.set_capacity(10).await;

    // the customer to erase: a chat with a phone number, a masked run, a file and a
    // ticket, rated with a comment; a second chat still open; and someone else's chat
    let (chat, customer) = chat_of(&s, &agent, EMAIL, false).await;
    let (_, m) = s
        .get(&format!("/api/v1/chats/{chat}/messages"), Some(&agent))
        .await;
    let first = m["messages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["text"].as_str().is_some_and(|t| t.contains(PHONE)))
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (st, v) = s
        .post(
            &format!("/api/v1/chats/{chat}/messages/{first}/masks"),
            Some(&agent),
            json!({"start": 6, "end": 10}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    let pdf = format!("%PDF-1.4\n% {FILE_MARK}\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n");
    let r = s
        .http
        .post(s.url(&format!("/api/v1/chats/{chat}/files")))
        .query(&[("name", "주민등록증.pdf"), ("client_id", "f1")])
        .bearer_auth(&customer)
        .body(pdf.into_bytes())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let file: Value = r.json().await.unwrap();
    let file_id = file["message"]["attachment"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (st, t) = s
        .post(
            &format!("/api/v1/chats/{chat}/ticket"),
            Some(&agent),
            json!({}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{t}");
    let ticket = t["ticket_id"].as_str().unwrap().to_owned();
    s.end_chat(&chat, &agent).await;
    s.post(
        &format!("/api/v1/chats/{chat}/rating"),
        Some(&customer),
        json!({"score": 4, "comment": format!("연락은 {PHONE}로 주세요")}),
    )
    .await;
    let (open_chat, _) = chat_of(&s, &agent, EMAIL, false).await;
    let (other, _) = chat_of(&s, &agent, "someone@example.com", true).await;
    let before = figures(&s.get("/api/v1/reports?period=7d", Some(&admin)).await.1);

    // find, then erase
    let (st, found) = s
        .post(
            "/api/v1/privacy/customers/find",
            Some(&admin),
            json!({"email": EMAIL.to_uppercase()}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{found}");
    assert_eq!(found, json!({"ended": 1, "open": 1}));
    let (st, _) = s
        .post(
            "/api/v1/privacy/customers/erase",
            Some(&agent),
            json!({"email": EMAIL}),
        )
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN, "admins only");
    let (st, v) = s
        .post(
            "/api/v1/privacy/customers/erase",
            Some(&admin),
            json!({"email": " "}),
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let (st, erased) = s
        .post(
            "/api/v1/privacy/customers/erase",
            Some(&admin),
            json!({"email": EMAIL}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{erased}");
    assert_eq!(erased["chats"], 1);
    assert_eq!(erased["files"], 1);
    assert_eq!(erased["tickets"], 1);
    assert_eq!(erased["open_left"], 1);
    assert!(erased["messages"].as_i64().unwrap() >= 3);

    // what the console shows of it now
    let (_, d) = s.get(&format!("/api/v1/chats/{chat}"), Some(&admin)).await;
    assert!(
        !d.to_string().contains(EMAIL) && !d.to_string().contains("홍길동"),
        "{d}"
    );
    let (_, m) = s
        .get(&format!("/api/v1/chats/{chat}/messages"), Some(&admin))
        .await;
    assert!(
        !m.to_string().contains(PHONE) && !m.to_string().contains("4321"),
        "{m}"
    );
    let r = s
        .http
        .get(s.url(&format!("/api/v1/files/{file_id}")))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let (_, t) = s
        .get(&format!("/api/v1/tickets/{ticket}"), Some(&admin))
        .await;
    assert!(
        !t.to_string().contains(PHONE) && !t.to_string().contains(EMAIL),
        "{t}"
    );
    let (_, h) = s.get("/api/v1/chats?q=4321-8765", Some(&admin)).await;
    assert!(
        h["chats"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["id"] != chat.as_str()),
        "the erased chat is not found by its text: {h}"
    );
    let (_, h) = s
        .get(&format!("/api/v1/chats?customer={EMAIL}"), Some(&admin))
        .await;
    assert_eq!(h["total"], 1, "only the open chat: {h}");
    // the rest untouched, the reports the same
    let (_, o) = s
        .get(&format!("/api/v1/chats/{other}/messages"), Some(&admin))
        .await;
    assert!(o.to_string().contains(PHONE));
    let (_, o) = s
        .get(&format!("/api/v1/chats/{open_chat}/messages"), Some(&admin))
        .await;
    assert!(o.to_string().contains(PHONE), "open chats are left");
    let after = figures(&s.get("/api/v1/reports?period=7d", Some(&admin)).await.1);
    assert_eq!(before, after, "reports keep every figure");
    // audited with counts, without the identifier
    let (_, audit) = s.get("/api/v1/audit", Some(&admin)).await;
    let entry = audit
        .as_array()
        .or_else(|| audit["entries"].as_array())
        .unwrap()
        .iter()
        .find(|e| e["action"] == "erase")
        .unwrap_or_else(|| panic!("no erase entry: {audit}"))
        .clone();
    assert!(
        entry["detail"].as_str().unwrap().contains("\"chats\":1"),
        "{entry}"
    );
    assert!(!audit.to_string().contains(EMAIL));

    // retention: bad values refused; 30 days erases a chat ended 40 days ago
    for bad in [json!(0), json!(3651), json!(-5)] {
        let (st, v) = s
            .put(
                "/api/v1/privacy/retention",
                Some(&admin),
                json!({"retention_days": bad}),
            )
            .await;
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{bad}: {v}");
    }
    let (st, v) = s
        .post("/api/v1/privacy/retention/run", Some(&admin), json!({}))
        .await;
    // a state of the service, not a wrong field (issue 30: the contract check)
    assert_eq!(st, StatusCode::CONFLICT, "off: {v}");
    assert_eq!(v["error"], "retention_off");
    let (st, v) = s
        .put(
            "/api/v1/privacy/retention",
            Some(&admin),
            json!({"retention_days": 30}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    assert_eq!(v["retention_days"], 30);
    let (_, v) = s
        .post("/api/v1/privacy/retention/run", Some(&admin), json!({}))
        .await;
    assert_eq!(v["chats"], 0, "nothing is 30 days old yet: {v}");
    common::exec(
        &s.db_url,
        "UPDATE chats SET ended_at = ? WHERE id = ?",
        &[
            Arg::Time(chrono::Utc::now() - chrono::Duration::days(40)),
            Arg::Int(other.parse().unwrap()),
        ],
    )
    .await;
    let (st, v) = s
        .post("/api/v1/privacy/retention/run", Some(&admin), json!({}))
        .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    assert_eq!(v["chats"], 1, "{v}");
    let (_, o) = s
        .get(&format!("/api/v1/chats/{other}/messages"), Some(&admin))
        .await;
    assert!(!o.to_string().contains(PHONE));
    let (_, r) = s.get("/api/v1/privacy/retention", Some(&admin)).await;
    assert!(r["last_run_at"].is_string(), "{r}");
    let (_, audit) = s.get("/api/v1/audit", Some(&admin)).await;
    assert!(audit.to_string().contains("retention"), "{audit}");

    // below SQL: the raw files hold none of it (the open chat still does: end and erase it)
    s.end_chat(&open_chat, &agent).await;
    let (_, v) = s
        .post(
            "/api/v1/privacy/customers/erase",
            Some(&admin),
            json!({"email": EMAIL}),
        )
        .await;
    assert_eq!(v["chats"], 1, "{v}");
    // while the server runs — what a kill -9 now would leave (issue 30): no plaintext
    // in the WAL either
    if common::backend() == common::Backend::Sqlite {
        for needle in [PHONE, EMAIL, FILE_MARK, "홍길동"] {
            let holding = common::sqlite_files_holding(dir.path(), needle.as_bytes());
            assert!(holding.is_empty(), "{needle} while running: {holding:?}");
        }
    }
    let db_url = s.db_url.clone();
    s.stop().await;
    assert_eq!(
        common::stored_texts_containing(&db_url, "4321-8765").await,
        0
    );
    if common::backend() == common::Backend::Sqlite {
        for needle in [PHONE, EMAIL, FILE_MARK, "홍길동"] {
            let holding = common::sqlite_files_holding(dir.path(), needle.as_bytes());
            assert!(holding.is_empty(), "{needle}: {holding:?}");
        }
    }
}

/// Issue 33 (C-IN-3): the consent tells the service's truth — its retention (or that
/// chats are kept until erased) and files only where it takes them — and the text each
/// customer accepted is kept by version, readable later; a changed setting makes a new
/// version and the old one stays.
#[tokio::test]
async fn the_consent_tells_the_services_own_retention_and_every_version_is_kept() {
    let s = TestServer::demo().await;
    let admin = s.login("admin@demo.test", DEMO_PASSWORD).await;
    let _agent = s.online_agent("agent1@demo.test").await;
    let (_, info) = s.get("/api/v1/services/demo", None).await;
    assert!(info["consent"]["retention_days"].is_null(), "{info}");

    let kept = start_with_consent(&s).await;
    assert!(kept.starts_with("c1-"), "{kept}");
    let (status, v) = s
        .get(&format!("/api/v1/services/demo/consents/{kept}"), None)
        .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    let text = v["text"].as_str().unwrap();
    assert!(
        text.contains("수집 항목") && text.contains("이용 목적"),
        "{text}"
    );
    assert!(
        text.contains("동의 거부") && text.contains("삭제될 때까지"),
        "{text}"
    );
    assert!(!text.contains("3년"), "never the old fixed claim: {text}");

    let (status, v) = s
        .put(
            "/api/v1/privacy/retention",
            Some(&admin),
            json!({"retention_days": 30}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    let (_, info) = s.get("/api/v1/services/demo", None).await;
    assert_eq!(info["consent"]["retention_days"], 30, "{info}");
    let month = start_with_consent(&s).await;
    assert_ne!(month, kept, "a new text is a new version");
    let (_, v) = s
        .get(&format!("/api/v1/services/demo/consents/{month}"), None)
        .await;
    assert!(v["text"].as_str().unwrap().contains("30일"), "{v}");
    // the earlier version is still there, as it was
    let (_, v) = s
        .get(&format!("/api/v1/services/demo/consents/{kept}"), None)
        .await;
    assert!(v["text"].as_str().unwrap().contains("삭제될 때까지"));
    assert_eq!(
        start_with_consent(&s).await,
        month,
        "the same words: the same version"
    );
    let (status, _) = s
        .get("/api/v1/services/demo/consents/c1-0000000000000000", None)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

/// Starts a chat (a new visitor each time) and answers the consent version it accepted.
async fn start_with_consent(s: &TestServer) -> String {
    let (status, v) = s
        .post(
            "/api/v1/services/demo/chats",
            None,
            json!({"consent": true, "locale": "ko", "visitor_id": format!("v-{}", rand_suffix())}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{v}");
    v["consent_version"].as_str().unwrap().to_owned()
}

fn rand_suffix() -> u64 {
    use std::time::{SystemTime, UNIX_EPOCH};
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64)
}

/// Issue 33: admins may word the consent themselves per language, all four parts
/// required (422 otherwise); a customer then accepts that wording, kept by version; `{}`
/// goes back to the generated notice.
#[tokio::test]
async fn admins_word_the_consent_themselves_with_all_four_parts() {
    let s = TestServer::demo().await;
    let admin = s.login("admin@demo.test", DEMO_PASSWORD).await;
    let _agent = s.online_agent("agent1@demo.test").await;
    let wording = |refusal: &str| {
        json!({"ko": {"items": "이름, 이메일, 대화 내용", "purpose": "문의 응대",
                      "retention": "상담 종료 후 1년 보관 후 파기", "refusal": refusal}})
    };
    let (status, v) = s
        .put(
            "/api/v1/settings",
            Some(&admin),
            json!({"consent": wording("  ")}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(v["message"].as_str().unwrap().contains("refusal"), "{v}");
    let (status, v) = s
        .put(
            "/api/v1/settings",
            Some(&admin),
            json!({"consent": wording("거부하면 채팅을 이용할 수 없습니다.")}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["consent"]["ko"]["purpose"], "문의 응대");
    let (_, info) = s.get("/api/v1/services/demo", None).await;
    assert_eq!(info["consent"]["wording"]["ko"]["purpose"], "문의 응대");
    let version = start_with_consent(&s).await;
    let (_, v) = s
        .get(&format!("/api/v1/services/demo/consents/{version}"), None)
        .await;
    assert!(
        v["text"]
            .as_str()
            .unwrap()
            .contains("상담 종료 후 1년 보관 후 파기"),
        "{v}"
    );
    let (status, v) = s
        .put("/api/v1/settings", Some(&admin), json!({"consent": {}}))
        .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_ne!(start_with_consent(&s).await, version, "generated again");
}
