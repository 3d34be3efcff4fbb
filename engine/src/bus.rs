//! The cross-instance bus: several `online-contact serve` processes on one PostgreSQL
//! database hear each other's hub events through `LISTEN`/`NOTIFY` (issue 10), so a
//! customer connected to instance A and the agent connected to instance B see each other
//! live without any new infrastructure.
//!
//! Every event the hub publishes after a commit is also handed to this module's sender
//! task, which forwards pending events in one round trip (`pg_notify` over an array) on
//! the channel `oc_hub`. An event too large for a notification (PostgreSQL's limit is
//! 8,000 bytes; a long Korean message can exceed it) is written to `hub_spill` and the
//! notification carries only its id. The listener task delivers what other instances
//! sent to this process's local subscribers; its own events it already delivered.
//!
//! Notifications are transient: while the listener's connection is being re-established
//! events are missed. Sockets then catch up the way a lagging subscriber does, from the
//! store by `seq`, on their next resume.

use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use shared::ServerMsg;
use sqlx::postgres::{PgListener, PgPool};
use tokio::sync::mpsc;

use crate::hub::{Hub, Topic};
use crate::store::hub_spill;

/// The notification channel every instance listens on.
const CHANNEL: &str = "oc_hub";
/// Payloads above this go through `hub_spill` (PostgreSQL refuses more than 8,000).
const NOTIFY_MAX_BYTES: usize = 7_900;
/// Events sent in one round trip at most.
const BATCH: usize = 256;
/// How long a spilled event is kept for slow listeners.
const SPILL_TTL_SECS: i64 = 300;

/// What travels between instances, as the listener reads it.
#[derive(Deserialize)]
struct Envelope {
    /// The sending instance, so it skips its own events.
    from: String,
    #[serde(flatten)]
    body: Body,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Body {
    Inline { topic: Topic, msg: ServerMsg },
    Spilled { spill: i64 },
}

/// The sending side of [`Envelope`]: the same JSON, borrowing the event instead of
/// cloning it for every notification.
#[derive(Serialize)]
struct Outbound<'a> {
    from: &'a str,
    /// A per-instance counter: PostgreSQL folds identical notifications of one
    /// transaction into one, and two equal frames must both arrive.
    n: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    topic: Option<Topic>,
    #[serde(skip_serializing_if = "Option::is_none")]
    msg: Option<&'a ServerMsg>,
    #[serde(skip_serializing_if = "Option::is_none")]
    spill: Option<i64>,
}

/// One event on its way out.
use crate::hub::Outgoing;

/// Starts the sender and listener tasks and connects them to `hub`. Returns when the
/// listener is subscribed, so an event published after `Engine::open` returns is heard.
pub(crate) async fn start(engine: &crate::Engine, pool: PgPool) -> crate::Result<()> {
    let (instance, hub) = (engine.instance.to_string(), engine.hub.clone());
    let mut listener = PgListener::connect_with(&pool).await?;
    listener.listen(CHANNEL).await?;
    let (tx, rx) = mpsc::unbounded_channel();
    hub.attach_bus(tx);
    tracing::info!(%instance, "cross-instance bus listening on PostgreSQL channel {CHANNEL}");
    engine.spawn_background(send_loop(pool.clone(), instance.clone(), rx));
    engine.spawn_background(listen_loop(pool, instance, listener, hub));
    Ok(())
}

/// A random id for this process among the instances.
pub(crate) fn instance_id() -> String {
    use rand::RngCore;
    let mut b = [0u8; 8];
    rand::rngs::OsRng.fill_bytes(&mut b);
    b.iter().map(|x| format!("{x:02x}")).collect()
}

