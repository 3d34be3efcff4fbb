//! `bench logins` (issue 15): peak server memory and outcomes under a burst of parallel
//! logins, for the current binary and (with `--baseline-bin`) an older one in the same
//! run. Two shapes: every login from one address (the throttle answers most), and every
//! login from its own forwarded address (`--trust-proxy`, so no throttle stops them and
//! only the bound on concurrent password hashing protects the server's memory).

use std::path::Path;
use std::time::Instant;

use serde_json::{Value, json};

use crate::util::{self, Spawned};

/// One burst against one fresh server.
async fn burst(bin: &Path, parallel: usize, spread: bool) -> Value {
    let server = Spawned::start_with(bin, if spread { &["--trust-proxy"] } else { &[] });
    let http = reqwest::Client::new();
    // the demo accounts are seeded before the server answers; let it settle
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let before = util::peak_rss(server.pid);
    let started = Instant::now();
    let tasks: Vec<_> = (0..parallel)
        .map(|i| {
            let http = http.clone();
            let url = format!("{}/api/v1/auth/login", server.base);
            tokio::spawn(async move {
                let mut req = http
                    .post(url)
                    .json(&json!({"email": format!("nobody{i}@bench.test"), "password": "wrong-password"}));
                if spread {
                    req = req.header("x-forwarded-for", format!("10.1.{}.{}", i / 250, i % 250));
                }
                req.send().await.map(|r| r.status().as_u16()).unwrap_or(0)
            })
        })
        .collect();
    let mut statuses = std::collections::BTreeMap::<u16, usize>::new();
    for t in tasks {
        *statuses.entry(t.await.unwrap()).or_default() += 1;
    }
    let secs = started.elapsed().as_secs_f64();
    let peak = util::peak_rss(server.pid);
    json!({
        "shape": if spread { "one address per login (--trust-proxy)" } else { "all from one address" },
        "parallel": parallel,
        "statuses": statuses.iter().map(|(k, v)| (k.to_string(), json!(v))).collect::<serde_json::Map<_, _>>(),
        "seconds": (secs * 100.0).round() / 100.0,
        "peak_rss_mb_before": before / 1_048_576,
        "peak_rss_mb": peak / 1_048_576,
    })
}

pub async fn run(bin: &Path, baseline: Option<&Path>, parallel: usize) -> Value {
    let mut out = serde_json::Map::new();
    for (name, bin) in [("current", Some(bin)), ("baseline", baseline)] {
        let Some(bin) = bin else { continue };
        let runs = vec![
            burst(bin, parallel, false).await,
            burst(bin, parallel, true).await,
        ];
        println!(
            "{name} ({}): {}",
            bin.display(),
            serde_json::to_string_pretty(&runs).unwrap()
        );
        out.insert(
            name.into(),
            json!({"binary": bin.display().to_string(), "runs": runs}),
        );
    }
    Value::Object(out)
}
