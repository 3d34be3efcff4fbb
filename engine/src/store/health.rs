//! The health checks' statements (issue 30): a read that proves the database answers,
//! and the one-row `health_probe` write that proves a write can commit.

use chrono::{DateTime, Utc};

use crate::db::{self, Ex};
use crate::error::Result;

/// The database answers a statement.
pub(crate) async fn ping(mut ex: Ex<'_>) -> Result<()> {
    db::query("SELECT 1").execute(ex.ex()).await?;
    Ok(())
}

/// Touches the probe row (inside the caller's write transaction).
pub(crate) async fn touch_probe(mut ex: Ex<'_>, now: DateTime<Utc>) -> Result<()> {
    db::query("UPDATE health_probe SET checked_at = ? WHERE id = 1")
        .bind(now)
        .execute(ex.ex())
        .await?;
    Ok(())
}
