//! Login throttling: after too many failures from one address for one account, or from
//! one address across accounts, further attempts are refused until the window passes.
//!
//! Pure bookkeeping over `Instant`s handed in by the caller, so the rules unit-test
//! without sleeping.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Failures allowed for one account from one address within [`WINDOW`].
pub const MAX_PER_ACCOUNT: usize = 5;
/// Failures allowed from one address across all accounts within [`WINDOW`]
/// (credential stuffing).
pub const MAX_PER_ADDRESS: usize = 20;
/// How long a failure counts.
pub const WINDOW: Duration = Duration::from_secs(15 * 60);

/// Failure timestamps per key. Keys are `acct:<email>|<addr>` and `addr:<addr>`.
#[derive(Default)]
pub struct LoginThrottle {
    /// Recent failure times per key, oldest first; pruned on every touch.
    failures: Mutex<HashMap<String, Vec<Instant>>>,
}

pub(crate) fn keys(email: &str, addr: &str) -> [(String, usize); 2] {
    [
        (format!("acct:{email}|{addr}"), MAX_PER_ACCOUNT),
        (format!("addr:{addr}"), MAX_PER_ADDRESS),
    ]
}

/// The wait before another attempt, given one key's failure ages (newest first, each
/// younger than [`WINDOW`]) and its limit: `None` while under the limit, else until
/// the `max`-th newest failure leaves the window. The same rule as [`LoginThrottle`],
/// for failures kept in the database (several instances).
pub fn wait_after(ages_newest_first: &[Duration], max: usize) -> Option<Duration> {
    let age = ages_newest_first.get(max.checked_sub(1)?)?;
    Some(WINDOW.saturating_sub(*age))
}

impl LoginThrottle {
    /// `Some(wait)` when an attempt for `email` from `addr` must be refused now.
    pub fn check(&self, email: &str, addr: &str, now: Instant) -> Option<Duration> {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        keys(email, addr)
            .iter()
            .filter_map(|(key, max)| {
                let list = map.get_mut(key)?;
                list.retain(|t| now.duration_since(*t) < WINDOW);
                (list.len() >= *max).then(|| WINDOW - now.duration_since(list[list.len() - max]))
            })
            .max()
    }

    /// Records a failed attempt.
    pub fn fail(&self, email: &str, addr: &str, now: Instant) {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() > 100_000 {
            // Bound memory under a flood of distinct keys: drop what has expired.
            map.retain(|_, v| v.last().is_some_and(|t| now.duration_since(*t) < WINDOW));
        }
        for (key, _) in keys(email, addr) {
            map.entry(key).or_default().push(now);
        }
    }

    /// A successful login forgets the account's failures from that address.
    pub fn succeed(&self, email: &str, addr: &str) {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        map.remove(&keys(email, addr)[0].0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shared_rule_waits_for_the_max_th_newest_failure() {
        let m = Duration::from_secs(60);
        assert_eq!(wait_after(&[m, 2 * m], 3), None, "under the limit");
        assert_eq!(
            wait_after(&[m, 2 * m, 3 * m], 3),
            Some(WINDOW - 3 * m),
            "the third newest leaves the window first"
        );
        assert_eq!(wait_after(&[], 0), None);
    }

    #[test]
    fn five_failures_lock_the_account_from_that_address() {
        let t = LoginThrottle::default();
        let start = Instant::now();
        for i in 0..MAX_PER_ACCOUNT {
            assert_eq!(
                t.check("a@x.io", "1.1.1.1", start),
                None,
                "attempt {i} allowed"
            );
            t.fail("a@x.io", "1.1.1.1", start);
        }
        let wait = t.check("a@x.io", "1.1.1.1", start).expect("locked");
        assert_eq!(wait, WINDOW);
        // another address is not affected, nor another account
        assert_eq!(t.check("a@x.io", "2.2.2.2", start), None);
        assert_eq!(t.check("b@x.io", "1.1.1.1", start), None);
        // the wait shrinks with time and ends with the window
        let later = start + Duration::from_secs(60);
        assert_eq!(
            t.check("a@x.io", "1.1.1.1", later),
            Some(WINDOW - Duration::from_secs(60))
        );
        assert_eq!(t.check("a@x.io", "1.1.1.1", start + WINDOW), None);
    }

    #[test]
    fn success_clears_the_account_counter() {
        let t = LoginThrottle::default();
        let now = Instant::now();
        for _ in 0..MAX_PER_ACCOUNT - 1 {
            t.fail("a@x.io", "1.1.1.1", now);
        }
        t.succeed("a@x.io", "1.1.1.1");
        t.fail("a@x.io", "1.1.1.1", now);
        assert_eq!(t.check("a@x.io", "1.1.1.1", now), None);
    }

    #[test]
    fn many_accounts_from_one_address_lock_the_address() {
        let t = LoginThrottle::default();
        let now = Instant::now();
        for i in 0..MAX_PER_ADDRESS {
            t.fail(&format!("user{i}@x.io"), "9.9.9.9", now);
        }
        assert!(t.check("fresh@x.io", "9.9.9.9", now).is_some());
        assert!(t.check("fresh@x.io", "8.8.8.8", now).is_none());
    }
}
