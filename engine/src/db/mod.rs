//! The storage seam: one small query API over SQLite (the embedded default) and
//! PostgreSQL (for several instances on one database).
//!
//! Every query of the engine is written once, with `?` placeholders, against this
//! module's [`query`], [`query_scalar`] and [`Builder`]; the module binds the values to
//! whichever driver the [`Pool`] holds (rewriting `?` to `$1, $2, …` for PostgreSQL) and
//! turns the driver's rows into [`Row`]s of plain [`Value`]s. Callers never see a
//! driver type, so no domain module has to be written twice. Bound and read values are
//! in [`value`], result rows and the [`FromRow`] mappers' trait in [`row`].
//!
//! The two schemas (`migrations/sqlite`, `migrations/postgres`) are kept alike so the
//! same SQL text runs on both: integer ids and counters are 64-bit, flags are 0/1
//! integers (`active = 1` reads the same everywhere), times are RFC 3339 text in SQLite
//! and `TIMESTAMPTZ` in PostgreSQL (both bind and read as `DateTime<Utc>`). The few
//! places where the dialects differ (JSON aggregation, scalar `MAX`, text search, the
//! write lock) ask [`Backend`] and say why.

use std::borrow::Cow;

use chrono::{DateTime, Utc};
use sqlx::postgres::PgPool;
use sqlx::sqlite::SqlitePool;
use sqlx::{PgConnection, Postgres, Sqlite, SqliteConnection};

use crate::error::Result;

/// Which database a pool talks to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Backend {
    Sqlite,
    Postgres,
}

/// The SQL that differs between the dialects, so domain modules write none of it.
impl Backend {
    /// Case-insensitive `LIKE` for the text searches: SQLite's `LIKE` ignores ASCII
    /// case already; PostgreSQL needs `ILIKE`.
    pub(crate) fn ilike(self) -> &'static str {
        match self {
            Backend::Sqlite => " LIKE ",
            Backend::Postgres => " ILIKE ",
        }
    }

    /// The scalar larger and smaller of two values: `MAX`/`MIN` in SQLite,
    /// `GREATEST`/`LEAST` in PostgreSQL.
    pub(crate) fn greatest_least(self) -> (&'static str, &'static str) {
        match self {
            Backend::Sqlite => ("MAX", "MIN"),
            Backend::Postgres => ("GREATEST", "LEAST"),
        }
    }

    /// ` FOR UPDATE SKIP LOCKED` in PostgreSQL, so concurrent claimers on several
    /// instances each take other rows; nothing in SQLite (one writer at a time).
    pub(crate) fn skip_locked(self) -> &'static str {
        match self {
            Backend::Sqlite => "",
            Backend::Postgres => " FOR UPDATE SKIP LOCKED",
        }
    }

    /// ` INDEXED BY index` after a table name in SQLite, nothing in PostgreSQL (whose
    /// planner has statistics). SQLite, without statistics, takes a range over the
    /// first indexed column it sees over an `IN (…)` list of another column's values —
    /// a report narrowed to a handling type and everything below it read every fact of
    /// the period instead of that type's (BENCHMARKS.md, *Reports*).
    pub(crate) fn index_hint(self, index: &str) -> String {
        match self {
            Backend::Sqlite => format!(" INDEXED BY {index}"),
            Backend::Postgres => String::new(),
        }
    }

    /// A scalar subquery answering, as JSON text, the array of `object` (a list of
    /// `'key', value` pairs over the alias `k`) for each row of `from` (which names its
    /// table `k`), in `order` — `[]` when there is none.
    pub(crate) fn json_array_of(self, object: &str, from: &str, order: &str) -> String {
        match self {
            Backend::Sqlite => format!(
                "(SELECT json_group_array(json_object({object})) FROM (SELECT k.* FROM {from} ORDER BY {order}) k)"
            ),
            Backend::Postgres => format!(
                "(SELECT COALESCE(json_agg(json_build_object({object}) ORDER BY {order}), '[]')::text FROM {from})"
            ),
        }
    }
}

