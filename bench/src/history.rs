//! Chat history at scale: a generator of synthetic chats with Korean messages spread
//! over the past year, then filtered-search latency through the real API and the time
//! and peak server memory of a large `.xlsx` export.

use std::path::Path;
use std::str::FromStr;
use std::time::{Duration, Instant};

use chrono::{Duration as Days, Utc};
use serde_json::{Value, json};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sqlx::{ConnectOptions, Connection, Row};

use crate::util;

const NAMES: [&str; 12] = [
    "김민준",
    "이서연",
    "박지호",
    "최수아",
    "정예준",
    "강하은",
    "조도윤",
    "윤지우",
    "장서준",
    "임하린",
    "한지민",
    "오현우",
];
const CUSTOMER_LINES: [&str; 10] = [
    "주문한 상품 환불 요청합니다",
    "배송 지연 때문에 문의드립니다",
    "쿠폰 적용이 안 돼요",
    "결제가 두 번 된 것 같아요",
    "교환 신청은 어떻게 하나요",
    "비밀번호를 잊어버렸어요",
    "회원 탈퇴하고 싶습니다",
    "영수증 발급 부탁드립니다",
    "상품이 파손되어 도착했어요",
    "포인트 적립이 안 되었습니다",
];
const AGENT_LINES: [&str; 5] = [
    "확인 후 바로 처리해 드리겠습니다",
    "불편을 드려 죄송합니다. 주문번호를 알려주시겠어요?",
    "안내해 드린 방법으로 진행해 주세요",
    "담당 부서에 전달하였습니다",
    "추가로 궁금하신 점 있으신가요?",
];

/// A tiny deterministic generator (no extra crate needed for synthetic data).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }
}

async fn open(db: &Path) -> sqlx::SqliteConnection {
    SqliteConnectOptions::from_str(&format!("sqlite://{}", db.display()))
        .unwrap()
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Off)
        .connect()
        .await
        .unwrap()
}

/// Fills the demo service with `chats` chats (three messages each) over the last year.
async fn generate(db: &Path, chats: usize) -> f64 {
    let mut conn = open(db).await;
    let service: i64 = sqlx::query_scalar("SELECT id FROM services WHERE slug = 'demo'")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    let agents: Vec<i64> = sqlx::query_scalar("SELECT id FROM agents WHERE service_id = ?")
        .bind(service)
        .fetch_all(&mut conn)
        .await
        .unwrap();
    let categories: Vec<i64> = sqlx::query_scalar("SELECT id FROM categories WHERE service_id = ?")
        .bind(service)
        .fetch_all(&mut conn)
        .await
        .unwrap();
    let have: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM chats")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    let start = Instant::now();
    let now = Utc::now();
    let span = Days::days(365).num_seconds() as u64;
    let mut rng = Lcg(have as u64 + 7);
    let mut done = have as usize;
    while done < chats {
        let mut tx = conn.begin().await.unwrap();
        for _ in 0..5000.min(chats - done) {
            done += 1;
            // oldest first, so ids grow with time like real traffic
            let created = now - Days::seconds((span * (chats - done) as u64 / chats as u64) as i64);
            let agent = agents[(rng.next() % agents.len() as u64) as usize];
            let handled = rng.next() % 5 != 0;
            let name = rng.pick(&NAMES);
            let email = format!("c{done}@example.kr");
            let first = created + Days::seconds(20 + (rng.next() % 100) as i64);
            let ended = created + Days::seconds(120 + (rng.next() % 900) as i64);
            let category = categories[(rng.next() % categories.len() as u64) as usize];
            let rating = (rng.next() % 3 == 0).then(|| 1 + (rng.next() % 5) as i64);
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO chats (service_id, status, agent_id, visitor_id, customer_name, customer_email, locale, channel,
                    category_id, customer_token_hash, consent_at, consent_version, handled, opened_at, opened_by,
                    first_response_at, rating, last_seq, agent_read_seq, created_at, assigned_at, ended_at)
                 VALUES (?, 'ended', ?, ?, ?, ?, 'ko', 'helpcenter', ?, ?, ?, 'v1', ?, ?, ?, ?, ?, 3, 3, ?, ?, ?) RETURNING id",
            )
            .bind(service)
            .bind(agent)
            .bind(format!("v{done}"))
            .bind(name)
            .bind(&email)
            .bind(category)
            .bind(format!("bench-token-{done}").into_bytes())
            .bind(created)
            .bind(handled)
            .bind(handled.then_some(created))
            .bind(handled.then_some(agent))
            .bind(handled.then_some(first))
            .bind(rating)
            .bind(created)
            .bind(created)
            .bind(ended)
            .fetch_one(&mut *tx)
            .await
            .unwrap();
            let lines = [
                (
                    "customer",
                    None,
                    format!(
                        "{} (주문번호 {})",
                        rng.pick(&CUSTOMER_LINES),
                        100_000 + rng.next() % 900_000
                    ),
                ),
                ("agent", Some(agent), rng.pick(&AGENT_LINES).to_owned()),
                ("customer", None, "네 감사합니다".to_owned()),
            ];
            for (seq, (author, by, text)) in lines.into_iter().enumerate() {
                sqlx::query("INSERT INTO messages (chat_id, seq, author, agent_id, text, created_at) VALUES (?, ?, ?, ?, ?, ?)")
                    .bind(id)
                    .bind(seq as i64 + 1)
                    .bind(author)
                    .bind(by)
                    .bind(text)
                    .bind(created + Days::seconds(seq as i64 * 30))
                    .execute(&mut *tx)
                    .await
                    .unwrap();
            }
        }
        tx.commit().await.unwrap();
        if done % 100_000 == 0 {
            eprintln!("  {done} chats ({:.0} s)", start.elapsed().as_secs_f64());
        }
    }
    sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
        .execute(&mut conn)
        .await
        .unwrap();
    sqlx::query("ANALYZE").execute(&mut conn).await.unwrap();
    conn.close().await.unwrap();
    start.elapsed().as_secs_f64()
}

