//! A report's reads of the rollups (issue 20): the measures summed per day, agent or
//! handling type over a [`Slice`] of a period, and the chat starts per weekday × hour.
//! Which rollup answers which part of a period is `crate::reports::reading`'s rule; the
//! tables and their columns are [`super::rollups`]'.

use chrono::NaiveDate;

use super::rollups::measure_columns;
use crate::db::{self, Ex};
use crate::error::Result;
use crate::reports::period::Stretch;

/// The rollup keys a report is narrowed to (validated by `crate::reports`).
pub(crate) struct Filter {
    pub(crate) agent: Option<i64>,
    pub(crate) categories: Option<Vec<i64>>,
    pub(crate) channel: Option<&'static str>,
}

/// How a report's rollups are read: the stretch of the period, the rollup keys it is
/// narrowed to, and whether the category index serves it (narrowed to handling types
/// only — see `Backend::index_hint`).
pub(crate) struct Slice<'a> {
    pub(crate) service: i64,
    pub(crate) stretch: &'a Stretch,
    pub(crate) filter: &'a Filter,
    pub(crate) by_category_index: bool,
}

impl Slice<'_> {
    /// ` AND …` of the stretch and the filters (agent, handling types, channel) over a
    /// table with the rollup keys.
    fn push_where(&self, b: &mut db::Builder) {
        let (col, first, last) = match self.stretch {
            Stretch::Days(f, t) => ("day", f.to_string(), t.to_string()),
            Stretch::Months(f, t) => ("month", f.clone(), t.clone()),
        };
        b.push(" WHERE service_id = ")
            .push_bind(self.service)
            .push(&format!(" AND {col} >= "))
            .push_bind(first)
            .push(&format!(" AND {col} <= "))
            .push_bind(last);
        let f = self.filter;
        if let Some(a) = f.agent {
            b.push(" AND agent_id = ").push_bind(a);
        }
        if let Some(cats) = &f.categories {
            b.push(" AND category_id IN (");
            for (i, c) in cats.iter().enumerate() {
                if i > 0 {
                    b.push(", ");
                }
                b.push_bind(*c);
            }
            b.push(")");
        }
        if let Some(ch) = f.channel {
            b.push(" AND channel_kind = ").push_bind(ch);
        }
    }

    fn hint(&self, backend: db::Backend, index: &str) -> String {
        if self.by_category_index {
            backend.index_hint(index)
        } else {
            String::new()
        }
    }
}

/// Which rollup key a report groups its sums by.
#[derive(Clone, Copy)]
pub(crate) enum GroupBy {
    Day,
    Agent,
    Category,
}

/// The measures of `table` (a grain's: `report_days`, `report_months` or
/// `report_day_totals`) over a slice, summed per `by` key.
pub(crate) async fn grouped_sums<K>(
    mut ex: Ex<'_>,
    backend: db::Backend,
    table: &str,
    by: GroupBy,
    slice: &Slice<'_>,
) -> Result<Vec<(K, Vec<i64>)>>
where
    K: for<'r> db::Decode<'r>,
{
    let col = match by {
        GroupBy::Day => "day",
        GroupBy::Agent => "agent_id",
        GroupBy::Category => "category_id",
    };
    let index = if table == "report_days" {
        slice.hint(backend, "report_days_by_category")
    } else {
        String::new()
    };
    // PostgreSQL sums BIGINTs as NUMERIC: cast back
    let cols = measure_columns();
    let sums = cols
        .iter()
        .map(|c| format!("CAST(SUM({c}) AS BIGINT)"))
        .collect::<Vec<_>>()
        .join(", ");
    let mut b = db::Builder::new(format!("SELECT {col} AS k, {sums} FROM {table}{index}"));
    slice.push_where(&mut b);
    b.push(&format!(" GROUP BY {col}"));
    b.build()
        .fetch_all(ex.ex())
        .await?
        .iter()
        .map(|r| {
            let values = (0..cols.len())
                .map(|i| {
                    r.try_get::<Option<i64>, _>(i + 1)
                        .map(Option::unwrap_or_default)
                })
                .collect::<std::result::Result<Vec<i64>, _>>()?;
            Ok((r.try_get("k")?, values))
        })
        .collect()
}

/// `(w, hour, chats)` rows of a heatmap read.
async fn heat<W>(mut ex: Ex<'_>, counts: db::Query) -> Result<Vec<(W, i64, i64)>>
where
    W: for<'r> db::Decode<'r>,
{
    counts
        .fetch_all(ex.ex())
        .await?
        .iter()
        .map(|r| {
            Ok((
                r.try_get("w")?,
                r.try_get("hour")?,
                r.try_get::<Option<i64>, _>("n")?.unwrap_or(0),
            ))
        })
        .collect()
}

/// Chat starts per day and hour of the whole service (`report_hours`), days
/// `from..=to`: `(day, hour, chats)`.
pub(crate) async fn starts_by_day_hour(
    ex: Ex<'_>,
    service: i64,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<(String, i64, i64)>> {
    let mut b = db::Builder::new(
        "SELECT day AS w, hour, CAST(SUM(chats) AS BIGINT) AS n FROM report_hours WHERE service_id = ",
    );
    b.push_bind(service)
        .push(" AND day >= ")
        .push_bind(from.to_string())
        .push(" AND day <= ")
        .push_bind(to.to_string())
        .push(" GROUP BY day, hour");
    heat(ex, b.build()).await
}

/// Chat starts per weekday (0 = Monday) and hour over a slice of whole months
/// (`report_week_hours`): `(weekday, hour, chats)`.
pub(crate) async fn starts_by_weekday_hour(
    ex: Ex<'_>,
    backend: db::Backend,
    slice: &Slice<'_>,
) -> Result<Vec<(i64, i64, i64)>> {
    let hint = if slice.filter.agent.is_some() {
        String::new()
    } else if slice.filter.categories.is_some() {
        backend.index_hint("report_week_hours_by_category")
    } else {
        backend.index_hint("report_week_hours_by_channel")
    };
    let mut b = db::Builder::new(format!(
        "SELECT weekday AS w, hour, CAST(SUM(chats) AS BIGINT) AS n FROM report_week_hours{hint}"
    ));
    slice.push_where(&mut b);
    b.push(" GROUP BY weekday, hour");
    heat(ex, b.build()).await
}

/// Chat starts per day and hour over a slice of days, from the ended chats' facts:
/// `(day, hour, chats)`.
pub(crate) async fn ended_by_day_hour(
    ex: Ex<'_>,
    backend: db::Backend,
    slice: &Slice<'_>,
) -> Result<Vec<(String, i64, i64)>> {
    let mut b = db::Builder::new(format!(
        "SELECT day AS w, hour, COUNT(*) AS n FROM report_facts{}",
        slice.hint(backend, "report_facts_by_category")
    ));
    slice.push_where(&mut b);
    b.push(" GROUP BY day, hour");
    heat(ex, b.build()).await
}