/// The process's connection pool.
#[derive(Clone)]
pub(crate) enum Pool {
    Sqlite {
        /// Reads and the writes outside the write critical section.
        pool: SqlitePool,
        /// The one connection every write transaction ([`Pool::begin_write`],
        /// [`Pool::begin_sends`]) runs on (issue 16). Those transactions already run one
        /// at a time (the engine's write critical section, SQLite's single writer), and
        /// on one connection its page cache stays valid between them: in WAL mode a
        /// connection that sees another connection's commit drops its whole page cache
        /// and memory map, so writes spread over the pool re-read (and re-mapped) their
        /// pages for every group. For an in-memory database it is the pool itself.
        writer: SqlitePool,
    },
    Postgres(PgPool),
}

/// Where a query runs: the pool, a held connection or an open transaction.
pub(crate) enum Ex<'a> {
    SqlitePool(&'a SqlitePool),
    PgPool(&'a PgPool),
    Sqlite(&'a mut SqliteConnection),
    Postgres(&'a mut PgConnection),
}

impl Ex<'_> {
    /// A shorter borrow of the same place, for running several queries through it.
    pub(crate) fn re(&mut self) -> Ex<'_> {
        match self {
            Ex::SqlitePool(p) => Ex::SqlitePool(p),
            Ex::PgPool(p) => Ex::PgPool(p),
            Ex::Sqlite(c) => Ex::Sqlite(c),
            Ex::Postgres(c) => Ex::Postgres(c),
        }
    }

    /// The same as [`Ex::re`], so helpers and callers read alike.
    pub(crate) fn ex(&mut self) -> Ex<'_> {
        self.re()
    }

    pub(crate) fn backend(&self) -> Backend {
        match self {
            Ex::SqlitePool(_) | Ex::Sqlite(_) => Backend::Sqlite,
            Ex::PgPool(_) | Ex::Postgres(_) => Backend::Postgres,
        }
    }
}

/// A connection held out of the pool (reads that must see one snapshot of the schema).
pub(crate) enum Conn {
    Sqlite(sqlx::pool::PoolConnection<Sqlite>),
    Postgres(sqlx::pool::PoolConnection<Postgres>),
}

impl Conn {
    pub(crate) fn ex(&mut self) -> Ex<'_> {
        match self {
            Conn::Sqlite(c) => Ex::Sqlite(c),
            Conn::Postgres(c) => Ex::Postgres(c),
        }
    }
}

/// An open transaction; dropped without [`Tx::commit`] it rolls back.
pub(crate) enum Tx {
    Sqlite(sqlx::Transaction<'static, Sqlite>),
    Postgres(sqlx::Transaction<'static, Postgres>),
}

impl Tx {
    pub(crate) fn ex(&mut self) -> Ex<'_> {
        match self {
            Tx::Sqlite(t) => Ex::Sqlite(t),
            Tx::Postgres(t) => Ex::Postgres(t),
        }
    }

    pub(crate) async fn commit(self) -> Result<()> {
        match self {
            Tx::Sqlite(t) => t.commit().await?,
            Tx::Postgres(t) => t.commit().await?,
        }
        Ok(())
    }
}

/// The key of the PostgreSQL advisory lock that serialises chat writes (assignment,
/// status changes, message sequence numbers) across every instance, as SQLite's single
/// writer does within one file.
const CHAT_WRITE_LOCK: i64 = 0x6f63_0001;

impl Pool {
    pub(crate) fn backend(&self) -> Backend {
        match self {
            Pool::Sqlite { .. } => Backend::Sqlite,
            Pool::Postgres(_) => Backend::Postgres,
        }
    }

    pub(crate) fn ex(&self) -> Ex<'_> {
        match self {
            Pool::Sqlite { pool, .. } => Ex::SqlitePool(pool),
            Pool::Postgres(p) => Ex::PgPool(p),
        }
    }

    /// Connections open and idle in the reading pool (metrics, issue 21).
    pub(crate) fn usage(&self) -> (u32, usize) {
        match self {
            Pool::Sqlite { pool, .. } => (pool.size(), pool.num_idle()),
            Pool::Postgres(p) => (p.size(), p.num_idle()),
        }
    }

    pub(crate) async fn acquire(&self) -> Result<Conn> {
        Ok(match self {
            Pool::Sqlite { pool, .. } => Conn::Sqlite(pool.acquire().await?),
            Pool::Postgres(p) => Conn::Postgres(p.acquire().await?),
        })
    }

    /// A plain transaction (settings, categories, demo data).
    pub(crate) async fn begin(&self) -> Result<Tx> {
        Ok(match self {
            Pool::Sqlite { pool, .. } => Tx::Sqlite(pool.begin().await?),
            Pool::Postgres(p) => Tx::Postgres(p.begin().await?),
        })
    }

