//! The physical limits our figures are divided by:
//! - a bare tokio-tungstenite relay (customer `/c/{i}` frames are echoed to the sender
//!   and forwarded to agent `/a/{i % M}`; 4 KiB read buffers), run as its own process;
//! - a bare group-commit SQLite writer: one task inserts messages in multi-row INSERTs
//!   of up to 50 rows per transaction (WAL, `synchronous=FULL`), as fast as it can and
//!   at a paced rate, reporting rows/s and commit latency.

use std::collections::HashMap;
use std::str::FromStr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sqlx::{ConnectOptions, Connection};
use tokio::sync::{Mutex, mpsc};
use tokio_tungstenite::tungstenite::Message as Frame;
use tokio_tungstenite::tungstenite::handshake::server::{Request, Response};
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;

/// Runs the relay server until killed.
pub async fn relay(port: u16, agents: usize) {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .expect("bind relay");
    let table: Arc<Mutex<HashMap<usize, mpsc::UnboundedSender<Frame>>>> = Arc::default();
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let table = table.clone();
        tokio::spawn(async move {
            let mut path = String::new();
            let cfg = WebSocketConfig::default().read_buffer_size(4 * 1024);
            let Ok(ws) = tokio_tungstenite::accept_hdr_async_with_config(
                stream,
                |req: &Request, res: Response| {
                    path = req.uri().path().to_owned();
                    Ok(res)
                },
                Some(cfg),
            )
            .await
            else {
                return;
            };
            let (mut sink, mut source) = ws.split();
            let (tx, mut rx) = mpsc::unbounded_channel::<Frame>();
            tokio::spawn(async move {
                while let Some(f) = rx.recv().await {
                    if sink.send(f).await.is_err() {
                        break;
                    }
                }
            });
            let mut parts = path.trim_matches('/').split('/');
            let (kind, n) = (
                parts.next().unwrap_or(""),
                parts
                    .next()
                    .and_then(|v| v.parse::<usize>().ok())
                    .unwrap_or(0),
            );
            if kind == "a" {
                table.lock().await.insert(n, tx);
                while let Some(Ok(_)) = source.next().await {}
                return;
            }
            let agent = n % agents.max(1);
            while let Some(Ok(frame)) = source.next().await {
                if let Frame::Text(_) = &frame {
                    let _ = tx.send(frame.clone());
                    if let Some(a) = table.lock().await.get(&agent) {
                        let _ = a.send(frame);
                    }
                }
            }
        });
    }
}

/// The group-commit SQLite baseline: unpaced maximum, then the given rate.
pub async fn sqlite(rate: f64, seconds: u64) -> Value {
    let dir = tempfile::tempdir().unwrap();
    let opts = SqliteConnectOptions::from_str(&format!(
        "sqlite://{}",
        dir.path().join("baseline.db").display()
    ))
    .unwrap()
    .create_if_missing(true)
    .journal_mode(SqliteJournalMode::Wal)
    .synchronous(SqliteSynchronous::Full);
    let mut conn = opts.connect().await.unwrap();
    sqlx::query(
        "CREATE TABLE messages (id INTEGER PRIMARY KEY, chat_id INTEGER NOT NULL, seq INTEGER NOT NULL,
         author TEXT NOT NULL, text TEXT NOT NULL, created_at TEXT NOT NULL, UNIQUE (chat_id, seq))",
    )
    .execute(&mut conn)
    .await
    .unwrap();

    async fn commit(conn: &mut sqlx::SqliteConnection, batch: &[(i64, i64, String)]) {
        let mut q = sqlx::QueryBuilder::<sqlx::Sqlite>::new(
            "INSERT INTO messages (chat_id, seq, author, text, created_at) ",
        );
        let now = chrono::Utc::now().to_rfc3339();
        q.push_values(batch, |mut b, (chat, seq, text)| {
            b.push_bind(*chat)
                .push_bind(*seq)
                .push_bind("customer")
                .push_bind(text.clone())
                .push_bind(now.clone());
        });
        let mut tx = conn.begin().await.unwrap();
        q.build().execute(&mut *tx).await.unwrap();
        tx.commit().await.unwrap();
    }

    // unpaced: how many rows/s one writer commits in batches of 50
    let mut seq = 0i64;
    let start = Instant::now();
    let mut rows = 0u64;
    while start.elapsed() < Duration::from_secs(seconds.min(5)) {
        let batch: Vec<(i64, i64, String)> = (0..50)
            .map(|i| {
                seq += 1;
                (i % 1000, seq, format!("bench:0 고객 메시지 {seq}"))
            })
            .collect();
        commit(&mut conn, &batch).await;
        rows += 50;
    }
    let max_rows_per_sec = rows as f64 / start.elapsed().as_secs_f64();

    // paced: producers at `rate`, the writer takes what has arrived (≤ 50) per commit
    let (tx, mut rx) = mpsc::unbounded_channel::<(Instant, String)>();
    let producer = tokio::spawn(async move {
        let period = Duration::from_secs_f64(1.0 / rate.max(1.0));
        let begin = Instant::now();
        let mut n = 0u64;
        while begin.elapsed() < Duration::from_secs(seconds) {
            // send whatever is due, then sleep a millisecond
            let due = (begin.elapsed().as_secs_f64() / period.as_secs_f64()) as u64;
            while n < due {
                let _ = tx.send((Instant::now(), format!("bench:0 고객 메시지 {n}")));
                n += 1;
            }
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        n
    });
    let mut waits = Vec::new();
    let begin = Instant::now();
    let mut stored = 0u64;
    let mut batch = Vec::with_capacity(50);
    let mut stamps = Vec::with_capacity(50);
    loop {
        let Some(first) = rx.recv().await else { break };
        stamps.push(first.0);
        batch.push((stored as i64 % 1000, seq + 1, first.1));
        seq += 1;
        while batch.len() < 50 {
            match rx.try_recv() {
                Ok((t, text)) => {
                    seq += 1;
                    stamps.push(t);
                    batch.push((stored as i64 % 1000, seq, text));
                }
                Err(_) => break,
            }
        }
        commit(&mut conn, &batch).await;
        let now = Instant::now();
        for t in stamps.drain(..) {
            waits.push(now.duration_since(t).as_micros() as u64);
        }
        stored += batch.len() as u64;
        batch.clear();
    }
    let produced = producer.await.unwrap();
    let paced_secs = begin.elapsed().as_secs_f64();
    json!({
        "group_commit_max_rows_per_sec": max_rows_per_sec.round(),
        "paced_rate": rate,
        "paced_produced": produced,
        "paced_stored_rows_per_sec": (stored as f64 / paced_secs).round(),
        "paced_commit_wait": crate::util::latency_summary(waits),
    })
}
