//! Chats: intake (consent, greeting, assignment), messages with per-chat `seq` and
//! `client_id` idempotency, reading, opening, ending, agent status with hand-over.
//! All SQL on `chats` and `messages` lives in these modules. Every write commits before
//! the hub hears of it (persist, then publish).
//!
//! By concern: [`parties`] (who acts), [`rows`] (row shapes and the access rules read
//! off them), [`intake`] (starting a chat), [`assignment`] (giving a chat to an agent),
//! [`messages`] (sending through the group-commit writer, reading), [`writer`] (the
//! group commit itself), [`lists`] (agents' lists, counters, details), [`status`]
//! (open, end, agent status and hand-over, info), [`queue`] (capacity and the waiting
//! queue in the store), [`board`] (the routing board), [`handover`] (transfer and
//! re-routing), [`signals`] (typing and read receipts), [`notes`] (internal notes),
//! [`files`] (uploads and downloads in a chat), [`idle`] (the idle end of chats whose
//! customer left).

pub(crate) mod access;
mod assignment;
mod board;
mod files;
mod handover;
mod idle;
mod intake;
mod lists;
mod messages;
mod notes;
mod parties;
mod queue;
mod signals;
mod status;
mod writer;

pub(crate) use files::MAX_THUMBNAILING;
pub use files::{FileDownload, Upload};
pub(crate) use handover::routing_ticks;
pub(crate) use idle::idle_ends;
pub use messages::Sent;
pub use parties::{ChatParty, ClientInfo, Customer, Party};
pub(crate) use signals::Typists;
pub(crate) use writer::{SendJob, message_writer};
