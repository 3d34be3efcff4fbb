//! The Excel export of chat history (C-HIS-4). Exports run as jobs: a producer walks
//! the filter in keyset batches and hands rows over a bounded channel to a blocking
//! writer that streams them into a constant-memory worksheet (rust_xlsxwriter writes
//! each row to a temp file as it comes), so memory stays flat however many chats match.
//! The job is a row of `export_jobs`, so any instance answers the console's progress
//! polls; the finished file is kept there for [`EXPORT_TTL`], and the export is
//! recorded in the audit log.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use crate::db;
use chrono::{DateTime, FixedOffset, Utc};
use rust_xlsxwriter::{Format, Workbook};
use shared::Author;
use shared::i18n::{Locale, Texts};
use shared::{
    ExportProgress, ExportState, HistoryFilter, HistoryRow, XLSX_CELL_MAX_CHARS, export_file_name,
    format_duration,
};

use crate::Engine;
use crate::caller::Caller;
use crate::error::{Error, Result};
use crate::store::{self, exports::ExportJob};

/// How long a finished export file waits to be downloaded.
pub const EXPORT_TTL: Duration = Duration::from_secs(60 * 60);
/// Chats fetched per batch while exporting (bounds memory: a batch of long transcripts
/// is at most this many capped cells).
const EXPORT_BATCH: i64 = 200;

/// A running export is counted as running (and blocks its owner's next export) for
/// this long at most, so a job whose instance died does not block its owner for the whole
/// [`EXPORT_TTL`].
const EXPORT_RUNNING_MAX: Duration = Duration::from_secs(15 * 60);

fn ago(d: Duration) -> DateTime<Utc> {
    Utc::now() - chrono::Duration::from_std(d).unwrap_or_default()
}

impl Engine {
    /// Transcripts of some chats as export cells: `[HH:MM:SS] who: text` lines in `tz`,
    /// cut at Excel's cell limit. Masked runs are stars, as stored.
    async fn export_transcripts(
        &self,
        chats: &[i64],
        tz: FixedOffset,
        t: &Texts,
    ) -> Result<HashMap<i64, String>> {
        let mut out: HashMap<i64, String> = HashMap::new();
        if chats.is_empty() {
            return Ok(out);
        }
        let mut lengths: HashMap<i64, usize> = HashMap::new();
        for line in store::messages::transcript_lines(self.db.ex(), chats).await? {
            let chat = line.chat_id.0;
            let len = lengths.entry(chat).or_default();
            if *len > XLSX_CELL_MAX_CHARS {
                continue;
            }
            let at = line.created_at;
            let who = match line.author {
                Author::Customer => t.author_customer.to_owned(),
                Author::Agent => match line.agent_name {
                    Some(n) => format!("{} ({n})", t.author_agent),
                    None => t.author_agent.to_owned(),
                },
                Author::System => t.author_system.to_owned(),
            };
            // an internal note is the agents' own: marked as such (issue 19)
            let who = if line.internal {
                format!("{who} [{}]", t.notes.label)
            } else {
                who
            };
            // a file is its name, marked (issue 19); a hidden one only as hidden
            let text = line.text;
            let text = match line.file_masked {
                None => text,
                Some(false) => format!("[{}] {text}", t.files.file),
                Some(true) => format!("[{}]", t.files.masked),
            };
            let line = format!(
                "[{}] {who}: {text}\n",
                at.with_timezone(&tz).format("%H:%M:%S"),
            );
            *len += line.chars().count();
            out.entry(chat).or_default().push_str(&line);
        }
        for text in out.values_mut() {
            let trimmed = text.trim_end().to_owned();
            *text = shared::cap_chars(&trimmed, XLSX_CELL_MAX_CHARS);
        }
        Ok(out)
    }