async fn send_loop(pool: PgPool, instance: String, mut rx: mpsc::UnboundedReceiver<Outgoing>) {
    let mut n: u64 = 0;
    let mut last_sweep = std::time::Instant::now();
    let mut batch: Vec<Outgoing> = Vec::with_capacity(BATCH);
    while rx.recv_many(&mut batch, BATCH).await > 0 {
        let mut payloads = Vec::with_capacity(batch.len());
        for (topic, msg) in batch.drain(..) {
            n += 1;
            let inline = Outbound {
                from: &instance,
                n,
                topic: Some(topic),
                msg: Some(&**msg),
                spill: None,
            };
            let json = match serde_json::to_string(&inline) {
                Ok(j) => j,
                Err(e) => {
                    tracing::error!(error = %e, "bus: event not serialisable");
                    continue;
                }
            };
            if json.len() <= NOTIFY_MAX_BYTES {
                payloads.push(json);
                continue;
            }
            match hub_spill::spill(&pool, &json).await {
                Ok(id) => payloads.push(
                    serde_json::to_string(&Outbound {
                        from: &instance,
                        n,
                        topic: None,
                        msg: None,
                        spill: Some(id),
                    })
                    .expect("a spill envelope serialises"),
                ),
                Err(e) => tracing::error!(error = %e, "bus: could not spill a large event"),
            }
        }
        if payloads.is_empty() {
            continue;
        }
        // one round trip for the whole batch; order is kept within it
        let sent = hub_spill::notify_all(&pool, CHANNEL, &payloads).await;
        if let Err(e) = sent {
            tracing::error!(error = %e, events = payloads.len(), "bus: NOTIFY failed; other instances miss these events until their sockets resume");
        }
        if last_sweep.elapsed() > Duration::from_secs(60) {
            last_sweep = std::time::Instant::now();
            let _ = hub_spill::sweep(&pool, SPILL_TTL_SECS as f64).await;
        }
    }
}

/// Deletes every spilled event that carries `text` (a masked original, issue 15), so
/// the run survives in no table. Spilled payloads are serde_json text, which leaves
/// non-ASCII as is and escapes only quotes, backslashes and controls — the text is
/// searched for in that same escaped form.
pub(crate) async fn forget_spilled(pool: &PgPool, text: &str) {
    let escaped = serde_json::to_string(text).unwrap_or_default();
    let needle = escaped
        .strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .unwrap_or_default();
    if needle.is_empty() {
        return;
    }
    if let Err(e) = hub_spill::forget_containing(pool, needle).await {
        tracing::warn!(error = %e, "could not clear spilled events of a masked run");
    }
}

async fn listen_loop(pool: PgPool, instance: String, mut listener: PgListener, hub: Arc<Hub>) {
    loop {
        let note = match listener.try_recv().await {
            Ok(Some(n)) => n,
            Ok(None) => {
                tracing::warn!(
                    "bus: connection to PostgreSQL lost; reconnecting (events in between are missed)"
                );
                continue;
            }
            Err(sqlx::Error::PoolClosed) => return,
            Err(e) => {
                tracing::warn!(error = %e, "bus: listener error; retrying in 1 s");
                tokio::time::sleep(Duration::from_secs(1)).await;
                continue;
            }
        };
        let Ok(env) = serde_json::from_str::<Envelope>(note.payload()) else {
            tracing::warn!("bus: unreadable notification ignored");
            continue;
        };
        if env.from == instance {
            continue;
        }
        let (topic, msg) = match env.body {
            Body::Inline { topic, msg } => (topic, msg),
            Body::Spilled { spill } => {
                let payload = hub_spill::spilled(&pool, spill).await;
                match payload
                    .ok()
                    .and_then(|p| serde_json::from_str::<Envelope>(&p).ok())
                {
                    Some(Envelope {
                        body: Body::Inline { topic, msg },
                        ..
                    }) => (topic, msg),
                    _ => {
                        tracing::warn!(spill, "bus: spilled event missing");
                        continue;
                    }
                }
            }
        };
        hub.deliver(topic, Arc::new(crate::hub::Event::new(msg)));
    }
}

#[cfg(test)]
mod tests {
    use super::{Body, Envelope, Outbound};
    use crate::hub::Topic;
    use shared::{AgentId, ServerMsg};

    #[test]
    fn envelopes_round_trip() {
        let json = serde_json::to_string(&Outbound {
            from: "a1",
            n: 7,
            topic: Some(Topic::Agent(AgentId(3))),
            msg: Some(&ServerMsg::Pong),
            spill: None,
        })
        .unwrap();
        let back: Envelope = serde_json::from_str(&json).unwrap();
        assert_eq!(back.from, "a1");
        assert!(json.contains(r#""n":7"#));
        assert!(matches!(
            back.body,
            Body::Inline {
                topic: Topic::Agent(AgentId(3)),
                msg: ServerMsg::Pong
            }
        ));
        let spilled = serde_json::to_string(&Outbound {
            from: "b",
            n: 1,
            topic: None,
            msg: None,
            spill: Some(42),
        })
        .unwrap();
        let s: Envelope = serde_json::from_str(&spilled).unwrap();
        assert!(matches!(s.body, Body::Spilled { spill: 42 }));
    }
}
