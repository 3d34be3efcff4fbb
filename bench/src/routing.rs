//! `routing` (issue 18): N customers arrive at an even pace over S seconds at M online
//! agents with a cap of C chats each. Every agent's socket takes each `chat.assigned`,
//! "handles" the chat for a fixed time, then ends it — which frees the seat and moves
//! the queue. Measured on the client's one clock: the time from a customer's start
//! request to the `chat.assigned` frame at an agent (p50/p99/max), the longest queue
//! the routing board showed, and whether every chat was assigned exactly once (none
//! lost, none twice).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use serde_json::{Value, json};

use crate::util;

/// What the run saw per chat.
#[derive(Default)]
struct Seen {
    /// When the customer's start request was sent.
    started: HashMap<String, Instant>,
    /// Every `chat.assigned` arrival per chat (more than one = assigned twice).
    assigned: HashMap<String, Vec<Instant>>,
}

pub struct Plan {
    pub customers: usize,
    pub agents: usize,
    pub capacity: i64,
    pub seconds: u64,
    pub handle_ms: u64,
}

pub async fn run(plan: Plan, bin: &std::path::Path) -> Value {
    util::raise_nofile();
    let server = util::Spawned::start(bin, None);
    let base = server.base.clone();
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(64)
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap();
    let admin = crate::login(&http, &base, "admin@demo.test", "demo-password").await;
    let r = http
        .put(format!("{base}/api/v1/settings"))
        .bearer_auth(&admin)
        .json(&json!({"routing": {"agent_capacity": plan.capacity}}))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "set the cap: {}", r.status());
    let seen = Arc::new(Mutex::new(Seen::default()));
    let mut agent_tasks = Vec::new();
    for j in 0..plan.agents {
        let (email, name) = (format!("route{j}@bench.test"), format!("배정 상담원 {j}"));
        let token = crate::online_bench_agent(&http, (&base, &base), &admin, (&email, &name)).await;
        let url = format!(
            "{}/api/v1/ws?token={token}",
            base.replace("http://", "ws://")
        );
        let (ws, _) = tokio_tungstenite::connect_async(&url).await.unwrap();
        agent_tasks.push(tokio::spawn(agent_loop(
            ws,
            http.clone(),
            base.clone(),
            token,
            seen.clone(),
            Duration::from_millis(plan.handle_ms),
        )));
    }

    // customers at an even pace
    let gap = Duration::from_secs_f64(plan.seconds as f64 / plan.customers as f64);
    let arrivals = Instant::now();
    let mut starts = Vec::new();
    let longest_queue = Arc::new(Mutex::new(0usize));
    let watcher = tokio::spawn(watch_queue(
        http.clone(),
        base.clone(),
        admin.clone(),
        longest_queue.clone(),
    ));
    for i in 0..plan.customers {
        let at = arrivals + gap * i as u32;
        tokio::time::sleep_until(at.into()).await;
        let (http, base, seen) = (http.clone(), base.clone(), seen.clone());
        starts.push(tokio::spawn(async move {
            let sent = Instant::now();
            let (id, _) = crate::start_bench_chat(&http, &base, &format!("route-{i}")).await;
            seen.lock().unwrap().started.insert(id, sent);
        }));
    }
    for s in starts {
        s.await.unwrap();
    }
    let arrival_secs = arrivals.elapsed().as_secs_f64();
    // the queue drains: wait until every chat was assigned (or a minute passed)
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let done = {
            let s = seen.lock().unwrap();
            s.started.keys().all(|id| s.assigned.contains_key(id))
        };
        if done || Instant::now() > deadline {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    watcher.abort();
    for a in agent_tasks {
        a.abort();
    }
    let s = seen.lock().unwrap();
    let mut waits = Vec::new();
    let mut twice = 0;
    let mut lost = 0;
    for (id, sent) in &s.started {
        match s.assigned.get(id) {
            Some(times) => {
                waits.push(times[0].saturating_duration_since(*sent).as_micros() as u64);
                if times.len() > 1 {
                    twice += 1;
                }
            }
            None => lost += 1,
        }
    }
    let longest = *longest_queue.lock().unwrap();
    json!({
        "load": {"customers": plan.customers, "agents": plan.agents, "capacity": plan.capacity,
                 "arrival_seconds": plan.seconds, "handling_ms": plan.handle_ms,
                 "seats": plan.agents as i64 * plan.capacity},
        "arrivals_took_seconds": (arrival_secs * 100.0).round() / 100.0,
        "started": s.started.len(),
        "assigned": s.started.len() - lost,
        "lost": lost,
        "assigned_twice": twice,
        "longest_queue_seen": longest,
        "start_to_assignment": util::latency_summary(waits),
    })
}

/// One agent: takes each assigned chat, holds it for `handle`, then ends it.
async fn agent_loop(
    mut ws: tokio_tungstenite::WebSocketStream<
        tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>,
    >,
    http: reqwest::Client,
    base: String,
    token: String,
    seen: Arc<Mutex<Seen>>,
    handle: Duration,
) {
    while let Some(Ok(frame)) = ws.next().await {
        let Ok(text) = frame.into_text() else {
            continue;
        };
        let Ok(v) = serde_json::from_str::<Value>(&text) else {
            continue;
        };
        if v["type"] != "chat.assigned" {
            continue;
        }
        let Some(id) = v["chat"]["id"].as_str().map(str::to_owned) else {
            continue;
        };
        let now = Instant::now();
        {
            let mut s = seen.lock().unwrap();
            s.assigned.entry(id.clone()).or_default().push(now);
        }
        let (http, base, token) = (http.clone(), base.clone(), token.clone());
        tokio::spawn(async move {
            tokio::time::sleep(handle).await;
            let _ = http
                .post(format!("{base}/api/v1/chats/{id}/end"))
                .bearer_auth(&token)
                .json(&json!({}))
                .send()
                .await;
        });
    }
}

/// Samples the routing board's queue length every 200 ms.
async fn watch_queue(
    http: reqwest::Client,
    base: String,
    admin: String,
    longest: Arc<Mutex<usize>>,
) {
    loop {
        let board = crate::get_json(&http, &format!("{base}/api/v1/routing/board"), &admin).await;
        let n = board["queue"].as_array().map_or(0, Vec::len);
        {
            let mut l = longest.lock().unwrap();
            *l = (*l).max(n);
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}
