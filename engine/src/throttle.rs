//! Login throttling (issue 15). Every attempt first *reserves* a place under three rules,
//! atomically, before the slow password check runs; a refused reservation is answered
//! 429 at once, so 40 parallel wrong passwords for one account are not all evaluated.
//!
//! - one account from one address: [`MAX_PER_ACCOUNT`] failures per [`WINDOW`];
//! - one address across accounts (credential stuffing): [`MAX_PER_ADDRESS`];
//! - one account from anywhere: after [`ACCOUNT_FREE_FAILURES`] failures the account
//!   backs off exponentially ([`ACCOUNT_BACKOFF_BASE`] doubling, at most [`WINDOW`]),
//!   so spreading guesses over many addresses does not help. It is a back-off, not a
//!   lock-out: the real owner waits minutes at worst, never for good.
//!
//! Addresses are keyed by [`address_key`]: an IPv6 client by its /64 (one customer line
//! gets a whole /64), IPv4 as is. A successful login forgets the account's failures
//! and gives back its own reservation.
//!
//! The rules are pure functions over failure ages handed in by the caller, so they
//! unit-test without sleeping; [`LoginThrottle`] keeps them in memory (one process,
//! SQLite) and `Engine` keeps them in `login_failures` with PostgreSQL.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Failures allowed for one account from one address within [`WINDOW`].
pub const MAX_PER_ACCOUNT: usize = 5;
/// Failures allowed from one address across all accounts within [`WINDOW`]
/// (credential stuffing).
pub const MAX_PER_ADDRESS: usize = 20;
/// Failures of one account (from any address) before it backs off.
pub const ACCOUNT_FREE_FAILURES: usize = 10;
/// The first back-off after [`ACCOUNT_FREE_FAILURES`]; it doubles with every further
/// failure, up to [`WINDOW`].
pub const ACCOUNT_BACKOFF_BASE: Duration = Duration::from_secs(30);
/// How long a failure counts.
pub const WINDOW: Duration = Duration::from_secs(15 * 60);

/// How one key's failures turn into a wait.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rule {
    /// At most this many failures within [`WINDOW`].
    Limit(usize),
    /// Free up to `free` failures, then exponential back-off from the newest one.
    Backoff { free: usize },
}

/// The throttle keys of an attempt and their rules.
pub fn keys(email: &str, addr: &str) -> [(String, Rule); 3] {
    let addr = address_key(addr);
    [
        (format!("acct:{email}|{addr}"), Rule::Limit(MAX_PER_ACCOUNT)),
        (format!("addr:{addr}"), Rule::Limit(MAX_PER_ADDRESS)),
        (
            format!("acct:{email}"),
            Rule::Backoff {
                free: ACCOUNT_FREE_FAILURES,
            },
        ),
    ]
}

/// The keys a successful login clears (the account's, not the address's).
fn account_keys(email: &str, addr: &str) -> [String; 2] {
    let [(by_addr, _), _, (anywhere, _)] = keys(email, addr);
    [by_addr, anywhere]
}

/// The part of a client address that identifies one client: IPv4 as is, IPv6 by its
/// /64 prefix (an ISP hands a whole /64 to one line, so per-address limits keyed by the
/// full address would be trivially bypassed). Anything unparsable is used verbatim.
pub fn address_key(addr: &str) -> String {
    match addr.trim().parse::<IpAddr>() {
        Ok(IpAddr::V6(v6)) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
        Ok(IpAddr::V4(v4)) => v4.to_string(),
        Err(_) => addr.trim().to_owned(),
    }
}

