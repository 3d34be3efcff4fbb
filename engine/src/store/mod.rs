//! The store: one module per table or aggregate, the only place a column is spelled in
//! a read. Each module holds its row structs, the statements that fill them and the
//! decoding of its cells — every JSON column is decoded once, here, with one fallback
//! policy (written in [`columns`]), so two screens can never read the same cell two
//! ways. Domain modules (chats/, routing/, reports/, privacy, …) keep the rules: typed
//! rows in, a decision, typed writes out.
//!
//! The statements run over the storage seam ([`crate::db`]): one SQL text for both
//! dialects where they agree, a [`crate::db::Backend`] branch where they differ. A
//! check in the test command (`scripts/check-store.sh`) fails when a string-keyed
//! `try_get("…")` appears outside this directory.

pub(crate) mod agents;
pub(crate) mod audit;
pub(crate) mod canned;
pub(crate) mod categories;
pub(crate) mod chat_changes;
pub(crate) mod chats;
pub(crate) mod columns;
pub(crate) mod consents;
pub(crate) mod direct;
pub(crate) mod exports;
pub(crate) mod files;
pub(crate) mod health;
pub(crate) mod history;
pub(crate) mod hub_spill;
pub(crate) mod login_failures;
pub(crate) mod masks;
pub(crate) mod message_groups;
pub(crate) mod messages;
pub(crate) mod privacy;
pub(crate) mod report_reads;
pub(crate) mod reports;
pub(crate) mod rollups;
pub(crate) mod search_index;
pub(crate) mod services;
pub(crate) mod sessions;
pub(crate) mod sockets;
pub(crate) mod tickets;
pub(crate) mod two_factor;
pub(crate) mod webhooks;