    /// Starts exporting every chat the filter matches (not just a page). One export runs
    /// per agent at a time. The job lives in the database (`export_jobs`), so with
    /// several instances any of them answers its progress and its file.
    pub async fn start_export(
        &self,
        caller: &Caller,
        filter: HistoryFilter,
    ) -> Result<ExportProgress> {
        let total = self.history_count(caller, &filter).await?;
        let now = Utc::now();
        let progress = ExportProgress {
            id: crate::auth::new_token("exp_"),
            state: ExportState::Running,
            written: 0,
            total,
            file_name: export_file_name(now, filter.tz),
            error: None,
        };
        // expired jobs (and their files) go first
        store::exports::delete_before(self.db.ex(), ago(EXPORT_TTL)).await?;
        let inserted = store::exports::start(
            self.db.ex(),
            &store::exports::NewJob {
                id: &progress.id,
                service: caller.service_id(),
                agent: caller.agent_id(),
                total,
                file_name: &progress.file_name,
            },
            now,
            ago(EXPORT_RUNNING_MAX),
        )
        .await?;
        if !inserted {
            return Err(Error::conflict(
                shared::ErrorCode::ExportRunning,
                "an export of yours is still running; wait for it to finish",
            ));
        }
        let engine = self.clone();
        let caller = caller.clone();
        let id = progress.id.clone();
        self.spawn_background(async move {
            let outcome = match engine.write_export(&caller, &filter, Some(&id)).await {
                Ok((path, rows)) => tokio::fs::read(&path)
                    .await
                    .map(|bytes| (bytes, rows))
                    .map_err(|e| Error::Internal(format!("cannot read the export file: {e}"))),
                Err(e) => Err(e),
            };
            let state = if outcome.is_ok() { "done" } else { "failed" };
            metrics::counter!("oc_exports_total", "state" => state).increment(1);
            let saved = match outcome {
                // only while still running: a mask meanwhile failed the job, and
                // its file (which may hold the masked text) is dropped here
                Ok((bytes, rows)) => {
                    store::exports::finish(engine.db.ex(), &id, rows, &bytes).await
                }
                Err(e) => {
                    tracing::error!(error = %e, "export failed");
                    store::exports::fail(engine.db.ex(), &id, &e.to_string()).await
                }
            };
            if let Err(e) = saved {
                tracing::error!(error = %e, "could not record the end of an export");
            }
        });
        Ok(progress)
    }

    /// Deletes expired export jobs and their files (issue 15): run at start-up and
    /// every few minutes, so no finished file outlives [`EXPORT_TTL`] by much.
    pub(crate) async fn sweep_exports(&self) -> Result<u64> {
        store::exports::delete_before(self.db.ex(), ago(EXPORT_TTL)).await
    }

    /// A message of the service was masked: finished exports (which may hold its
    /// text) are deleted, running ones fail and keep no file (issue 15).
    pub(crate) async fn drop_exports_of(
        &self,
        mut conn: db::Ex<'_>,
        service: shared::ServiceId,
    ) -> Result<()> {
        store::exports::drop_of_service(conn.ex(), service).await
    }

    /// How far an export of the caller's is.
    pub async fn export_progress(&self, caller: &Caller, id: &str) -> Result<ExportProgress> {
        let r = self.export_row(caller, id, false).await?;
        Ok(ExportProgress {
            id: id.to_owned(),
            state: r.state,
            written: r.written,
            total: r.total,
            file_name: r.file_name,
            error: r.error,
        })
    }

    async fn export_row(&self, caller: &Caller, id: &str, with_file: bool) -> Result<ExportJob> {
        store::exports::job(
            self.db.ex(),
            id,
            caller.agent_id(),
            caller.service_id(),
            ago(EXPORT_TTL),
            with_file,
        )
        .await?
        .ok_or(Error::NotFound("export"))
    }

