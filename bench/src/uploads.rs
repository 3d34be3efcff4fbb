//! `bench uploads` (issue 19): a 10 MB file's way in and out of the release server —
//! upload time and throughput, the server's peak memory while taking it (uploads are
//! streamed to the database a 256 KiB chunk at a time, so the peak must grow by far
//! less than the file), the download, a 10 MB image (which is buffered whole for its
//! thumbnail, so it shows what buffering costs), four uploads at once — and beside them
//! the bare floor: the same chunks written to a fresh SQLite file by sqlx directly.

use std::path::Path;
use std::time::Instant;

use serde_json::{Value, json};

use crate::util::{self, Spawned};

const MB: usize = 1024 * 1024;

/// 10 MB that sniff as a zip and do not compress (random after the header).
fn zip_bytes(len: usize) -> Vec<u8> {
    let mut out = b"PK\x03\x04\x14\x00\x00\x00\x08\x00".to_vec();
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    while out.len() < len {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        out.extend_from_slice(&x.to_le_bytes());
    }
    out.truncate(len);
    out
}

/// A noisy RGB PNG of about 10 MB (noise does not compress).
fn png_bytes() -> Vec<u8> {
    let side = 1_820u32;
    let mut x: u32 = 0x9e37_79b9;
    let img = image::RgbImage::from_fn(side, side, |_, _| {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        image::Rgb([x as u8, (x >> 8) as u8, (x >> 16) as u8])
    });
    let mut out = Vec::new();
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .unwrap();
    out
}

async fn upload(
    http: &reqwest::Client,
    base: &str,
    token: &str,
    chat: &str,
    name: &str,
    bytes: Vec<u8>,
) -> (f64, Value) {
    let started = Instant::now();
    let r = http
        .post(format!("{base}/api/v1/chats/{chat}/files"))
        .query(&[
            ("name", name),
            (
                "client_id",
                &format!("b_{name}_{}", crate::util::free_port()),
            ),
        ])
        .bearer_auth(token)
        .body(bytes)
        .send()
        .await
        .unwrap();
    let status = r.status();
    let v: Value = r.json().await.unwrap_or(Value::Null);
    assert!(status.is_success(), "upload of {name}: {status} {v}");
    (started.elapsed().as_secs_f64() * 1000.0, v)
}

/// The largest anonymous memory (heap, not the memory-mapped database file) of `pid`
/// seen while a phase runs, sampled every 2 ms on a thread of its own.
struct AnonPeak {
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    seen: std::thread::JoinHandle<u64>,
}

impl AnonPeak {
    fn watch(pid: u32) -> AnonPeak {
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let flag = stop.clone();
        let seen = std::thread::spawn(move || {
            let mut top = 0;
            while !flag.load(std::sync::atomic::Ordering::Relaxed) {
                top = top.max(util::anon_bytes(pid));
                std::thread::sleep(std::time::Duration::from_millis(2));
            }
            top
        });
        AnonPeak { stop, seen }
    }

    fn done(self) -> u64 {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        self.seen.join().unwrap_or(0)
    }
}

fn mb(bytes: u64) -> f64 {
    (bytes as f64 / MB as f64 * 10.0).round() / 10.0
}

/// The bare floor: the same 256 KiB chunks inserted by sqlx into a fresh WAL SQLite
/// file (`synchronous=FULL`, as the server), one transaction per chunk (what the
/// server does per chunk).
async fn sqlite_floor(bytes: &[u8]) -> f64 {
    let dir = tempfile::tempdir().unwrap();
    let url = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("floor.db").display()
    );
    let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
    for pragma in ["PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL"] {
        sqlx::query(pragma).execute(&pool).await.unwrap();
    }
    sqlx::query("CREATE TABLE c (id INTEGER, seq INTEGER, data BLOB, PRIMARY KEY (id, seq))")
        .execute(&pool)
        .await
        .unwrap();
    let started = Instant::now();
    for (i, chunk) in bytes.chunks(256 * 1024).enumerate() {
        let mut tx = pool.begin().await.unwrap();
        sqlx::query("INSERT INTO c (id, seq, data) VALUES (1, ?, ?)")
            .bind(i as i64)
            .bind(chunk)
            .execute(&mut *tx)
            .await
            .unwrap();
        tx.commit().await.unwrap();
    }
    let ms = started.elapsed().as_secs_f64() * 1000.0;
    pool.close().await;
    ms
}

