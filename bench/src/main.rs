//! `cargo run -p bench --release -- <command>`: the benchmarks of issue 9. Every command
//! prints its figures and writes them to `bench/results/<name>.json`; BENCHMARKS.md
//! summarises them. Nothing here asserts a time: these are measurements, not tests.
//!
//! - `chat`: N customers and M agents over WebSocket against the release server at a
//!   fixed message rate — delivery latency percentiles, messages stored per second,
//!   sockets held, server RSS per socket and CPU — and, in the same run, the same load
//!   against a bare relay process and a bare group-commit SQLite writer, as ratios.
//!   `--churn 0.003` cuts 0.3 % of the customer sockets per second (issue 31) and
//!   counts every acknowledged message's deliveries by `client_id`.
//! - `sqlite`: only the group-commit SQLite baseline.
//! - `history`: generates synthetic chats with Korean messages into a database, then
//!   measures filtered-search latency and a large export's time and peak memory.
//! - `logins`: peak server memory under a burst of parallel logins (issue 15), beside
//!   an older binary's when given.
//! - `routing`: customers arriving at a desk of capped agents who end each chat after a
//!   fixed handling time (issue 18) — start-to-assignment latency, the longest queue, and
//!   that every chat was assigned exactly once.
//! - `reports`: report latency at 1,000,000 chats (issue 20) and the rollups' start-up
//!   build and write cost per chat end.
//! - `uploads`: a 10 MB file in and out (issue 19) — upload and download time, the
//!   server's peak memory (streamed, not buffered), four at once, a 10 MB image, and the
//!   bare SQLite floor for the same chunks.

mod baseline;
mod history;
mod import;
mod load;
mod logins;
mod reports;
mod routing;
mod uploads;
mod util;

use std::path::PathBuf;
use std::time::Duration;

use clap::{Parser, Subcommand};
use serde_json::{Value, json};

#[derive(Parser)]
#[command(name = "bench", about = "Online Contact benchmarks (issue 9)")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Chat load against the server, the relay baseline and the SQLite baseline.
    Chat {
        #[arg(long, default_value_t = 1000)]
        customers: usize,
        #[arg(long, default_value_t = 10)]
        agents: usize,
        /// Messages per second over all customers.
        #[arg(long, default_value_t = 2000.0)]
        rate: f64,
        #[arg(long, default_value_t = 10)]
        seconds: u64,
        /// The release binary (default: $CARGO_TARGET_DIR/server-release/online-contact).
        #[arg(long)]
        server_bin: Option<PathBuf>,
        /// Skip the baselines (only the server).
        #[arg(long)]
        no_baselines: bool,
        /// A PostgreSQL database to run on (default: a temp SQLite file).
        #[arg(long)]
        database_url: Option<String>,
        /// Server instances on that database (2: customers on the first, agents on the
        /// second, so every delivery crosses instances through LISTEN/NOTIFY).
        #[arg(long, default_value_t = 1)]
        instances: usize,
        /// With 2 instances: customers alternate between them (as behind a round-robin
        /// balancer), so both instances store messages.
        #[arg(long)]
        split_customers: bool,
        /// A prefix for the results file (e.g. `before`), to keep runs of two binaries.
        #[arg(long)]
        label: Option<String>,
        /// Each customer also sends a `typing` frame every this many ms (issue 19).
        #[arg(long)]
        typing_every_ms: Option<u64>,
        /// The share of customer sockets cut and reconnected per second (issue 31;
        /// 0.003 = 0.3 %); the customers resend what was not acknowledged.
        #[arg(long, default_value_t = 0.0)]
        churn: f64,
    },
    /// Only the group-commit SQLite baseline.
    Sqlite {
        #[arg(long, default_value_t = 20000.0)]
        rate: f64,
        #[arg(long, default_value_t = 5)]
        seconds: u64,
    },
    /// The bare relay server (started by `chat`; not for direct use).
    Relay {
        #[arg(long)]
        port: u16,
        #[arg(long)]
        agents: usize,
    },
    /// Customers arriving at capped agents (issue 18): start-to-assignment latency.
    Routing {
        #[arg(long, default_value_t = 1000)]
        customers: usize,
        #[arg(long, default_value_t = 20)]
        agents: usize,
        /// Each agent's cap.
        #[arg(long, default_value_t = 5)]
        capacity: i64,
        /// Arrivals spread evenly over this many seconds.
        #[arg(long, default_value_t = 10)]
        seconds: u64,
        /// How long an agent holds each chat before ending it.
        #[arg(long, default_value_t = 500)]
        handle_ms: u64,
        #[arg(long)]
        server_bin: Option<PathBuf>,
        /// A prefix for the results file.
        #[arg(long)]
        label: Option<String>,
    },
    /// Report and report-export latency at 1,000,000 chats (issue 20).
    Reports {
        #[arg(long, default_value = "/var/tmp/oc-bench-history.db")]
        db: PathBuf,
        #[arg(long, default_value_t = 30)]
        runs: usize,
        #[arg(long)]
        server_bin: Option<PathBuf>,
        /// Written as `LABEL-reports.json` (e.g. `before` for an older binary).
        #[arg(long)]
        label: Option<String>,
    },
    Uploads {
        #[arg(long)]
        server_bin: Option<PathBuf>,
        #[arg(long)]
        label: Option<String>,
    },
    /// The Excel import of 1,000 agents and a 500-node tree (issue 21).
    Import {
        #[arg(long)]
        server_bin: Option<PathBuf>,
    },
    Logins {
        #[arg(long, default_value_t = 100)]
        parallel: usize,
        #[arg(long)]
        server_bin: Option<PathBuf>,
        /// An older server binary measured in the same run (the baseline).
        #[arg(long)]
        baseline_bin: Option<PathBuf>,
    },
    /// History at scale: generate, then search and export.
    History {
        /// Chats to generate (skipped when the database already has them).
        #[arg(long, default_value_t = 1_000_000)]
        chats: usize,
        /// The database file (kept between runs: generation takes minutes).
        #[arg(long, default_value = "/var/tmp/oc-bench-history.db")]
        db: PathBuf,
        /// Searches per query shape.
        #[arg(long, default_value_t = 40)]
        runs: usize,
        /// Rows of the export measurement.
        #[arg(long, default_value_t = 100_000)]
        export_rows: usize,
        #[arg(long)]
        server_bin: Option<PathBuf>,
        /// A prefix for the results file (e.g. `before`).
        #[arg(long)]
        label: Option<String>,
    },
}

