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

/// Deletes the jobs (and their files) started before `before`; answers how many.
pub(crate) async fn delete_before(mut ex: Ex<'_>, before: DateTime<Utc>) -> Result<u64> {
    Ok(db::query("DELETE FROM export_jobs WHERE created_at < ?")
        .bind(before)
        .execute(ex.ex())
        .await?
        .rows_affected())
}

/// A job to start.
pub(crate) struct NewJob<'a> {
    pub(crate) id: &'a str,
    pub(crate) service: ServiceId,
    pub(crate) agent: AgentId,
    pub(crate) total: i64,
    pub(crate) file_name: &'a str,
}

/// Starts a job unless the agent has one running since `running_since`; `false` then.
pub(crate) async fn start(
    mut ex: Ex<'_>,
    job: &NewJob<'_>,
    now: DateTime<Utc>,
    running_since: DateTime<Utc>,
) -> Result<bool> {
    let inserted = db::query(
        "INSERT INTO export_jobs (id, service_id, agent_id, state, total, file_name, created_at)
         SELECT ?, ?, ?, 'running', ?, ?, ?
         WHERE NOT EXISTS (SELECT 1 FROM export_jobs
                           WHERE agent_id = ? AND state = 'running' AND created_at >= ?)",
    )
    .bind(job.id)
    .bind(job.service.0)
    .bind(job.agent.0)
    .bind(job.total)
    .bind(job.file_name)
    .bind(now)
    .bind(job.agent.0)
    .bind(running_since)
    .execute(ex.ex())
    .await?;
    Ok(inserted.rows_affected() > 0)
}

/// How many chats a running job has written.
pub(crate) async fn set_written(mut ex: Ex<'_>, id: &str, written: i64) -> Result<()> {
    db::query("UPDATE export_jobs SET written = ? WHERE id = ?")
        .bind(written)
        .bind(id)
        .execute(ex.ex())
        .await?;
    Ok(())
}

/// A job done with its file — only while still running (a mask meanwhile failed it).
pub(crate) async fn finish(mut ex: Ex<'_>, id: &str, written: i64, file: &[u8]) -> Result<()> {
    db::query("UPDATE export_jobs SET state = 'done', written = ?, file = ? WHERE id = ? AND state = 'running'")
        .bind(written)
        .bind(file)
        .bind(id)
        .execute(ex.ex())
        .await?;
    Ok(())
}

pub(crate) async fn fail(mut ex: Ex<'_>, id: &str, error: &str) -> Result<()> {
    db::query("UPDATE export_jobs SET state = 'failed', error = ? WHERE id = ?")
        .bind(error)
        .bind(id)
        .execute(ex.ex())
        .await?;
    Ok(())
}

/// A message of the service was masked: finished jobs go, running ones fail and keep
/// no file.
pub(crate) async fn drop_of_service(mut ex: Ex<'_>, service: ServiceId) -> Result<()> {
    db::query("DELETE FROM export_jobs WHERE service_id = ? AND state <> 'running'")
        .bind(service.0)
        .execute(ex.re())
        .await?;
    db::query(
        "UPDATE export_jobs SET state = 'failed',
           error = 'a message was masked while this export ran; please export again'
         WHERE service_id = ? AND state = 'running'",
    )
    .bind(service.0)
    .execute(ex.ex())
    .await?;
    Ok(())
}

/// How many export jobs run now, on every instance.
pub(crate) async fn running(mut ex: Ex<'_>) -> Result<i64> {
    Ok(
        db::query_scalar("SELECT COUNT(*) FROM export_jobs WHERE state = 'running'")
            .fetch_one(ex.ex())
            .await?,
    )
}
