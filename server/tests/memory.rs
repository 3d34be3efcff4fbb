//! Issue 30: what an anonymous or hostile client sends must not grow the server's
//! memory without bound. This test binary counts every heap allocation of its process
//! (the server runs in it), so each scenario's peak and what stays live afterwards are
//! exact, not sampled — the RSS is printed beside them for the record.
//!
//! One test runs the scenarios one after another so that their figures do not mix:
//! made-up HTTP methods on a server without metrics and on one with them (metric
//! labels), a JPEG whose header claims 11,900 × 11,900 pixels (the decoder's budget)
//! and a tiny workbook that declares a cell at XFD1048576 (the import's sheet reader).

mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use common::{DEMO_PASSWORD, TestServer};
use reqwest::StatusCode;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// The system allocator, counting the bytes live now and the most live at once.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(by: usize) {
    let now = LIVE.fetch_add(by, Ordering::Relaxed) + by;
    PEAK.fetch_max(now, Ordering::Relaxed);
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(l) };
        if !p.is_null() {
            grew(l.size());
        }
        p
    }
    unsafe fn alloc_zeroed(&self, l: Layout) -> *mut u8 {
        let p = unsafe { System.alloc_zeroed(l) };
        if !p.is_null() {
            grew(l.size());
        }
        p
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        unsafe { System.dealloc(p, l) };
        LIVE.fetch_sub(l.size(), Ordering::Relaxed);
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, new: usize) -> *mut u8 {
        let q = unsafe { System.realloc(p, l, new) };
        if !q.is_null() {
            LIVE.fetch_sub(l.size(), Ordering::Relaxed);
            grew(new);
        }
        q
    }
}

#[global_allocator]
static COUNTING: Counting = Counting;

const MB: usize = 1024 * 1024;

/// Starts a scenario: the peak is reset to what is live now; answers that.
fn begin() -> usize {
    let live = LIVE.load(Ordering::Relaxed);
    PEAK.store(live, Ordering::Relaxed);
    live
}

/// The process's resident set (kB), from `/proc/self/status`.
fn rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

/// `n` requests with made-up methods (`XAB0 /api/v1/x`, `XAB1 …`) on one keep-alive
/// connection, as the audit sent them; answers how many answers came back.
async fn made_up_methods(s: &TestServer, n: usize) -> usize {
    let addr = s.base.trim_start_matches("http://").to_owned();
    let stream = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let (mut rd, mut wr) = stream.into_split();
    let reader = tokio::spawn(async move {
        let mut seen = 0usize;
        let mut buf = vec![0u8; 64 * 1024];
        let mut carry = Vec::new();
        while seen < n {
            let got =
                match tokio::time::timeout(std::time::Duration::from_secs(20), rd.read(&mut buf))
                    .await
                {
                    Ok(Ok(0)) | Ok(Err(_)) | Err(_) => break,
                    Ok(Ok(k)) => k,
                };
            carry.extend_from_slice(&buf[..got]);
            let text = String::from_utf8_lossy(&carry);
            seen += text.matches("HTTP/1.1 ").count();
            // keep a tail that may hold the start of a split status line
            let keep = carry.len().min(8);
            carry.drain(..carry.len() - keep);
        }
        seen
    });
    for batch in 0..n.div_ceil(200) {
        let mut out = String::new();
        for i in batch * 200..((batch + 1) * 200).min(n) {
            out.push_str(&format!(
                "XAB{i:07} /api/v1/x HTTP/1.1\r\nHost: {addr}\r\n\r\n"
            ));
        }
        wr.write_all(out.as_bytes()).await.unwrap();
    }
    reader.await.unwrap()
}

/// A baseline JPEG of 64 × 64 whose frame header is rewritten to claim `w` × `h`.
fn jpeg_claiming(w: u16, h: u16) -> Vec<u8> {
    let img = image::RgbImage::from_fn(64, 64, |x, y| image::Rgb([x as u8 * 3, y as u8 * 3, 90]));
    let mut out = Vec::new();
    image::DynamicImage::ImageRgb8(img)
        .write_to(
            &mut std::io::Cursor::new(&mut out),
            image::ImageFormat::Jpeg,
        )
        .unwrap();
    // SOF0 (FF C0): length (2), precision (1), height (2), width (2)
    let at = out.windows(2).position(|w| w == [0xFF, 0xC0]).unwrap();
    out[at + 5..at + 7].copy_from_slice(&h.to_be_bytes());
    out[at + 7..at + 9].copy_from_slice(&w.to_be_bytes());
    out
}

