//! The `canned_replies` table: a reply with its text per language; personal when it
//! has an agent.

use shared::{CannedId, CannedReply};

use super::columns;
use crate::db::{FromRow, Row};
use crate::error::Result;

impl FromRow for CannedReply {
    fn from_row(r: &Row) -> Result<CannedReply> {
        let texts = columns::text_map(r.try_get("texts")?);
        Ok(CannedReply {
            id: CannedId(r.try_get("id")?),
            title: r.try_get("title")?,
            shortcut: r.try_get("shortcut")?,
            texts,
            personal: r.try_get::<Option<i64>, _>("agent_id")?.is_some(),
        })
    }
}

/// The columns of a [`CannedReply`].
pub(crate) const COLUMNS: &str = "id, title, shortcut, texts, agent_id";
