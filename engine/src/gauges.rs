//! Figures read at a metrics scrape (issue 21): what is true now rather than what
//! happened — chats waiting per service, agents per status, the database pool, export
//! jobs running. Counters and histograms of what happens (messages stored, writer
//! groups, assignment waits, exports) are recorded where it happens, with the `metrics`
//! facade; the server renders both.

use crate::Engine;
use crate::db;
use crate::error::Result;

/// The scrape-time figures.
#[derive(Clone, Debug, Default)]
pub struct Gauges {
    /// (service slug, chats waiting for an agent)
    pub queue: Vec<(String, i64)>,
    /// (service slug, status, agents) of active accounts
    pub agents: Vec<(String, String, i64)>,
    /// Connections the reading pool holds, and how many of them are idle.
    pub pool_open: u32,
    pub pool_idle: usize,
    /// Export jobs running (every instance's, from the shared table).
    pub exports_running: i64,
}

impl Engine {
    /// Reads [`Gauges`]: three small grouped counts.
    pub async fn gauges(&self) -> Result<Gauges> {
        let queue = crate::store::services::queue_lengths(self.db.ex()).await?;
        let agents = crate::store::agents::status_counts(self.db.ex()).await?;
        let exports_running: i64 =
            db::query_scalar("SELECT COUNT(*) FROM export_jobs WHERE state = 'running'")
                .fetch_one(self.db.ex())
                .await?;
        let (pool_open, pool_idle) = self.db.usage();
        Ok(Gauges {
            queue,
            agents,
            pool_open,
            pool_idle,
            exports_running,
        })
    }
}
