//! Shared helpers: percentiles, `/proc` readings (RSS, peak RSS, CPU), the file-descriptor
//! limit, spawning the `online-contact` binary on a temp database, and results files.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// p50/p95/p99/max of microsecond samples, in milliseconds.
pub fn latency_summary(mut samples: Vec<u64>) -> Value {
    if samples.is_empty() {
        return json!({"count": 0});
    }
    samples.sort_unstable();
    let pick = |q: f64| {
        let i = ((samples.len() as f64 - 1.0) * q).round() as usize;
        samples[i] as f64 / 1000.0
    };
    json!({
        "count": samples.len(),
        "p50_ms": pick(0.50),
        "p95_ms": pick(0.95),
        "p99_ms": pick(0.99),
        "max_ms": *samples.last().unwrap() as f64 / 1000.0,
    })
}

fn status_kb(pid: u32, key: &str) -> Option<u64> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    text.lines()
        .find(|l| l.starts_with(key))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

/// Peak resident memory of a process so far (`VmHWM`), bytes.
pub fn peak_rss(pid: u32) -> u64 {
    status_kb(pid, "VmHWM:").unwrap_or(0) * 1024
}

/// Anonymous resident memory (heap and stacks, not file-backed pages such as SQLite's
/// memory-mapped database), bytes.
pub fn anon_bytes(pid: u32) -> u64 {
    status_kb(pid, "RssAnon:").unwrap_or(0) * 1024
}

/// CPU seconds (user + system) a process used so far.
pub fn cpu_seconds(pid: u32) -> f64 {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return 0.0;
    };
    // fields after the command name (which may contain spaces) in parentheses
    let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    // utime is field 14, stime 15 (1-based); `rest` starts at field 3
    let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) } as f64;
    (ticks(11) + ticks(12)) / hz
}

/// Raises this process's open-file limit to its hard maximum (children inherit it).
pub fn raise_nofile() -> u64 {
    unsafe {
        let mut lim = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim);
        // root may raise the hard limit too
        let want = 1_048_576u64.max(lim.rlim_max);
        let raised = libc::rlimit {
            rlim_cur: want,
            rlim_max: want,
        };
        if libc::setrlimit(libc::RLIMIT_NOFILE, &raised) != 0 {
            lim.rlim_cur = lim.rlim_max;
            libc::setrlimit(libc::RLIMIT_NOFILE, &lim);
        }
        libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim);
        lim.rlim_cur
    }
}

/// A free TCP port on 127.0.0.1.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The release server binary: `--server-bin`, `OC_BIN`, or the cargo-leptos release
/// output in the target directory.
pub fn server_bin(explicit: Option<PathBuf>) -> PathBuf {
    if let Some(p) = explicit.or_else(|| std::env::var_os("OC_BIN").map(PathBuf::from)) {
        return p;
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("target"));
    target.join("server-release/online-contact")
}

/// A server process on its own database, killed on drop.
pub struct Spawned {
    pub base: String,
    pub pid: u32,
    /// The database the server runs on (for setup the API does not offer).
    pub url: String,
    child: Child,
    _dir: Option<tempfile::TempDir>,
}

impl Spawned {
    /// Starts `bin serve --demo` on the database at `url` (PostgreSQL, several
    /// instances may share it; the masking key comes from `OC_MASK_KEY`, set to a
    /// bench key when missing).
    pub fn start_url(bin: &Path, url: &str) -> Spawned {
        Spawned::spawn(bin, url.to_owned(), None)
    }

    /// Starts `bin serve --demo` on `db` (a temp database when `None`).
    pub fn start(bin: &Path, db: Option<&Path>) -> Spawned {
        assert!(
            bin.exists(),
            "server binary {} missing: run `cargo leptos build --release` (or pass --server-bin)",
            bin.display()
        );
        let dir = tempfile::tempdir().unwrap();
        let db_path = db
            .map(Path::to_path_buf)
            .unwrap_or_else(|| dir.path().join("bench.db"));
        Spawned::spawn(bin, format!("sqlite://{}", db_path.display()), Some(dir))
    }

    fn spawn(bin: &Path, url: String, dir: Option<tempfile::TempDir>) -> Spawned {
        // load from one address: the anonymous-visitor limits (issue 15) are off
        let limits_off = [
            "--limit-chat-starts-per-address=off",
            "--limit-chat-starts-per-visitor=off",
            "--limit-inquiries-per-address=off",
            "--limit-customer-messages=off",
            "--limit-open-chats-per-visitor=0",
            "--limit-sockets-per-customer=0",
        ];
        Spawned::spawn_with(bin, url, dir, &limits_off)
    }