    /// A chat write transaction: SQLite takes its write lock at `BEGIN IMMEDIATE`;
    /// PostgreSQL takes a transaction-scoped advisory lock, so a read-then-assign on one
    /// instance cannot interleave with another instance's (each chat assigned once).
    pub(crate) async fn begin_write(&self) -> Result<Tx> {
        Ok(match self {
            Pool::Sqlite { writer, .. } => Tx::Sqlite(writer.begin_with("BEGIN IMMEDIATE").await?),
            Pool::Postgres(p) => {
                let mut tx = p.begin().await?;
                sqlx::query("SELECT pg_advisory_xact_lock($1)")
                    .bind(CHAT_WRITE_LOCK)
                    .execute(&mut *tx)
                    .await?;
                Tx::Postgres(tx)
            }
        })
    }

    /// A transaction for a group of message sends. SQLite: the same write lock as
    /// [`Pool::begin_write`]. PostgreSQL: the advisory lock taken *shared*, so the sends
    /// of several instances commit side by side while assignment and status changes
    /// (exclusive) still exclude them; sends to one chat are ordered by the row lock of
    /// `UPDATE chats SET last_seq`, and a group takes its chats in ascending id order
    /// (the caller sorts), so two groups cannot deadlock.
    pub(crate) async fn begin_sends(&self) -> Result<Tx> {
        Ok(match self {
            Pool::Sqlite { writer, .. } => Tx::Sqlite(writer.begin_with("BEGIN IMMEDIATE").await?),
            Pool::Postgres(p) => {
                let mut tx = p.begin().await?;
                sqlx::query("SELECT pg_advisory_xact_lock_shared($1)")
                    .bind(CHAT_WRITE_LOCK)
                    .execute(&mut *tx)
                    .await?;
                Tx::Postgres(tx)
            }
        })
    }

    /// The SQLite writer connection, for driving directly on the writer thread
    /// ([`direct`]); `None` on PostgreSQL. The caller holds the write section.
    pub(crate) async fn sqlite_writer(&self) -> Result<Option<sqlx::pool::PoolConnection<Sqlite>>> {
        Ok(match self {
            Pool::Sqlite { writer, .. } => Some(writer.acquire().await?),
            Pool::Postgres(_) => None,
        })
    }

    /// The PostgreSQL pool, for the cross-instance bus (LISTEN/NOTIFY).
    pub(crate) fn postgres(&self) -> Option<&PgPool> {
        match self {
            Pool::Postgres(p) => Some(p),
            Pool::Sqlite { .. } => None,
        }
    }
}

pub(crate) mod direct;
mod row;
pub(crate) mod value;

pub(crate) use row::{FromRow, Row};

/// Rows fetched with sqlx directly on PostgreSQL — statements that bind arrays, which
/// [`query`] does not carry (the message writer's two-round-trip path) — as our rows, so
/// their mappers and decoding (booleans kept as integers) are the same.
pub(crate) fn rows_of_pg(rows: Vec<sqlx::postgres::PgRow>) -> Result<Vec<Row>> {
    Ok(pg_rows(rows)?)
}
use row::{pg_rows, sqlite_rows};
pub(crate) use value::{Bind, Decode, Kind, Value};

// ---------------------------------------------------------------------------------------
// Queries

/// `?` placeholders (outside quoted text) as PostgreSQL's `$1, $2, …`.
pub(crate) fn numbered_placeholders(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 16);
    let mut n = 0;
    let mut quote: Option<char> = None;
    for ch in sql.chars() {
        match (quote, ch) {
            (None, '\'' | '"') => {
                quote = Some(ch);
                out.push(ch);
            }
            (Some(q), c) if c == q => {
                quote = None;
                out.push(ch);
            }
            (None, '?') => {
                n += 1;
                out.push('$');
                out.push_str(&n.to_string());
            }
            _ => out.push(ch),
        }
    }
    out
}

fn sqlite_args(args: &[Value]) -> sqlx::sqlite::SqliteArguments<'_> {
    use sqlx::Arguments;
    let mut a = sqlx::sqlite::SqliteArguments::default();
    for v in args {
        let r = match v {
            Value::Null(_) => a.add(None::<i64>),
            Value::Int(i) => a.add(*i),
            Value::Real(f) => a.add(*f),
            Value::Text(s) => a.add(s.as_str()),
            Value::Bytes(b) => a.add(b.as_slice()),
            Value::Time(t) => a.add(*t),
        };
        r.expect("SQLite encodes every value");
    }
    a
}