    /// The finished file of an export of the caller's (a temp file, deleted when the
    /// returned handle drops, and its download name).
    pub async fn export_file(
        &self,
        caller: &Caller,
        id: &str,
    ) -> Result<(Arc<tempfile::TempPath>, String)> {
        let r = self.export_row(caller, id, true).await?;
        match r.state {
            ExportState::Done => {
                let bytes: &[u8] = r.file.as_deref().unwrap_or_default();
                let mut file = tempfile::Builder::new()
                    .prefix("oc-export-")
                    .suffix(".xlsx")
                    .tempfile()
                    .map_err(|e| Error::Internal(format!("cannot create the export file: {e}")))?;
                std::io::Write::write_all(&mut file, bytes)
                    .map_err(|e| Error::Internal(format!("cannot write the export file: {e}")))?;
                Ok((Arc::new(file.into_temp_path()), r.file_name))
            }
            ExportState::Failed => Err(Error::conflict(
                shared::ErrorCode::ExportFailed,
                r.error.unwrap_or_else(|| "the export failed".into()),
            )),
            ExportState::Running => Err(Error::conflict(
                shared::ErrorCode::ExportRunning,
                "the export is still running",
            )),
        }
    }

    /// Exports at once (the plain `GET …/export.xlsx`): writes the workbook and answers
    /// its file.
    pub async fn export_now(
        &self,
        caller: &Caller,
        filter: HistoryFilter,
    ) -> Result<(Arc<tempfile::TempPath>, String)> {
        let name = export_file_name(Utc::now(), filter.tz);
        let (file, _) = self.write_export(caller, &filter, None).await?;
        Ok((Arc::new(file), name))
    }

    /// Writes the workbook of a job and records the export in the audit log.
    /// With a job id, its `written` count follows the batches. Returns the file and the
    /// number of chats written.
    async fn write_export(
        &self,
        caller: &Caller,
        filter: &HistoryFilter,
        job: Option<&str>,
    ) -> Result<(tempfile::TempPath, i64)> {
        let path = tempfile::Builder::new()
            .prefix("oc-export-")
            .suffix(".xlsx")
            .tempfile()
            .map_err(|e| Error::Internal(format!("cannot create the export file: {e}")))?
            .into_temp_path();
        let texts = Locale::parse(filter.lang).unwrap_or(Locale::Ko).texts();
        let (tx, rx) = tokio::sync::mpsc::channel::<(HistoryRow, String)>(64);
        let target: PathBuf = path.to_path_buf();
        let tz = filter.tz;
        let written = Arc::new(std::sync::atomic::AtomicI64::new(0));
        let counter = written.clone();
        let writer =
            tokio::task::spawn_blocking(move || write_workbook(rx, &target, texts, tz, &counter));

        let mut batch = filter.clone();
        batch.after = None;
        let mut rows_total = 0i64;
        let producing: Result<()> = async {
            // the text strategy once for every batch (it reads the trigram index)
            let common_text = self.is_common_text(&batch).await?;
            loop {
                let rows = self
                    .history_rows(caller, &batch, common_text, EXPORT_BATCH)
                    .await?;
                let ids: Vec<i64> = rows.iter().map(|r| r.id.0).collect();
                let mut transcripts = self.export_transcripts(&ids, tz, texts).await?;
                let full = rows.len() as i64 == EXPORT_BATCH;
                batch.after = rows.last().map(|r| r.id);
                for row in rows {
                    let transcript = transcripts.remove(&row.id.0).unwrap_or_default();
                    if tx.send((row, transcript)).await.is_err() {
                        // the writer stopped; its error is reported below
                        return Ok(());
                    }
                    rows_total += 1;
                }
                if let Some(id) = job {
                    let done = written.load(std::sync::atomic::Ordering::Relaxed);
                    store::exports::set_written(self.db.ex(), id, done as i64).await?;
                }
                if !full {
                    return Ok(());
                }
            }
        }
        .await;
        drop(tx);
        let wrote = writer
            .await
            .map_err(|e| Error::Internal(format!("export writer stopped: {e}")))?;
        producing?;
        wrote.map_err(|e| Error::Internal(format!("cannot write the export: {e}")))?;
        self.audit_export(caller, filter, rows_total).await?;
        tracing::info!(rows = rows_total, agent = %caller.agent_id(), "chat history exported");
        Ok((path, rows_total))
    }

