//! Chat history (C-HIS-1..4): the filtered, keyset-paginated list of a service's chats
//! and the Excel export of everything a filter matches.
//!
//! Search over message text uses the FTS5 trigram index of migration 0007 (Korean works
//! because trigrams need no word segmentation); masked runs are stars in `messages.text`
//! and so in the index, which makes masked data unsearchable by construction.
//!
//! Exports run as jobs: a producer walks the filter in keyset batches and hands rows over
//! a bounded channel to a blocking writer that streams them into a constant-memory
//! worksheet (rust_xlsxwriter writes each row to a temp file as it comes), so memory
//! stays flat however many chats match. The job is a row of `export_jobs`, so any
//! instance answers the console's progress polls; the finished file is kept there for
//! [`EXPORT_TTL`], and the export is recorded in the audit log.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use crate::db::{self, FromRow, Row};
use chrono::{DateTime, FixedOffset, Utc};
use rust_xlsxwriter::{Format, Workbook};
use shared::i18n::{Locale, Texts};
use shared::{
    AgentId, ChatAgent, ChatId, ChatStatus, ExportProgress, ExportState, HistoryFilter,
    HistoryPage, HistoryRow, XLSX_CELL_MAX_CHARS, export_file_name, format_duration, span_secs,
};

use crate::Engine;
use crate::caller::Caller;
use crate::error::{Error, Result};

/// How long a finished export file waits to be downloaded.
pub const EXPORT_TTL: Duration = Duration::from_secs(60 * 60);
/// Chats fetched per batch while exporting (bounds memory: a batch of long transcripts
/// is at most this many capped cells).
const EXPORT_BATCH: i64 = 200;

/// A running export is counted as running (and blocks its owner's next export) for
/// this long at most, so a job whose instance died does not block its owner for the whole
/// [`EXPORT_TTL`].
const EXPORT_RUNNING_MAX: Duration = Duration::from_secs(15 * 60);

fn export_state(s: &str) -> ExportState {
    match s {
        "done" => ExportState::Done,
        "failed" => ExportState::Failed,
        _ => ExportState::Running,
    }
}

fn ago(d: Duration) -> DateTime<Utc> {
    Utc::now() - chrono::Duration::from_std(d).unwrap_or_default()
}

const HISTORY_COLUMNS: &str = "c.id, c.created_at, c.customer_name, c.customer_email, c.agent_id, a.name AS agent_name,
     c.channel, c.status, c.handled, c.rating, c.customer_ended_at, c.ended_at, c.first_response_at, c.last_seq,
     k1.name AS cat1, k2.name AS cat2, k3.name AS cat3";

const HISTORY_FROM: &str = " FROM chats c
     LEFT JOIN agents a ON a.id = c.agent_id
     LEFT JOIN categories k1 ON k1.id = c.category_id
     LEFT JOIN categories k2 ON k2.id = k1.parent_id
     LEFT JOIN categories k3 ON k3.id = k2.parent_id";

/// Periods up to this many days search text by reading their chats' messages; longer
/// ones (and no period) go through the trigram index.
const SCAN_PERIOD_DAYS: i64 = 31;

