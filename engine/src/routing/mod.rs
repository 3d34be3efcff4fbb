//! Routing (C-AG-9, issue 18) as pure rules the store hands data to: who gets a chat
//! ([`assign`]: capacity, recent agent, least loaded), the waiting queue ([`queue`]:
//! order, recent-agent hold, position and estimated wait), re-routing an unanswered
//! chat ([`reroute`]) and business hours ([`hours`]). The SQL that feeds them and
//! applies their answers lives in `chats::routing`.

pub mod assign;
pub mod hours;
pub mod queue;
pub mod reroute;

pub use assign::{Candidate, pick_agent};
