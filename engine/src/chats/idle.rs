//! The idle end (issue 30): a chat still waiting or active with no message for
//! [`IDLE_END`] is ended as if its customer had left (`customer_ended` — the agent may
//! still finish it, C-END-3), through the same [`Engine::end_chat`] as the customer's
//! own end, so the queue, counters, events and reports follow. The customer's token
//! then lasts the rating window from that end, like a token of a chat the customer or
//! the agent ended ([`Engine::authenticate_customer`]) — so no customer token lives for
//! ever. Checked at start-up and every [`EVERY`].

use crate::store;
use chrono::Utc;

use crate::Engine;
use crate::error::Result;

use super::{Customer, Party};

/// How long a waiting or active chat may go without a message.
pub(crate) const IDLE_END: chrono::Duration = chrono::Duration::hours(24);

/// How often idle chats are looked for.
const EVERY: std::time::Duration = std::time::Duration::from_secs(600);

/// Chats ended per pass (the next pass takes the rest).
const BATCH: i64 = 200;

impl Engine {
    /// Ends the chats idle for [`IDLE_END`]; answers how many.
    pub(crate) async fn end_idle_chats(&self) -> Result<usize> {
        let since = Utc::now() - IDLE_END;
        let rows = store::chats::idle_since(self.db.ex(), since, BATCH).await?;
        let mut ended = 0;
        for (chat_id, service_id) in rows {
            let customer = Customer {
                chat_id,
                service_id,
            };
            match self
                .end_chat(Party::Customer(&customer), customer.chat_id)
                .await
            {
                Ok(_) => ended += 1,
                // ended meanwhile by someone else: nothing to do
                Err(crate::Error::Conflict { .. }) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(ended)
    }
}

/// The background pass: at start-up, then every [`EVERY`].
pub(crate) async fn idle_ends(engine: Engine) {
    let mut every = tokio::time::interval(EVERY);
    loop {
        every.tick().await;
        match engine.end_idle_chats().await {
            Ok(0) => {}
            Ok(n) => tracing::info!(chats = n, "idle chats ended"),
            Err(e) => tracing::warn!(error = %e, "ending idle chats failed"),
        }
    }
}