fn pg_args(args: &[Value]) -> sqlx::postgres::PgArguments {
    use sqlx::Arguments;
    let mut a = sqlx::postgres::PgArguments::default();
    for v in args {
        let r = match v {
            Value::Null(Kind::Int) => a.add(None::<i64>),
            Value::Null(Kind::Real) => a.add(None::<f64>),
            Value::Null(Kind::Text) => a.add(None::<String>),
            Value::Null(Kind::Bytes) => a.add(None::<Vec<u8>>),
            Value::Null(Kind::Time) => a.add(None::<DateTime<Utc>>),
            Value::Int(i) => a.add(*i),
            Value::Real(f) => a.add(*f),
            // encoded into the buffer at once: borrowing is enough
            Value::Text(s) => a.add(s.as_str()),
            Value::Bytes(b) => a.add(b.as_slice()),
            Value::Time(t) => a.add(*t),
        };
        r.expect("PostgreSQL encodes every value");
    }
    a
}

/// What an `execute` changed.
pub(crate) struct Done {
    rows_affected: u64,
}

impl Done {
    pub(crate) fn rows_affected(&self) -> u64 {
        self.rows_affected
    }
}

/// A query with its bound values.
#[must_use = "a query does nothing until it is run"]
pub(crate) struct Query {
    sql: Cow<'static, str>,
    args: Vec<Value>,
}

/// A query written with `?` placeholders.
pub(crate) fn query(sql: impl Into<Sql>) -> Query {
    Query {
        sql: sql.into().0,
        args: Vec::new(),
    }
}

/// SQL text, borrowed when it is a literal.
pub(crate) struct Sql(Cow<'static, str>);

impl From<&'static str> for Sql {
    fn from(s: &'static str) -> Sql {
        Sql(Cow::Borrowed(s))
    }
}

impl From<String> for Sql {
    fn from(s: String) -> Sql {
        Sql(Cow::Owned(s))
    }
}

impl From<&String> for Sql {
    fn from(s: &String) -> Sql {
        Sql(Cow::Owned(s.clone()))
    }
}

/// Runs `$query` with the sqlx method `$run` on whichever driver `$ex` holds, and hands
/// the driver's answer to `$sqlite` or `$pg` (placeholders numbered for PostgreSQL).
macro_rules! on_driver {
    ($query:expr, $ex:expr, $run:ident, $sqlite:expr, $pg:expr) => {{
        let q = $query;
        match $ex {
            Ex::SqlitePool(p) => $sqlite(
                sqlx::query_with(&q.sql, sqlite_args(&q.args))
                    .$run(p)
                    .await?,
            ),
            Ex::Sqlite(c) => $sqlite(
                sqlx::query_with(&q.sql, sqlite_args(&q.args))
                    .$run(c)
                    .await?,
            ),
            Ex::PgPool(p) => {
                let sql = numbered_placeholders(&q.sql);
                $pg(sqlx::query_with(&sql, pg_args(&q.args)).$run(p).await?)
            }
            Ex::Postgres(c) => {
                let sql = numbered_placeholders(&q.sql);
                $pg(sqlx::query_with(&sql, pg_args(&q.args)).$run(c).await?)
            }
        }
    }};
}

impl Query {
    pub(crate) fn bind(mut self, v: impl Bind) -> Query {
        self.args.push(v.into_value());
        self
    }

    pub(crate) async fn execute(self, ex: Ex<'_>) -> std::result::Result<Done, sqlx::Error> {
        let rows_affected = on_driver!(
            self,
            ex,
            execute,
            |d: sqlx::sqlite::SqliteQueryResult| d.rows_affected(),
            |d: sqlx::postgres::PgQueryResult| d.rows_affected()
        );
        Ok(Done { rows_affected })
    }

    pub(crate) async fn fetch_all(self, ex: Ex<'_>) -> std::result::Result<Vec<Row>, sqlx::Error> {
        on_driver!(self, ex, fetch_all, sqlite_rows, pg_rows)
    }

