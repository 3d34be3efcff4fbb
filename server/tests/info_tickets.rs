//! Issue #4: customer/consult info with Save, device and IP capture, categories
//! (depth, order, disable, delete-in-use), tickets from chats and inquiries.

mod common;

use common::{DEMO_PASSWORD, TestServer};
use reqwest::StatusCode;
use serde_json::{Value, json};

const IPHONE: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1";

fn find<'a>(cats: &'a Value, name: &str) -> &'a Value {
    cats.as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no category {name}"))
}

#[tokio::test]
async fn device_and_ip_are_captured_at_start() {
    let s = TestServer::demo().await;
    let a = s.online_agent("agent1@demo.test").await;
    let r = s
        .http
        .post(s.url("/api/v1/services/demo/chats"))
        .header("user-agent", IPHONE)
        .json(&json!({"consent": true}))
        .send()
        .await
        .unwrap();
    let v: Value = r.json().await.unwrap();
    let chat = v["chat_id"].as_str().unwrap();
    let (_, d) = s.get(&format!("/api/v1/chats/{chat}"), Some(&a)).await;
    assert_eq!(d["customer"]["ip"], "127.0.0.1");
    let device = d["customer"]["device"].as_str().unwrap();
    assert!(
        device.starts_with("iPhone · iOS 17") && device.contains("Safari"),
        "{device}"
    );
}

