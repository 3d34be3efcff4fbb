//! The real-time hub: in-process fan-out of events that are already persisted.
//!
//! Topics are an agent (everything about the chats on their screen, and their counters)
//! and a chat (what its customer sees). Each topic is a bounded `broadcast` channel,
//! created on first subscribe and dropped when nobody listens. A subscriber that falls
//! behind gets `Lagged` from its receiver and resyncs from the store by `seq`; it is never
//! silently dropped, and publishers never wait for slow sockets.
//!
//! With PostgreSQL the hub also hands every event to the cross-instance bus
//! ([`crate::bus`]), and delivers what other instances published ([`Hub::deliver`]).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use shared::{AgentId, ChatId, ServerMsg};
use tokio::sync::broadcast;

/// Frames buffered per topic before a slow subscriber is told it lagged.
const TOPIC_CAPACITY: usize = 256;

/// An event on its way to the other instances (the cross-instance bus's outbox).
pub(crate) type Outgoing = (Topic, Arc<Event>);

/// A published event, shared by every socket that receives it. Its JSON text is made
/// once, by the first socket that sends it, and reused by the others (issue 16: a
/// message event goes to the customer's and the agent's sockets; serialising it per
/// socket was a measurable share of the CPU per message).
#[derive(Debug)]
pub struct Event {
    msg: ServerMsg,
    json: OnceLock<Option<Arc<str>>>,
}

impl Event {
    pub fn new(msg: ServerMsg) -> Event {
        Event {
            msg,
            json: OnceLock::new(),
        }
    }

    /// The event as its frame's JSON text (`None` only if it cannot be serialised).
    pub fn json(&self) -> Option<Arc<str>> {
        self.json
            .get_or_init(|| serde_json::to_string(&self.msg).ok().map(Arc::from))
            .clone()
    }
}

impl std::ops::Deref for Event {
    type Target = ServerMsg;
    fn deref(&self) -> &ServerMsg {
        &self.msg
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Topic {
    Agent(AgentId),
    Chat(ChatId),
}

#[derive(Default)]
pub struct Hub {
    /// Live topics; a topic with no receivers is removed on the next publish.
    topics: Mutex<HashMap<Topic, broadcast::Sender<Arc<Event>>>>,
    /// The cross-instance bus's outbox, when several instances share a PostgreSQL
    /// database: a subscriber of this topic may be connected to another process.
    bus: OnceLock<tokio::sync::mpsc::UnboundedSender<Outgoing>>,
}

impl Hub {
    pub fn subscribe(&self, topic: Topic) -> broadcast::Receiver<Arc<Event>> {
        let mut topics = self.topics.lock().unwrap_or_else(|p| p.into_inner());
        topics
            .entry(topic)
            .or_insert_with(|| broadcast::channel(TOPIC_CAPACITY).0)
            .subscribe()
    }

    /// Sends to the topic's current subscribers, if any, here and (through the bus) on
    /// every other instance.
    pub fn publish(&self, topic: Topic, msg: ServerMsg) {
        self.publish_shared(topic, Arc::new(Event::new(msg)));
    }

    /// Sends an event about a chat to both its sides: the chat's customer and, when it
    /// has one, its agent (the fan-out every chat write ends with).
    pub fn publish_chat(&self, chat: ChatId, agent: Option<AgentId>, msg: ServerMsg) {
        match agent {
            Some(agent) => {
                let msg = Arc::new(Event::new(msg));
                self.publish_shared(Topic::Chat(chat), msg.clone());
                self.publish_shared(Topic::Agent(agent), msg);
            }
            None => self.publish(Topic::Chat(chat), msg),
        }
    }

    /// [`Hub::publish`] of an event already shared (one allocation for every topic).
    fn publish_shared(&self, topic: Topic, msg: Arc<Event>) {
        if let Some(bus) = self.bus.get() {
            let _ = bus.send((topic, msg.clone()));
        }
        self.deliver(topic, msg);
    }

    /// Sends to this process's subscribers of the topic only.
    pub(crate) fn deliver(&self, topic: Topic, msg: Arc<Event>) {
        let mut topics = self.topics.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(tx) = topics.get(&topic) {
            if tx.receiver_count() == 0 {
                topics.remove(&topic);
            } else {
                let _ = tx.send(msg);
            }
        }
    }

    /// Connects the cross-instance bus (once, at start-up).
    pub(crate) fn attach_bus(&self, outbox: tokio::sync::mpsc::UnboundedSender<Outgoing>) {
        let _ = self.bus.set(outbox);
    }

    /// Number of live topics (for tests and metrics).
    pub fn topic_count(&self) -> usize {
        self.topics.lock().unwrap_or_else(|p| p.into_inner()).len()
    }
}