fn main() {
    let cli = Cli::parse();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    match cli.command {
        Command::Relay { port, agents } => rt.block_on(baseline::relay(port, agents)),
        Command::Sqlite { rate, seconds } => {
            let v = rt.block_on(baseline::sqlite(rate, seconds));
            util::write_result("sqlite-baseline", v);
        }
        Command::Chat {
            customers,
            agents,
            rate,
            seconds,
            server_bin,
            no_baselines,
            database_url,
            instances,
            split_customers,
            label,
            typing_every_ms,
            churn,
        } => {
            let split = if split_customers { "-split" } else { "" };
            let name = match (&database_url, instances) {
                (None, _) => format!("chat-{customers}x{agents}-{}", rate as u64),
                (Some(_), n) => {
                    format!(
                        "chat-pg-{n}inst{split}-{customers}x{agents}-{}",
                        rate as u64
                    )
                }
            };
            let v = rt.block_on(chat(
                customers,
                agents,
                rate,
                seconds,
                util::server_bin(server_bin),
                no_baselines,
                (database_url, instances, split_customers),
                typing_every_ms.map(Duration::from_millis),
                churn,
            ));
            let name = if churn > 0.0 {
                format!("{name}-churn{}", (churn * 10_000.0).round() as u64)
            } else {
                name
            };
            let name = match label {
                Some(l) => format!("{l}-{name}"),
                None => name,
            };
            util::write_result(&name, v);
        }
        Command::Routing {
            customers,
            agents,
            capacity,
            seconds,
            handle_ms,
            server_bin,
            label,
        } => {
            let plan = routing::Plan {
                customers,
                agents,
                capacity,
                seconds,
                handle_ms,
            };
            let v = rt.block_on(routing::run(plan, &util::server_bin(server_bin)));
            let name = format!("routing-{customers}x{agents}x{capacity}-{handle_ms}ms");
            util::write_result(&label.map_or(name.clone(), |l| format!("{l}-{name}")), v);
        }
        Command::Reports {
            db,
            runs,
            server_bin,
            label,
        } => {
            let v = rt.block_on(reports::run(&db, runs, &util::server_bin(server_bin)));
            let name = label.map_or_else(|| "reports".to_owned(), |l| format!("{l}-reports"));
            util::write_result(&name, v);
        }
        Command::Import { server_bin } => {
            let v = rt.block_on(import::run(&util::server_bin(server_bin)));
            util::write_result("import", v);
        }
        Command::Uploads { server_bin, label } => {
            let v = rt.block_on(uploads::run(&util::server_bin(server_bin)));
            let name = label.map_or_else(|| "uploads".to_owned(), |l| format!("{l}-uploads"));
            util::write_result(&name, v);
        }
        Command::Logins {
            parallel,
            server_bin,
            baseline_bin,
        } => {
            let v = rt.block_on(logins::run(
                &util::server_bin(server_bin),
                baseline_bin.as_deref(),
                parallel,
            ));
            util::write_result("logins", v);
        }
        Command::History {
            chats,
            db,
            runs,
            export_rows,
            server_bin,
            label,
        } => {
            let v = rt.block_on(history::run(
                chats,
                &db,
                runs,
                export_rows,
                &util::server_bin(server_bin),
            ));
            let name = label.map_or_else(|| "history".to_owned(), |l| format!("{l}-history"));
            util::write_result(&name, v);
        }
    }
}

