//! Who gets a chat (C-AG-9, issue 18), as pure rules over candidates the store hands in.
//!
//! Candidates are the service's agents that are online, active and have the chat
//! permission, each with their load and their capacity (the most chats they hold at
//! once: the agent's own cap, else the service's). An agent at capacity is never given
//! a chat by routing (a transfer may still choose them explicitly). Among agents with
//! room, the customer's most recent agent wins when the service prefers it (C-SET-4);
//! otherwise the agent with the fewest open chats, ties going to the one idle longest
//! (assigned least recently; never assigned counts as idle forever), then the lower id
//! so the choice is deterministic.

use chrono::{DateTime, Utc};
use shared::AgentId;

#[derive(Clone, Debug, PartialEq)]
pub struct Candidate {
    pub agent_id: AgentId,
    /// Chats on the agent's screen now (active or customer-ended).
    pub open_chats: i64,
    /// The most chats the agent holds at once (issue 18).
    pub capacity: i64,
    /// When the agent was last given a chat.
    pub last_assigned_at: Option<DateTime<Utc>>,
}

impl Candidate {
    /// Whether routing may give this agent one more chat.
    pub fn has_room(&self) -> bool {
        self.open_chats < self.capacity
    }
}

/// Picks the agent for a new (or handed-over) chat; `None` when nobody has room.
pub fn pick_agent(candidates: &[Candidate], preferred: Option<AgentId>) -> Option<AgentId> {
    if let Some(p) = preferred
        && candidates.iter().any(|c| c.agent_id == p && c.has_room())
    {
        return Some(p);
    }
    candidates
        .iter()
        .filter(|c| c.has_room())
        .min_by(|a, b| {
            a.open_chats
                .cmp(&b.open_chats)
                // None (never assigned) sorts first: Option's order puts None before Some
                .then(a.last_assigned_at.cmp(&b.last_assigned_at))
                .then(a.agent_id.cmp(&b.agent_id))
        })
        .map(|c| c.agent_id)
}

/// Counts one more chat on an agent's load (after routing gave them one), so the next
/// pick in the same pass sees it.
pub fn take_one(candidates: &mut [Candidate], agent: AgentId, now: DateTime<Utc>) {
    if let Some(c) = candidates.iter_mut().find(|c| c.agent_id == agent) {
        c.open_chats += 1;
        c.last_assigned_at = Some(now);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(min: u32) -> Option<DateTime<Utc>> {
        Some(Utc.with_ymd_and_hms(2026, 11, 24, 9, min, 0).unwrap())
    }

    pub(crate) fn c(id: i64, open: i64, last: Option<DateTime<Utc>>) -> Candidate {
        Candidate {
            agent_id: AgentId(id),
            open_chats: open,
            capacity: 50,
            last_assigned_at: last,
        }
    }

    #[test]
    fn nobody_online_means_nobody() {
        assert_eq!(pick_agent(&[], None), None);
        assert_eq!(pick_agent(&[], Some(AgentId(1))), None);
    }

    #[test]
    fn least_loaded_wins() {
        let cs = [c(1, 3, at(1)), c(2, 1, at(50)), c(3, 2, None)];
        assert_eq!(pick_agent(&cs, None), Some(AgentId(2)));
    }

    #[test]
    fn ties_go_to_the_longest_idle() {
        let cs = [c(1, 1, at(30)), c(2, 1, at(10)), c(3, 1, at(20))];
        assert_eq!(pick_agent(&cs, None), Some(AgentId(2)));
        let cs = [c(1, 1, at(30)), c(2, 1, None)];
        assert_eq!(
            pick_agent(&cs, None),
            Some(AgentId(2)),
            "never assigned is the most idle"
        );
        let cs = [c(5, 0, None), c(4, 0, None)];
        assert_eq!(
            pick_agent(&cs, None),
            Some(AgentId(4)),
            "deterministic on full ties"
        );
    }

    #[test]
    fn recent_agent_is_preferred_only_when_available() {
        let cs = [c(1, 5, at(1)), c(2, 0, None)];
        assert_eq!(
            pick_agent(&cs, Some(AgentId(1))),
            Some(AgentId(1)),
            "preferred despite load"
        );
        assert_eq!(
            pick_agent(&cs, Some(AgentId(9))),
            Some(AgentId(2)),
            "offline preferred agent is skipped"
        );
    }

    /// Issue 18: an agent at capacity is never picked, not even as the recent agent.
    #[test]
    fn agents_at_capacity_are_skipped() {
        let full = |id, cap| Candidate {
            capacity: cap,
            ..c(id, cap, None)
        };
        let cs = [full(1, 3), c(2, 7, at(5))];
        assert_eq!(
            pick_agent(&cs, None),
            Some(AgentId(2)),
            "least loaded is full"
        );
        assert_eq!(
            pick_agent(&cs, Some(AgentId(1))),
            Some(AgentId(2)),
            "a full recent agent is passed over"
        );
        assert_eq!(pick_agent(&[full(1, 3), full(2, 1)], None), None);
    }

    #[test]
    fn taking_a_chat_counts_toward_capacity() {
        let mut cs = [Candidate {
            capacity: 2,
            ..c(1, 1, None)
        }];
        assert_eq!(pick_agent(&cs, None), Some(AgentId(1)));
        take_one(&mut cs, AgentId(1), at(3).unwrap());
        assert_eq!(cs[0].last_assigned_at, at(3));
        assert_eq!(pick_agent(&cs, None), None);
    }
}
