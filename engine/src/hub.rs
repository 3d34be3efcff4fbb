//! The real-time hub: in-process fan-out of events that are already persisted.
//!
//! Topics are an agent (everything about the chats on their screen, and their counters)
//! and a chat (what its customer sees). Each topic is a bounded `broadcast` channel,
//! created on first subscribe and dropped when nobody listens. A subscriber that falls
//! behind gets `Lagged` from its receiver and resyncs from the store by `seq`; it is never
//! silently dropped, and publishers never wait for slow sockets.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use shared::{AgentId, ChatId, ServerMsg};
use tokio::sync::broadcast;

/// Frames buffered per agent topic before a slow subscriber is told it lagged (an agent
/// follows many chats at once).
const AGENT_TOPIC_CAPACITY: usize = 256;
/// The same for a chat's topic (its customer). Every slot is allocated up front, so this
/// is memory per connected customer: 32 slots cost ~1.3 KB where 256 cost ~10 KB, and a
/// customer who falls 32 frames behind simply resyncs from the store.
const CHAT_TOPIC_CAPACITY: usize = 32;

impl Topic {
    fn capacity(self) -> usize {
        match self {
            Topic::Agent(_) => AGENT_TOPIC_CAPACITY,
            Topic::Chat(_) => CHAT_TOPIC_CAPACITY,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Topic {
    Agent(AgentId),
    Chat(ChatId),
}

#[derive(Default)]
pub struct Hub {
    /// Live topics; a topic with no receivers is removed on the next publish.
    topics: Mutex<HashMap<Topic, broadcast::Sender<Arc<ServerMsg>>>>,
}

impl Hub {
    pub fn subscribe(&self, topic: Topic) -> broadcast::Receiver<Arc<ServerMsg>> {
        let mut topics = self.topics.lock().unwrap_or_else(|p| p.into_inner());
        topics
            .entry(topic)
            .or_insert_with(|| broadcast::channel(topic.capacity()).0)
            .subscribe()
    }

    /// Sends to the topic's current subscribers, if any.
    pub fn publish(&self, topic: Topic, msg: ServerMsg) {
        let mut topics = self.topics.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(tx) = topics.get(&topic) {
            if tx.receiver_count() == 0 {
                topics.remove(&topic);
            } else {
                let _ = tx.send(Arc::new(msg));
            }
        }
    }

    /// Number of live topics (for tests and metrics).
    pub fn topic_count(&self) -> usize {
        self.topics.lock().unwrap_or_else(|p| p.into_inner()).len()
    }
}
