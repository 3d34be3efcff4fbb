//! The definitions of the report figures (issue 20, C-RP-1), as pure rules over one
//! chat's timeline. Every figure of `GET /reports` is a sum of these per-chat facts, so
//! what a number means is written once, here (and in the README's *Reports*).
//!
//! - **started**: the chat exists (counted on the day it started, in the service's zone).
//! - **handled** (처리) / **unhandled** (미처리 = 포기): an ended chat, answered by the
//!   agent who opened it or not (C-HIS-2, the `handled` flag); open chats are neither.
//! - **abandoned in the queue**: ended without ever being assigned (the customer left
//!   the queue, or it was closed while waiting).
//! - **wait to assignment**: start → the first assignment; **wait to open**: start →
//!   the first time an agent opened it. Chats never assigned (opened) have none.
//! - **first response**: the customer's first message (else the start) → the first
//!   agent reply; handled chats only.
//! - **handling time**: start → end; ended chats only.
//! - **CSAT**: the rating (1–5) whenever it came, also after the end.
//! - **transfers**, **re-routes**: the chat's hand-overs of those kinds.

use chrono::{DateTime, Utc};

/// Upper bounds (exclusive, seconds) of the duration buckets; a last bucket takes the
/// rest. Log-like: a percentile read off them is exact to within its bucket (≤ 5 s under
/// a minute, ≤ 50 % of the value above).
pub(crate) const BUCKET_BOUNDS: [i64; 15] = [
    5, 10, 20, 30, 45, 60, 90, 120, 180, 300, 600, 1200, 1800, 3600, 7200,
];
/// How many buckets a duration histogram has.
pub(crate) const BUCKETS: usize = BUCKET_BOUNDS.len() + 1;

/// The bucket of a duration (negative durations, clock skew, count as 0).
pub(crate) fn bucket(secs: i64) -> usize {
    BUCKET_BOUNDS
        .iter()
        .position(|b| secs.max(0) < *b)
        .unwrap_or(BUCKET_BOUNDS.len())
}

/// The `p`-th percentile (0–100) of a histogram whose samples add up to `sum`
/// seconds, interpolated inside its bucket; `None` for no samples. The last bucket has
/// no upper bound: its lower bound is answered. Never more than the samples allow: the
/// `n - rank + 1` samples at or above the percentile add up to at most `sum`, so it is
/// at most `sum / (n - rank + 1)` (all-instant samples answer 0, not half a bucket).
pub(crate) fn percentile(hist: &[i64; BUCKETS], p: f64, sum: i64) -> Option<i64> {
    let n: i64 = hist.iter().sum();
    if n <= 0 {
        return None;
    }
    let rank = (p / 100.0 * n as f64).ceil().clamp(1.0, n as f64);
    let cap = sum.max(0) as f64 / (n as f64 - rank + 1.0);
    interpolate(hist, rank).map(|v| v.min(cap.floor() as i64))
}

fn interpolate(hist: &[i64; BUCKETS], rank: f64) -> Option<i64> {
    let mut seen = 0.0;
    for (i, c) in hist.iter().enumerate() {
        let c = *c as f64;
        if c > 0.0 && seen + c >= rank {
            let lo = if i == 0 { 0 } else { BUCKET_BOUNDS[i - 1] } as f64;
            let Some(hi) = BUCKET_BOUNDS.get(i) else {
                return Some(lo as i64);
            };
            let within = (rank - seen) / c;
            return Some((lo + (*hi as f64 - lo) * within).round() as i64);
        }
        seen += c;
    }
    None
}

/// One chat as the reports read it.
#[derive(Clone, Debug, Default)]
pub(crate) struct Timeline {
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) first_assigned_at: Option<DateTime<Utc>>,
    pub(crate) first_opened_at: Option<DateTime<Utc>>,
    pub(crate) first_customer_message_at: Option<DateTime<Utc>>,
    pub(crate) first_response_at: Option<DateTime<Utc>>,
    pub(crate) ended_at: Option<DateTime<Utc>>,
    pub(crate) handled: bool,
    pub(crate) rating: Option<i64>,
    pub(crate) transfers: i64,
    pub(crate) reroutes: i64,
}

/// The figures one chat adds to a report (kept as JSON in `report_facts.facts`, so
/// what a chat added can be taken out exactly).
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub(crate) struct Facts {
    pub(crate) ended: bool,
    pub(crate) handled: bool,
    pub(crate) unhandled: bool,
    pub(crate) abandoned: bool,
    pub(crate) wait_assign: Option<i64>,
    pub(crate) wait_open: Option<i64>,
    pub(crate) first_response: Option<i64>,
    pub(crate) handling: Option<i64>,
    pub(crate) rating: Option<i64>,
    pub(crate) transfers: i64,
    pub(crate) reroutes: i64,
}

fn secs(from: DateTime<Utc>, to: Option<DateTime<Utc>>) -> Option<i64> {
    to.map(|t| (t - from).num_seconds().max(0))
}

