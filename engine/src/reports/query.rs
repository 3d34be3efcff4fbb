//! `GET /reports` (issue 20): the figures of a period from the rollups — a few grouped
//! sums whatever the period: the days from `report_day_totals` (or, narrowed to an
//! agent or handling type, from `report_days` through their indexes), the per-agent and
//! per-type tables from the period's whole months in `report_months` and its edge days
//! in `report_days`, the heatmap from `report_hours` (narrowed: the facts' indexes) —
//! plus the chats of the period that are still open, read live (few, through a partial
//! index) and summed by the same rules.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use shared::report::{
    AgentFigures, CategoryFigures, Csat, DayFigures, Durations, Figures, Report, ReportQuery,
};

use super::period::{Stretch, local_midnight, stretches};
use super::rollup::{self, METRICS, measure_columns, measures};
use super::rules::{self, BUCKETS};
use crate::Engine;
use crate::caller::Caller;
use crate::db;
use crate::error::{Error, Result};

/// Summed measures (the columns of `report_days`).
#[derive(Clone, Debug)]
struct Sums(Vec<i64>);

impl Sums {
    fn zero() -> Sums {
        Sums(vec![0; measure_columns().len()])
    }

    fn add(&mut self, other: &[i64]) {
        for (a, b) in self.0.iter_mut().zip(other) {
            *a += b;
        }
    }

    fn get(&self, cols: &[String], name: &str) -> i64 {
        cols.iter().position(|c| c == name).map_or(0, |i| self.0[i])
    }

    fn durations(&self, cols: &[String], metric: &str) -> Durations {
        let n = self.get(cols, &format!("{metric}_n"));
        let sum = self.get(cols, &format!("{metric}_sum"));
        let mut hist = [0i64; BUCKETS];
        for (b, h) in hist.iter_mut().enumerate() {
            *h = self.get(cols, &format!("{metric}_b{b}"));
        }
        Durations {
            count: n,
            mean_secs: (n > 0).then(|| (sum as f64 / n as f64).round() as i64),
            p50_secs: rules::percentile(&hist, 50.0, sum),
            p90_secs: rules::percentile(&hist, 90.0, sum),
        }
    }

    fn figures(&self, cols: &[String]) -> Figures {
        let g = |n: &str| self.get(cols, n);
        let rated = g("rated");
        Figures {
            started: g("chats"),
            open: g("chats") - g("ended"),
            handled: g("handled"),
            unhandled: g("unhandled"),
            abandoned_in_queue: g("abandoned"),
            transfers: g("transfers"),
            reroutes: g("reroutes"),
            wait_to_assignment: self.durations(cols, METRICS[0]),
            wait_to_open: self.durations(cols, METRICS[1]),
            first_response: self.durations(cols, METRICS[2]),
            handling: self.durations(cols, METRICS[3]),
            csat: Csat {
                count: rated,
                average: (rated > 0)
                    .then(|| (g("rating_sum") as f64 / rated as f64 * 100.0).round() / 100.0),
                distribution: [g("r1"), g("r2"), g("r3"), g("r4"), g("r5")],
                response_rate: (g("ended") > 0)
                    .then(|| (rated as f64 / g("ended") as f64 * 1000.0).round() / 1000.0),
            },
        }
    }
}

/// The validated filters of a report.
struct Filter {
    agent: Option<i64>,
    categories: Option<Vec<i64>>,
    channel: Option<&'static str>,
}

impl Filter {
    /// ` AND …` of the filters (agent, handling types, channel) over a table with the
    /// rollup keys.
    fn sql(&self, b: &mut db::Builder) {
        if let Some(a) = self.agent {
            b.push(" AND agent_id = ").push_bind(a);
        }
        if let Some(cats) = &self.categories {
            b.push(" AND category_id IN (");
            for (i, c) in cats.iter().enumerate() {
                if i > 0 {
                    b.push(", ");
                }
                b.push_bind(*c);
            }
            b.push(")");
        }
        if let Some(ch) = self.channel {
            b.push(" AND channel_kind = ").push_bind(ch);
        }
    }
}

/// What a report sums: the measures per day, per agent and per handling type, and the
/// chat starts per weekday × hour.
struct Tally {
    by_day: BTreeMap<String, Sums>,
    by_agent: BTreeMap<i64, Sums>,
    by_category: BTreeMap<i64, Sums>,
    heat: Vec<Vec<i64>>,
}