    /// Starts `bin serve --demo` on a temp SQLite database with exactly these extra
    /// flags (an older binary may not know the limit flags).
    pub fn start_with(bin: &Path, extra: &[&str]) -> Spawned {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("bench.db").display());
        Spawned::spawn_with(bin, url, Some(dir), extra)
    }

    fn spawn_with(
        bin: &Path,
        url: String,
        dir: Option<tempfile::TempDir>,
        extra: &[&str],
    ) -> Spawned {
        let port = free_port();
        let key = std::env::var("OC_MASK_KEY").unwrap_or_else(|_| "b".repeat(64));
        let url_of_db = url.clone();
        let child = Command::new(bin)
            .args(["serve", "--demo", "--addr", &format!("127.0.0.1:{port}")])
            .arg("--database-url")
            .arg(url)
            .env("OC_MASK_KEY", key)
            .args(extra)
            .arg("--site-root")
            .arg(std::env::var("LEPTOS_SITE_ROOT").unwrap_or_else(|_| "target/site".into()))
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start the server");
        let base = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(60);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "server did not come up");
            std::thread::sleep(Duration::from_millis(100));
        }
        Spawned {
            base,
            pid: child.id(),
            url: url_of_db,
            child,
            _dir: dir,
        }
    }
}

impl Drop for Spawned {
    fn drop(&mut self) {
        unsafe {
            libc::kill(self.child.id() as i32, libc::SIGTERM);
        }
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
    }
}

/// Lifts the demo service's per-agent cap (issue 18) past the API's 1–50 for the chat
/// load benchmark, whose 1,000–5,000 chats over 10–20 agents measure messages, not
/// routing: written to the database directly (the engine reads the cap at every
/// assignment), a no-op for an older binary without the column.
pub async fn uncap_agents(url: &str) {
    let sql = "UPDATE services SET agent_capacity = 1000000";
    if url.starts_with("sqlite:") {
        if let Ok(pool) = sqlx::SqlitePool::connect(url).await {
            let _ = sqlx::query(sql).execute(&pool).await;
            pool.close().await;
        }
    } else if let Ok(pool) = sqlx::PgPool::connect(url).await {
        let _ = sqlx::query(sql).execute(&pool).await;
        pool.close().await;
    }
}

/// Where results go (`bench/results/`, next to this crate).
pub fn results_dir() -> PathBuf {
    // the checkout it runs in: cargo's run-time variable, else `bench/` under the
    // current directory (a copied binary run from a checkout), else where it was built
    let dir = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .or_else(|| Some(PathBuf::from("bench")).filter(|d| d.join("results").is_dir()))
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")))
        .join("results");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Writes `bench/results/{name}.json` with the machine and date added; prints it.
pub fn write_result(name: &str, mut value: Value) {
    if let Value::Object(m) = &mut value {
        m.insert(
            "measured_at".into(),
            json!(chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
        );
        m.insert("machine".into(), json!(machine()));
    }
    let text = serde_json::to_string_pretty(&value).unwrap();
    println!("{text}");
    let path = results_dir().join(format!("{name}.json"));
    std::fs::write(&path, text + "\n").unwrap();
    eprintln!("wrote {}", path.display());
}

fn machine() -> String {
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(0);
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default();
    let mem_kb = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| {
            m.lines()
                .next()
                .and_then(|l| l.split_whitespace().nth(1).map(str::to_owned))
        })
        .and_then(|v| v.parse::<u64>().ok())
        .unwrap_or(0);
    format!(
        "{cores} cores, {} GB RAM, Linux {}",
        mem_kb / 1024 / 1024,
        kernel.trim()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_pick_ranks() {
        let s = latency_summary((1..=100).map(|v| v * 1000).collect());
        assert_eq!(s["p50_ms"], 51.0);
        assert_eq!(s["p99_ms"], 99.0);
        assert_eq!(s["max_ms"], 100.0);
        assert_eq!(latency_summary(vec![])["count"], 0);
    }

    #[test]
    fn own_process_readings() {
        let me = std::process::id();
        assert!(anon_bytes(me) > 0);
        assert!(cpu_seconds(me) >= 0.0);
    }
}
