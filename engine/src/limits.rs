//! Limits on what anonymous visitors may do (issue 15): chat starts per address and
//! per visitor, 1:1 inquiries per address, customer messages per chat, open chats per
//! visitor and sockets per customer token. Over a limit the answer is
//! [`Error::Limited`] (429 with `Retry-After` and a message the widget shows).
//!
//! Rates are token buckets from the `governor` crate (GCRA), keyed by the client's
//! address ([`crate::throttle::address_key`]: IPv6 by /64), the visitor id or the chat.
//! They live in memory per process. With several instances on PostgreSQL each instance
//! keeps its own buckets, so a client that is spread over N instances by the load
//! balancer gets at most N times a rate: a fixed multiple that the operator sizes the
//! limits for, bought for not writing a database row per request. The limits that must
//! be exact — open chats per visitor — are counted in the database inside the chat
//! start's write transaction, so they hold across instances.

use std::fmt;
use std::num::NonZeroU32;
use std::str::FromStr;
use std::sync::Mutex;
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use shared::ChatId;

use crate::error::{Error, Result};

/// A bucket: `count` at once, refilled evenly over `per` (so `20/10m` is a burst of 20
/// and one more every 30 seconds). `off` disables the limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rate(Option<(NonZeroU32, Duration)>);

impl Rate {
    pub const OFF: Rate = Rate(None);

    pub const fn new(count: u32, per: Duration) -> Rate {
        match NonZeroU32::new(count) {
            Some(n) => Rate(Some((n, per))),
            None => Rate(None),
        }
    }

    fn quota(self) -> Option<Quota> {
        let (count, per) = self.0?;
        let every = per / count.get();
        Some(Quota::with_period(every.max(Duration::from_millis(1)))?.allow_burst(count))
    }
}

impl FromStr for Rate {
    type Err = String;

    /// `off`, or `<count>/<n><s|m|h>` (`20/10m`, `30/1m`, `5/1h`).
    fn from_str(s: &str) -> std::result::Result<Rate, String> {
        let s = s.trim();
        if s.eq_ignore_ascii_case("off") {
            return Ok(Rate::OFF);
        }
        let bad =
            || format!("`{s}`: write a rate as COUNT/PERIOD (e.g. 20/10m, 30/1m, 5/1h) or off");
        let (count, period) = s.split_once('/').ok_or_else(bad)?;
        let count: u32 = count.trim().parse().map_err(|_| bad())?;
        let period = period.trim();
        let unit = match period.chars().last().ok_or_else(bad)? {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            _ => return Err(bad()),
        };
        let n: u64 = period[..period.len() - 1].parse().map_err(|_| bad())?;
        if count == 0 || n == 0 {
            return Err(bad());
        }
        Ok(Rate::new(count, Duration::from_secs(n * unit)))
    }
}

impl fmt::Display for Rate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            None => f.write_str("off"),
            Some((n, per)) if per.as_secs() % 3600 == 0 => {
                write!(f, "{n}/{}h", per.as_secs() / 3600)
            }
            Some((n, per)) if per.as_secs() % 60 == 0 => write!(f, "{n}/{}m", per.as_secs() / 60),
            Some((n, per)) => write!(f, "{n}/{}s", per.as_secs()),
        }
    }
}

/// The configured limits (`online-contact serve --limit-…`; defaults documented in the
/// README's *Security* section).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    pub chat_starts_per_address: Rate,
    pub chat_starts_per_visitor: Rate,
    pub inquiries_per_address: Rate,
    pub customer_messages_per_chat: Rate,
    /// Chats a visitor may have waiting or active at once (0 = no limit).
    pub open_chats_per_visitor: u32,
    /// Sockets one customer token may hold open on one instance (0 = no limit).
    pub sockets_per_customer: u32,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            chat_starts_per_address: Rate::new(20, Duration::from_secs(600)),
            chat_starts_per_visitor: Rate::new(5, Duration::from_secs(600)),
            inquiries_per_address: Rate::new(5, Duration::from_secs(600)),
            customer_messages_per_chat: Rate::new(30, Duration::from_secs(60)),
            open_chats_per_visitor: 3,
            sockets_per_customer: 5,
        }
    }
}

