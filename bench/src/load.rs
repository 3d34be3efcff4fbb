//! The chat load driver: N customer sockets and M agent sockets; customers send at a
//! fixed total rate, agents time each message from the customer's send to its arrival.
//! The same driver runs against Online Contact and against the bare relay baseline.
//!
//! With churn (issue 31) customer sockets are cut as mobile networks cut them — a
//! given share per second, each at a random moment — and the customer reconnects at
//! once and sends again every message not acknowledged yet, with its `client_id`, as
//! the browser's outbox does. Every delivery to the agents is counted by `client_id`,
//! so the run says whether each acknowledged message arrived exactly once.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use std::collections::{HashMap, HashSet};
use std::sync::Mutex;
use tokio_tungstenite::tungstenite::Message as Frame;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;

/// What the driver connects to.
pub struct Plan {
    /// One URL per customer socket, with the chat id it writes to (Online Contact).
    pub customers: Vec<(String, Option<String>)>,
    pub agents: Vec<String>,
    /// Messages per second over all customers.
    pub rate: f64,
    pub seconds: u64,
    /// Online Contact speaks JSON frames; the relay passes text through.
    pub json: bool,
    /// Each customer also sends a `typing` frame this often (issue 19; the server
    /// forwards at most one per typist every 2 s).
    pub typing_every: Option<Duration>,
    /// The share of customer sockets cut (and reconnected) per second (Online Contact
    /// only; 0.003 = 0.3 %).
    pub churn_per_sec: f64,
}

/// What the driver saw.
pub struct Outcome {
    /// Customer → agent delivery times, microseconds.
    pub latencies_us: Vec<u64>,
    pub sent: u64,
    /// Sends the server acknowledged (Online Contact: after the commit).
    pub acked: u64,
    pub delivered: u64,
    pub sockets: usize,
    /// Wall time of the send phase.
    pub send_secs: f64,
    /// From the start of the send phase to the last delivery: what the server
    /// sustained is `delivered / this` (issue 16: under overload the backlog drains
    /// after the send phase, so `delivered / send_secs` overstates it).
    pub delivered_secs: f64,
    /// Typing frames the customers sent and the agents received.
    pub typing_sent: u64,
    pub typing_delivered: u64,
    /// Sockets cut and reconnected, and messages sent again after a cut.
    pub cuts: u64,
    pub resent: u64,
    /// Distinct `client_id`s acknowledged to customers, delivered to agents, delivered
    /// more than once, and acknowledged but never delivered (JSON runs).
    pub acked_ids: u64,
    pub delivered_ids: u64,
    pub duplicated_ids: u64,
    pub lost_ids: u64,
}

/// The `client_id` of a message frame, without parsing the whole frame.
pub fn client_id(text: &str) -> Option<&str> {
    let at = text.find(r#""client_id":""#)? + 13;
    let len = text[at..].find('"')?;
    Some(&text[at..at + len])
}

/// Which customer is cut when: `share` of `n` sockets per second over `seconds`, at
/// random moments (a fixed seed, so runs compare).
fn cut_plan(n: usize, share: f64, seconds: u64) -> Vec<Vec<Duration>> {
    let mut plan = vec![Vec::new(); n];
    let cuts = (share * n as f64 * seconds as f64).round() as usize;
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for _ in 0..cuts {
        let who = (next() % n.max(1) as u64) as usize;
        let at = Duration::from_millis(next() % (seconds * 1000).max(1));
        plan[who].push(at);
    }
    for p in &mut plan {
        p.sort();
    }
    plan
}

/// Counts the `client_id`s a customer's socket gets back (its acknowledgements).
fn read_acks(
    mut stream: Source,
    acked: Arc<Mutex<HashSet<String>>>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        while let Some(Ok(frame)) = stream.next().await {
            if let Frame::Text(t) = frame
                && stamp(t.as_str()).is_some()
                && let Some(id) = client_id(t.as_str())
            {
                acked.lock().unwrap().insert(id.to_owned());
            }
        }
    })
}

fn config() -> WebSocketConfig {
    WebSocketConfig::default().read_buffer_size(4 * 1024)
}

