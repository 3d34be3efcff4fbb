//! The `export_jobs` table: a history export's progress and, when done, its file.

use chrono::{DateTime, Utc};
use shared::{AgentId, ExportState, ServiceId};

use crate::db::{self, Ex};
use crate::error::Result;

/// An export job as stored.
pub(crate) struct ExportJob {
    pub(crate) state: ExportState,
    pub(crate) written: i64,
    pub(crate) total: i64,
    pub(crate) file_name: String,
    pub(crate) error: Option<String>,
    /// The workbook, when asked for and written.
    pub(crate) file: Option<Vec<u8>>,
}

/// A job's `state` cell; anything but `done` and `failed` reads as running.
fn state(cell: &str) -> ExportState {
    match cell {
        "done" => ExportState::Done,
        "failed" => ExportState::Failed,
        _ => ExportState::Running,
    }
}

/// The agent's job `id` started since `since` (with its file when `with_file`).
pub(crate) async fn job(
    mut ex: Ex<'_>,
    id: &str,
    agent: AgentId,
    service: ServiceId,
    since: DateTime<Utc>,
    with_file: bool,
) -> Result<Option<ExportJob>> {
    let sql = format!(
        "SELECT state, written, total, file_name, error{} FROM export_jobs
         WHERE id = ? AND agent_id = ? AND service_id = ? AND created_at >= ?",
        if with_file { ", file" } else { "" }
    );
    db::query(sql)
        .bind(id)
        .bind(agent.0)
        .bind(service.0)
        .bind(since)
        .fetch_optional(ex.ex())
        .await?
        .map(|r| {
            Ok(ExportJob {
                state: state(r.try_get("state")?),
                written: r.try_get("written")?,
                total: r.try_get("total")?,
                file_name: r.try_get("file_name")?,
                error: r.try_get("error")?,
                file: if with_file { r.try_get("file")? } else { None },
            })
        })
        .transpose()
}