pub async fn run(chats: usize, db: &Path, runs: usize, export_rows: usize, bin: &Path) -> Value {
    util::raise_nofile();
    if !db.exists() {
        // the server creates the schema and the demo service, then stops
        drop(util::Spawned::start(bin, Some(db)));
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    eprintln!("generating up to {chats} chats into {}", db.display());
    let gen_secs = generate(db, chats).await;
    let db_bytes = std::fs::metadata(db).map(|m| m.len()).unwrap_or(0);

    let server = util::Spawned::start(bin, Some(db));
    let base = server.base.clone();
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(600))
        .build()
        .unwrap();
    let token = crate::login(&http, &base, "admin@demo.test", "demo-password").await;
    let agent: i64 = {
        let mut c = open(db).await;
        let v = sqlx::query("SELECT id FROM agents WHERE email = 'agent1@demo.test'")
            .fetch_one(&mut c)
            .await
            .unwrap()
            .get(0);
        c.close().await.unwrap();
        v
    };
    let category: i64 = {
        let mut c = open(db).await;
        let v =
            sqlx::query("SELECT id FROM categories WHERE parent_id IS NULL ORDER BY id LIMIT 1")
                .fetch_one(&mut c)
                .await
                .unwrap()
                .get(0);
        c.close().await.unwrap();
        v
    };
    let day = |d: i64| (Utc::now() - Days::days(d)).format("%Y-%m-%d").to_string();
    let week = format!("from={}&to={}", day(6), day(0));
    let shapes: Vec<(&str, String)> = vec![
        ("last 7 days", week.clone()),
        ("7 days, unhandled", format!("{week}&status=unhandled")),
        (
            "30 days, one agent",
            format!("from={}&to={}&agent={agent}", day(29), day(0)),
        ),
        (
            "7 days, handling type (top level)",
            format!("{week}&category={category}"),
        ),
        (
            "7 days, customer name part",
            format!("{week}&customer=%EB%AF%BC"),
        ),
        (
            "7 days, text 환불 (2 chars)",
            format!("{week}&q=%ED%99%98%EB%B6%88"),
        ),
        (
            "7 days, text 배송 지연",
            format!("{week}&q=%EB%B0%B0%EC%86%A1%20%EC%A7%80%EC%97%B0"),
        ),
        (
            "whole history, text 파손되어",
            "q=%ED%8C%8C%EC%86%90%EB%90%98%EC%96%B4".to_owned(),
        ),
        ("whole history, second page", "page=__NEXT__".to_owned()),
    ];
    let mut searches = serde_json::Map::new();
    let first = crate::get_json(&http, &format!("{base}/api/v1/chats"), &token).await;
    let next = first["next_page"].as_str().unwrap_or("1").to_owned();
    let total_chats = first["total"].as_i64().unwrap_or(0);
    for (name, query) in shapes {
        let query = query.replace("__NEXT__", &next);
        let mut samples = Vec::new();
        let mut matched = 0;
        let mut capped = false;
        for _ in 0..runs {
            let t = Instant::now();
            let r = http
                .get(format!("{base}/api/v1/chats?{query}"))
                .bearer_auth(&token)
                .send()
                .await
                .unwrap();
            let v: Value = r.json().await.unwrap();
            samples.push(t.elapsed().as_micros() as u64);
            matched = v["total"].as_i64().unwrap_or(-1);
            capped = v["total_capped"].as_bool().unwrap_or(false);
        }
        let mut s = util::latency_summary(samples);
        s["matching_chats"] = json!(matched);
        // issue 16: totals beyond a cap are a lower bound ("10,000+")
        s["total_capped"] = json!(capped);
        eprintln!("  {name}: {s}");
        searches.insert(name.to_owned(), s);
    }

    // export: a period holding about `export_rows` chats
    let per_day = (chats as f64 / 365.0).max(1.0);
    let days = (export_rows as f64 / per_day).ceil() as i64;
    let query = format!("from={}&to={}", day(days - 1), day(0));
    let count = crate::get_json(
        &http,
        &format!("{base}/api/v1/chats?{query}&limit=1"),
        &token,
    )
    .await;
    let pid = server.pid;
    let anon_before = util::anon_bytes(pid);
    // sample the server's anonymous memory while the export runs
    let sampling = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
    let sampler = {
        let sampling = sampling.clone();
        tokio::spawn(async move {
            let mut peak = 0;
            while sampling.load(std::sync::atomic::Ordering::Relaxed) {
                peak = peak.max(util::anon_bytes(pid));
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            peak
        })
    };
    let t = Instant::now();
    let bytes = http
        .get(format!("{base}/api/v1/chats/export.xlsx?{query}"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let export_secs = t.elapsed().as_secs_f64();
    sampling.store(false, std::sync::atomic::Ordering::Relaxed);
    let peak = sampler.await.unwrap();
    drop(server);
    json!({
        "chats_in_history": total_chats,
        "messages_per_chat": 3,
        "database_bytes": db_bytes,
        "generation_seconds": gen_secs.round(),
        "search_runs_per_shape": runs,
        "searches": searches,
        "export": {
            "rows": count["total"],
            "rows_total_capped": count["total_capped"],
            "seconds": (export_secs * 100.0).round() / 100.0,
            "file_bytes": bytes.len(),
            "server_anon_rss_before_mb": anon_before / 1_048_576,
            "server_anon_rss_peak_during_mb": peak / 1_048_576,
            "server_anon_growth_mb": peak.saturating_sub(anon_before) / 1_048_576,
        },
    })
}