/// The wait before another attempt under `rule`, given the key's failure ages (newest
/// first, each younger than [`WINDOW`]); `None` when an attempt may go ahead.
pub fn wait_for(rule: Rule, ages_newest_first: &[Duration]) -> Option<Duration> {
    match rule {
        Rule::Limit(max) => {
            let age = ages_newest_first.get(max.checked_sub(1)?)?;
            Some(WINDOW.saturating_sub(*age))
        }
        Rule::Backoff { free } => {
            let over = ages_newest_first.len().checked_sub(free)?;
            let delay = ACCOUNT_BACKOFF_BASE
                .saturating_mul(1u32 << over.min(16))
                .min(WINDOW);
            let newest = ages_newest_first.first()?;
            (*newest < delay).then(|| delay - *newest)
        }
    }
}

/// A place taken by an attempt that is being checked; it counts as a failure unless
/// the attempt succeeds or is given back ([`LoginThrottle::release`]).
#[derive(Clone, Copy, Debug)]
pub struct Reservation {
    pub(crate) at: Instant,
}

/// Failure timestamps per key, in memory (one process).
#[derive(Default)]
pub struct LoginThrottle {
    /// Recent failure (and reservation) times per key, oldest first; pruned on touch.
    failures: Mutex<HashMap<String, Vec<Instant>>>,
}

impl LoginThrottle {
    /// Takes a place for an attempt for `email` from `addr`, or says how long to wait.
    /// Check and record happen under one lock, so parallel attempts cannot all pass.
    pub fn reserve(&self, email: &str, addr: &str, now: Instant) -> Result<Reservation, Duration> {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() > 100_000 {
            // Bound memory under a flood of distinct keys: drop what has expired.
            map.retain(|_, v| v.last().is_some_and(|t| now.duration_since(*t) < WINDOW));
        }
        let keys = keys(email, addr);
        let mut wait = None;
        for (key, rule) in &keys {
            if let Some(list) = map.get_mut(key) {
                list.retain(|t| now.duration_since(*t) < WINDOW);
                let ages: Vec<Duration> =
                    list.iter().rev().map(|t| now.duration_since(*t)).collect();
                wait = wait.max(wait_for(*rule, &ages));
            }
        }
        if let Some(wait) = wait {
            return Err(wait);
        }
        for (key, _) in keys {
            map.entry(key).or_default().push(now);
        }
        Ok(Reservation { at: now })
    }

    /// Gives a reservation back (the attempt was never evaluated, e.g. the server was
    /// too busy to hash).
    pub fn release(&self, email: &str, addr: &str, r: Reservation) {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        for (key, _) in keys(email, addr) {
            if let Some(list) = map.get_mut(&key)
                && let Some(i) = list.iter().rposition(|t| *t == r.at)
            {
                list.remove(i);
            }
        }
    }