    /// The first row, if any. Read through `fetch_all` on purpose: the engine's optional
    /// queries return one row at most, and sqlx's PostgreSQL `fetch_optional` (an
    /// Execute with a row limit, the rest drained on the connection's next use) hung a
    /// page render once in a CI run, which `fetch_all` never did.
    pub(crate) async fn fetch_optional(
        self,
        ex: Ex<'_>,
    ) -> std::result::Result<Option<Row>, sqlx::Error> {
        Ok(self.fetch_all(ex).await?.into_iter().next())
    }

    pub(crate) async fn fetch_one(self, ex: Ex<'_>) -> std::result::Result<Row, sqlx::Error> {
        self.fetch_optional(ex)
            .await?
            .ok_or(sqlx::Error::RowNotFound)
    }

    /// Every row, each built as `T` by its mapper.
    pub(crate) async fn fetch_all_as<T: FromRow>(self, ex: Ex<'_>) -> Result<Vec<T>> {
        self.fetch_all(ex).await?.iter().map(T::from_row).collect()
    }

    /// The first row as `T`, if any.
    pub(crate) async fn fetch_optional_as<T: FromRow>(self, ex: Ex<'_>) -> Result<Option<T>> {
        self.fetch_optional(ex)
            .await?
            .map(|r| T::from_row(&r))
            .transpose()
    }
}

/// A query whose first column is the answer.
#[must_use = "a query does nothing until it is run"]
pub(crate) struct QueryScalar<T> {
    inner: Query,
    _out: std::marker::PhantomData<fn() -> T>,
}

pub(crate) fn query_scalar<T>(sql: impl Into<Sql>) -> QueryScalar<T> {
    QueryScalar {
        inner: query(sql),
        _out: std::marker::PhantomData,
    }
}

impl<T: for<'r> Decode<'r>> QueryScalar<T> {
    pub(crate) fn bind(mut self, v: impl Bind) -> Self {
        self.inner = self.inner.bind(v);
        self
    }

    pub(crate) async fn fetch_all(self, ex: Ex<'_>) -> std::result::Result<Vec<T>, sqlx::Error> {
        self.inner
            .fetch_all(ex)
            .await?
            .iter()
            .map(|r| r.try_get(0usize))
            .collect()
    }

    pub(crate) async fn fetch_optional(
        self,
        ex: Ex<'_>,
    ) -> std::result::Result<Option<T>, sqlx::Error> {
        match self.inner.fetch_optional(ex).await? {
            Some(r) => Ok(Some(r.try_get(0usize)?)),
            None => Ok(None),
        }
    }

    pub(crate) async fn fetch_one(self, ex: Ex<'_>) -> std::result::Result<T, sqlx::Error> {
        self.fetch_optional(ex)
            .await?
            .ok_or(sqlx::Error::RowNotFound)
    }
}

/// A query assembled from pieces (filters), binding values as it goes.
pub(crate) struct Builder {
    sql: String,
    args: Vec<Value>,
}

impl Builder {
    pub(crate) fn new(sql: impl Into<String>) -> Builder {
        Builder {
            sql: sql.into(),
            args: Vec::new(),
        }
    }

    pub(crate) fn push(&mut self, sql: &str) -> &mut Builder {
        self.sql.push_str(sql);
        self
    }

    pub(crate) fn push_bind(&mut self, v: impl Bind) -> &mut Builder {
        self.sql.push('?');
        self.args.push(v.into_value());
        self
    }

    pub(crate) fn build(self) -> Query {
        Query {
            sql: Cow::Owned(self.sql),
            args: self.args,
        }
    }

    pub(crate) fn build_scalar<T>(self) -> QueryScalar<T> {
        QueryScalar {
            inner: self.build(),
            _out: std::marker::PhantomData,
        }
    }
}

mod open;

pub(crate) use open::{
    checkpoint_and_close, checkpoint_truncate, connect, data_dir, file_path, is_postgres,
};

#[cfg(test)]
mod tests {
    use super::numbered_placeholders;

    #[test]
    fn placeholders_are_numbered_outside_quotes() {
        assert_eq!(
            numbered_placeholders("SELECT a FROM t WHERE b = ? AND c LIKE ? ESCAPE '?' AND d = ?"),
            "SELECT a FROM t WHERE b = $1 AND c LIKE $2 ESCAPE '?' AND d = $3"
        );
        assert_eq!(numbered_placeholders("SELECT 1"), "SELECT 1");
    }
}
