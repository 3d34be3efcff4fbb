//! Issue #10: several instances on one PostgreSQL database. A customer on one instance
//! and the agent on another see each other live (the LISTEN/NOTIFY bus); 100 chats
//! started at once across two instances are each assigned exactly once, evenly; and the
//! same flow works through nginx balancing round-robin with WebSocket upgrade.
//!
//! Runs in the PostgreSQL pass (`OC_TEST_DB=postgres`); on SQLite, which is one process
//! by design, each test says so and returns.

mod common;

use common::{DEMO_PASSWORD, TestServer, Ws};
use reqwest::StatusCode;
use serde_json::{Value, json};

fn postgres_only() -> bool {
    if common::backend() == common::Backend::Postgres {
        return true;
    }
    eprintln!("multi-instance tests need PostgreSQL (OC_TEST_DB=postgres)");
    false
}

/// Two demo instances on one database.
async fn two_instances() -> (TestServer, TestServer, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shared.db");
    let a = TestServer::start_on(&path, true).await;
    let b = TestServer::start_on(&path, true).await;
    assert_eq!(a.db_url, b.db_url);
    (a, b, dir)
}

#[tokio::test]
async fn customer_on_one_instance_and_agent_on_another_talk_live() {
    if !postgres_only() {
        return;
    }
    let (a, b, _dir) = two_instances().await;
    // the agent works on B
    let agent = b.online_agent("agent1@demo.test").await;
    let mut agent_ws = Ws::connect(&b.ws_url(&agent)).await;
    agent_ws.expect("agent.counters").await;

    // the customer arrives on A; the assignment reaches the agent's socket on B
    let (chat, customer) = a.start_chat(json!({"consent": true, "name": "교차"})).await;
    let assigned = agent_ws.expect("chat.assigned").await;
    assert_eq!(assigned["chat"]["id"], chat.as_str());

    let mut customer_ws = Ws::connect(&a.ws_url(&customer)).await;
    customer_ws
        .send(json!({"type": "resume", "chat_id": chat, "after_seq": 0}))
        .await;
    customer_ws.expect("resumed").await;

    // customer (A) → agent (B)
    customer_ws
        .send(json!({"type": "message.send", "chat_id": chat, "client_id": "x1", "text": "인스턴스 A에서 보냅니다"}))
        .await;
    let got = agent_ws
        .expect_where("the customer's message", |v| {
            v["type"] == "message.created" && v["message"]["client_id"] == "x1"
        })
        .await;
    assert_eq!(got["message"]["text"], "인스턴스 A에서 보냅니다");
    let unread = agent_ws
        .expect_where("counters with the unread message", |v| {
            v["type"] == "agent.counters" && v["unread"] == 1
        })
        .await;
    assert_eq!(unread["open_count"], 1);

    // agent (B) → customer (A), including a message too long for one NOTIFY payload
    let long = "가".repeat(3_000);
    agent_ws
        .send(json!({"type": "message.send", "chat_id": chat, "client_id": "y1", "text": "네, B에서 답합니다"}))
        .await;
    agent_ws
        .send(json!({"type": "message.send", "chat_id": chat, "client_id": "y2", "text": long}))
        .await;
    let reply = customer_ws
        .expect_where("the agent's reply", |v| {
            v["type"] == "message.created" && v["message"]["author"] == "agent"
        })
        .await;
    assert_eq!(reply["message"]["text"], "네, B에서 답합니다");
    let big = customer_ws
        .expect_where("the long reply", |v| {
            v["type"] == "message.created"
                && v["message"]["seq"] == reply["message"]["seq"].as_i64().unwrap() + 1
        })
        .await;
    assert_eq!(
        big["message"]["text"].as_str().unwrap().chars().count(),
        3_000
    );

    // masking on B updates the customer's view on A (C-PII-3)
    let msg_id = got["message"]["id"].as_str().unwrap();
    let (st, v) = b
        .post(
            &format!("/api/v1/chats/{chat}/messages/{msg_id}/masks"),
            Some(&agent),
            json!({"start": 0, "end": 4}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    let updated = customer_ws.expect("message.updated").await;
    assert!(
        updated["message"]["text"]
            .as_str()
            .unwrap()
            .starts_with("****")
    );

    // ending on A reaches B
    a.post(
        &format!("/api/v1/chats/{chat}/end"),
        Some(&customer),
        json!({}),
    )
    .await;
    agent_ws
        .expect_where("the end", |v| v["type"] == "chat.ended")
        .await;
}

// several worker threads, so the two instances' transactions really overlap
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_hundred_chats_across_two_instances_are_each_assigned_once() {
    if !postgres_only() {
        return;
    }
    let (a, b, _dir) = two_instances().await;
    a.set_capacity(50).await;
    let a1 = a.online_agent("agent1@demo.test").await;
    let a2 = b.online_agent("agent2@demo.test").await;
    let started = common::start_chats_at_once(&[&a, &b], 100, "v").await;
    assert_eq!(started.len(), 100);
    let ids = common::chat_ids;
    // each agent's list, read from the other instance
    let (_, l1) = b.get("/api/v1/agent/chats", Some(&a1)).await;
    let (_, l2) = a.get("/api/v1/agent/chats", Some(&a2)).await;
    assert_eq!(
        l1["open_count"], 50,
        "least-loaded assignment across instances"
    );
    assert_eq!(l2["open_count"], 50);
    let (i1, i2) = (ids(&l1), ids(&l2));
    assert!(i1.is_disjoint(&i2), "never two agents on one chat");
    assert_eq!(&i1 | &i2, started, "every chat assigned");
}

// An agent going offline on one instance while chats are being assigned on the other:
// without one lock across instances, a chat can be given to the agent after the
// hand-over already ran, and sit with an offline agent (C-AG-9: never stranded).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn going_offline_on_one_instance_strands_no_chat_assigned_on_the_other() {
    if !postgres_only() {
        return;
    }
    let (a, b, _dir) = two_instances().await;
    let a1 = b.online_agent("agent1@demo.test").await;
    let _a2 = b.online_agent("agent2@demo.test").await;
    for round in 0..8 {
        let starts: Vec<_> = (0..12)
            .map(|i| {
                let http = a.http.clone();
                let url = a.url("/api/v1/services/demo/chats");
                tokio::spawn(async move {
                    let r = http
                        .post(url)
                        .json(&json!({"consent": true, "visitor_id": format!("r{round}v{i}")}))
                        .send()
                        .await
                        .unwrap();
                    assert_eq!(r.status(), StatusCode::CREATED);
                })
            })
            .collect();
        tokio::time::sleep(std::time::Duration::from_millis(3)).await;
        b.set_status(&a1, "offline").await;
        for h in starts {
            h.await.unwrap();
        }
        let (_, l1) = a.get("/api/v1/agent/chats", Some(&a1)).await;
        assert_eq!(
            l1["open_count"], 0,
            "round {round}: a chat sits with the agent who went offline"
        );
        b.set_status(&a1, "online").await;
    }
}

#[tokio::test]
async fn an_export_started_on_one_instance_is_followed_and_downloaded_on_another() {
    if !postgres_only() {
        return;
    }
    let (a, b, _dir) = two_instances().await;
    let agent = a.online_agent("agent1@demo.test").await;
    let (chat, customer) = a
        .start_chat(json!({"consent": true, "name": "내보내기"}))
        .await;
    a.send_message(&chat, &customer, "e1", "환불 문의입니다")
        .await;

    let (st, job) = a
        .post("/api/v1/chats/exports", Some(&agent), json!({}))
        .await;
    assert_eq!(st, StatusCode::ACCEPTED, "{job}");
    let id = job["id"].as_str().unwrap().to_owned();
    let mut progress = Value::Null;
    for _ in 0..200 {
        let (st, p) = b
            .get(&format!("/api/v1/chats/exports/{id}"), Some(&agent))
            .await;
        assert_eq!(st, StatusCode::OK, "the other instance knows the job: {p}");
        progress = p;
        if progress["state"] != "running" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    assert_eq!(progress["state"], "done", "{progress}");
    assert_eq!(progress["written"], 1);
    let r = b
        .http
        .get(b.url(&format!("/api/v1/chats/exports/{id}/file")))
        .bearer_auth(&agent)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let bytes = r.bytes().await.unwrap();
    assert_eq!(&bytes[..2], b"PK", "an xlsx (zip) workbook");
    // while an export of the agent's runs (on A), B refuses to start another
    common::exec(
        &a.db_url,
        "UPDATE export_jobs SET state = 'running' WHERE id = ?",
        &[common::Arg::Text(id.clone())],
    )
    .await;
    let (st, v) = b
        .post("/api/v1/chats/exports", Some(&agent), json!({}))
        .await;
    assert_eq!(st, StatusCode::CONFLICT, "{v}");
    assert_eq!(v["error"], "export_running");
    // another agent cannot see it from either instance
    let other = b.login("agent2@demo.test", DEMO_PASSWORD).await;
    let (st, _) = a
        .get(&format!("/api/v1/chats/exports/{id}"), Some(&other))
        .await;
    assert_eq!(st, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn an_agent_with_a_console_open_on_another_instance_stays_online() {
    if !postgres_only() {
        return;
    }
    let (a, b, _dir) = two_instances().await;
    let agent = a.online_agent("agent1@demo.test").await;
    let status = |s: &TestServer| {
        let (http, url, token) = (s.http.clone(), s.url("/api/v1/agent/me"), agent.clone());
        async move {
            let v: Value = http
                .get(url)
                .bearer_auth(token)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            v["status"].as_str().unwrap_or_default().to_owned()
        }
    };
    // two tabs behind a round-robin balancer: one socket on each instance
    let mut on_a = Ws::connect(&a.ws_url(&agent)).await;
    on_a.expect("agent.counters").await;
    let mut on_b = Ws::connect(&b.ws_url(&agent)).await;
    on_b.expect("agent.counters").await;
    // the tab on A closes; past the grace period (1 s here) the agent is still online,
    // because B holds a socket
    on_a.close().await;
    tokio::time::sleep(std::time::Duration::from_millis(2_500)).await;
    assert_eq!(status(&a).await, "online");
    // the last tab closes: now the agent goes offline
    on_b.close().await;
    let mut last = String::new();
    for _ in 0..40 {
        last = status(&b).await;
        if last == "offline" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(last, "offline", "no console left anywhere");
}

#[tokio::test]
async fn failed_logins_count_on_every_instance() {
    if !postgres_only() {
        return;
    }
    let (a, b, _dir) = two_instances().await;
    let attempt = |s: &TestServer, password: &str| {
        let (http, url) = (s.http.clone(), s.url("/api/v1/auth/login"));
        let body = json!({"email": "agent1@demo.test", "password": password});
        async move { http.post(url).json(&body).send().await.unwrap() }
    };
    // five wrong passwords, alternating between the instances (3 on A, 2 on B)
    for i in 0..5 {
        let s = if i % 2 == 0 { &a } else { &b };
        assert_eq!(
            attempt(s, "wrong-password").await.status(),
            StatusCode::UNAUTHORIZED
        );
    }
    // the sixth is refused on both, even with the right password
    for s in [&a, &b] {
        let r = attempt(s, DEMO_PASSWORD).await;
        assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
        assert!(r.headers().contains_key("retry-after"));
    }
}

// Issue 18: two instances keep one queue. Thirty customers arrive at once across both
// at a desk of four seats: exactly four chats are assigned, the rest wait with positions
// 1..=26 that both instances report alike; a seat freed on one instance goes to the
// head of the queue once.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_instances_keep_one_queue() {
    if !postgres_only() {
        return;
    }
    let (a, b, _dir) = two_instances().await;
    a.set_capacity(2).await;
    let a1 = a.online_agent("agent1@demo.test").await;
    let a2 = b.online_agent("agent2@demo.test").await;
    let started = common::start_chats_at_once(&[&a, &b], 30, "q").await;
    assert_eq!(started.len(), 30);
    let ids = common::chat_ids;
    let (_, l1) = b.get("/api/v1/agent/chats", Some(&a1)).await;
    let (_, l2) = a.get("/api/v1/agent/chats", Some(&a2)).await;
    assert_eq!(
        (l1["open_count"].clone(), l2["open_count"].clone()),
        (json!(2), json!(2))
    );
    assert!(
        ids(&l1).is_disjoint(&ids(&l2)),
        "never two agents on one chat"
    );
    let (_, board_a) = a.get("/api/v1/routing/board", Some(&a1)).await;
    let (_, board_b) = b.get("/api/v1/routing/board", Some(&a2)).await;
    assert_eq!(
        board_a["queue"], board_b["queue"],
        "one queue, read alike on both"
    );
    let queue = board_a["queue"].as_array().unwrap();
    assert_eq!(queue.len(), 26);
    let positions: Vec<i64> = queue
        .iter()
        .map(|q| q["position"].as_i64().unwrap())
        .collect();
    assert_eq!(positions, (1..=26).collect::<Vec<_>>());
    let head = queue[0]["chat_id"].as_str().unwrap().to_owned();

    // a seat frees on B: the head goes to that agent, once
    let mine: Vec<String> = ids(&l2).into_iter().collect();
    let (status, _) = b.end_chat(&mine[0], &a2).await;
    assert_eq!(status, StatusCode::OK);
    let (_, l2) = a.get("/api/v1/agent/chats", Some(&a2)).await;
    assert!(ids(&l2).contains(&head), "{l2}");
    let (_, l1) = a.get("/api/v1/agent/chats", Some(&a1)).await;
    assert!(!ids(&l1).contains(&head));
    let (_, board) = a.get("/api/v1/routing/board", Some(&a1)).await;
    assert_eq!(board["queue"].as_array().unwrap().len(), 25);
    assert_eq!(board["queue"][0]["position"], 1);
}

// Sends to the same chats from both instances at once (customers on A, agents on B):
// every send is stored exactly once, each chat's seqs stay gapless, and concurrent send
// groups of the two instances never deadlock (a deadlock would surface as a 500).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn both_instances_sending_to_the_same_chats_at_once() {
    if !postgres_only() {
        return;
    }
    let (a, b, _dir) = two_instances().await;
    a.set_capacity(8).await;
    let agent = b.online_agent("agent1@demo.test").await;
    let mut chats = Vec::new();
    for _ in 0..8 {
        chats.push(a.start_chat(json!({"consent": true})).await);
    }
    let mut sends = Vec::new();
    for (chat, customer) in &chats {
        for k in 0..6 {
            for (s, token, who) in [(&a, customer, "c"), (&b, &agent, "a")] {
                let (chat, token) = (chat.clone(), token.clone());
                sends.push(async move {
                    let (st, v) = s
                        .send_message(&chat, &token, &format!("{who}{k}"), &format!("{who} {k}"))
                        .await;
                    assert_eq!(st, StatusCode::CREATED, "{v}");
                });
            }
        }
    }
    futures_util::future::join_all(sends).await;
    for (chat, customer) in &chats {
        let seqs = common::message_seqs(&a, chat, customer).await;
        // the greeting and 12 sends, numbered 1..=13 without gaps or doubles
        assert_eq!(seqs, (1..=13).collect::<Vec<_>>(), "chat {chat}");
    }
}

/// nginx in front of two instances, round-robin, WebSocket upgrade passed through.
struct Nginx {
    child: std::process::Child,
    base: String,
    _dir: tempfile::TempDir,
}

impl Nginx {
    fn start(upstreams: &[&str]) -> Nginx {
        let dir = tempfile::tempdir().unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let d = dir.path().display();
        let servers: String = upstreams.iter().map(|u| format!("server {u};\n")).collect();
        let conf = format!(
            "daemon off;\nmaster_process off;\nuser root;\npid {d}/nginx.pid;\nerror_log {d}/error.log;\n\
             events {{ worker_connections 512; }}\n\
             http {{\n access_log off;\n client_body_temp_path {d}/body;\n proxy_temp_path {d}/proxy;\n\
             fastcgi_temp_path {d}/fcgi;\n uwsgi_temp_path {d}/uwsgi;\n scgi_temp_path {d}/scgi;\n\
             upstream online_contact {{\n{servers}}}\n\
             map $http_upgrade $connection_upgrade {{ default upgrade; '' close; }}\n\
             server {{\n listen 127.0.0.1:{port};\n location / {{\n proxy_pass http://online_contact;\n\
             proxy_http_version 1.1;\n proxy_set_header Upgrade $http_upgrade;\n\
             proxy_set_header Connection $connection_upgrade;\n proxy_set_header Host $http_host;\n\
             proxy_set_header X-Forwarded-For $remote_addr;\n proxy_read_timeout 1h;\n }}\n }}\n}}\n"
        );
        let conf_path = dir.path().join("nginx.conf");
        std::fs::write(&conf_path, conf).unwrap();
        let bin = ["/usr/sbin/nginx", "/usr/bin/nginx"]
            .into_iter()
            .find(|p| std::path::Path::new(p).exists())
            .expect("nginx is installed (scripts/install-tools.sh --test)");
        let child = std::process::Command::new(bin)
            .arg("-p")
            .arg(dir.path())
            .arg("-c")
            .arg(&conf_path)
            // one process (no master), no inherited pipes: killing it leaves nothing
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        Nginx {
            child,
            base: format!("http://127.0.0.1:{port}"),
            _dir: dir,
        }
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test]
async fn the_whole_flow_through_nginx_round_robin() {
    if !postgres_only() {
        return;
    }
    let (a, b, _dir) = two_instances().await;
    let a_addr = a.base.trim_start_matches("http://").to_owned();
    let b_addr = b.base.trim_start_matches("http://").to_owned();
    let lb = Nginx::start(&[&a_addr, &b_addr]);
    let front = TestServer::client_of(&lb.base);

    // every request goes through nginx, which alternates between the instances
    let agent = front.login("agent1@demo.test", DEMO_PASSWORD).await;
    front.set_status(&agent, "online").await;
    let mut agent_ws = Ws::connect(&front.ws_url(&agent)).await;
    agent_ws.expect("agent.counters").await;
    let (chat, customer) = front.start_chat(json!({"consent": true})).await;
    agent_ws.expect("chat.assigned").await;
    let mut customer_ws = Ws::connect(&front.ws_url(&customer)).await;
    customer_ws
        .send(json!({"type": "resume", "chat_id": chat, "after_seq": 0}))
        .await;
    customer_ws.expect("resumed").await;
    for i in 0..6 {
        customer_ws
            .send(json!({"type": "message.send", "chat_id": chat, "client_id": format!("c{i}"), "text": format!("고객 {i}")}))
            .await;
        let got = agent_ws
            .expect_where("the customer's message", |v| {
                v["type"] == "message.created" && v["message"]["author"] == "customer"
            })
            .await;
        assert_eq!(got["message"]["text"], format!("고객 {i}"));
        // a REST reply (its own request, so nginx picks the next instance)
        let (st, _) = front
            .post(
                &format!("/api/v1/chats/{chat}/messages"),
                Some(&agent),
                json!({"client_id": format!("a{i}"), "text": format!("상담 {i}")}),
            )
            .await;
        assert_eq!(st, StatusCode::CREATED);
        let reply = customer_ws
            .expect_where("the agent's reply", |v| {
                v["type"] == "message.created" && v["message"]["author"] == "agent"
            })
            .await;
        assert_eq!(reply["message"]["text"], format!("상담 {i}"));
    }
    // the session made on one instance works on both
    for _ in 0..4 {
        let (st, v) = front.get("/api/v1/agent/chats", Some(&agent)).await;
        assert_eq!(st, StatusCode::OK);
        assert_eq!(v["open_count"], 1);
    }
}