impl Limits {
    /// No limits at all (benchmarks and tests that are about something else).
    pub fn off() -> Limits {
        Limits {
            chat_starts_per_address: Rate::OFF,
            chat_starts_per_visitor: Rate::OFF,
            inquiries_per_address: Rate::OFF,
            customer_messages_per_chat: Rate::OFF,
            open_chats_per_visitor: 0,
            sockets_per_customer: 0,
        }
    }
}

/// One keyed bucket set; `None` when its rate is off.
struct Buckets(Option<DefaultKeyedRateLimiter<String>>);

impl Buckets {
    fn new(rate: Rate) -> Buckets {
        Buckets(rate.quota().map(RateLimiter::keyed))
    }

    /// Takes one token for `key`, or says how long until one is there.
    fn take(&self, key: &str) -> std::result::Result<(), Duration> {
        let Some(limiter) = &self.0 else {
            return Ok(());
        };
        if limiter.len() > 50_000 {
            // bound memory under a flood of distinct keys: forget full buckets
            limiter.retain_recent();
        }
        limiter
            .check_key(&key.to_owned())
            .map_err(|not_until| not_until.wait_time_from(DefaultClock::default().now()))
    }
}

/// The live state of [`Limits`] in one process.
pub(crate) struct Limiter {
    pub(crate) config: Limits,
    chat_starts_per_address: Buckets,
    chat_starts_per_visitor: Buckets,
    inquiries_per_address: Buckets,
    customer_messages_per_chat: Buckets,
    /// Open sockets per customer chat on this instance.
    customer_sockets: Mutex<std::collections::HashMap<ChatId, u32>>,
}

fn limited(code: shared::ErrorCode, message: &str, wait: Duration) -> Error {
    Error::Limited {
        code,
        message: message.to_owned(),
        retry_after: wait.max(Duration::from_secs(1)),
    }
}

impl Limiter {
    pub(crate) fn new(config: Limits) -> Limiter {
        Limiter {
            config,
            chat_starts_per_address: Buckets::new(config.chat_starts_per_address),
            chat_starts_per_visitor: Buckets::new(config.chat_starts_per_visitor),
            inquiries_per_address: Buckets::new(config.inquiries_per_address),
            customer_messages_per_chat: Buckets::new(config.customer_messages_per_chat),
            customer_sockets: Mutex::default(),
        }
    }

    /// A chat start from `addr` by `visitor` (when the customer has a visitor id).
    pub(crate) fn chat_start(&self, addr: Option<&str>, visitor: Option<&str>) -> Result<()> {
        const WHY: &str =
            "too many chats were started from here; please wait a moment and try again";
        if let Some(addr) = addr {
            let key = crate::throttle::address_key(addr);
            self.chat_starts_per_address
                .take(&key)
                .map_err(|w| limited(shared::ErrorCode::TooManyChats, WHY, w))?;
        }
        if let Some(visitor) = visitor {
            self.chat_starts_per_visitor
                .take(visitor)
                .map_err(|w| limited(shared::ErrorCode::TooManyChats, WHY, w))?;
        }
        Ok(())
    }

    /// A 1:1 inquiry from `addr`.
    pub(crate) fn inquiry(&self, addr: Option<&str>) -> Result<()> {
        let Some(addr) = addr else { return Ok(()) };
        self.inquiries_per_address
            .take(&crate::throttle::address_key(addr))
            .map_err(|w| {
                limited(
                    shared::ErrorCode::TooManyInquiries,
                    "too many inquiries were sent from here; please try again later",
                    w,
                )
            })
    }

    /// A customer's message in `chat` (every path: REST and WebSocket).
    pub(crate) fn customer_message(&self, chat: ChatId) -> Result<()> {
        self.customer_messages_per_chat
            .take(&chat.0.to_string())
            .map_err(|w| {
                limited(
                    shared::ErrorCode::TooManyMessages,
                    "you are sending messages too fast; please wait a moment",
                    w,
                )
            })
    }