/// A workbook of two cells on the agents' sheet: the header at A1 and one at `far`.
fn workbook_reaching(row: u32, col: u16) -> Vec<u8> {
    let mut b = rust_xlsxwriter::Workbook::new();
    let s = b.add_worksheet();
    s.set_name("상담원").unwrap();
    s.write_string(0, 0, "이름").unwrap();
    s.write_string(row, col, "x").unwrap();
    b.save_to_buffer().unwrap()
}

/// Sends `req` and answers its status, body and the heap's peak above what was live
/// before it.
async fn measured(req: reqwest::RequestBuilder) -> (StatusCode, String, usize) {
    let before = begin();
    let r = req.send().await.unwrap();
    let status = r.status();
    let body = r.text().await.unwrap();
    (status, body, PEAK.load(Ordering::Relaxed) - before)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_input_keeps_memory_bounded() {
    // 1. metrics off: 30,000 made-up methods; no recorder, nothing kept
    let off = TestServer::demo().await;
    let before = begin();
    let answered = made_up_methods(&off, 30_000).await;
    assert_eq!(answered, 30_000);
    let kept = LIVE.load(Ordering::Relaxed).saturating_sub(before);
    println!(
        "metrics off: 30,000 made-up methods kept {} KB live (peak +{} KB), RSS {} kB",
        kept / 1024,
        (PEAK.load(Ordering::Relaxed) - before) / 1024,
        rss_kb()
    );
    assert!(
        !server::metrics::recorder_installed(),
        "no recorder without a metrics token or address"
    );
    assert!(kept < 4 * MB, "kept {kept} bytes");
    off.stop().await;

    // 2. metrics on: the same load; labels stay a closed set
    let on = TestServer::demo_with(|a| a.metrics_token = Some("scrape".into())).await;
    let scrape = || async {
        on.http
            .get(on.url("/metrics"))
            .bearer_auth("scrape")
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    };
    let first = scrape().await;
    let before = begin();
    assert_eq!(made_up_methods(&on, 30_000).await, 30_000);
    let after = scrape().await;
    let kept = LIVE.load(Ordering::Relaxed).saturating_sub(before);
    println!(
        "metrics on: 30,000 made-up methods kept {} KB live; scrape {} → {} B, RSS {} kB",
        kept / 1024,
        first.len(),
        after.len(),
        rss_kb()
    );
    assert!(!after.contains("XAB"), "a made-up method became a label");
    assert!(after.contains(r#"method="other""#), "{after}");
    assert!(after.len() < first.len() + 16 * 1024, "the scrape grew");
    assert!(kept < 4 * MB, "kept {kept} bytes");

    // 3. a JPEG claiming 11,900 × 11,900: never decoded past the budget
    let _agent = on.online_agent("agent1@demo.test").await;
    let (chat, customer) = on.start_chat(json!({"consent": true})).await;
    let (status, body, peak) = measured(
        on.http
            .post(on.url(&format!("/api/v1/chats/{chat}/files")))
            .query(&[("name", "big.jpg"), ("client_id", "big-1")])
            .bearer_auth(&customer)
            .body(jpeg_claiming(11_900, 11_900)),
    )
    .await;
    println!(
        "jpeg 11,900²: {status}, peak +{} MB, RSS {} kB",
        peak / MB,
        rss_kb()
    );
    assert!(
        status.is_success() || status.is_client_error(),
        "{status} {body}"
    );
    assert!(peak < 280 * MB, "decoding took {} MB", peak / MB);

    // 4. a 5 KB workbook declaring a cell at XFD1048576, then one at AX200000
    let admin = on.login("admin@demo.test", DEMO_PASSWORD).await;
    for (row, col, what) in [
        (1_048_575u32, 16_383u16, "XFD1048576"),
        (199_999, 49, "AX200000"),
    ] {
        let book = workbook_reaching(row, col);
        let (status, body, peak) = measured(
            on.http
                .post(on.url("/api/v1/import/preview"))
                .bearer_auth(&admin)
                .body(book.clone()),
        )
        .await;
        println!(
            "workbook of {} B reaching {what}: {status}, peak +{} MB, RSS {} kB",
            book.len(),
            peak / MB,
            rss_kb()
        );
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(body.contains("rows") || body.contains("columns"), "{body}");
        assert!(peak < 32 * MB, "reading it took {} MB", peak / MB);
    }
}