impl Tally {
    fn add_heat(&mut self, weekday: usize, hour: i64, n: i64) {
        if let (Some(row), Some(h)) = (
            self.heat.get_mut(weekday),
            usize::try_from(hour).ok().filter(|h| *h < 24),
        ) {
            row[h] += n;
        }
    }
}

/// Monday-first weekday (0–6) of a `YYYY-MM-DD` day.
fn weekday_of(day: &str) -> Option<usize> {
    NaiveDate::parse_from_str(day, "%Y-%m-%d")
        .ok()
        .map(|d| d.weekday().num_days_from_monday() as usize)
}

/// One report's reads of the rollups: a few grouped sums, whatever the period (three
/// grouped sums rather than one pass grouped by day × agent × type, which answered every
/// rollup row through the driver and was slower: BENCHMARKS.md, *Reports*).
struct Reading<'a> {
    pool: &'a db::Pool,
    service: i64,
    f: Filter,
    from: NaiveDate,
    to: NaiveDate,
    backend: db::Backend,
    /// `CAST(SUM(col) AS BIGINT), …` of every measure (PostgreSQL sums BIGINTs as
    /// NUMERIC: cast back).
    sums: String,
}

impl<'a> Reading<'a> {
    fn new(pool: &'a db::Pool, service: i64, f: Filter, from: NaiveDate, to: NaiveDate) -> Self {
        let sums = measure_columns()
            .iter()
            .map(|c| format!("CAST(SUM({c}) AS BIGINT)"))
            .collect::<Vec<_>>()
            .join(", ");
        Reading {
            backend: pool.backend(),
            pool,
            service,
            f,
            from,
            to,
            sums,
        }
    }

    /// Narrowed to handling types only, day rows and facts are read through their
    /// category index (see `Backend::index_hint`).
    fn hint(&self, index: &str) -> String {
        if self.f.agent.is_none() && self.f.categories.is_some() {
            self.backend.index_hint(index)
        } else {
            String::new()
        }
    }

    /// The measures of `table` over `stretch`, narrowed by the filters, grouped by `by`.
    async fn grouped<K>(
        &self,
        by: &str,
        table: &str,
        stretch: &Stretch,
        into: &mut BTreeMap<K, Sums>,
    ) -> Result<()>
    where
        K: Ord + for<'r> db::Decode<'r>,
    {
        let index = if table == "report_days" {
            self.hint("report_days_by_category")
        } else {
            String::new()
        };
        let mut b = db::Builder::new(format!(
            "SELECT {by} AS k, {} FROM {table}{index} WHERE service_id = ",
            self.sums
        ));
        b.push_bind(self.service);
        stretch.sql(&mut b);
        self.f.sql(&mut b);
        b.push(&format!(" GROUP BY {by}"));
        let width = measure_columns().len();
        for r in b.build().fetch_all(self.pool.ex()).await? {
            let values = (0..width)
                .map(|i| {
                    r.try_get::<Option<i64>, _>(i + 1)
                        .map(Option::unwrap_or_default)
                })
                .collect::<std::result::Result<Vec<i64>, _>>()?;
            into.entry(r.try_get("k")?)
                .or_insert_with(Sums::zero)
                .add(&values);
        }
        Ok(())
    }

    /// Everything the rollups hold for the period.
    async fn rollups(&self) -> Result<Tally> {
        let mut tally = Tally {
            by_day: BTreeMap::new(),
            by_agent: BTreeMap::new(),
            by_category: BTreeMap::new(),
            heat: vec![vec![0i64; 24]; 7],
        };
        // the days: without an agent or handling type, from the per-day totals (a row
        // per day and channel); narrowed, from the finest rollup through its index
        let whole = Stretch::Days(self.from, self.to);
        let day_table = if self.f.agent.is_none() && self.f.categories.is_none() {
            "report_day_totals"
        } else {
            "report_days"
        };
        self.grouped("day", day_table, &whole, &mut tally.by_day)
            .await?;
        // per agent and per type: the whole months, then the edge days
        for stretch in stretches(self.from, self.to) {
            self.grouped("agent_id", stretch.table(), &stretch, &mut tally.by_agent)
                .await?;
            self.grouped(
                "category_id",
                stretch.table(),
                &stretch,
                &mut tally.by_category,
            )
            .await?;
        }
        self.heatmap(&mut tally).await?;
        Ok(tally)
    }

