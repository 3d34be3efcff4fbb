//! The chat load driver: N customer sockets and M agent sockets; customers send at a
//! fixed total rate, agents time each message from the customer's send to its arrival.
//! The same driver runs against Online Contact and against the bare relay baseline.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
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

    // agents: time every customer message that arrives
    let mut sockets = 0;
    for url in &plan.agents {
        let (_sink, mut stream) = connect(url).await.expect("agent socket");
        sockets += 1;
        let (lat, delivered) = (latencies.clone(), delivered.clone());
        let last = last_delivery_us.clone();
        let typed = typing_delivered.clone();
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
            let (sink, mut stream) = socket.expect("customer socket");
            sockets += 1;
            let acked = acked.clone();
            tokio::spawn(async move {
                while let Some(Ok(frame)) = stream.next().await {
                    if let Frame::Text(t) = frame
                        && stamp(t.as_str()).is_some()
                    {
                        acked.fetch_add(1, Ordering::Relaxed);
                    }
                }
            });
            sinks.push((sink, chat));
        }
    }
    after_connect(sockets);

    // the send phase: each customer sends every n/rate seconds, starts staggered
    let n = sinks.len().max(1) as f64;
    let period = Duration::from_secs_f64(n / plan.rate);
    let deadline = Duration::from_secs(plan.seconds);
    let start = Instant::now();
    let start_us = epoch.elapsed().as_micros() as u64;
    let mut tasks = Vec::new();
    for (i, (mut sink, chat)) in sinks.into_iter().enumerate() {
        let sent = sent.clone();
        let typing_sent = typing_sent.clone();
        let offset = period.mul_f64(i as f64 / n);
        let json = plan.json;
        let typing_every = plan.typing_every;
        tasks.push(tokio::spawn(async move {
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
                tokio::select! {
                    _ = tick.tick() => {}
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
                if sink.send(Frame::text(frame)).await.is_err() {
                    break;
                }
                sent.fetch_add(1, Ordering::Relaxed);
                k += 1;
            }
            sink
        }));
    }
    let mut open = Vec::new();
    for t in tasks {
        if let Ok(s) = t.await {
            open.push(s);
        }
    }
    let send_secs = start.elapsed().as_secs_f64();
    // let the tail arrive
    let total_sent = sent.load(Ordering::Relaxed);
    let drain = Instant::now() + Duration::from_secs(10);
    while Instant::now() < drain
        && (delivered.load(Ordering::Relaxed) < total_sent
            || acked.load(Ordering::Relaxed) < total_sent)
    {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    for mut s in open {
        let _ = s.close().await;
    }
    let latencies_us = std::mem::take(&mut *latencies.lock().unwrap());
    Outcome {
        latencies_us,
        sent: total_sent,
        acked: acked.load(Ordering::Relaxed),
        delivered: delivered.load(Ordering::Relaxed),
        sockets,
        send_secs,
        delivered_secs: last_delivery_us
            .load(Ordering::Relaxed)
            .saturating_sub(start_us) as f64
            / 1e6,
        typing_sent: typing_sent.load(Ordering::Relaxed),
        typing_delivered: typing_delivered.load(Ordering::Relaxed),
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
}
