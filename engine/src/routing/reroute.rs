//! Re-routing an unanswered chat (issue 18): with the service's setting on, a chat
//! whose agent has not replied within that time of being given it moves on — to the
//! next free agent, else back to the head of the queue. Opening the chat without
//! replying does not count as an answer: the customer is still waiting.

use chrono::{DateTime, Duration, Utc};

/// Whether a chat given to its agent at `assigned_at` is due to move at `now`.
/// `replied` is whether that agent has written in it since.
pub fn due(
    after: Option<Duration>,
    assigned_at: DateTime<Utc>,
    replied: bool,
    now: DateTime<Utc>,
) -> bool {
    match after {
        Some(after) => !replied && now - assigned_at >= after,
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn moves_only_when_on_unanswered_and_late() {
        let t0 = Utc.with_ymd_and_hms(2026, 11, 30, 9, 0, 0).unwrap();
        let two = Some(Duration::minutes(2));
        assert!(
            !due(None, t0, false, t0 + Duration::hours(5)),
            "off by default"
        );
        assert!(!due(two, t0, false, t0 + Duration::seconds(119)));
        assert!(due(two, t0, false, t0 + Duration::seconds(120)));
        assert!(!due(two, t0, true, t0 + Duration::minutes(10)), "answered");
    }
}