    /// Chat starts per weekday and hour: unfiltered from the day × hour counts; narrowed,
    /// from the month × weekday × hour rollup with the keys for the whole months and
    /// from the facts for the edge days.
    async fn heatmap(&self, tally: &mut Tally) -> Result<()> {
        let f = &self.f;
        if f.agent.is_none() && f.categories.is_none() && f.channel.is_none() {
            let mut b = db::Builder::new(
                "SELECT day, hour, CAST(SUM(chats) AS BIGINT) AS n FROM report_hours WHERE service_id = ",
            );
            b.push_bind(self.service);
            Stretch::Days(self.from, self.to).sql(&mut b);
            b.push(" GROUP BY day, hour");
            for r in b.build().fetch_all(self.pool.ex()).await? {
                if let Some(w) = weekday_of(&r.try_get::<String, _>("day")?) {
                    let n = r.try_get::<Option<i64>, _>("n")?.unwrap_or(0);
                    tally.add_heat(w, r.try_get("hour")?, n);
                }
            }
            return Ok(());
        }
        for stretch in stretches(self.from, self.to) {
            let (sql, by) = match &stretch {
                Stretch::Months(..) => {
                    let hint = if f.agent.is_some() {
                        String::new()
                    } else if f.categories.is_some() {
                        self.backend.index_hint("report_week_hours_by_category")
                    } else {
                        self.backend.index_hint("report_week_hours_by_channel")
                    };
                    (
                        format!(
                            "SELECT weekday AS w, hour, CAST(SUM(chats) AS BIGINT) AS n FROM report_week_hours{hint} WHERE service_id = "
                        ),
                        " GROUP BY weekday, hour",
                    )
                }
                Stretch::Days(..) => (
                    format!(
                        "SELECT day AS w, hour, COUNT(*) AS n FROM report_facts{} WHERE service_id = ",
                        self.hint("report_facts_by_category")
                    ),
                    " GROUP BY day, hour",
                ),
            };
            let mut b = db::Builder::new(sql);
            b.push_bind(self.service);
            stretch.sql(&mut b);
            f.sql(&mut b);
            b.push(by);
            for r in b.build().fetch_all(self.pool.ex()).await? {
                let weekday = match stretch {
                    Stretch::Months(..) => usize::try_from(r.try_get::<i64, _>("w")?).ok(),
                    Stretch::Days(..) => weekday_of(&r.try_get::<String, _>("w")?),
                };
                if let Some(w) = weekday {
                    let n = r.try_get::<Option<i64>, _>("n")?.unwrap_or(0);
                    tally.add_heat(w, r.try_get("hour")?, n);
                }
            }
        }
        Ok(())
    }

    /// The period's chats that are still open (not in the rollups yet), read live — few,
    /// through a partial index — and summed by the same rules.
    async fn add_open(
        &self,
        tally: &mut Tally,
        zone: chrono_tz::Tz,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
    ) -> Result<()> {
        let f = &self.f;
        let mut b = db::Builder::new(format!(
            "SELECT {} FROM chats c JOIN services s ON s.id = c.service_id
             WHERE c.service_id = ",
            rollup::TIMELINE_COLUMNS
        ));
        b.push_bind(self.service)
            .push(" AND c.status != 'ended' AND c.created_at >= ")
            .push_bind(start)
            .push(" AND c.created_at < ")
            .push_bind(end);
        for r in b.build().fetch_all(self.pool.ex()).await? {
            let (place, timeline, _) = rollup::timeline_of(&r, Some(zone))?;
            let keep = f.agent.is_none_or(|a| a == place.agent)
                && f.categories
                    .as_ref()
                    .is_none_or(|c| c.contains(&place.category))
                && f.channel.is_none_or(|ch| ch == place.channel);
            if !keep {
                continue;
            }
            let v = measures(&rules::facts(&timeline));
            tally
                .by_day
                .entry(place.day.clone())
                .or_insert_with(Sums::zero)
                .add(&v);
            tally
                .by_agent
                .entry(place.agent)
                .or_insert_with(Sums::zero)
                .add(&v);
            tally
                .by_category
                .entry(place.category)
                .or_insert_with(Sums::zero)
                .add(&v);
            if let Some(w) = weekday_of(&place.day) {
                tally.add_heat(w, place.hour, 1);
            }
        }
        Ok(())
    }
}

