//! Issue #5: settings rules (contract / help-center, locales, messages, fallback),
//! embed code, account management, and satisfaction ratings.

mod common;

use common::{Arg, DEMO_PASSWORD, TestServer};
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn admin(s: &TestServer) -> String {
    s.login("admin@demo.test", DEMO_PASSWORD).await
}

#[tokio::test]
async fn settings_read_and_partial_update() {
    let s = TestServer::demo().await;
    let a = admin(&s).await;
    let (status, v) = s.get("/api/v1/settings", Some(&a)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        v["contract"],
        json!({"chat": true, "security_service": true})
    );
    assert_eq!(v["helpcenter_chat_enabled"], true);
    assert_eq!(v["locales"], json!(["ko", "en"]));
    assert!(v["greetings"]["ko"].as_str().unwrap().contains("데모"));

    let (status, v) = s
        .put(
            "/api/v1/settings",
            Some(&a),
            json!({"prefer_recent_agent": false}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(v["prefer_recent_agent"], false);
    assert!(
        v["greetings"]["ko"].as_str().unwrap().contains("데모"),
        "only the given field changed"
    );

    let agent = s.login("agent1@demo.test", DEMO_PASSWORD).await;
    for (status, body) in [
        s.get("/api/v1/settings", Some(&agent)).await,
        s.put("/api/v1/settings", Some(&agent), json!({})).await,
    ] {
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert_eq!(body["error"], "admin_only");
    }
    let (status, v) = s
        .put(
            "/api/v1/settings",
            Some(&a),
            json!({"locales": ["ko", "fr"]}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(v["error"], "unsupported_locale");
}

#[tokio::test]
async fn chat_off_hides_chat_and_help_center_chat_needs_the_contract() {
    let s = TestServer::demo().await;
    let a = admin(&s).await;
    let agent = s.online_agent("agent1@demo.test").await;
    let (chat, token) = s.start_chat(json!({"consent": true})).await;
    s.send_message(&chat, &token, "1", "기록").await;

    let (_, v) = s
        .put(
            "/api/v1/settings",
            Some(&a),
            json!({"contract": {"chat": false}}),
        )
        .await;
    assert_eq!(
        v["helpcenter_chat_enabled"], false,
        "contract off switches the help center off"
    );
    let (status, _) = s
        .post(
            "/api/v1/services/demo/chats",
            None,
            json!({"consent": true}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "no new chats");
    let (status, _) = s.get("/api/v1/services/demo/chat/availability", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, html) = s.get_html("/hc/demo", None).await;
    assert!(!html.contains(r#"data-testid="chat-icon""#), "no chat icon");
    let (_, msgs) = s
        .get(&format!("/api/v1/chats/{chat}/messages"), Some(&agent))
        .await;
    assert_eq!(
        msgs["messages"].as_array().unwrap().len(),
        2,
        "history kept"
    );

    let (status, v) = s
        .put(
            "/api/v1/settings",
            Some(&a),
            json!({"helpcenter_chat_enabled": true}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "C-SET-2");
    assert_eq!(v["error"], "contract_chat_off");
    let (status, _) = s
        .put(
            "/api/v1/settings",
            Some(&a),
            json!({"contract": {"chat": true}, "helpcenter_chat_enabled": true}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, html) = s.get_html("/hc/demo", None).await;
    assert!(html.contains(r#"data-testid="chat-icon""#));
}

#[tokio::test]
async fn greeting_follows_the_customers_language_with_fallback() {
    let s = TestServer::demo().await;
    let a = admin(&s).await;
    s.online_agent("agent1@demo.test").await;
    s.put(
        "/api/v1/settings",
        Some(&a),
        json!({"greetings": {"ko": "새 인사말입니다", "en": "New greeting"}}),
    )
    .await;
    let first = |token: String, chat: String| {
        let s = &s;
        async move {
            let (_, v) = s
                .get(&format!("/api/v1/chats/{chat}/messages"), Some(&token))
                .await;
            v["messages"][0]["text"].as_str().unwrap().to_owned()
        }
    };
    let (c, t) = s.start_chat(json!({"consent": true, "locale": "en"})).await;
    assert_eq!(
        first(t, c).await,
        "New greeting",
        "the next chat uses the new greeting at once"
    );
    let (c, t) = s.start_chat(json!({"consent": true})).await;
    assert_eq!(first(t, c).await, "새 인사말입니다");
    // an empty English greeting falls back to the default language (ko)
    s.put(
        "/api/v1/settings",
        Some(&a),
        json!({"greetings": {"en": ""}}),
    )
    .await;
    let (c, t) = s.start_chat(json!({"consent": true, "locale": "en"})).await;
    assert_eq!(first(t, c).await, "새 인사말입니다");
    // a help center offering only ko answers an English customer in Korean
    s.put(
        "/api/v1/settings",
        Some(&a),
        json!({"greetings": {"en": "Hi"}, "locales": ["ko"]}),
    )
    .await;
    let (c, t) = s.start_chat(json!({"consent": true, "locale": "en"})).await;
    assert_eq!(first(t, c).await, "새 인사말입니다");
}

#[tokio::test]
async fn embed_code_per_language() {
    let s = TestServer::demo().await;
    let a = admin(&s).await;
    let (status, v) = s
        .get("/api/v1/settings/embed-code?locale=en", Some(&a))
        .await;
    assert_eq!(status, StatusCode::OK);
    let snippet = v["snippet"].as_str().unwrap();
    assert!(
        snippet.contains(&format!("src=\"{}/widget.js?service=demo\"", s.base)),
        "{snippet}"
    );
    assert!(snippet.contains(r#"data-service="demo""#) && snippet.contains(r#"data-locale="en""#));
    let (status, _) = s
        .get("/api/v1/settings/embed-code?locale=xx", Some(&a))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn admins_manage_accounts() {
    let s = TestServer::demo().await;
    let a = admin(&s).await;
    let (status, v) = s
        .post("/api/v1/agents", Some(&a), json!({"name": "박신입", "email": "new@demo.test", "password": "new-password", "role": "agent"}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{v}");
    let id = v["id"].as_str().unwrap().to_owned();
    assert_eq!(v["chat_permission"], true);
    let new = s.login("new@demo.test", "new-password").await;
    let (status, _) = s.post("/api/v1/agents", Some(&a), json!({"name": "중복", "email": "new@demo.test", "password": "xxxxxxxx", "role": "agent"})).await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, _) = s.post("/api/v1/agents", Some(&a), json!({"name": "짧음", "email": "short@demo.test", "password": "short", "role": "agent"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _) = s
        .post(
            "/api/v1/agents",
            Some(&new),
            json!({"name": "x", "email": "x@demo.test", "password": "xxxxxxxx", "role": "admin"}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // no chat permission: never assigned
    s.set_status(&new, "online").await;
    let (_, v) = s
        .put(
            &format!("/api/v1/agents/{id}"),
            Some(&a),
            json!({"chat_permission": false}),
        )
        .await;
    assert_eq!(v["chat_permission"], false);
    let (status, _) = s
        .post(
            "/api/v1/services/demo/chats",
            None,
            json!({"consent": true}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);

    // password reset signs out; deactivation refuses login
    let (_, _) = s
        .put(
            &format!("/api/v1/agents/{id}"),
            Some(&a),
            json!({"password": "reset-password"}),
        )
        .await;
    let (status, _) = s.get("/api/v1/agent/me", Some(&new)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    s.login("new@demo.test", "reset-password").await;
    let (_, v) = s
        .put(
            &format!("/api/v1/agents/{id}"),
            Some(&a),
            json!({"active": false}),
        )
        .await;
    assert_eq!(v["active"], false);
    let r = s
        .http
        .post(s.url("/api/v1/auth/login"))
        .json(&json!({"email": "new@demo.test", "password": "reset-password"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        r.json::<Value>().await.unwrap()["error"],
        "account_deactivated"
    );

    // the last admin stays
    let (_, me) = s.get("/api/v1/agent/me", Some(&a)).await;
    let (status, v) = s
        .put(
            &format!("/api/v1/agents/{}", me["id"].as_str().unwrap()),
            Some(&a),
            json!({"role": "agent"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(v["error"], "last_admin");
}

#[tokio::test]
async fn deactivating_an_online_agent_hands_chats_over() {
    let s = TestServer::demo().await;
    let a = admin(&s).await;
    let a1 = s.online_agent("agent1@demo.test").await;
    let (chat, token) = s.start_chat(json!({"consent": true})).await;
    s.online_agent("agent2@demo.test").await;
    let (_, me1) = s.get("/api/v1/agent/me", Some(&a1)).await;
    s.put(
        &format!("/api/v1/agents/{}", me1["id"].as_str().unwrap()),
        Some(&a),
        json!({"active": false}),
    )
    .await;
    let (_, d) = s.get(&format!("/api/v1/chats/{chat}"), Some(&token)).await;
    assert_eq!(d["agent_name"], "이상담");
}

#[tokio::test]
async fn ratings_rules() {
    let s = TestServer::demo().await;
    let agent = s.online_agent("agent1@demo.test").await;
    let (chat, token) = s.start_chat(json!({"consent": true, "locale": "en"})).await;

    // the agent asks: the satisfaction message (customer's language) arrives in the chat
    let (status, _) = s
        .post(
            &format!("/api/v1/chats/{chat}/rating-request"),
            Some(&agent),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, v) = s
        .get(&format!("/api/v1/chats/{chat}/messages"), Some(&token))
        .await;
    let last = v["messages"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["author"], "system");
    assert!(
        last["text"].as_str().unwrap().starts_with("How did we do?"),
        "{last}"
    );

    for bad in [
        json!({"score": 0}),
        json!({"score": 6}),
        json!({"score": 3, "comment": "x".repeat(1001)}),
    ] {
        let (status, _) = s
            .post(&format!("/api/v1/chats/{chat}/rating"), Some(&token), bad)
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let (status, v) = s
        .post(
            &format!("/api/v1/chats/{chat}/rating"),
            Some(&token),
            json!({"score": 3}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(v["score"], 3);
    let (_, v) = s
        .post(
            &format!("/api/v1/chats/{chat}/rating"),
            Some(&token),
            json!({"score": 4, "comment": "친절해요"}),
        )
        .await;
    assert_eq!(v["score"], 4, "a new rating replaces the old");
    let (_, d) = s.get(&format!("/api/v1/chats/{chat}"), Some(&agent)).await;
    assert_eq!(d["rating"], 4);
    assert_eq!(d["rating_comment"], "친절해요");
    let (status, v) = s
        .post(
            &format!("/api/v1/chats/{chat}/rating"),
            Some(&agent),
            json!({"score": 5}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "agents cannot rate: {v}");

    // after the agent ends: still accepted (within 24 h)
    s.post(
        &format!("/api/v1/chats/{chat}/end"),
        Some(&agent),
        json!({}),
    )
    .await;
    let (status, _) = s
        .post(
            &format!("/api/v1/chats/{chat}/rating"),
            Some(&token),
            json!({"score": 5}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    // … but not after 24 h
    let old = chrono::Utc::now() - chrono::Duration::hours(25);
    common::exec(
        &s.db_url,
        "UPDATE chats SET ended_at = ? WHERE id = ?",
        &[Arg::Time(old), Arg::Int(chat.parse().unwrap())],
    )
    .await;
    let (status, v) = s
        .post(
            &format!("/api/v1/chats/{chat}/rating"),
            Some(&token),
            json!({"score": 1}),
        )
        .await;
    // the customer token itself ends with the rating window (issue 15)
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{v}");
    // requesting a rating on a closed chat is refused
    let (status, v) = s
        .post(
            &format!("/api/v1/chats/{chat}/rating-request"),
            Some(&agent),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(v["error"], "chat_closed");
}

#[tokio::test]
async fn the_help_center_offers_only_its_languages() {
    let s = TestServer::demo().await;
    let a = admin(&s).await;
    s.put("/api/v1/settings", Some(&a), json!({"locales": ["ko"]}))
        .await;
    let r = s
        .http
        .get(s.url("/hc/demo"))
        .header("cookie", "oc_lang=en")
        .send()
        .await
        .unwrap();
    let html = r.text().await.unwrap();
    assert!(
        html.contains("무엇을 도와드릴까요?") && html.contains(r#"lang="ko""#),
        "an English visitor gets the help center's default language"
    );
    assert!(
        !html.contains(r#"data-testid="lang-en""#),
        "no English switch"
    );
}

/// Issue 33: the help center shows the service's own business hours (in its zone),
/// never a fixed text; without hours it says chat is open whenever an agent is online.
#[tokio::test]
async fn the_help_center_shows_the_services_own_hours() {
    let s = TestServer::demo().await;
    let a = admin(&s).await;
    let page = |s: &TestServer| {
        let req = s.http.get(s.url("/hc/demo")).header("cookie", "oc_lang=ko");
        async move { req.send().await.unwrap().text().await.unwrap() }
    };
    let html = page(&s).await;
    assert!(html.contains("hc-hours-any-time"), "no hours kept yet");
    assert!(!html.contains("평일 09:00"), "no fixed hours text");
    let (_, info) = s.get("/api/v1/services/demo", None).await;
    assert!(info["hours"].is_null(), "{info}");

    let late = json!([{"start": "10:30", "end": "19:30"}]);
    let week = json!({"mon": late, "tue": late, "wed": late, "thu": late, "fri": late,
                      "sat": [{"start": "11:00", "end": "14:00"}]});
    let hours = json!({"enabled": true, "time_zone": "Europe/Berlin", "weekly": week,
                       "holidays": [], "chat_outside_hours": false});
    let (status, v) = s
        .put("/api/v1/settings", Some(&a), json!({"hours": hours}))
        .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    let html = page(&s).await;
    assert!(html.contains("hours-table"), "the hours are shown");
    assert!(html.contains("10:30–19:30") && html.contains("11:00–14:00"));
    assert!(html.contains("Europe/Berlin"), "in the service's zone");
    assert!(!html.contains("hc-hours-any-time"));
    let (_, info) = s.get("/api/v1/services/demo", None).await;
    assert_eq!(info["hours"]["time_zone"], "Europe/Berlin", "{info}");
}
