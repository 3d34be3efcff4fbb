//! Reports (통계, issue 20, C-RP-1): the figures of a chat desk over a period, from
//! rollups kept in step with the chats rather than from a scan of every chat.
//!
//! By concern: [`rules`] (what each figure means, per chat — pure), [`rollup`] (the
//! rollup tables and keeping them exact), [`period`] (a period as months and days),
//! [`reading`] (a report's reads of them), [`query`] (the report), [`export`]
//! (a report as an `.xlsx` workbook with native charts).

mod export;
pub(crate) mod period;
mod query;
mod reading;
pub(crate) mod rollup;
pub(crate) mod rules;
mod sums;

pub(crate) use rollup::refresh_chat;