fn bad(field: &'static str, reason: &str) -> Error {
    Error::Invalid(shared::validate::Invalid {
        field,
        reason: reason.to_owned(),
    })
}

impl Engine {
    /// The report of the caller's service (agents limited to their own chats see their
    /// own figures only, as in history).
    pub async fn report(&self, caller: &Caller, q: &ReportQuery) -> Result<Report> {
        let service = caller.service_id().0;
        let hours: Option<String> =
            db::query_scalar("SELECT business_hours FROM services WHERE id = ?")
                .bind(service)
                .fetch_one(self.db.ex())
                .await?;
        let zone = rollup::zone_of(hours.as_deref());
        let today = Utc::now().with_timezone(&zone).date_naive();
        let asked = q.validate(today)?;
        let (from, to) = (asked.from, asked.to);
        let names: HashMap<i64, String> =
            db::query("SELECT id, name FROM agents WHERE service_id = ?")
                .bind(service)
                .fetch_all(self.db.ex())
                .await?
                .iter()
                .map(|r| Ok((r.try_get("id")?, r.try_get("name")?)))
                .collect::<Result<_>>()?;
        let mut agent = match asked.agent {
            Some(id) if !names.contains_key(&id) => {
                return Err(bad("agent", "is not an agent of this service"));
            }
            a => a,
        };
        if !caller.sees_all_chats() {
            agent = Some(caller.agent_id().0);
        }
        let tree = self.category_rows(service).await?;
        let categories = match asked.category {
            None => None,
            Some(id) if tree.contains_key(&id) => Some(below(&tree, id)),
            Some(_) => return Err(bad("category", "is not a handling type of this service")),
        };
        let channel = asked.channel;
        let f = Filter {
            agent,
            categories,
            channel,
        };
        let start = local_midnight(from, zone);
        let end = local_midnight(to + chrono::Duration::days(1), zone);
        let read = Reading::new(&self.db, service, f, from, to);
        let mut tally = read.rollups().await?;
        read.add_open(&mut tally, zone, start, end).await?;
        let Tally {
            by_day,
            by_agent,
            by_category,
            heat,
        } = tally;
        let cols = measure_columns();
        let mut totals = Sums::zero();
        for s in by_day.values() {
            totals.add(&s.0);
        }
        let mut days = Vec::new();
        let mut d = from;
        while d <= to {
            let key = d.to_string();
            days.push(DayFigures {
                figures: by_day
                    .get(&key)
                    .map(|s| s.figures(&cols))
                    .unwrap_or_default(),
                day: key,
            });
            d += chrono::Duration::days(1);
        }
        let (online, breaks) = self.status_time(service, start, end).await?;
        // a key whose chats all moved elsewhere (a changed handling type) keeps a row of
        // zeros in the rollup: it is no row of the report
        let counted = |s: &Sums| s.get(&cols, "chats") > 0;
        let agents = by_agent
            .iter()
            .filter(|(id, s)| **id != 0 && counted(s))
            .map(|(id, s)| AgentFigures {
                agent_id: id.to_string(),
                name: names.get(id).cloned().unwrap_or_default(),
                figures: s.figures(&cols),
                online_secs: online.get(id).copied().unwrap_or(0),
                break_secs: breaks.get(id).copied().unwrap_or(0),
            })
            .collect();
        let mut categories: Vec<CategoryFigures> = by_category
            .iter()
            .filter(|(_, s)| counted(s))
            .map(|(id, s)| {
                let (path_ids, path) = path_of(&tree, *id).into_iter().unzip();
                CategoryFigures {
                    category_id: (*id != 0).then(|| id.to_string()),
                    path,
                    path_ids,
                    started: s.get(&cols, "chats"),
                    handled: s.get(&cols, "handled"),
                    unhandled: s.get(&cols, "unhandled"),
                }
            })
            .collect();
        categories.sort_by(|a, b| b.started.cmp(&a.started).then(a.path.cmp(&b.path)));
        let inquiries: i64 = db::query_scalar(
            "SELECT COUNT(*) FROM tickets WHERE service_id = ? AND channel = 'inquiry' AND created_at >= ? AND created_at < ?",
        )
        .bind(service)
        .bind(start)
        .bind(end)
        .fetch_one(self.db.ex())
        .await?;
        Ok(Report {
            from: from.to_string(),
            to: to.to_string(),
            time_zone: zone.name().to_owned(),
            utc_offset: {
                use chrono::Offset;
                let secs = end.with_timezone(&zone).offset().fix().local_minus_utc();
                let sign = if secs < 0 { '-' } else { '+' };
                format!(
                    "{sign}{:02}:{:02}",
                    secs.abs() / 3600,
                    secs.abs() % 3600 / 60
                )
            },
            totals: totals.figures(&cols),
            days,
            agents,
            categories,
            heatmap: heat,
            inquiries,
        })
    }

