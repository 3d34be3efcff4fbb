//! The waiting queue (issue 18) as pure rules: who of the waiting customers goes to
//! which agent when room frees up, where each customer stands, and how long they are
//! likely to wait.
//!
//! **Order**: first come, first served by the time the chat started (then its id), so
//! a chat that comes back to the queue (its agent went offline, was re-routed or sent
//! it back) keeps its place near the head instead of joining the tail.
//!
//! **Recent-agent hold** (C-SET-4 with capacity): a waiting chat whose customer's recent
//! agent is online but full is kept for that agent for the service's hold time, counted
//! from when the chat started; other agents take the chats behind it meanwhile. When the
//! hold runs out, or the recent agent is not online, the next free agent takes it.
//!
//! **Estimated wait**: `position × median handling time ÷ seats`, where the median
//! handling time is that of the service's chats ended in the last 7 days (assignment →
//! end, at least [`MIN_SAMPLES`] of them) and seats is the total capacity of the agents
//! online. One seat frees up, on average, every `median ÷ seats`; the customer at
//! position `p` needs `p` of them. With too little history there is no estimate and the
//! customer reads "잠시만 기다려 주세요".

use chrono::{DateTime, Duration, Utc};
use shared::{AgentId, ChatId};

use super::assign::{Candidate, pick_agent, take_one};

/// Handled chats needed before the queue gives an estimate.
pub const MIN_SAMPLES: usize = 5;

/// A chat in the queue, in queue order.
#[derive(Clone, Debug, PartialEq)]
pub struct Waiting {
    pub chat_id: ChatId,
    /// When the chat started (its place in the queue).
    pub since: DateTime<Utc>,
    /// The customer's recent agent, when the service prefers them (C-SET-4).
    pub preferred: Option<AgentId>,
}

/// Which waiting chats go to which agents now. Walks the queue in order; a chat held
/// for its full recent agent is passed over (the chats behind it may go ahead); the
/// candidates' loads are updated as chats are given out.
pub fn plan(
    waiting: &[Waiting],
    candidates: &mut [Candidate],
    hold: Duration,
    now: DateTime<Utc>,
) -> Vec<(ChatId, AgentId)> {
    let mut out = Vec::new();
    for w in waiting {
        if !candidates.iter().any(Candidate::has_room) {
            break;
        }
        let recent_online = w
            .preferred
            .and_then(|p| candidates.iter().find(|c| c.agent_id == p));
        let held = recent_online.is_some_and(|c| !c.has_room()) && now - w.since < hold;
        if held {
            continue;
        }
        if let Some(agent) = pick_agent(candidates, w.preferred) {
            take_one(candidates, agent, now);
            out.push((w.chat_id, agent));
        }
    }
    out
}

/// When the next held chat's hold runs out (so the queue is looked at again then).
pub fn next_hold_end(
    waiting: &[Waiting],
    candidates: &[Candidate],
    hold: Duration,
    now: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    waiting
        .iter()
        .filter(|w| {
            w.preferred
                .is_some_and(|p| candidates.iter().any(|c| c.agent_id == p && !c.has_room()))
        })
        .map(|w| w.since + hold)
        .filter(|end| *end > now)
        .min()
}

/// The median of handling times in seconds (`None` below [`MIN_SAMPLES`]).
pub fn median_secs(mut samples: Vec<i64>) -> Option<i64> {
    if samples.len() < MIN_SAMPLES {
        return None;
    }
    samples.sort_unstable();
    let mid = samples.len() / 2;
    Some(if samples.len() % 2 == 0 {
        (samples[mid - 1] + samples[mid]) / 2
    } else {
        samples[mid]
    })
}

