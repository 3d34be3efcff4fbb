//! What a report is read with and what it adds up (issue 20): the validated filters
//! (`Filter`, as SQL) and the summed measures of the rollups (`Sums`, turned into the
//! report's figures). Read by `reading` and `query` alike, so neither imports the other.

use shared::report::{Csat, Durations, Figures};

use super::rules::{self, BUCKETS};
use crate::store::rollups::{METRICS, measure_columns};

/// Summed measures (the columns of `report_days`).
#[derive(Clone, Debug)]
pub(super) struct Sums(Vec<i64>);

impl Sums {
    pub(super) fn zero() -> Sums {
        Sums(vec![0; measure_columns().len()])
    }

    /// The sums, in the order of `measure_columns`.
    pub(super) fn values(&self) -> &[i64] {
        &self.0
    }

    pub(super) fn add(&mut self, other: &[i64]) {
        for (a, b) in self.0.iter_mut().zip(other) {
            *a += b;
        }
    }

    pub(super) fn get(&self, cols: &[String], name: &str) -> i64 {
        cols.iter().position(|c| c == name).map_or(0, |i| self.0[i])
    }

    pub(super) fn durations(&self, cols: &[String], metric: &str) -> Durations {
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

    pub(super) fn figures(&self, cols: &[String]) -> Figures {
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