    /// The service's handling types: id → (parent, name).
    async fn category_rows(&self, service: i64) -> Result<HashMap<i64, (Option<i64>, String)>> {
        db::query("SELECT id, parent_id, name FROM categories WHERE service_id = ?")
            .bind(service)
            .fetch_all(self.db.ex())
            .await?
            .iter()
            .map(|r| {
                Ok((
                    r.try_get("id")?,
                    (r.try_get("parent_id")?, r.try_get("name")?),
                ))
            })
            .collect()
    }

    /// Seconds each agent spent online and on a break between `start` and `end`, from
    /// the status log (the status before `start` carries in).
    async fn status_time(
        &self,
        service: i64,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
    ) -> Result<(HashMap<i64, i64>, HashMap<i64, i64>)> {
        let rows = db::query(
            "SELECT agent_id, status, at FROM agent_status_log WHERE service_id = ? AND at < ? ORDER BY agent_id, at, id",
        )
        .bind(service)
        .bind(end)
        .fetch_all(self.db.ex())
        .await?;
        let mut log: BTreeMap<i64, Vec<(DateTime<Utc>, String)>> = BTreeMap::new();
        for r in rows {
            log.entry(r.try_get("agent_id")?)
                .or_default()
                .push((r.try_get("at")?, r.try_get("status")?));
        }
        let now = Utc::now().min(end);
        let (mut online, mut breaks) = (HashMap::new(), HashMap::new());
        for (agent, changes) in log {
            for (i, (at, status)) in changes.iter().enumerate() {
                let until = changes.get(i + 1).map_or(now, |(t, _)| *t);
                let (a, b) = ((*at).max(start), until.min(end));
                if b <= a {
                    continue;
                }
                let secs = (b - a).num_seconds();
                match status.as_str() {
                    "online" => *online.entry(agent).or_insert(0) += secs,
                    "break" => *breaks.entry(agent).or_insert(0) += secs,
                    _ => {}
                }
            }
        }
        Ok((online, breaks))
    }
}

/// A handling type and everything below it.
fn below(tree: &HashMap<i64, (Option<i64>, String)>, id: i64) -> Vec<i64> {
    let mut out = vec![id];
    let mut i = 0;
    while i < out.len() {
        let parent = out[i];
        out.extend(
            tree.iter()
                .filter(|(_, (p, _))| *p == Some(parent))
                .map(|(c, _)| *c),
        );
        i += 1;
    }
    out
}

/// A handling type's ids and names from the top level down (empty for none).
fn path_of(tree: &HashMap<i64, (Option<i64>, String)>, id: i64) -> Vec<(String, String)> {
    let mut path = Vec::new();
    let mut at = Some(id);
    let mut seen = HashSet::new();
    while let Some(c) = at.filter(|c| seen.insert(*c)) {
        let Some((parent, name)) = tree.get(&c) else {
            break;
        };
        path.push((c.to_string(), name.clone()));
        at = *parent;
    }
    path.reverse();
    path
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handling_types_below_and_paths() {
        let tree: HashMap<i64, (Option<i64>, String)> = [
            (1, (None, "회원".to_owned())),
            (2, (Some(1), "가입".to_owned())),
            (3, (Some(2), "본인인증".to_owned())),
            (4, (None, "배송".to_owned())),
        ]
        .into();
        let mut b = below(&tree, 1);
        b.sort();
        assert_eq!(b, [1, 2, 3]);
        assert_eq!(below(&tree, 4), [4]);
        let names: Vec<String> = path_of(&tree, 3).into_iter().map(|(_, n)| n).collect();
        assert_eq!(names, ["회원", "가입", "본인인증"]);
        assert_eq!(path_of(&tree, 2)[0].0, "1");
        assert!(path_of(&tree, 0).is_empty());
    }
}
