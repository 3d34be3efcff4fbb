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

/// A stretch of a period, and the rollup it is read from.
#[derive(Clone, Debug, PartialEq)]
enum Stretch {
    /// Days `from..=to` (`report_days`).
    Days(NaiveDate, NaiveDate),
    /// Whole calendar months `YYYY-MM..=YYYY-MM` (`report_months`).
    Months(String, String),
}

impl Stretch {
    fn table(&self) -> &'static str {
        match self {
            Stretch::Days(..) => "report_days",
            Stretch::Months(..) => "report_months",
        }
    }

    /// ` AND …` of the stretch.
    fn sql(&self, b: &mut db::Builder) {
        let (col, first, last) = match self {
            Stretch::Days(f, t) => ("day", f.to_string(), t.to_string()),
            Stretch::Months(f, t) => ("month", f.clone(), t.clone()),
        };
        b.push(&format!(" AND {col} >= "))
            .push_bind(first)
            .push(&format!(" AND {col} <= "))
            .push_bind(last);
    }
}

/// A period as its whole calendar months and the days before and after them, so a long
/// period reads a row per month and key instead of one per day and key.
fn stretches(from: NaiveDate, to: NaiveDate) -> Vec<Stretch> {
    let month_start = |d: NaiveDate| d.with_day(1).unwrap_or(d);
    let next_month = |d: NaiveDate| {
        let first = month_start(d);
        first
            .checked_add_months(chrono::Months::new(1))
            .unwrap_or(first)
    };
    let first_whole = if from.day() == 1 {
        from
    } else {
        next_month(from)
    };
    // the last day of the last whole month
    let last_whole = if (to + chrono::Duration::days(1)).day() == 1 {
        to
    } else {
        month_start(to) - chrono::Duration::days(1)
    };
    if first_whole > last_whole {
        return vec![Stretch::Days(from, to)];
    }
    let mut out = vec![Stretch::Months(
        first_whole.format("%Y-%m").to_string(),
        last_whole.format("%Y-%m").to_string(),
    )];
    if from < first_whole {
        out.push(Stretch::Days(from, first_whole - chrono::Duration::days(1)));
    }
    if last_whole < to {
        out.push(Stretch::Days(last_whole + chrono::Duration::days(1), to));
    }
    out
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
        let cols = measure_columns();
        // (PostgreSQL sums BIGINTs as NUMERIC: cast back)
        let sums: Vec<String> = cols
            .iter()
            .map(|c| format!("CAST(SUM({c}) AS BIGINT)"))
            .collect();
        // three grouped sums over the period's rollup rows (each answers a few rows; one
        // pass grouped by day × agent × type answered every rollup row through the
        // driver and was slower: BENCHMARKS.md, *Reports*)
        // narrowed to handling types only, the day rows and facts are read through
        // their category index (see `Backend::index_hint`)
        let backend = self.db.backend();
        let by_types = f.agent.is_none() && f.categories.is_some();
        let hint = |index: &str| {
            if by_types {
                backend.index_hint(index)
            } else {
                String::new()
            }
        };
        let grouped = |by: &str, table: &str, stretch: &Stretch| {
            let index = if table == "report_days" {
                hint("report_days_by_category")
            } else {
                String::new()
            };
            let mut b = db::Builder::new(format!(
                "SELECT {by} AS k, {} FROM {table}{index} WHERE service_id = ",
                sums.join(", ")
            ));
            b.push_bind(service);
            stretch.sql(&mut b);
            f.sql(&mut b);
            b.push(&format!(" GROUP BY {by}"));
            b.build()
        };
        let values = |r: &db::Row| {
            (0..cols.len())
                .map(|i| {
                    r.try_get::<Option<i64>, _>(i + 1)
                        .map(Option::unwrap_or_default)
                })
                .collect::<std::result::Result<Vec<i64>, _>>()
        };
        // the days: without an agent or handling type, from the per-day totals (a row
        // per day and channel); narrowed, from the finest rollup through its index
        let whole = Stretch::Days(from, to);
        let day_table = if f.agent.is_none() && f.categories.is_none() {
            "report_day_totals"
        } else {
            "report_days"
        };
        let mut by_day: BTreeMap<String, Sums> = BTreeMap::new();
        for r in grouped("day", day_table, &whole)
            .fetch_all(self.db.ex())
            .await?
        {
            by_day
                .entry(r.try_get("k")?)
                .or_insert_with(Sums::zero)
                .add(&values(&r)?);
        }
        // per agent and per type: the whole months, then the edge days
        let mut by_agent: BTreeMap<i64, Sums> = BTreeMap::new();
        let mut by_category: BTreeMap<i64, Sums> = BTreeMap::new();
        for stretch in stretches(from, to) {
            for r in grouped("agent_id", stretch.table(), &stretch)
                .fetch_all(self.db.ex())
                .await?
            {
                by_agent
                    .entry(r.try_get("k")?)
                    .or_insert_with(Sums::zero)
                    .add(&values(&r)?);
            }
            for r in grouped("category_id", stretch.table(), &stretch)
                .fetch_all(self.db.ex())
                .await?
            {
                by_category
                    .entry(r.try_get("k")?)
                    .or_insert_with(Sums::zero)
                    .add(&values(&r)?);
            }
        }
        // the heatmap: starts per weekday and hour; unfiltered from the day × hour
        // counts, narrowed from the month × weekday × hour rollup with the keys for the
        // whole months and from the facts for the edge days
        let mut heat = vec![vec![0i64; 24]; 7];
        let filtered = f.agent.is_some() || f.categories.is_some() || f.channel.is_some();
        let mut add_heat = |weekday: usize, hour: i64, n: i64| {
            if let (Some(row), Some(h)) = (
                heat.get_mut(weekday),
                usize::try_from(hour).ok().filter(|h| *h < 24),
            ) {
                row[h] += n;
            }
        };
        let day_counts = |sql: &str, stretch: &Stretch, keys: bool| {
            let mut b = db::Builder::new(sql.to_owned());
            b.push_bind(service);
            stretch.sql(&mut b);
            if keys {
                f.sql(&mut b);
            }
            b.push(" GROUP BY day, hour");
            b.build()
        };
        let weekday_of = |day: &str| {
            NaiveDate::parse_from_str(day, "%Y-%m-%d")
                .ok()
                .map(|d| d.weekday().num_days_from_monday() as usize)
        };
        if !filtered {
            let sql = "SELECT day, hour, CAST(SUM(chats) AS BIGINT) AS n FROM report_hours WHERE service_id = ";
            for r in day_counts(sql, &whole, false)
                .fetch_all(self.db.ex())
                .await?
            {
                if let Some(w) = weekday_of(&r.try_get::<String, _>("day")?) {
                    add_heat(
                        w,
                        r.try_get("hour")?,
                        r.try_get::<Option<i64>, _>("n")?.unwrap_or(0),
                    );
                }
            }
        } else {
            for stretch in stretches(from, to) {
                match &stretch {
                    Stretch::Months(..) => {
                        let index = if f.agent.is_some() {
                            ""
                        } else if f.categories.is_some() {
                            "report_week_hours_by_category"
                        } else {
                            "report_week_hours_by_channel"
                        };
                        let hint = if index.is_empty() {
                            String::new()
                        } else {
                            backend.index_hint(index)
                        };
                        let mut b = db::Builder::new(format!(
                            "SELECT weekday, hour, CAST(SUM(chats) AS BIGINT) AS n FROM report_week_hours{hint} WHERE service_id = "
                        ));
                        b.push_bind(service);
                        stretch.sql(&mut b);
                        f.sql(&mut b);
                        b.push(" GROUP BY weekday, hour");
                        for r in b.build().fetch_all(self.db.ex()).await? {
                            let w: i64 = r.try_get("weekday")?;
                            add_heat(
                                usize::try_from(w).unwrap_or(7),
                                r.try_get("hour")?,
                                r.try_get::<Option<i64>, _>("n")?.unwrap_or(0),
                            );
                        }
                    }
                    Stretch::Days(..) => {
                        let sql = format!(
                            "SELECT day, hour, COUNT(*) AS n FROM report_facts{} WHERE service_id = ",
                            hint("report_facts_by_category")
                        );
                        for r in day_counts(&sql, &stretch, true)
                            .fetch_all(self.db.ex())
                            .await?
                        {
                            if let Some(w) = weekday_of(&r.try_get::<String, _>("day")?) {
                                add_heat(w, r.try_get("hour")?, r.try_get("n")?);
                            }
                        }
                    }
                }
            }
        }

        // the period's chats that are still open, summed live by the same rules
        let start = local_midnight(from, zone);
        let end = local_midnight(to + chrono::Duration::days(1), zone);
        let mut b = db::Builder::new(format!(
            "SELECT {} FROM chats c JOIN services s ON s.id = c.service_id
             WHERE c.service_id = ",
            rollup::TIMELINE_COLUMNS
        ));
        b.push_bind(service)
            .push(" AND c.status != 'ended' AND c.created_at >= ")
            .push_bind(start)
            .push(" AND c.created_at < ")
            .push_bind(end);
        for r in b.build().fetch_all(self.db.ex()).await? {
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
            by_day
                .entry(place.day.clone())
                .or_insert_with(Sums::zero)
                .add(&v);
            by_agent
                .entry(place.agent)
                .or_insert_with(Sums::zero)
                .add(&v);
            by_category
                .entry(place.category)
                .or_insert_with(Sums::zero)
                .add(&v);
            if let Ok(d) = NaiveDate::parse_from_str(&place.day, "%Y-%m-%d") {
                heat[d.weekday().num_days_from_monday() as usize]
                    [place.hour.clamp(0, 23) as usize] += 1;
            }
        }

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

/// Midnight of `day` in `zone`, as an instant (the earliest, around a DST change).
fn local_midnight(day: NaiveDate, zone: chrono_tz::Tz) -> DateTime<Utc> {
    use chrono::TimeZone;
    let midnight = day.and_hms_opt(0, 0, 0).unwrap_or_default();
    zone.from_local_datetime(&midnight)
        .earliest()
        .map_or_else(|| midnight.and_utc(), |t| t.with_timezone(&Utc))
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

    #[test]
    fn a_period_is_its_whole_months_and_the_days_around_them() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let days = |a: &str, b: &str| Stretch::Days(d(a), d(b));
        let months = |a: &str, b: &str| Stretch::Months(a.into(), b.into());
        assert_eq!(
            stretches(d("2026-11-24"), d("2026-11-30")),
            [days("2026-11-24", "2026-11-30")],
            "no whole month"
        );
        assert_eq!(
            stretches(d("2026-11-01"), d("2026-11-30")),
            [months("2026-11", "2026-11")]
        );
        assert_eq!(
            stretches(d("2025-12-02"), d("2026-11-30")),
            [
                months("2026-01", "2026-11"),
                days("2025-12-02", "2025-12-31")
            ]
        );
        assert_eq!(
            stretches(d("2024-12-15"), d("2026-12-14")),
            [
                months("2025-01", "2026-11"),
                days("2024-12-15", "2024-12-31"),
                days("2026-12-01", "2026-12-14")
            ]
        );
        assert_eq!(
            stretches(d("2026-02-01"), d("2026-02-28")),
            [months("2026-02", "2026-02")],
            "February ends on the 28th"
        );
        assert_eq!(
            stretches(d("2026-01-31"), d("2026-03-01")),
            [
                months("2026-02", "2026-02"),
                days("2026-01-31", "2026-01-31"),
                days("2026-03-01", "2026-03-01")
            ]
        );
        assert_eq!(
            stretches(d("2026-01-15"), d("2026-02-14")),
            [days("2026-01-15", "2026-02-14")]
        );
    }

    #[test]
    fn midnights_are_the_zones() {
        let d = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        assert_eq!(
            local_midnight(d, chrono_tz::Asia::Seoul).to_rfc3339(),
            "2026-11-30T15:00:00+00:00"
        );
    }
}