/// The definitions above, applied to one chat.
pub(crate) fn facts(t: &Timeline) -> Facts {
    let ended = t.ended_at.is_some();
    let handled = ended && t.handled;
    let asked = t.first_customer_message_at.unwrap_or(t.created_at);
    Facts {
        ended,
        handled,
        unhandled: ended && !t.handled,
        abandoned: ended && t.first_assigned_at.is_none(),
        wait_assign: secs(t.created_at, t.first_assigned_at),
        wait_open: secs(t.created_at, t.first_opened_at),
        first_response: if handled {
            secs(asked, t.first_response_at)
        } else {
            None
        },
        handling: secs(t.created_at, t.ended_at),
        rating: t.rating.filter(|r| (1..=5).contains(r)),
        transfers: t.transfers,
        reroutes: t.reroutes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_790_000_000 + s, 0).unwrap()
    }

    fn chat() -> Timeline {
        Timeline {
            created_at: at(0),
            ..Default::default()
        }
    }

    #[test]
    fn a_plain_handled_chat() {
        let f = facts(&Timeline {
            first_assigned_at: Some(at(2)),
            first_opened_at: Some(at(12)),
            first_customer_message_at: Some(at(0)),
            first_response_at: Some(at(40)),
            ended_at: Some(at(600)),
            handled: true,
            rating: Some(5),
            ..chat()
        });
        assert!(f.ended && f.handled && !f.unhandled && !f.abandoned);
        assert_eq!(
            (f.wait_assign, f.wait_open, f.first_response, f.handling),
            (Some(2), Some(12), Some(40), Some(600))
        );
        assert_eq!(f.rating, Some(5));
    }

    #[test]
    fn the_customer_left_before_any_reply() {
        // assigned and opened, the customer gave up: unhandled, no first response
        let f = facts(&Timeline {
            first_assigned_at: Some(at(1)),
            first_opened_at: Some(at(30)),
            ended_at: Some(at(90)),
            ..chat()
        });
        assert!(f.unhandled && !f.handled && !f.abandoned);
        assert_eq!(f.first_response, None);
        assert_eq!(f.handling, Some(90));
        // and one who left the queue: abandoned (and unhandled), no waits
        let f = facts(&Timeline {
            ended_at: Some(at(45)),
            ..chat()
        });
        assert!(f.abandoned && f.unhandled);
        assert_eq!((f.wait_assign, f.wait_open), (None, None));
    }

    #[test]
    fn rerouted_and_transferred_chats_keep_their_first_times() {
        // re-routed after 60 s unanswered, then transferred: waits count to the first
        // assignment and open, the response from the customer's first message
        let f = facts(&Timeline {
            first_assigned_at: Some(at(3)),
            first_opened_at: Some(at(5)),
            first_customer_message_at: Some(at(10)),
            first_response_at: Some(at(130)),
            ended_at: Some(at(400)),
            handled: true,
            transfers: 1,
            reroutes: 1,
            ..chat()
        });
        assert_eq!((f.wait_assign, f.wait_open), (Some(3), Some(5)));
        assert_eq!(f.first_response, Some(120));
        assert_eq!((f.transfers, f.reroutes), (1, 1));
    }

    #[test]
    fn open_chats_and_late_ratings() {
        let f = facts(&Timeline {
            first_assigned_at: Some(at(1)),
            ..chat()
        });
        assert!(!f.ended && !f.handled && !f.unhandled && !f.abandoned);
        assert_eq!(f.handling, None);
        // a rating given after the end counts; nonsense ratings do not
        let late = Timeline {
            ended_at: Some(at(100)),
            rating: Some(3),
            ..chat()
        };
        assert_eq!(facts(&late).rating, Some(3));
        assert_eq!(
            facts(&Timeline {
                rating: Some(9),
                ..late
            })
            .rating,
            None
        );
    }

    #[test]
    fn buckets_and_percentiles() {
        assert_eq!(bucket(-3), 0);
        assert_eq!(bucket(4), 0);
        assert_eq!(bucket(5), 1);
        assert_eq!(bucket(7199), 14);
        assert_eq!(bucket(100_000), 15);
        let mut h = [0i64; BUCKETS];
        assert_eq!(percentile(&h, 50.0, 0), None);
        // 10 samples in [10, 20) adding up to 150 s: the median interpolates to 15,
        // p90 to 19
        h[bucket(12)] = 10;
        assert_eq!(percentile(&h, 50.0, 150), Some(15));
        assert_eq!(percentile(&h, 90.0, 150), Some(19));
        // one sample past two hours: answered as the last bound
        let mut h = [0i64; BUCKETS];
        h[bucket(9_000)] = 1;
        assert_eq!(percentile(&h, 90.0, 9_000), Some(7_200));
        // mixed: 9 fast, 1 slow — p50 fast, p90 still fast, p100 slow
        let mut h = [0i64; BUCKETS];
        h[bucket(2)] = 9;
        h[bucket(400)] = 1;
        assert!(percentile(&h, 50.0, 418).unwrap() < 5);
        assert!(percentile(&h, 90.0, 418).unwrap() <= 5);
        assert!(percentile(&h, 100.0, 418).unwrap() >= 300);
        // chats answered at once: 0 s, not half of the first bucket
        let mut h = [0i64; BUCKETS];
        h[0] = 3;
        assert_eq!(percentile(&h, 50.0, 0), Some(0));
        assert_eq!(percentile(&h, 90.0, 1), Some(1));
    }
}
