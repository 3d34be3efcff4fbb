//! Who may hold upload slots (issue 30). An upload holds memory and a database
//! writer's turns while its bytes arrive, so the process takes at most
//! [`MAX_UPLOADS`] at once — and since one client trickling bytes could otherwise hold
//! every one of them for everybody, a slot is also counted against its holder:
//!
//! * per chat and side: [`PER_CHAT`] uploads at once for the customer of a chat, as
//!   many for its agents (a person sends files one or two at a time);
//! * per client address (customers only, IPv6 by /64 like the other anonymous limits):
//!   [`PER_ADDRESS`], so opening more chats does not open more slots;
//! * the process-wide slot is taken only when the first bytes arrive, so an upload that
//!   declared a size and sends nothing holds nothing anyone else needs.
//!
//! The edge adds a minimum transfer rate (see `MIN_RATE` in the server's file
//! endpoint), so a slot held by a trickle is given back within seconds. Counts live in
//! memory per process, like the upload slots they guard.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use shared::{Author, ChatId};

use crate::error::{Error, Result};

/// Uploads being received at once in this process.
pub(crate) const MAX_UPLOADS: usize = 32;
/// Uploads at once per chat and side.
pub(crate) const PER_CHAT: u32 = 2;
/// A customer address's uploads at once, over all its chats.
pub(crate) const PER_ADDRESS: u32 = 4;

/// The counts and the process-wide slots.
pub(crate) struct UploadSlots {
    /// Holders' keys (`chat:…`, `addr:…`) and how many uploads each has open.
    held: Mutex<HashMap<String, u32>>,
    /// The process-wide slots, taken when bytes flow.
    busy: Arc<tokio::sync::Semaphore>,
}

impl Default for UploadSlots {
    fn default() -> UploadSlots {
        UploadSlots {
            held: Mutex::default(),
            busy: Arc::new(tokio::sync::Semaphore::new(MAX_UPLOADS)),
        }
    }
}

/// An upload's place in the counts; given back when dropped.
pub(crate) struct Claim {
    slots: Arc<UploadSlots>,
    keys: Vec<String>,
    /// The process-wide slot, once bytes arrived.
    busy: Option<tokio::sync::OwnedSemaphorePermit>,
}

impl UploadSlots {
    /// Counts a new upload into `chat` by `author` (a customer's from `addr`), or 429
    /// when its chat side or address already has its share open.
    pub(crate) fn claim(
        self: &Arc<Self>,
        chat: ChatId,
        author: Author,
        addr: Option<&str>,
    ) -> Result<Claim> {
        let mut shares = vec![(format!("chat:{}:{}", chat.0, author.as_str()), PER_CHAT)];
        if let (Author::Customer, Some(addr)) = (author, addr) {
            let key = format!("addr:{}", crate::throttle::address_key(addr));
            shares.push((key, PER_ADDRESS));
        }
        let mut held = self.held.lock().unwrap_or_else(|p| p.into_inner());
        for (key, limit) in &shares {
            if held.get(key).copied().unwrap_or(0) >= *limit {
                return Err(Error::Limited {
                    code: shared::ErrorCode::TooManyUploads,
                    message: "other files are still being sent from here; wait until they finish"
                        .into(),
                    retry_after: Duration::from_secs(5),
                });
            }
        }
        let keys: Vec<String> = shares.into_iter().map(|(key, _)| key).collect();
        for key in &keys {
            *held.entry(key.clone()).or_insert(0) += 1;
        }
        Ok(Claim {
            slots: Arc::clone(self),
            keys,
            busy: None,
        })
    }

    /// Uploads holding a process-wide slot now.
    #[cfg(test)]
    fn in_use(&self) -> usize {
        MAX_UPLOADS - self.busy.available_permits()
    }
}

impl Claim {
    /// Takes the process-wide slot (first bytes arrived), or 503 when all are in use.
    pub(crate) fn bytes_flow(&mut self) -> Result<()> {
        if self.busy.is_none() {
            let permit = self
                .slots
                .busy
                .clone()
                .try_acquire_owned()
                .map_err(|_| Error::Busy {
                    retry_after: Duration::from_secs(2),
                })?;
            self.busy = Some(permit);
        }
        Ok(())
    }
}

impl Drop for Claim {
    fn drop(&mut self) {
        let mut held = self.slots.held.lock().unwrap_or_else(|p| p.into_inner());
        for key in &self.keys {
            if let Some(n) = held.get_mut(key) {
                *n -= 1;
                if *n == 0 {
                    held.remove(key);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_are_shared_out_by_chat_and_address() {
        let slots = Arc::new(UploadSlots::default());
        let chat = ChatId(1);
        let a = slots
            .claim(chat, Author::Customer, Some("10.0.0.1"))
            .unwrap();
        let _b = slots
            .claim(chat, Author::Customer, Some("10.0.0.1"))
            .unwrap();
        let err = slots.claim(chat, Author::Customer, Some("10.0.0.2"));
        assert!(matches!(
            err,
            Err(Error::Limited {
                code: shared::ErrorCode::TooManyUploads,
                ..
            })
        ));
        // the chat's agent side has its own share
        let _c = slots.claim(chat, Author::Agent, None).unwrap();
        // the address's share spans chats
        let _d = slots
            .claim(ChatId(2), Author::Customer, Some("10.0.0.1"))
            .unwrap();
        let _e = slots
            .claim(ChatId(3), Author::Customer, Some("10.0.0.1"))
            .unwrap();
        assert!(
            slots
                .claim(ChatId(4), Author::Customer, Some("10.0.0.1"))
                .is_err()
        );
        // IPv6 neighbours in one /64 are one address
        let _f = slots
            .claim(ChatId(5), Author::Customer, Some("2001:db8::1"))
            .unwrap();
        // a finished upload gives its share back
        drop(a);
        let _g = slots
            .claim(ChatId(4), Author::Customer, Some("10.0.0.1"))
            .unwrap();
        // nothing holds a process-wide slot until bytes flow
        assert_eq!(slots.in_use(), 0);
        let mut claims: Vec<Claim> = (0..MAX_UPLOADS as i64)
            .map(|i| slots.claim(ChatId(100 + i), Author::Agent, None).unwrap())
            .collect();
        assert_eq!(slots.in_use(), 0);
        for c in &mut claims {
            c.bytes_flow().unwrap();
        }
        let mut late = slots.claim(ChatId(999), Author::Agent, None).unwrap();
        assert!(matches!(late.bytes_flow(), Err(Error::Busy { .. })));
        claims.pop();
        late.bytes_flow().unwrap();
    }
}