/// The estimated wait, in seconds, of the customer at `position` (1 = next).
pub fn estimated_wait_secs(
    position: i64,
    median_handling_secs: Option<i64>,
    seats: i64,
) -> Option<i64> {
    let median = median_handling_secs?;
    if position < 1 {
        return None;
    }
    let seats = seats.max(1);
    // rounded up (i64::div_ceil is not stable yet)
    Some((position * median + seats - 1) / seats)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t(sec: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 30, 9, 0, 0).unwrap() + Duration::seconds(sec)
    }

    fn agent(id: i64, open: i64, cap: i64) -> Candidate {
        Candidate {
            agent_id: AgentId(id),
            open_chats: open,
            capacity: cap,
            last_assigned_at: None,
        }
    }

    fn w(chat: i64, since: i64, preferred: Option<i64>) -> Waiting {
        Waiting {
            chat_id: ChatId(chat),
            since: t(since),
            preferred: preferred.map(AgentId),
        }
    }

    const HOLD: Duration = Duration::seconds(60);

    #[test]
    fn first_come_first_served_up_to_the_free_seats() {
        let queue = [w(1, 0, None), w(2, 5, None), w(3, 9, None)];
        let mut agents = [agent(10, 3, 3), agent(11, 1, 3)];
        assert_eq!(
            plan(&queue, &mut agents, HOLD, t(20)),
            vec![(ChatId(1), AgentId(11)), (ChatId(2), AgentId(11))],
            "two seats free: the two oldest chats, the third keeps waiting"
        );
        assert_eq!(agents[1].open_chats, 3);
    }

    #[test]
    fn nobody_with_room_assigns_nothing() {
        let queue = [w(1, 0, None)];
        assert!(plan(&queue, &mut [agent(10, 2, 2)], HOLD, t(1)).is_empty());
        assert!(plan(&queue, &mut [], HOLD, t(1)).is_empty());
    }

    #[test]
    fn a_chat_is_held_for_its_full_recent_agent_then_released() {
        let queue = [w(1, 0, Some(10)), w(2, 5, None)];
        // agent 10 (recent of chat 1) is full; agent 11 has one seat
        let mut agents = [agent(10, 3, 3), agent(11, 2, 3)];
        assert_eq!(
            plan(&queue, &mut agents.clone(), HOLD, t(30)),
            vec![(ChatId(2), AgentId(11))],
            "inside the hold the chat behind goes ahead"
        );
        assert_eq!(
            next_hold_end(&queue, &agents, HOLD, t(30)),
            Some(t(60)),
            "the queue is looked at again when the hold ends"
        );
        assert_eq!(
            plan(&queue, &mut agents, HOLD, t(61)),
            vec![(ChatId(1), AgentId(11))],
            "after the hold the next free agent takes it"
        );
    }

    #[test]
    fn the_recent_agent_takes_the_held_chat_when_a_seat_frees() {
        let queue = [w(1, 0, Some(10)), w(2, 5, None)];
        let mut agents = [agent(10, 2, 3), agent(11, 0, 3)];
        assert_eq!(
            plan(&queue, &mut agents, HOLD, t(30)),
            vec![(ChatId(1), AgentId(10)), (ChatId(2), AgentId(11))]
        );
    }

    #[test]
    fn an_offline_recent_agent_holds_nothing() {
        let queue = [w(1, 0, Some(99))];
        let mut agents = [agent(11, 0, 1)];
        assert_eq!(
            plan(&queue, &mut agents, HOLD, t(1)),
            vec![(ChatId(1), AgentId(11))]
        );
        assert_eq!(next_hold_end(&queue, &agents, HOLD, t(1)), None);
    }

    #[test]
    fn median_needs_enough_history() {
        assert_eq!(median_secs(vec![60, 120, 180, 240]), None);
        assert_eq!(median_secs(vec![300, 60, 120, 180, 240]), Some(180));
        assert_eq!(median_secs(vec![10, 20, 30, 40, 50, 60]), Some(35));
    }

    #[test]
    fn estimate_grows_with_position_and_shrinks_with_seats() {
        // 4-minute chats, 2 agents × 3 seats: a seat frees every 40 s
        assert_eq!(estimated_wait_secs(1, Some(240), 6), Some(40));
        assert_eq!(estimated_wait_secs(3, Some(240), 6), Some(120));
        assert_eq!(estimated_wait_secs(1, Some(240), 1), Some(240));
        assert_eq!(estimated_wait_secs(2, Some(100), 3), Some(67), "rounded up");
        assert_eq!(estimated_wait_secs(1, None, 6), None, "too little history");
        assert_eq!(
            estimated_wait_secs(1, Some(240), 0),
            Some(240),
            "no seats: as one"
        );
    }
}
