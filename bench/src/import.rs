//! `bench import` (issue 21): the Excel import of 1,000 agents and a 500-node handling
//! type tree (5 × 9 × 10) on the release server — the preview (read and check, nothing
//! written) and the import (every password hashed, everything in one transaction) —
//! timed from the request to the answer.

use std::path::Path;
use std::time::Instant;

use serde_json::{Value, json};

use crate::util::Spawned;

/// The workbook: 1,000 agents and 450 three-level paths (500 nodes).
fn workbook() -> Vec<u8> {
    let mut b = rust_xlsxwriter::Workbook::new();
    let s = b.add_worksheet();
    s.set_name("상담원").unwrap();
    for (c, h) in ["이름", "이메일", "역할", "채팅 권한"].iter().enumerate() {
        s.write_string(0, c as u16, *h).unwrap();
    }
    for i in 0..1_000u32 {
        s.write_string(i + 1, 0, format!("상담원 {i}")).unwrap();
        s.write_string(i + 1, 1, format!("bench{i}@example.com"))
            .unwrap();
        s.write_string(i + 1, 2, if i % 50 == 0 { "admin" } else { "agent" })
            .unwrap();
        s.write_string(i + 1, 3, "Y").unwrap();
    }
    let s = b.add_worksheet();
    s.set_name("처리유형").unwrap();
    for (c, h) in ["1단계", "2단계", "3단계"].iter().enumerate() {
        s.write_string(0, c as u16, *h).unwrap();
    }
    let mut row = 1;
    for a in 0..5 {
        for b2 in 0..9 {
            for c in 0..10 {
                s.write_string(row, 0, format!("분류 {a}")).unwrap();
                s.write_string(row, 1, format!("세부 {a}-{b2}")).unwrap();
                s.write_string(row, 2, format!("항목 {a}-{b2}-{c}"))
                    .unwrap();
                row += 1;
            }
        }
    }
    b.save_to_buffer().unwrap()
}

async fn post(http: &reqwest::Client, url: &str, token: &str, body: Vec<u8>) -> (f64, Value) {
    let started = Instant::now();
    let r = http
        .post(url)
        .bearer_auth(token)
        .body(body)
        .send()
        .await
        .unwrap();
    let status = r.status();
    let v: Value = r.json().await.unwrap_or(Value::Null);
    let ms = started.elapsed().as_secs_f64() * 1000.0;
    assert!(status.is_success(), "{url}: {status} {v}");
    (ms, v)
}

pub async fn run(bin: &Path) -> Value {
    let book = workbook();
    let server = Spawned::start(bin, None);
    let http = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(600))
        .build()
        .unwrap();
    let token = crate::login(&http, &server.base, "admin@demo.test", "demo-password").await;
    let (preview_ms, p) = post(
        &http,
        &format!("{}/api/v1/import/preview", server.base),
        &token,
        book.clone(),
    )
    .await;
    println!(
        "preview: {preview_ms:.0} ms ({} agents, {} handling types to create, {} errors)",
        p["agents_to_create"], p["categories_to_create"], p["errors"]
    );
    let (import_ms, done) = post(
        &http,
        &format!("{}/api/v1/import", server.base),
        &token,
        book.clone(),
    )
    .await;
    println!(
        "import: {import_ms:.0} ms ({} accounts, {} handling types)",
        done["agents"].as_array().map_or(0, Vec::len),
        done["categories_created"]
    );
    json!({
        "workbook_bytes": book.len(),
        "agents": 1000,
        "tree_nodes": 500,
        "preview_ms": preview_ms.round(),
        "import_ms": import_ms.round(),
        "agents_created": done["agents"].as_array().map_or(0, Vec::len),
        "categories_created": done["categories_created"],
    })
}
