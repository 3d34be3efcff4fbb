//! Figures read at a metrics scrape (issue 21): what is true now rather than what
//! happened — chats waiting per service, agents per status, the database pool, export
//! jobs running. Counters and histograms of what happens (messages stored, writer
//! groups, assignment waits, exports) are recorded where it happens, with the `metrics`
//! facade; the server renders both.

use crate::Engine;
use crate::db::Backend;
use crate::error::Result;
use crate::store;

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
    /// Stored messages waiting for the history's trigram index (SQLite; issue 32): a
    /// figure that keeps growing means the indexing pass cannot keep up.
    pub search_index_queued: i64,
}

impl Engine {
    /// Reads [`Gauges`]: small grouped counts.
    pub async fn gauges(&self) -> Result<Gauges> {
        let queue = store::services::queue_lengths(self.db.ex()).await?;
        let agents = store::agents::status_counts(self.db.ex()).await?;
        let exports_running = store::exports::running(self.db.ex()).await?;
        let search_index_queued = match self.db.backend() {
            Backend::Sqlite => store::search_index::queued(self.db.ex()).await?,
            Backend::Postgres => 0,
        };
        let (pool_open, pool_idle) = self.db.usage();
        Ok(Gauges {
            queue,
            agents,
            pool_open,
            pool_idle,
            exports_running,
            search_index_queued,
        })
    }
}