#[tokio::test]
async fn save_persists_info_and_validates() {
    let s = TestServer::demo().await;
    let a = s.online_agent("agent1@demo.test").await;
    let (chat, customer) = s.start_chat(json!({"consent": true})).await;
    let (_, cats) = s.get("/api/v1/categories", Some(&a)).await;
    let leaf = find(&cats, "카드 결제")["id"].as_str().unwrap().to_owned();

    let info = json!({"customer": {"name": "김고객", "email": "Kim@Example.com", "memo": "VIP, 환불 2회"}, "consult": {"category_id": leaf}});
    let (status, d) = s
        .put(&format!("/api/v1/chats/{chat}/info"), Some(&a), info)
        .await;
    assert_eq!(status, StatusCode::OK, "{d}");
    assert_eq!(d["customer"]["name"], "김고객");
    assert_eq!(d["customer"]["email"], "kim@example.com");
    assert_eq!(
        d["consult"]["category_path"],
        json!(["주문·결제", "결제 오류", "카드 결제"])
    );
    // kept: read back
    let (_, d) = s.get(&format!("/api/v1/chats/{chat}"), Some(&a)).await;
    assert_eq!(d["customer"]["memo"], "VIP, 환불 2회");
    // a level-1 category is fine too (any of 1–3 levels)
    let top = find(&cats, "배송")["id"].as_str().unwrap().to_owned();
    let (status, d) = s
        .put(
            &format!("/api/v1/chats/{chat}/info"),
            Some(&a),
            json!({"customer": {"name": "김고객"}, "consult": {"category_id": top}}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(d["consult"]["category_path"], json!(["배송"]));

    // validation: 422 naming the field; nothing changes
    let (status, v) = s
        .put(
            &format!("/api/v1/chats/{chat}/info"),
            Some(&a),
            json!({"customer": {"name": "김고객", "email": "nope"}}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(v["message"].as_str().unwrap().starts_with("email"));
    let (status, _) = s
        .put(
            &format!("/api/v1/chats/{chat}/info"),
            Some(&a),
            json!({"customer": {"memo": "가".repeat(2001)}}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, v) = s
        .put(
            &format!("/api/v1/chats/{chat}/info"),
            Some(&a),
            json!({"consult": {"category_id": "999999"}}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(v["message"].as_str().unwrap().starts_with("category_id"));
    let (_, d) = s.get(&format!("/api/v1/chats/{chat}"), Some(&a)).await;
    assert_eq!(
        d["consult"]["category_path"],
        json!(["배송"]),
        "a refused save changed nothing"
    );

    // customers cannot save agent info
    let (status, _) = s
        .put(
            &format!("/api/v1/chats/{chat}/info"),
            Some(&customer),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // editable after the customer ended (C-END-3)
    s.post(
        &format!("/api/v1/chats/{chat}/end"),
        Some(&customer),
        json!({}),
    )
    .await;
    let (status, _) = s
        .put(
            &format!("/api/v1/chats/{chat}/info"),
            Some(&a),
            json!({"customer": {"name": "끝난 고객"}}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn category_tree_rules() {
    let s = TestServer::demo().await;
    let admin = s.login("admin@demo.test", DEMO_PASSWORD).await;
    let agent = s.login("agent1@demo.test", DEMO_PASSWORD).await;

    let (status, l1) = s
        .post("/api/v1/categories", Some(&admin), json!({"name": "회원"}))
        .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(l1["depth"], 1);
    let (_, l2) = s
        .post(
            "/api/v1/categories",
            Some(&admin),
            json!({"name": "가입", "parent_id": l1["id"]}),
        )
        .await;
    let (_, l3) = s
        .post(
            "/api/v1/categories",
            Some(&admin),
            json!({"name": "본인인증", "parent_id": l2["id"]}),
        )
        .await;
    assert_eq!(l3["depth"], 3);
    let (status, v) = s
        .post(
            "/api/v1/categories",
            Some(&admin),
            json!({"name": "너무 깊음", "parent_id": l3["id"]}),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a fourth level is refused"
    );
    assert_eq!(v["error"], "category_too_deep");
    let (status, _) = s
        .post("/api/v1/categories", Some(&admin), json!({"name": "  "}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, v) = s
        .post("/api/v1/categories", Some(&agent), json!({"name": "x"}))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(v["error"], "admin_only");

    // reorder: a second sibling moves up above the first
    let (_, l2b) = s
        .post(
            "/api/v1/categories",
            Some(&admin),
            json!({"name": "탈퇴", "parent_id": l1["id"]}),
        )
        .await;
    assert!(l2b["position"].as_i64() > l2["position"].as_i64());
    let id = l2b["id"].as_str().unwrap();
    let (status, moved) = s
        .put(
            &format!("/api/v1/categories/{id}"),
            Some(&admin),
            json!({"move": "up"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, cats) = s.get("/api/v1/categories", Some(&agent)).await;
    assert!(moved["position"].as_i64() < find(&cats, "가입")["position"].as_i64());

    // rename and disable
    let (_, r) = s
        .put(
            &format!("/api/v1/categories/{id}"),
            Some(&admin),
            json!({"name": "회원 탈퇴", "enabled": false}),
        )
        .await;
    assert_eq!(r["name"], "회원 탈퇴");
    assert_eq!(r["enabled"], false);

    // an agent cannot pick a disabled category
    s.set_status(&agent, "online").await;
    let (chat, _) = s.start_chat(json!({"consent": true})).await;
    let (status, _) = s
        .put(
            &format!("/api/v1/chats/{chat}/info"),
            Some(&agent),
            json!({"consult": {"category_id": id}}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    // delete: unused → gone; used → disabled instead, chat keeps it
    let used = l3["id"].as_str().unwrap();
    let (status, _) = s
        .put(
            &format!("/api/v1/chats/{chat}/info"),
            Some(&agent),
            json!({"consult": {"category_id": used}}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, del) = s
        .http
        .delete(s.url(&format!("/api/v1/categories/{id}")))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap()
        .json::<Value>()
        .await
        .map(|v| (0, v))
        .unwrap();
    assert_eq!(del, json!({"deleted": true, "disabled": false}));
    let r = s
        .http
        .delete(s.url(&format!("/api/v1/categories/{used}")))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.json::<Value>().await.unwrap(),
        json!({"deleted": false, "disabled": true})
    );
    let (_, d) = s.get(&format!("/api/v1/chats/{chat}"), Some(&agent)).await;
    assert_eq!(
        d["consult"]["category_path"],
        json!(["회원", "가입", "본인인증"])
    );
    let (_, cats) = s.get("/api/v1/categories", Some(&agent)).await;
    assert_eq!(find(&cats, "본인인증")["enabled"], false);
    assert_eq!(find(&cats, "본인인증")["in_use"], true);
    assert!(
        cats.as_array()
            .unwrap()
            .iter()
            .all(|c| c["name"] != "회원 탈퇴")
    );
}

#[tokio::test]
async fn tickets_from_chats_and_inquiries() {
    let s = TestServer::demo().await;
    let a = s.online_agent("agent1@demo.test").await;
    let (chat, customer) = s
        .start_chat(json!({"consent": true, "name": "박고객"}))
        .await;
    s.send_message(&chat, &customer, "1", "환불이 안 됐어요")
        .await;

    let (status, v) = s
        .post(&format!("/api/v1/chats/{chat}/ticket"), Some(&a), json!({}))
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let ticket = v["ticket_id"].as_str().unwrap().to_owned();
    let (status, again) = s
        .post(&format!("/api/v1/chats/{chat}/ticket"), Some(&a), json!({}))
        .await;
    assert_eq!(status, StatusCode::OK, "one ticket per chat");
    assert_eq!(again["ticket_id"], ticket.as_str());

    let (_, t) = s.get(&format!("/api/v1/tickets/{ticket}"), Some(&a)).await;
    assert_eq!(t["channel"], "chat");
    assert_eq!(t["status"], "open");
    assert_eq!(t["chat_id"], chat.as_str());
    assert!(t["subject"].as_str().unwrap().contains("박고객"));
    let texts: Vec<&str> = t["transcript"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["text"].as_str().unwrap())
        .collect();
    assert!(texts.contains(&"환불이 안 됐어요"), "{texts:?}");
    assert_eq!(t["assignee"]["name"], "김상담");

    // after the customer ended, still possible (for another chat)
    let (chat2, c2) = s.start_chat(json!({"consent": true})).await;
    s.post(&format!("/api/v1/chats/{chat2}/end"), Some(&c2), json!({}))
        .await;
    let (status, _) = s
        .post(
            &format!("/api/v1/chats/{chat2}/ticket"),
            Some(&a),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);

    // inquiries show up with channel inquiry and no transcript
    s.post("/api/v1/services/demo/inquiries", None, json!({"name": "최문의", "email": "c@example.com", "subject": "배송 문의", "body": "언제 오나요"})).await;
    let (_, list) = s.get("/api/v1/tickets", Some(&a)).await;
    assert_eq!(list["tickets"].as_array().unwrap().len(), 3);
    let (_, inq) = s.get("/api/v1/tickets?channel=inquiry", Some(&a)).await;
    let inq = &inq["tickets"][0];
    assert_eq!(inq["subject"], "배송 문의");
    let (_, detail) = s
        .get(
            &format!("/api/v1/tickets/{}", inq["id"].as_str().unwrap()),
            Some(&a),
        )
        .await;
    assert!(detail.get("transcript").is_none());
    assert_eq!(detail["body"], "언제 오나요");

    // status filter and update
    let (status, t) = s
        .put(
            &format!("/api/v1/tickets/{ticket}"),
            Some(&a),
            json!({"status": "closed"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(t["status"], "closed");
    let (_, closed) = s.get("/api/v1/tickets?status=closed", Some(&a)).await;
    assert_eq!(closed["tickets"].as_array().unwrap().len(), 1);
    let (status, _) = s.get("/api/v1/tickets?status=weird", Some(&a)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = s
        .put(
            &format!("/api/v1/tickets/{ticket}"),
            Some(&a),
            json!({"status": "weird"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    // another service sees none of it
    common::create_acme(&s.db_url).await;
    let boss = s.login("boss@acme.test", "acme-password").await;
    let (status, _) = s
        .get(&format!("/api/v1/tickets/{ticket}"), Some(&boss))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, list) = s.get("/api/v1/tickets", Some(&boss)).await;
    assert_eq!(list["tickets"].as_array().unwrap().len(), 0);
    let (status, _) = s
        .post(
            &format!("/api/v1/chats/{chat}/ticket"),
            Some(&boss),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = s
        .put(
            &format!("/api/v1/chats/{chat}/info"),
            Some(&boss),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, cats) = s.get("/api/v1/categories", Some(&boss)).await;
    assert_eq!(cats, json!([]));
    let demo_cat = {
        let (_, c) = s.get("/api/v1/categories", Some(&a)).await;
        c[0]["id"].as_str().unwrap().to_owned()
    };
    let (status, _) = s
        .put(
            &format!("/api/v1/categories/{demo_cat}"),
            Some(&boss),
            json!({"name": "탈취"}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn forwarded_addresses_count_only_behind_a_trusted_proxy() {
    for (server, expected) in [
        (TestServer::demo().await, "127.0.0.1"),
        (TestServer::demo_behind_proxy().await, "203.0.113.7"),
    ] {
        let a = server.online_agent("agent1@demo.test").await;
        let r = server
            .http
            .post(server.url("/api/v1/services/demo/chats"))
            // the last entry is the one the trusted proxy appended (issue 15)
            .header("x-forwarded-for", "10.0.0.1, 203.0.113.7")
            .json(&json!({"consent": true}))
            .send()
            .await
            .unwrap();
        let chat = r.json::<Value>().await.unwrap()["chat_id"]
            .as_str()
            .unwrap()
            .to_owned();
        let (_, d) = server.get(&format!("/api/v1/chats/{chat}"), Some(&a)).await;
        assert_eq!(d["customer"]["ip"], expected);
    }
}