    /// A successful login: the account's failures are forgotten and the address gets
    /// its place back.
    pub fn succeed(&self, email: &str, addr: &str, r: Reservation) {
        self.release(email, addr, r);
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        for key in account_keys(email, addr) {
            map.remove(&key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_limit_waits_for_the_max_th_newest_failure() {
        let m = Duration::from_secs(60);
        assert_eq!(wait_for(Rule::Limit(3), &[m, 2 * m]), None, "under");
        assert_eq!(
            wait_for(Rule::Limit(3), &[m, 2 * m, 3 * m]),
            Some(WINDOW - 3 * m),
            "the third newest leaves the window first"
        );
        assert_eq!(wait_for(Rule::Limit(0), &[]), None);
    }

    #[test]
    fn the_account_backs_off_exponentially_from_its_newest_failure() {
        let rule = Rule::Backoff { free: 2 };
        let s = Duration::from_secs(1);
        assert_eq!(wait_for(rule, &[s]), None);
        assert_eq!(wait_for(rule, &[s, s]), Some(ACCOUNT_BACKOFF_BASE - s));
        assert_eq!(
            wait_for(rule, &[s, s, s]),
            Some(2 * ACCOUNT_BACKOFF_BASE - s)
        );
        assert_eq!(wait_for(rule, &[ACCOUNT_BACKOFF_BASE, s]), None, "waited");
        assert_eq!(
            wait_for(rule, &[s; 40]),
            Some(WINDOW - s),
            "capped at the window"
        );
    }

    #[test]
    fn ipv6_clients_are_keyed_by_their_64() {
        assert_eq!(address_key("2001:db8:1:2:aaaa::1"), "2001:db8:1:2::/64");
        assert_eq!(
            address_key("2001:db8:1:2:ffff:1:2:3"),
            address_key("2001:db8:1:2::9")
        );
        assert_ne!(
            address_key("2001:db8:1:3::1"),
            address_key("2001:db8:1:2::1")
        );
        assert_eq!(address_key("::ffff:10.0.0.1"), "10.0.0.1");
        assert_eq!(address_key(" 10.0.0.1 "), "10.0.0.1");
        assert_eq!(address_key("unknown"), "unknown");
    }

    #[test]
    fn five_failures_lock_the_account_from_that_address() {
        let t = LoginThrottle::default();
        let start = Instant::now();
        for i in 0..MAX_PER_ACCOUNT {
            assert!(t.reserve("a@x.io", "1.1.1.1", start).is_ok(), "attempt {i}");
        }
        let wait = t.reserve("a@x.io", "1.1.1.1", start).expect_err("locked");
        assert_eq!(wait, WINDOW);
        // another address is not affected, nor another account
        assert!(t.reserve("a@x.io", "2.2.2.2", start).is_ok());
        assert!(t.reserve("b@x.io", "1.1.1.1", start).is_ok());
        // the wait ends with the window
        assert!(t.reserve("a@x.io", "1.1.1.1", start + WINDOW).is_ok());
    }

    #[test]
    fn failures_spread_over_addresses_make_the_account_back_off() {
        let t = LoginThrottle::default();
        let now = Instant::now();
        let mut evaluated = 0;
        for i in 0..35 {
            let addr = format!("10.0.0.{}", i % 7);
            if t.reserve("a@x.io", &addr, now).is_ok() {
                evaluated += 1;
            }
        }
        assert_eq!(evaluated, ACCOUNT_FREE_FAILURES);
        let wait = t.reserve("a@x.io", "10.9.9.9", now).expect_err("backs off");
        assert_eq!(wait, ACCOUNT_BACKOFF_BASE);
        assert!(
            t.reserve("a@x.io", "10.9.9.9", now + ACCOUNT_BACKOFF_BASE)
                .is_ok()
        );
        assert!(
            t.reserve("a@x.io", "10.9.9.9", now + ACCOUNT_BACKOFF_BASE)
                .is_err(),
            "the next one waits twice as long"
        );
    }

    #[test]
    fn success_clears_the_account_and_returns_the_place() {
        let t = LoginThrottle::default();
        let now = Instant::now();
        for _ in 0..MAX_PER_ACCOUNT - 1 {
            t.reserve("a@x.io", "1.1.1.1", now).unwrap();
        }
        let r = t.reserve("a@x.io", "1.1.1.1", now).unwrap();
        t.succeed("a@x.io", "1.1.1.1", r);
        for _ in 0..MAX_PER_ACCOUNT {
            assert!(t.reserve("a@x.io", "1.1.1.1", now).is_ok());
        }
    }

    #[test]
    fn released_places_do_not_count() {
        let t = LoginThrottle::default();
        let now = Instant::now();
        for _ in 0..MAX_PER_ACCOUNT * 3 {
            let r = t.reserve("a@x.io", "1.1.1.1", now).unwrap();
            t.release("a@x.io", "1.1.1.1", r);
        }
    }

    #[test]
    fn many_accounts_from_one_address_lock_the_address() {
        let t = LoginThrottle::default();
        let now = Instant::now();
        for i in 0..MAX_PER_ADDRESS {
            t.reserve(&format!("user{i}@x.io"), "9.9.9.9", now).unwrap();
        }
        assert!(t.reserve("fresh@x.io", "9.9.9.9", now).is_err());
        assert!(t.reserve("fresh@x.io", "8.8.8.8", now).is_ok());
    }
}
