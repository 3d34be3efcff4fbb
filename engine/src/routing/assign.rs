//! Who gets a chat (C-AG-9), as a pure rule over candidates the store hands in.
//!
//! Candidates are the service's agents that are online, active and have the chat
//! permission. The customer's most recent agent wins when the service prefers it
//! (C-SET-4) and that agent is a candidate; otherwise the agent with the fewest open
//! chats, ties going to the one idle longest (assigned least recently; never assigned
//! counts as idle forever), then the lower id so the choice is deterministic.

use chrono::{DateTime, Utc};
use shared::AgentId;

#[derive(Clone, Debug, PartialEq)]
pub struct Candidate {
    pub agent_id: AgentId,
    /// Chats on the agent's screen now (active or customer-ended).
    pub open_chats: i64,
    /// When the agent was last given a chat.
    pub last_assigned_at: Option<DateTime<Utc>>,
}

/// Picks the agent for a new (or handed-over) chat; `None` when nobody can take it.
pub fn pick_agent(candidates: &[Candidate], preferred: Option<AgentId>) -> Option<AgentId> {
    if let Some(p) = preferred
        && candidates.iter().any(|c| c.agent_id == p)
    {
        return Some(p);
    }
    candidates
        .iter()
        .min_by(|a, b| {
            a.open_chats
                .cmp(&b.open_chats)
                // None (never assigned) sorts first: Option's order puts None before Some
                .then(a.last_assigned_at.cmp(&b.last_assigned_at))
                .then(a.agent_id.cmp(&b.agent_id))
        })
        .map(|c| c.agent_id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(min: u32) -> Option<DateTime<Utc>> {
        Some(Utc.with_ymd_and_hms(2026, 11, 24, 9, min, 0).unwrap())
    }

    fn c(id: i64, open: i64, last: Option<DateTime<Utc>>) -> Candidate {
        Candidate {
            agent_id: AgentId(id),
            open_chats: open,
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
}