/// Reads `bench:<micros>` out of a frame.
pub fn stamp(text: &str) -> Option<u64> {
    let at = text.find("bench:")? + 6;
    let digits: String = text[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;
type Sink = futures_util::stream::SplitSink<Socket, Frame>;
type Source = futures_util::stream::SplitStream<Socket>;

async fn connect(url: &str) -> Option<(Sink, Source)> {
    for _ in 0..20 {
        match tokio_tungstenite::connect_async_with_config(url, Some(config()), false).await {
            Ok((ws, _)) => return Some(ws.split()),
            Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
    None
}

/// Connects everyone, then runs the send phase; `after_connect` runs between the two
/// (to read the server's memory with every socket held).
pub async fn run(plan: Plan, after_connect: impl FnOnce(usize)) -> Outcome {
    let epoch = Instant::now();
    let latencies = Arc::new(Mutex::new(Vec::<u64>::with_capacity(
        (plan.rate * plan.seconds as f64) as usize + 1024,
    )));
    let delivered = Arc::new(AtomicU64::new(0));
    let last_delivery_us = Arc::new(AtomicU64::new(0));
    let acked = Arc::new(AtomicU64::new(0));
    let sent = Arc::new(AtomicU64::new(0));
    let typing_sent = Arc::new(AtomicU64::new(0));
    let typing_delivered = Arc::new(AtomicU64::new(0));
    let delivered_ids = Arc::new(Mutex::new(HashMap::<String, u32>::new()));
    let acked_ids = Arc::new(Mutex::new(HashSet::<String>::new()));
    let cuts = Arc::new(AtomicU64::new(0));
    let resent = Arc::new(AtomicU64::new(0));

    // agents: time every customer message that arrives
    let mut sockets = 0;
    for url in &plan.agents {
        let (_sink, mut stream) = connect(url).await.expect("agent socket");
        sockets += 1;
        let (lat, delivered) = (latencies.clone(), delivered.clone());
        let last = last_delivery_us.clone();
        let typed = typing_delivered.clone();
        let seen = delivered_ids.clone();
        tokio::spawn(async move {
            let _keep = _sink;
            while let Some(Ok(frame)) = stream.next().await {
                if let Frame::Text(t) = &frame
                    && t.as_str().starts_with(r#"{"type":"typing""#)
                {
                    typed.fetch_add(1, Ordering::Relaxed);
                    continue;
                }
                if let Frame::Text(t) = frame
                    && let Some(at) = stamp(t.as_str())
                    && (!t.as_str().contains("\"type\"") || t.as_str().contains("message.created"))
                {
                    if let Some(id) = client_id(t.as_str()) {
                        let mut seen = seen.lock().unwrap();
                        let count = seen.entry(id.to_owned()).or_insert(0u32);
                        *count += 1;
                        if *count > 1 {
                            continue;
                        }
                    }
                    let now = epoch.elapsed().as_micros() as u64;
                    lat.lock().unwrap().push(now.saturating_sub(at));
                    delivered.fetch_add(1, Ordering::Relaxed);
                    last.fetch_max(now, Ordering::Relaxed);
                }
            }
        });
    }

    // customers: connect all (64 at a time), count acknowledgements
    let mut sinks = Vec::with_capacity(plan.customers.len());
    for chunk in plan.customers.chunks(64) {
        let mut joins = Vec::new();
        for (url, chat) in chunk.iter().cloned() {
            joins.push(tokio::spawn(async move { (connect(&url).await, chat) }));
        }
        for j in joins {
            let (socket, chat) = j.await.unwrap();
            let (sink, stream) = socket.expect("customer socket");
            sockets += 1;
            let reader = if plan.json {
                read_acks(stream, acked_ids.clone())
            } else {
                let acked = acked.clone();
                let mut stream = stream;
                tokio::spawn(async move {
                    while let Some(Ok(frame)) = stream.next().await {
                        if let Frame::Text(t) = frame
                            && stamp(t.as_str()).is_some()
                        {
                            acked.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                })
            };
            sinks.push((sink, chat, reader));
        }
    }
    after_connect(sockets);

    // the send phase: each customer sends every n/rate seconds, starts staggered
    let n = sinks.len().max(1) as f64;
    let period = Duration::from_secs_f64(n / plan.rate);
    let deadline = Duration::from_secs(plan.seconds);
    let start = Instant::now();
    let start_us = epoch.elapsed().as_micros() as u64;
    let churn = if plan.json {
        cut_plan(sinks.len(), plan.churn_per_sec, plan.seconds)
    } else {
        vec![Vec::new(); sinks.len()]
    };
    let mut tasks = Vec::new();
    for (i, ((mut sink, chat, mut reader), cut_at)) in sinks.into_iter().zip(churn).enumerate() {
        let sent = sent.clone();
        let typing_sent = typing_sent.clone();
        let offset = period.mul_f64(i as f64 / n);
        let json = plan.json;
        let typing_every = plan.typing_every;
        let url = plan.customers[i].0.clone();
        let (acked_ids, cuts, resent) = (acked_ids.clone(), cuts.clone(), resent.clone());
        tasks.push(tokio::spawn(async move {
            // what this customer sent and has not seen acknowledged: sent again after a
            // cut (only kept when this customer is ever cut)
            let mut unacked: Vec<(String, String)> = Vec::new();
            let mut cut_at = cut_at.into_iter();
            let mut next_cut = cut_at.next();
            tokio::time::sleep(offset).await;
            let mut tick = tokio::time::interval(period);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            // with no typing, a tick that never comes
            let mut typing =
                tokio::time::interval(typing_every.unwrap_or(Duration::from_secs(86_400)));
            typing.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            typing.tick().await;
            let mut k = 0u64;
            loop {
                let cut = tokio::time::sleep_until(
                    (start + next_cut.unwrap_or(Duration::from_secs(86_400))).into(),
                );
                tokio::select! {
                    _ = tick.tick() => {}
                    () = cut => {
                        // the network drops this socket; the customer is back at once
                        reader.abort();
                        drop(sink);
                        cuts.fetch_add(1, Ordering::Relaxed);
                        let Some((new_sink, stream)) = connect(&url).await else {
                            return None;
                        };
                        sink = new_sink;
                        reader = read_acks(stream, acked_ids.clone());
                        let done = acked_ids.lock().unwrap().clone();
                        unacked.retain(|(id, _)| !done.contains(id));
                        for (_, frame) in &unacked {
                            if sink.send(Frame::text(frame.clone())).await.is_err() {
                                break;
                            }
                            resent.fetch_add(1, Ordering::Relaxed);
                        }
                        next_cut = cut_at.next();
                        continue;
                    }
                    _ = typing.tick() => {
                        if start.elapsed() >= deadline {
                            break;
                        }
                        let frame = serde_json::json!({
                            "type": "typing",
                            "chat_id": chat.as_deref().unwrap_or_default(),
                        })
                        .to_string();
                        if sink.send(Frame::text(frame)).await.is_err() {
                            break;
                        }
                        typing_sent.fetch_add(1, Ordering::Relaxed);
                        continue;
                    }
                }
                if start.elapsed() >= deadline {
                    break;
                }
                let at = epoch.elapsed().as_micros();
                let text = format!("bench:{at} 고객 메시지 {k}");
                let frame = if json {
                    serde_json::json!({
                        "type": "message.send",
                        "chat_id": chat.as_deref().unwrap_or_default(),
                        "client_id": format!("b{i}-{k}"),
                        "text": text,
                    })
                    .to_string()
                } else {
                    text
                };
                if next_cut.is_some() {
                    if unacked.len() >= 64 {
                        let done = acked_ids.lock().unwrap().clone();
                        unacked.retain(|(id, _)| !done.contains(id));
                    }
                    unacked.push((format!("b{i}-{k}"), frame.clone()));
                }
                if sink.send(Frame::text(frame)).await.is_err() {
                    break;
                }
                sent.fetch_add(1, Ordering::Relaxed);
                k += 1;
            }
            Some(sink)
        }));
    }
    let mut open = Vec::new();
    for t in tasks {
        if let Ok(Some(s)) = t.await {
            open.push(s);
        }
    }
    let send_secs = start.elapsed().as_secs_f64();
    // let the tail arrive
    let total_sent = sent.load(Ordering::Relaxed);
    let drain = Instant::now() + Duration::from_secs(10);
    let acked_now = || {
        if plan.json {
            acked_ids.lock().unwrap().len() as u64
        } else {
            acked.load(Ordering::Relaxed)
        }
    };
    while Instant::now() < drain
        && (delivered.load(Ordering::Relaxed) < total_sent || acked_now() < total_sent)
    {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    for mut s in open {
        let _ = s.close().await;
    }
    let latencies_us = std::mem::take(&mut *latencies.lock().unwrap());
    let (acked_set, delivered_map) = (
        acked_ids.lock().unwrap().clone(),
        delivered_ids.lock().unwrap().clone(),
    );
    Outcome {
        latencies_us,
        sent: total_sent,
        acked: acked_now(),
        delivered: delivered.load(Ordering::Relaxed),
        sockets,
        send_secs,
        delivered_secs: last_delivery_us
            .load(Ordering::Relaxed)
            .saturating_sub(start_us) as f64
            / 1e6,
        typing_sent: typing_sent.load(Ordering::Relaxed),
        typing_delivered: typing_delivered.load(Ordering::Relaxed),
        cuts: cuts.load(Ordering::Relaxed),
        resent: resent.load(Ordering::Relaxed),
        acked_ids: acked_set.len() as u64,
        delivered_ids: delivered_map.len() as u64,
        duplicated_ids: delivered_map.values().filter(|&&c| c > 1).count() as u64,
        lost_ids: acked_set
            .iter()
            .filter(|id| !delivered_map.contains_key(*id))
            .count() as u64,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamps_are_found_in_raw_and_json_frames() {
        assert_eq!(stamp("bench:1234 고객 메시지 0"), Some(1234));
        assert_eq!(
            stamp(r#"{"type":"message.created","message":{"text":"bench:99 x"}}"#),
            Some(99)
        );
        assert_eq!(stamp("hello"), None);
    }

    #[test]
    fn client_ids_and_cuts() {
        assert_eq!(
            client_id(r#"{"message":{"client_id":"b3-7","text":"bench:1"}}"#),
            Some("b3-7")
        );
        let plan = cut_plan(1000, 0.003, 10);
        assert_eq!(plan.iter().map(Vec::len).sum::<usize>(), 30);
        assert!(plan.iter().flatten().all(|d| *d < Duration::from_secs(10)));
    }
}