pub async fn run(bin: &Path) -> Value {
    let server = Spawned::start(bin, None);
    util::uncap_agents(&server.url).await;
    let http = reqwest::Client::new();
    let base = server.base.clone();
    let admin = crate::login(&http, &base, "admin@demo.test", "demo-password").await;
    let agent = crate::online_bench_agent(
        &http,
        (&base, &base),
        &admin,
        ("uploader@bench.test", "업로더"),
    )
    .await;
    // demo agents stay offline: every chat goes to the bench agent
    let mut chats = Vec::new();
    for i in 0..6 {
        chats.push(
            crate::start_bench_chat(&http, &base, &format!("v_up{i}"))
                .await
                .0,
        );
    }
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let zip = zip_bytes(10 * MB);
    let idle = util::peak_rss(server.pid);
    let idle_anon = util::anon_bytes(server.pid);
    let watch = AnonPeak::watch(server.pid);

    // 1. five 10 MB files, one after another
    let mut times = Vec::new();
    let mut last = Value::Null;
    for i in 0..5 {
        let (ms, v) = upload(
            &http,
            &base,
            &agent,
            &chats[0],
            &format!("data{i}.zip"),
            zip.clone(),
        )
        .await;
        times.push(ms);
        last = v;
    }
    let after_zips = util::peak_rss(server.pid);
    let anon_zips = watch.done();
    let watch = AnonPeak::watch(server.pid);
    let id = last["message"]["attachment"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();

    // 2. the download
    let started = Instant::now();
    let got = http
        .get(format!("{base}/api/v1/files/{id}"))
        .bearer_auth(&agent)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let download_ms = started.elapsed().as_secs_f64() * 1000.0;
    assert_eq!(got.len(), zip.len(), "the download is the file");
    let after_download = util::peak_rss(server.pid);
    let anon_download = watch.done();
    let watch = AnonPeak::watch(server.pid);

    // 3. four at once, each into its own chat
    let started = Instant::now();
    let tasks: Vec<_> = (0..4)
        .map(|i| {
            let (http, base, agent, chat, zip) = (
                http.clone(),
                base.clone(),
                agent.clone(),
                chats[1 + i].clone(),
                zip.clone(),
            );
            tokio::spawn(async move {
                upload(&http, &base, &agent, &chat, &format!("par{i}.zip"), zip)
                    .await
                    .0
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
    let parallel_ms = started.elapsed().as_secs_f64() * 1000.0;
    let after_parallel = util::peak_rss(server.pid);
    let anon_parallel = watch.done();

    // 4. a 10 MB image: buffered whole and decoded for its thumbnail
    let png = png_bytes();
    let watch = AnonPeak::watch(server.pid);
    let (image_ms, v) = upload(&http, &base, &agent, &chats[5], "noise.png", png.clone()).await;
    let after_image = util::peak_rss(server.pid);
    let anon_image = watch.done();

    let floor_ms = sqlite_floor(&zip).await;
    let mean = times.iter().sum::<f64>() / times.len() as f64;
    let out = json!({
        "file_mb": mb(zip.len() as u64),
        "upload_ms_each": times.iter().map(|t| t.round()).collect::<Vec<_>>(),
        "upload_ms_mean": mean.round(),
        "upload_mb_per_s": ((zip.len() as f64 / MB as f64) / (mean / 1000.0) * 10.0).round() / 10.0,
        "bare_sqlite_floor_ms": floor_ms.round(),
        "download_ms": download_ms.round(),
        "four_at_once_ms": parallel_ms.round(),
        "image": {
            "file_mb": mb(png.len() as u64),
            "pixels": "1820 x 1820",
            "upload_ms": image_ms.round(),
            "thumbnail": v["message"]["attachment"]["thumbnail"],
        },
        "peak_rss_mb": {
            "idle": mb(idle),
            "after_five_sequential": mb(after_zips),
            "after_download": mb(after_download),
            "after_four_at_once": mb(after_parallel),
            "after_image": mb(after_image),
        },
        // heap only (the memory-mapped database file is left out): the measure of what
        // the server holds per upload
        "anon_mb": {
            "idle": mb(idle_anon),
            "peak_five_sequential_10mb_files": mb(anon_zips),
            "peak_download": mb(anon_download),
            "peak_four_at_once": mb(anon_parallel),
            "peak_one_10mb_image": mb(anon_image),
        },
        // VmHWM, which also counts the database file's mapped pages
        "peak_growth_mb": {
            "five_sequential_10mb_files": mb(after_zips.saturating_sub(idle)),
            "download": mb(after_download.saturating_sub(after_zips)),
            "four_at_once": mb(after_parallel.saturating_sub(after_download)),
            "one_10mb_image": mb(after_image.saturating_sub(after_parallel)),
        },
    });
    println!("{}", serde_json::to_string_pretty(&out).unwrap());
    out
}
