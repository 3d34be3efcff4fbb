//! The physical limits our figures are divided by:
//! - a bare tokio-tungstenite relay (customer `/c/{i}` frames are echoed to the sender
//!   and forwarded to agent `/a/{i % M}`; 4 KiB read buffers), run as its own process;
//! - a bare group-commit SQLite writer: one task inserts messages in multi-row INSERTs
//!   of up to 50 rows per transaction (WAL, `synchronous=FULL`), as fast as it can and
//!   at a paced rate, reporting rows/s, commit latency and its CPU — on the bare table
//!   and with the history's FTS5 trigram index kept by trigger.

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

/// The group-commit SQLite baseline: unpaced maximum, then the given rate — on the bare
/// table, and again on a fresh database whose table carries the history's FTS5 trigram
/// index kept by trigger (migration 0007's shape), each with the CPU this process spent
/// (the writer, and a producer that only formats strings), so the chat figures can be
/// set against what storing (and indexing) a message costs by itself (issue 32).
pub async fn sqlite(rate: f64, seconds: u64) -> Value {
    let plain = sqlite_run(rate, seconds, Fts::None).await;
    let indexed = sqlite_run(rate, seconds, Fts::Trigger).await;
    let deferred = sqlite_run(rate, seconds, Fts::EverySecond).await;
    let mut v = plain;
    v["with_fts5_trigram_trigger"] = indexed;
    v["with_fts5_trigram_every_second"] = deferred;
    v
}

/// How the baseline keeps a full-text index of the messages.
#[derive(Clone, Copy, PartialEq)]
enum Fts {
    None,
    /// Migration 0007's trigger: every insert indexed in its own transaction.
    Trigger,
    /// No trigger; once a second the rows past the last indexed id are indexed in one
    /// statement (the deferred shape measured for issue 32).
    EverySecond,
}

async fn sqlite_run(rate: f64, seconds: u64, fts: Fts) -> Value {
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
    if fts != Fts::None {
        for stmt in [
            "CREATE VIRTUAL TABLE messages_fts USING fts5(text, content = 'messages', content_rowid = 'id', tokenize = 'trigram')",
            "INSERT INTO messages_fts(messages_fts, rank) VALUES ('secure-delete', 1)",
        ] {
            sqlx::query(stmt).execute(&mut conn).await.unwrap();
        }
    }
    if fts == Fts::Trigger {
        sqlx::query("CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN INSERT INTO messages_fts(rowid, text) VALUES (new.id, new.text); END")
            .execute(&mut conn)
            .await
            .unwrap();
    }
    let mut indexed_upto = 0i64;
    let mut last_index = Instant::now();
    async fn index_tail(conn: &mut sqlx::SqliteConnection, upto: &mut i64) {
        let mut tx = conn.begin().await.unwrap();
        let top: Option<i64> = sqlx::query_scalar("SELECT MAX(id) FROM messages")
            .fetch_one(&mut *tx)
            .await
            .unwrap();
        let top = top.unwrap_or(0);
        sqlx::query("INSERT INTO messages_fts(rowid, text) SELECT id, text FROM messages WHERE id > ? AND id <= ?")
            .bind(*upto)
            .bind(top)
            .execute(&mut *tx)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        *upto = top;
    }

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
        if fts == Fts::EverySecond && last_index.elapsed() >= Duration::from_secs(1) {
            index_tail(&mut conn, &mut indexed_upto).await;
            last_index = Instant::now();
        }
    }
    let max_rows_per_sec = rows as f64 / start.elapsed().as_secs_f64();

    // paced: producers at `rate`, the writer takes what has arrived (≤ 50) per commit
    let me = std::process::id();
    let cpu_before = crate::util::cpu_seconds(me);
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
        if fts == Fts::EverySecond && last_index.elapsed() >= Duration::from_secs(1) {
            index_tail(&mut conn, &mut indexed_upto).await;
            last_index = Instant::now();
        }
        let now = Instant::now();
        for t in stamps.drain(..) {
            waits.push(now.duration_since(t).as_micros() as u64);
        }
        stored += batch.len() as u64;
        batch.clear();
    }
    let produced = producer.await.unwrap();
    let paced_secs = begin.elapsed().as_secs_f64();
    let cpu = crate::util::cpu_seconds(me) - cpu_before;
    json!({
        "group_commit_max_rows_per_sec": max_rows_per_sec.round(),
        "paced_rate": rate,
        "paced_produced": produced,
        "paced_stored_rows_per_sec": (stored as f64 / paced_secs).round(),
        "paced_commit_wait": crate::util::latency_summary(waits),
        "paced_cpu_percent_of_one_core": (cpu / paced_secs * 1000.0).round() / 10.0,
    })
}