/// `%text%` for LIKE with `\` escaping `%`, `_` and `\`.
fn like_pattern(text: &str) -> String {
    let mut p = String::with_capacity(text.len() + 2);
    p.push('%');
    for ch in text.chars() {
        if matches!(ch, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(ch);
    }
    p.push('%');
    p
}

/// Appends the WHERE clause of a filter (tenant scope first), with the keyset cursor
/// (the last row's stored `created_at` text and id) when given.
///
/// The cursor is bound as plain values, never as a subquery: SQLite then walks the
/// `(service_id, created_at, id)` index from the cursor down, so every page costs the
/// same however deep it is (with a subquery each page re-scanned from the newest row,
/// which made a 100,000-chat export quadratic).
/// Page totals are exact up to this many chats; beyond it a page says "10,000+".
const TOTAL_CAP: i64 = 10_000;
/// The same for text searches, whose count reads messages ("1,000+").
const TEXT_TOTAL_CAP: i64 = 1_000;
/// Index matches from which a search word counts as common.
const COMMON_TEXT_MATCHES: i64 = 2_000;

fn push_filter(
    qb: &mut db::Builder,
    backend: db::Backend,
    common_text: bool,
    caller: &Caller,
    f: &HistoryFilter,
    cursor: Option<(&db::Value, i64)>,
) {
    let like = backend.ilike();
    qb.push(" WHERE c.service_id = ")
        .push_bind(caller.service_id().0);
    if !caller.sees_all_chats() {
        qb.push(" AND c.agent_id = ").push_bind(caller.agent_id().0);
    }
    if let Some(from) = f.from {
        qb.push(" AND c.created_at >= ").push_bind(from);
    }
    let cursor_at = cursor.and_then(|(at, _)| <DateTime<Utc> as db::Decode>::decode(at).ok());
    if let Some(to) = f.to
        // below a cursor inside the period the end is implied; leaving it out lets the
        // index range start at the cursor
        && !cursor_at.is_some_and(|at| at < to)
    {
        qb.push(" AND c.created_at < ").push_bind(to);
    }
    if let Some(handled) = f.handled {
        qb.push(" AND c.handled = ").push_bind(handled);
    }
    if let Some(agent) = f.agent {
        qb.push(" AND c.agent_id = ").push_bind(agent.0);
    }
    if let Some(cat) = f.category {
        // the handling type at any level: itself, its children and grandchildren
        qb.push(" AND c.category_id IN (SELECT id FROM categories WHERE service_id = ")
            .push_bind(caller.service_id().0)
            .push(" AND (id = ")
            .push_bind(cat.0)
            .push(" OR parent_id = ")
            .push_bind(cat.0)
            .push(" OR parent_id IN (SELECT id FROM categories WHERE parent_id = ")
            .push_bind(cat.0)
            .push(")))");
    }
    if let Some(customer) = &f.customer {
        let p = like_pattern(customer);
        qb.push(" AND (c.customer_name")
            .push(like)
            .push_bind(p.clone())
            .push(" ESCAPE '\\' OR c.customer_email")
            .push(like)
            .push_bind(p)
            .push(" ESCAPE '\\')");
    }
    if let Some(text) = &f.text {
        let short_period = f.from.is_some_and(|from| {
            f.to.unwrap_or_else(Utc::now) - from <= chrono::Duration::days(SCAN_PERIOD_DAYS)
        });
        if backend == db::Backend::Postgres && !short_period {
            // the pg_trgm GIN index on messages.text serves ILIKE, escapes included
            qb.push(" AND c.id IN (SELECT chat_id FROM messages WHERE text ILIKE ")
                .push_bind(like_pattern(text))
                .push(" ESCAPE '\\')");
        } else if short_period || common_text || text.chars().count() < 3 {
            // Within a short period (or for a word shorter than a trigram) reading the
            // period's own messages beats listing every match in the whole history. So
            // it does for a common word (see [`Engine::is_common_text`]): walking the
            // newest chats finds a page of matches long before the index's list of
            // every match would be built.
            qb.push(" AND EXISTS (SELECT 1 FROM messages m WHERE m.chat_id = c.id AND m.text")
                .push(like)
                .push_bind(like_pattern(text))
                .push(" ESCAPE '\\')");
        } else if text.contains(['%', '_', '\\']) {
            // LIKE metacharacters cannot be escaped inside the trigram index: scan.
            qb.push(" AND c.id IN (SELECT chat_id FROM messages WHERE text LIKE ")
                .push_bind(like_pattern(text))
                .push(" ESCAPE '\\')");
        } else {
            qb.push(" AND c.id IN (SELECT m.chat_id FROM messages m WHERE m.id IN (SELECT rowid FROM messages_fts WHERE messages_fts.text LIKE ")
                .push_bind(format!("%{text}%"))
                .push("))");
        }
    }
    if let Some((at, id)) = cursor {
        qb.push(" AND c.created_at <= ")
            .push_bind(at.clone())
            .push(" AND (c.created_at < ")
            .push_bind(at.clone())
            .push(" OR c.id < ")
            .push_bind(id)
            .push(")");
    }
}

impl FromRow for HistoryRow {
    fn from_row(r: &Row) -> Result<HistoryRow> {
        let id: i64 = r.try_get("id")?;
        let created_at: DateTime<Utc> = r.try_get("created_at")?;
        let ended: Option<DateTime<Utc>> =
            match r.try_get::<Option<DateTime<Utc>>, _>("ended_at")? {
                Some(t) => Some(t),
                None => r.try_get("customer_ended_at")?,
            };
        Ok(HistoryRow {
            id: ChatId(id),
            created_at,
            customer_name: crate::chats::display_name(id, r.try_get("customer_name")?),
            customer_email: r.try_get("customer_email")?,
            agent: crate::chats::chat_agent(r)?,
            channel: r.try_get("channel")?,
            category_path: crate::chats::category_path(r)?,
            status: ChatStatus::parse(r.try_get("status")?).unwrap_or(ChatStatus::Ended),
            handled: r.try_get("handled")?,
            rating: r.try_get("rating")?,
            duration_secs: span_secs(created_at, ended),
            first_response_secs: span_secs(created_at, r.try_get("first_response_at")?),
            message_count: r.try_get("last_seq")?,
        })
    }
}

impl Engine {
    /// One page of the chat history, newest first, and how many chats match in all.
    pub async fn history(&self, caller: &Caller, filter: &HistoryFilter) -> Result<HistoryPage> {
        let mut chats = self.history_rows(caller, filter, filter.limit + 1).await?;
        let next_page = if chats.len() as i64 > filter.limit {
            chats.truncate(filter.limit as usize);
            chats.last().map(|c| c.id.to_string())
        } else {
            None
        };
        let (total, total_capped) = self.history_total(caller, filter).await?;
        let security_service: bool =
            db::query_scalar("SELECT contract_security FROM services WHERE id = ?")
                .bind(caller.service_id().0)
                .fetch_one(self.db.ex())
                .await?;
        let agents = db::query(
            "SELECT id, name FROM agents WHERE service_id = ? AND (? = 1 OR id = ?) ORDER BY name, id",
        )
        .bind(caller.service_id().0)
        .bind(caller.sees_all_chats())
        .bind(caller.agent_id().0)
        .fetch_all(self.db.ex())
        .await?
        .iter()
        .map(|r| {
            Ok(ChatAgent {
                id: AgentId(r.try_get("id")?),
                name: r.try_get("name")?,
            })
        })
        .collect::<Result<_>>()?;
        Ok(HistoryPage {
            chats,
            next_page,
            total,
            total_capped,
            security_service,
            agents,
        })
    }

    async fn history_rows(
        &self,
        caller: &Caller,
        filter: &HistoryFilter,
        limit: i64,
    ) -> Result<Vec<HistoryRow>> {
        // the cursor row's stored time, bound back as read (text in SQLite) so it
        // compares exactly
        let cursor = match filter.after {
            None => None,
            Some(after) => {
                let at: Option<db::Value> = db::query_scalar(
                    "SELECT created_at FROM chats WHERE id = ? AND service_id = ?",
                )
                .bind(after.0)
                .bind(caller.service_id().0)
                .fetch_optional(self.db.ex())
                .await?;
                match at {
                    Some(at) => Some((at, after.0)),
                    // an unknown cursor: nothing comes after it
                    None => return Ok(Vec::new()),
                }
            }
        };
        let common_text = self.is_common_text(filter).await?;
        let mut qb = db::Builder::new(format!("SELECT {HISTORY_COLUMNS}{HISTORY_FROM}"));
        push_filter(
            &mut qb,
            self.db.backend(),
            common_text,
            caller,
            filter,
            cursor.as_ref().map(|(at, id)| (at, *id)),
        );
        qb.push(" ORDER BY c.created_at DESC, c.id DESC LIMIT ")
            .push_bind(limit);
        qb.build().fetch_all_as(self.db.ex()).await
    }

    /// Every chat the filter matches (the export's total).
    async fn history_count(&self, caller: &Caller, filter: &HistoryFilter) -> Result<i64> {
        let common_text = self.is_common_text(filter).await?;
        let mut qb = db::Builder::new("SELECT COUNT(*) FROM chats c");
        push_filter(
            &mut qb,
            self.db.backend(),
            common_text,
            caller,
            filter,
            None,
        );
        Ok(qb.build_scalar::<i64>().fetch_one(self.db.ex()).await?)
    }

    /// A page's total, counted up to a cap (issue 16): beyond [`TOTAL_CAP`] matches
    /// (or [`TEXT_TOTAL_CAP`] for a text search) the exact figure is not worth a count
    /// over the whole history on every page, and the answer says `total_capped`
    /// ("10,000+").
    async fn history_total(&self, caller: &Caller, filter: &HistoryFilter) -> Result<(i64, bool)> {
        let cap = if filter.text.is_some() {
            TEXT_TOTAL_CAP
        } else {
            TOTAL_CAP
        };
        let common_text = self.is_common_text(filter).await?;
        let mut qb = db::Builder::new("SELECT COUNT(*) FROM (SELECT 1 FROM chats c");
        push_filter(
            &mut qb,
            self.db.backend(),
            common_text,
            caller,
            filter,
            None,
        );
        qb.push(" LIMIT ").push_bind(cap + 1).push(") capped");
        let n = qb.build_scalar::<i64>().fetch_one(self.db.ex()).await?;
        Ok(if n > cap { (cap, true) } else { (n, false) })
    }

    /// Whether a text filter over more than a short period is a common word: SQLite's
    /// trigram index lists at least [`COMMON_TEXT_MATCHES`] messages for it. Listing
    /// every match to sort them by time is what made such a search slow (1.4 s at a
    /// million chats); for a common word the newest chats are read instead.
    async fn is_common_text(&self, filter: &HistoryFilter) -> Result<bool> {
        let Some(text) = &filter.text else {
            return Ok(false);
        };
        let short_period = filter.from.is_some_and(|from| {
            filter.to.unwrap_or_else(Utc::now) - from <= chrono::Duration::days(SCAN_PERIOD_DAYS)
        });
        if self.db.backend() != db::Backend::Sqlite
            || short_period
            || text.chars().count() < 3
            || text.contains(['%', '_', '\\'])
        {
            return Ok(false);
        }
        let matches: i64 = db::query_scalar(
            "SELECT COUNT(*) FROM (SELECT rowid FROM messages_fts WHERE messages_fts.text LIKE ? LIMIT ?) probe",
        )
        .bind(format!("%{text}%"))
        .bind(COMMON_TEXT_MATCHES)
        .fetch_one(self.db.ex())
        .await?;
        Ok(matches >= COMMON_TEXT_MATCHES)
    }

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
        let mut qb = db::Builder::new(
            "SELECT m.chat_id, m.author, m.text, m.created_at, a.name AS agent_name
             FROM messages m LEFT JOIN agents a ON a.id = m.agent_id WHERE m.chat_id IN (",
        );
        for (i, id) in chats.iter().enumerate() {
            if i > 0 {
                qb.push(", ");
            }
            qb.push_bind(*id);
        }
        qb.push(") ORDER BY m.chat_id, m.seq");
        let mut lengths: HashMap<i64, usize> = HashMap::new();
        let rows = qb.build().fetch_all(self.db.ex()).await?;
        for r in rows {
            let chat: i64 = r.try_get("chat_id")?;
            let len = lengths.entry(chat).or_default();
            if *len > XLSX_CELL_MAX_CHARS {
                continue;
            }
            let at: DateTime<Utc> = r.try_get("created_at")?;
            let who = match r.try_get::<&str, _>("author")? {
                "customer" => t.author_customer.to_owned(),
                "agent" => match r.try_get::<Option<String>, _>("agent_name")? {
                    Some(n) => format!("{} ({n})", t.author_agent),
                    None => t.author_agent.to_owned(),
                },
                _ => t.author_system.to_owned(),
            };
            let line = format!(
                "[{}] {who}: {}\n",
                at.with_timezone(&tz).format("%H:%M:%S"),
                r.try_get::<&str, _>("text")?
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
        db::query("DELETE FROM export_jobs WHERE created_at < ?")
            .bind(ago(EXPORT_TTL))
            .execute(self.db.ex())
            .await?;
        let inserted = db::query(
            "INSERT INTO export_jobs (id, service_id, agent_id, state, total, file_name, created_at)
             SELECT ?, ?, ?, 'running', ?, ?, ?
             WHERE NOT EXISTS (SELECT 1 FROM export_jobs
                               WHERE agent_id = ? AND state = 'running' AND created_at >= ?)",
        )
        .bind(&progress.id)
        .bind(caller.service_id().0)
        .bind(caller.agent_id().0)
        .bind(total)
        .bind(&progress.file_name)
        .bind(now)
        .bind(caller.agent_id().0)
        .bind(ago(EXPORT_RUNNING_MAX))
        .execute(self.db.ex())
        .await?;
        if inserted.rows_affected() == 0 {
            return Err(Error::conflict(
                "export_running",
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
            let saved =
                match outcome {
                    // only while still running: a mask meanwhile failed the job, and
                    // its file (which may hold the masked text) is dropped here
                    Ok((bytes, rows)) => db::query(
                        "UPDATE export_jobs SET state = 'done', written = ?, file = ? WHERE id = ? AND state = 'running'",
                    )
                    .bind(rows)
                    .bind(bytes)
                    .bind(&id)
                    .execute(engine.db.ex())
                    .await,
                    Err(e) => {
                        tracing::error!(error = %e, "export failed");
                        db::query("UPDATE export_jobs SET state = 'failed', error = ? WHERE id = ?")
                            .bind(e.to_string())
                            .bind(&id)
                            .execute(engine.db.ex())
                            .await
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
        let done = db::query("DELETE FROM export_jobs WHERE created_at < ?")
            .bind(ago(EXPORT_TTL))
            .execute(self.db.ex())
            .await?;
        Ok(done.rows_affected())
    }

    /// A message of the service was masked: finished exports (which may hold its
    /// text) are deleted, running ones fail and keep no file (issue 15).
    pub(crate) async fn drop_exports_of(
        &self,
        mut conn: db::Ex<'_>,
        service: shared::ServiceId,
    ) -> Result<()> {
        db::query("DELETE FROM export_jobs WHERE service_id = ? AND state <> 'running'")
            .bind(service.0)
            .execute(conn.ex())
            .await?;
        db::query(
            "UPDATE export_jobs SET state = 'failed',
               error = 'a message was masked while this export ran; please export again'
             WHERE service_id = ? AND state = 'running'",
        )
        .bind(service.0)
        .execute(conn.ex())
        .await?;
        Ok(())
    }

    /// How far an export of the caller's is.
    pub async fn export_progress(&self, caller: &Caller, id: &str) -> Result<ExportProgress> {
        let r = self.export_row(caller, id, false).await?;
        Ok(ExportProgress {
            id: id.to_owned(),
            state: export_state(r.try_get("state")?),
            written: r.try_get("written")?,
            total: r.try_get("total")?,
            file_name: r.try_get("file_name")?,
            error: r.try_get("error")?,
        })
    }

    async fn export_row(&self, caller: &Caller, id: &str, with_file: bool) -> Result<Row> {
        let sql = format!(
            "SELECT state, written, total, file_name, error{} FROM export_jobs
             WHERE id = ? AND agent_id = ? AND service_id = ? AND created_at >= ?",
            if with_file { ", file" } else { "" }
        );
        db::query(sql)
            .bind(id)
            .bind(caller.agent_id().0)
            .bind(caller.service_id().0)
            .bind(ago(EXPORT_TTL))
            .fetch_optional(self.db.ex())
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
        match export_state(r.try_get("state")?) {
            ExportState::Done => {
                let bytes: &[u8] = r.try_get("file")?;
                let mut file = tempfile::Builder::new()
                    .prefix("oc-export-")
                    .suffix(".xlsx")
                    .tempfile()
                    .map_err(|e| Error::Internal(format!("cannot create the export file: {e}")))?;
                std::io::Write::write_all(&mut file, bytes)
                    .map_err(|e| Error::Internal(format!("cannot write the export file: {e}")))?;
                Ok((Arc::new(file.into_temp_path()), r.try_get("file_name")?))
            }
            ExportState::Failed => Err(Error::conflict(
                "export_failed",
                r.try_get::<Option<String>, _>("error")?
                    .unwrap_or_else(|| "the export failed".into()),
            )),
            ExportState::Running => Err(Error::conflict(
                "export_running",
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
            loop {
                let rows = self.history_rows(caller, &batch, EXPORT_BATCH).await?;
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
                    db::query("UPDATE export_jobs SET written = ? WHERE id = ?")
                        .bind(done)
                        .bind(id)
                        .execute(self.db.ex())
                        .await?;
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
            "category": f.category.map(|c| c.to_string()),
            "customer_chars": chars(&f.customer),
            "q_chars": chars(&f.text),
        })
        .to_string();
        db::query("INSERT INTO audit_log (service_id, agent_id, action, detail, created_at) VALUES (?, ?, 'export', ?, ?)")
            .bind(caller.service_id().0)
            .bind(caller.agent_id().0)
            .bind(detail)
            .bind(Utc::now())
            .execute(self.db.ex())
            .await?;
        Ok(())
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
    fn like_patterns_escape_metacharacters() {
        assert_eq!(like_pattern("환불"), "%환불%");
        assert_eq!(like_pattern("50%_off\\"), "%50\\%\\_off\\\\%");
    }

    #[test]
    fn export_headers_follow_the_language() {
        assert_eq!(headers(Locale::Ko.texts())[7], "상태");
        assert_eq!(headers(Locale::En.texts())[12], "Transcript");
    }
}