/// `POST`s JSON without a token; the answer as JSON.
async fn post_json(http: &reqwest::Client, url: String, body: Value) -> Value {
    http.post(url)
        .json(&body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// Logs in over the API; the bearer token.
async fn login(http: &reqwest::Client, base: &str, email: &str, password: &str) -> String {
    let body = json!({"email": email, "password": password});
    let v = post_json(http, format!("{base}/api/v1/auth/login"), body).await;
    v["token"]
        .as_str()
        .unwrap_or_else(|| panic!("login of {email}: {v}"))
        .to_owned()
}

/// Creates agent `email` as the admin (on `base`), signs them in on `agent_base` and
/// sets them online; answers their token.
async fn online_bench_agent(
    http: &reqwest::Client,
    (base, agent_base): (&str, &str),
    admin: &str,
    (email, name): (&str, &str),
) -> String {
    http.post(format!("{base}/api/v1/agents"))
        .bearer_auth(admin)
        .json(&json!({"name": name, "email": email, "password": "bench-password", "role": "agent"}))
        .send()
        .await
        .unwrap();
    let token = login(http, agent_base, email, "bench-password").await;
    http.put(format!("{agent_base}/api/v1/agent/status"))
        .bearer_auth(&token)
        .json(&json!({"status": "online"}))
        .send()
        .await
        .unwrap();
    token
}

/// Starts a chat as a visitor; answers (chat id, customer token).
async fn start_bench_chat(http: &reqwest::Client, base: &str, visitor: &str) -> (String, String) {
    let body = json!({"consent": true, "visitor_id": visitor});
    let v = post_json(http, format!("{base}/api/v1/services/demo/chats"), body).await;
    let id = v["chat_id"].as_str().unwrap_or_else(|| panic!("{v}"));
    (
        id.to_owned(),
        v["customer_token"].as_str().unwrap_or_default().to_owned(),
    )
}

/// `GET` with a bearer token, answered as JSON.
async fn get_json(http: &reqwest::Client, url: &str, token: &str) -> Value {
    http.get(url)
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// Server figures around one load run: RSS before and after connecting, CPU over the
/// send phase.
#[derive(Default)]
struct ProcessWatch {
    rss_before: u64,
    rss_connected: u64,
    cpu_at_send: f64,
}

fn process_figures(pid: u32, w: &ProcessWatch, o: &load::Outcome) -> Value {
    let cpu = util::cpu_seconds(pid) - w.cpu_at_send;
    let per_socket = w.rss_connected.saturating_sub(w.rss_before) / o.sockets.max(1) as u64;
    json!({
        "sockets_held": o.sockets,
        "anon_rss_before_sockets_mb": w.rss_before / 1_048_576,
        "anon_rss_with_sockets_mb": w.rss_connected / 1_048_576,
        "anon_rss_per_socket_bytes": per_socket,
        "cpu_percent_of_one_core": (cpu / o.send_secs * 1000.0).round() / 10.0,
    })
}

fn load_figures(o: &load::Outcome) -> Value {
    json!({
        "sent": o.sent,
        "acknowledged": o.acked,
        "delivered": o.delivered,
        "send_seconds": (o.send_secs * 100.0).round() / 100.0,
        "sent_per_sec": (o.sent as f64 / o.send_secs).round(),
        "acknowledged_per_sec": (o.acked as f64 / o.send_secs).round(),
        "delivered_per_sec": (o.delivered as f64 / o.send_secs).round(),
        "delivered_per_sec_sustained": (o.delivered as f64 / o.delivered_secs.max(o.send_secs)).round(),
        "delivery_latency": util::latency_summary(o.latencies_us.clone()),
        "typing_frames_sent": o.typing_sent,
        "typing_frames_delivered": o.typing_delivered,
        "sockets_cut_and_reconnected": o.cuts,
        "messages_sent_again_after_a_cut": o.resent,
        "exactly_once": {
            "acknowledged_client_ids": o.acked_ids,
            "delivered_client_ids": o.delivered_ids,
            "delivered_more_than_once": o.duplicated_ids,
            "acknowledged_never_delivered": o.lost_ids,
        },
    })
}

async fn chat(
    customers: usize,
    agents: usize,
    rate: f64,
    seconds: u64,
    bin: PathBuf,
    no_baselines: bool,
    (database_url, instances, split_customers): (Option<String>, usize, bool),
    typing_every: Option<Duration>,
    churn_per_sec: f64,
) -> Value {
    let nofile = util::raise_nofile();
    eprintln!("open-file limit {nofile}; starting {}", bin.display());
    let server = match &database_url {
        Some(url) => util::Spawned::start_url(&bin, url),
        None => util::Spawned::start(&bin, None),
    };
    let base = server.base.clone();
    // a second instance on the same PostgreSQL database serves the agents
    let second = match (&database_url, instances) {
        (Some(url), n) if n > 1 => Some(util::Spawned::start_url(&bin, url)),
        _ => None,
    };
    let agent_base = second.as_ref().map_or(base.clone(), |s| s.base.clone());
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(64)
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap();
    let admin = login(&http, &base, "admin@demo.test", "demo-password").await;
    // every chat gets an agent: this measures messages, not the queue
    util::uncap_agents(&server.url).await;
    let mut agent_tokens = Vec::new();
    for j in 0..agents {
        let (email, name) = (format!("bench{j}@bench.test"), format!("벤치 상담원 {j}"));
        let token = online_bench_agent(&http, (&base, &agent_base), &admin, (&email, &name)).await;
        agent_tokens.push(token);
    }
    eprintln!("starting {customers} chats");
    let started = std::time::Instant::now();
    let mut chats: Vec<(String, String)> = Vec::with_capacity(customers);
    for chunk in (0..customers).collect::<Vec<_>>().chunks(32) {
        let mut joins = Vec::new();
        for &i in chunk {
            let (http, base) = (http.clone(), base.clone());
            joins.push(tokio::spawn(async move {
                start_bench_chat(&http, &base, &format!("bench-{i}")).await
            }));
        }
        for j in joins {
            chats.push(j.await.unwrap());
        }
    }
    let chat_starts_per_sec = customers as f64 / started.elapsed().as_secs_f64();
    let ws_base = base.replace("http://", "ws://");
    let ws_second = agent_base.replace("http://", "ws://");
    let plan = load::Plan {
        customers: chats
            .iter()
            .enumerate()
            .map(|(i, (id, token))| {
                let host = if split_customers && i % 2 == 1 {
                    &ws_second
                } else {
                    &ws_base
                };
                (format!("{host}/api/v1/ws?token={token}"), Some(id.clone()))
            })
            .collect(),
        agents: agent_tokens
            .iter()
            .map(|t| {
                format!(
                    "{}/api/v1/ws?token={t}",
                    agent_base.replace("http://", "ws://")
                )
            })
            .collect(),
        rate,
        seconds,
        json: true,
        typing_every,
        churn_per_sec,
    };
    let pid = server.pid;
    let mut watch = ProcessWatch {
        rss_before: util::anon_bytes(pid),
        ..Default::default()
    };
    eprintln!(
        "connecting {} sockets, then {rate} msgs/s for {seconds} s",
        customers + agents
    );
    // with OC_METRICS_TOKEN set (the server inherits it), a Prometheus stand-in
    // scrapes `/metrics` every second during the load (issue 21's cost of metrics)
    let scraper = std::env::var("OC_METRICS_TOKEN").ok().map(|token| {
        let (http, url) = (http.clone(), format!("{base}/metrics"));
        tokio::spawn(async move {
            let mut scrapes = (0u64, 0u64);
            loop {
                tokio::time::sleep(Duration::from_secs(1)).await;
                match http.get(&url).bearer_auth(&token).send().await {
                    Ok(r) if r.status().is_success() => {
                        let _ = r.bytes().await;
                        scrapes.0 += 1;
                    }
                    _ => scrapes.1 += 1,
                }
                eprintln!("metrics scrapes: {} ok, {} failed", scrapes.0, scrapes.1);
            }
        })
    });
    let cell = std::sync::Mutex::new((0u64, 0f64));
    let ours = load::run(plan, |_| {
        *cell.lock().unwrap() = (util::anon_bytes(pid), util::cpu_seconds(pid));
    })
    .await;
    if let Some(task) = scraper {
        task.abort();
    }
    (watch.rss_connected, watch.cpu_at_send) = *cell.lock().unwrap();
    let mut result = json!({
        "load": {"customers": customers, "agents": agents, "rate": rate, "seconds": seconds,
                 "database": if database_url.is_some() { "postgresql" } else { "sqlite" },
                 "instances": if second.is_some() { 2 } else { 1 },
                 "customers_split_over_instances": split_customers && second.is_some()},
        "chat_starts_per_sec": chat_starts_per_sec.round(),
        "metrics_scraped_every_second": std::env::var("OC_METRICS_TOKEN").is_ok(),
        "online_contact": load_figures(&ours),
        "online_contact_process": process_figures(pid, &watch, &ours),
    });
    drop(server);
    drop(second);
    if no_baselines {
        return result;
    }

    // the same load against the bare relay process
    let port = util::free_port();
    let mut relay = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "relay",
            "--port",
            &port.to_string(),
            "--agents",
            &agents.to_string(),
        ])
        .spawn()
        .expect("start the relay");
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let relay_pid = relay.id();
    let plan = load::Plan {
        customers: (0..customers)
            .map(|i| (format!("ws://127.0.0.1:{port}/c/{i}"), None))
            .collect(),
        agents: (0..agents)
            .map(|j| format!("ws://127.0.0.1:{port}/a/{j}"))
            .collect(),
        rate,
        seconds,
        json: false,
        typing_every: None,
        churn_per_sec: 0.0,
    };
    let mut rwatch = ProcessWatch {
        rss_before: util::anon_bytes(relay_pid),
        ..Default::default()
    };
    let cell = std::sync::Mutex::new((0u64, 0f64));
    let bare = load::run(plan, |_| {
        *cell.lock().unwrap() = (util::anon_bytes(relay_pid), util::cpu_seconds(relay_pid));
    })
    .await;
    (rwatch.rss_connected, rwatch.cpu_at_send) = *cell.lock().unwrap();
    result["relay_baseline"] = load_figures(&bare);
    result["relay_baseline_process"] = process_figures(relay_pid, &rwatch, &bare);
    let _ = relay.kill();
    let _ = relay.wait();

    let sqlite = baseline::sqlite(rate, seconds.min(10)).await;
    let ratio = |a: f64, b: f64| {
        if b > 0.0 {
            (a / b * 1000.0).round() / 1000.0
        } else {
            0.0
        }
    };
    let our_stored = ours.acked as f64 / ours.send_secs;
    let our_p99 = result["online_contact"]["delivery_latency"]["p99_ms"]
        .as_f64()
        .unwrap_or(0.0);
    let bare_p99 = result["relay_baseline"]["delivery_latency"]["p99_ms"]
        .as_f64()
        .unwrap_or(0.0);
    result["ratios"] = json!({
        "delivered_per_sec_vs_relay": ratio(ours.delivered as f64 / ours.send_secs, bare.delivered as f64 / bare.send_secs),
        "p99_latency_vs_relay": ratio(our_p99, bare_p99),
        "stored_per_sec_vs_sqlite_group_commit_max": ratio(our_stored, sqlite["group_commit_max_rows_per_sec"].as_f64().unwrap_or(0.0)),
        "target_20000_per_sec_vs_sqlite_group_commit_max": ratio(20000.0, sqlite["group_commit_max_rows_per_sec"].as_f64().unwrap_or(0.0)),
    });
    result["sqlite_baseline"] = sqlite;
    result
}