    /// A customer socket opens; refused past the per-token limit. The caller must
    /// call [`Limiter::customer_socket_closed`] when a granted socket closes.
    pub(crate) fn customer_socket_opened(&self, chat: ChatId) -> Result<()> {
        let mut open = self
            .customer_sockets
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        let n = open.entry(chat).or_insert(0);
        if self.config.sockets_per_customer > 0 && *n >= self.config.sockets_per_customer {
            return Err(limited(
                shared::ErrorCode::TooManySockets,
                "this chat is already open in too many windows",
                Duration::from_secs(5),
            ));
        }
        *n += 1;
        Ok(())
    }

    pub(crate) fn customer_socket_closed(&self, chat: ChatId) {
        let mut open = self
            .customer_sockets
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        if let Some(n) = open.get_mut(&chat) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                open.remove(&chat);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_parse_and_print() {
        assert_eq!(
            "20/10m".parse::<Rate>().unwrap(),
            Rate::new(20, Duration::from_secs(600))
        );
        assert_eq!("5/1h".parse::<Rate>().unwrap().to_string(), "5/1h");
        assert_eq!("30/45s".parse::<Rate>().unwrap().to_string(), "30/45s");
        assert_eq!("off".parse::<Rate>().unwrap(), Rate::OFF);
        for bad in ["", "20", "0/1m", "20/0m", "20/10x", "a/1m", "20/m", "-1/1m"] {
            assert!(bad.parse::<Rate>().is_err(), "{bad}");
        }
    }

    #[test]
    fn a_burst_then_refusals_with_a_wait() {
        let l = Limiter::new(Limits {
            chat_starts_per_address: Rate::new(3, Duration::from_secs(60)),
            ..Limits::off()
        });
        for _ in 0..3 {
            l.chat_start(Some("10.0.0.1"), None).unwrap();
        }
        match l.chat_start(Some("10.0.0.1"), None) {
            Err(Error::Limited {
                code, retry_after, ..
            }) => {
                assert_eq!(code, shared::ErrorCode::TooManyChats);
                assert!(
                    retry_after >= Duration::from_secs(1) && retry_after <= Duration::from_secs(20)
                );
            }
            other => panic!("expected a limit, got {other:?}"),
        }
        l.chat_start(Some("10.0.0.2"), None)
            .expect("another address has its own bucket");
        // IPv6 neighbours in one /64 share a bucket
        for _ in 0..3 {
            l.chat_start(Some("2001:db8::1"), None).unwrap();
        }
        assert!(l.chat_start(Some("2001:db8::ffff"), None).is_err());
    }

    #[test]
    fn off_means_unlimited_and_sockets_are_counted_back() {
        let l = Limiter::new(Limits {
            sockets_per_customer: 2,
            ..Limits::off()
        });
        for _ in 0..1000 {
            l.customer_message(ChatId(1)).unwrap();
        }
        l.customer_socket_opened(ChatId(1)).unwrap();
        l.customer_socket_opened(ChatId(1)).unwrap();
        assert!(l.customer_socket_opened(ChatId(1)).is_err());
        l.customer_socket_opened(ChatId(2)).unwrap();
        l.customer_socket_closed(ChatId(1));
        l.customer_socket_opened(ChatId(1)).unwrap();
    }
}

impl crate::Engine {
    /// A customer's socket opens (the WebSocket edge): refused past
    /// [`Limits::sockets_per_customer`] on this instance. Pair with
    /// [`crate::Engine::customer_socket_closed`].
    pub fn customer_socket_opened(&self, customer: &crate::Customer) -> Result<()> {
        self.limits.customer_socket_opened(customer.chat_id())
    }

    pub fn customer_socket_closed(&self, customer: &crate::Customer) {
        self.limits.customer_socket_closed(customer.chat_id())
    }
}