    /// Records an export. The free-text filters (customer, message text) may hold
    /// personal data — a phone number searched for, say — and the audit log is not
    /// reached by masking, so they are recorded only as their length (issue 15).
    async fn audit_export(&self, caller: &Caller, f: &HistoryFilter, rows: i64) -> Result<()> {
        let chars = |s: &Option<String>| s.as_deref().map(|s| s.chars().count());
        let detail = serde_json::json!({
            "rows": rows,
            "from": f.from,
            "to": f.to,
            "status": f.handled.map(|h| if h { "handled" } else { "unhandled" }),
            "agent": f.agent.map(|a| a.to_string()),
            "channel": f.channel,
            "category": f.category.map(|c| c.to_string()),
            "customer_chars": chars(&f.customer),
            "q_chars": chars(&f.text),
        })
        .to_string();
        store::audit::record(
            self.db.ex(),
            caller.service_id(),
            caller.agent_id(),
            "export",
            None,
            None,
            Some(&detail),
            Utc::now(),
        )
        .await
    }
}

/// The export's columns, in the order of the console table plus message count and
/// transcript.
fn headers(t: &Texts) -> [&'static str; 13] {
    [
        t.history_col_id,
        t.history_col_date,
        t.history_col_customer,
        t.history_col_email,
        t.history_col_agent,
        t.history_col_channel,
        t.history_col_category,
        t.history_col_status,
        t.history_col_rating,
        t.history_col_duration,
        t.history_col_first_response,
        t.history_col_messages,
        t.history_col_transcript,
    ]
}

/// Streams rows into a constant-memory worksheet and saves the workbook at `path`.
fn write_workbook(
    mut rx: tokio::sync::mpsc::Receiver<(HistoryRow, String)>,
    path: &std::path::Path,
    t: &'static Texts,
    tz: FixedOffset,
    written: &std::sync::atomic::AtomicI64,
) -> std::result::Result<(), rust_xlsxwriter::XlsxError> {
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    let sheet = workbook.add_worksheet_with_constant_memory()?;
    sheet.set_name(t.nav_history)?;
    for (col, h) in headers(t).iter().enumerate() {
        sheet.write_string_with_format(0, col as u16, *h, &bold)?;
    }
    for (width, col) in [
        (10, 0),
        (20, 1),
        (16, 2),
        (24, 3),
        (14, 4),
        (24, 5),
        (24, 6),
        (60, 12),
    ] {
        sheet.set_column_width(col, width)?;
    }
    let mut r: u32 = 1;
    while let Some((row, transcript)) = rx.blocking_recv() {
        let channel = if row.channel == "helpcenter" {
            t.channel_helpcenter.to_owned()
        } else {
            row.channel.clone()
        };
        sheet.write_number(r, 0, row.id.0 as f64)?;
        sheet.write_string(
            r,
            1,
            row.created_at
                .with_timezone(&tz)
                .format("%Y-%m-%d %H:%M:%S")
                .to_string(),
        )?;
        sheet.write_string(r, 2, &row.customer_name)?;
        sheet.write_string(r, 3, row.customer_email.as_deref().unwrap_or(""))?;
        sheet.write_string(r, 4, row.agent.as_ref().map_or("", |a| a.name.as_str()))?;
        sheet.write_string(r, 5, &channel)?;
        sheet.write_string(r, 6, row.category_path.join(" > "))?;
        sheet.write_string(
            r,
            7,
            if row.handled {
                t.history_handled
            } else {
                t.history_unhandled
            },
        )?;
        if let Some(score) = row.rating {
            sheet.write_number(r, 8, score as f64)?;
        }
        if let Some(d) = row.duration_secs {
            sheet.write_string(r, 9, format_duration(d))?;
        }
        if let Some(d) = row.first_response_secs {
            sheet.write_string(r, 10, format_duration(d))?;
        }
        sheet.write_number(r, 11, row.message_count as f64)?;
        sheet.write_string(r, 12, &transcript)?;
        r += 1;
        written.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }
    workbook.save(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn export_headers_follow_the_language() {
        assert_eq!(headers(Locale::Ko.texts())[7], "상태");
        assert_eq!(headers(Locale::En.texts())[12], "Transcript");
    }
}
