//! Issue 21: Excel import of agents and the handling-type tree — the template, a
//! preview listing every row's error and writing nothing, an all-or-nothing import
//! (audited, accounts that can sign in with their generated password), and hostile
//! files (not a workbook, a zip bomb, too many rows, formulas, merged cells, the wrong
//! sheets, too large) refused with a clear error and nothing written.

mod common;

use common::{DEMO_PASSWORD, TestServer};
use reqwest::StatusCode;
use rust_xlsxwriter::Workbook;
use serde_json::{Value, json};

/// A workbook with a 상담원 sheet and a 처리유형 sheet of these rows (after a header).
fn book(agents: &[[&str; 4]], types: &[&[&str]]) -> Vec<u8> {
    let mut b = Workbook::new();
    let s = b.add_worksheet();
    s.set_name("상담원").unwrap();
    for (c, h) in ["이름", "이메일", "역할", "채팅 권한"].iter().enumerate() {
        s.write_string(0, c as u16, *h).unwrap();
    }
    for (r, row) in agents.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            s.write_string(r as u32 + 1, c as u16, *v).unwrap();
        }
    }
    let s = b.add_worksheet();
    s.set_name("처리유형").unwrap();
    for (c, h) in ["1단계", "2단계", "3단계"].iter().enumerate() {
        s.write_string(0, c as u16, *h).unwrap();
    }
    for (r, row) in types.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            if !v.is_empty() {
                s.write_string(r as u32 + 1, c as u16, *v).unwrap();
            }
        }
    }
    b.save_to_buffer().unwrap()
}

async fn send(s: &TestServer, token: &str, path: &str, bytes: Vec<u8>) -> (StatusCode, Value) {
    let r = s
        .http
        .post(s.url(path))
        .bearer_auth(token)
        .header(
            "content-type",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        .body(bytes)
        .send()
        .await
        .unwrap();
    let st = r.status();
    (st, r.json().await.unwrap_or(Value::Null))
}

async fn agents_count(s: &TestServer) -> i64 {
    common::count_rows(&s.db_url, "SELECT COUNT(*) FROM agents").await
}

#[tokio::test]
async fn preview_then_import_all_or_nothing() {
    let s = TestServer::demo().await;
    let admin = s.login("admin@demo.test", DEMO_PASSWORD).await;
    let agent = s.login("agent1@demo.test", DEMO_PASSWORD).await;

    // the template reads back clean
    let r = s
        .http
        .get(s.url("/api/v1/import/template.xlsx"))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let template = r.bytes().await.unwrap().to_vec();
    let (st, p) = send(&s, &admin, "/api/v1/import/preview", template).await;
    assert_eq!(st, StatusCode::OK, "{p}");
    assert_eq!(p["errors"], 0, "{p}");

    // every kind of bad row, each named; nothing written, the import refused
    let bad = book(
        &[
            ["박상담", "park@example.com", "agent", "Y"],
            ["", "empty@example.com", "agent", "Y"],
            ["중복", "park@example.com", "agent", "Y"],
            ["기존", "agent1@demo.test", "agent", "Y"],
            ["역할", "role@example.com", "boss", "Y"],
            ["메일", "not-an-email", "agent", "Y"],
        ],
        &[&["배송", "반품"], &["A", "B", "C", "D"], &["A", "", "C"]],
    );
    let before = agents_count(&s).await;
    let (st, p) = send(&s, &admin, "/api/v1/import/preview", bad.clone()).await;
    assert_eq!(st, StatusCode::OK, "{p}");
    let errors: Vec<(i64, String)> = p["agents"]
        .as_array()
        .unwrap()
        .iter()
        .chain(p["categories"].as_array().unwrap())
        .filter(|r| !r["error"].is_null())
        .map(|r| {
            (
                r["row"].as_i64().unwrap(),
                r["error"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(p["errors"], 7, "{p}");
    let codes: Vec<&str> = p["agents"]
        .as_array()
        .unwrap()
        .iter()
        .chain(p["categories"].as_array().unwrap())
        .filter_map(|r| r["error_code"].as_str())
        .collect();
    for c in [
        "name_invalid",
        "email_twice",
        "email_taken",
        "role_unknown",
        "email_invalid",
        "level_fourth",
        "level_gap",
    ] {
        assert!(codes.contains(&c), "{c} in {codes:?}");
    }
    assert!(
        errors.iter().any(|(r, e)| *r == 3 && e.contains("name")),
        "{errors:?}"
    );
    assert!(
        errors.iter().any(|(r, e)| *r == 4 && e.contains("twice")),
        "{errors:?}"
    );
    assert!(
        errors.iter().any(|(r, e)| *r == 5 && e.contains("exists")),
        "{errors:?}"
    );
    assert!(
        errors.iter().any(|(_, e)| e.contains("fourth level")),
        "{errors:?}"
    );
    assert!(
        errors.iter().any(|(_, e)| e.contains("empty level")),
        "{errors:?}"
    );
    let (st, v) = send(&s, &admin, "/api/v1/import", bad).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"], "import_has_errors");
    assert_eq!(agents_count(&s).await, before, "nothing written");
    let (st, _) = send(&s, &agent, "/api/v1/import/preview", book(&[], &[])).await;
    assert_eq!(st, StatusCode::FORBIDDEN, "admins only");

    // a clean workbook: all of it
    let good = book(
        &[
            ["박상담", "park@example.com", "agent", "Y"],
            ["최관리", "choi@example.com", "관리자", "N"],
        ],
        &[&["배송", "반품", "파손"], &["배송", "교환"], &["주문·결제"]],
    );
    let (st, done) = send(&s, &admin, "/api/v1/import", good.clone()).await;
    assert_eq!(st, StatusCode::CREATED, "{done}");
    assert_eq!(done["agents"].as_array().unwrap().len(), 2);
    assert_eq!(agents_count(&s).await, before + 2);
    let password = done["agents"][1]["password"].as_str().unwrap();
    let (st, v) = s
        .post(
            "/api/v1/auth/login",
            None,
            json!({"email": "choi@example.com", "password": password}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    assert_eq!(v["agent"]["role"], "admin");
    let (_, cats) = s.get("/api/v1/categories", Some(&admin)).await;
    let names: Vec<&str> = cats
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    for n in ["반품", "파손", "교환"] {
        assert!(names.contains(&n), "{n} in {names:?}");
    }
    assert_eq!(
        names.iter().filter(|n| **n == "주문·결제").count(),
        1,
        "existing types are reused"
    );
    let (_, audit) = s.get("/api/v1/audit", Some(&admin)).await;
    assert!(audit.to_string().contains("\"import\""), "{audit}");
    // the same file again: every account exists now
    let (_, p) = send(&s, &admin, "/api/v1/import/preview", good).await;
    assert_eq!(p["errors"], 2, "{p}");
}

#[tokio::test]
async fn hostile_workbooks_are_refused_and_write_nothing() {
    let s = TestServer::demo().await;
    let admin = s.login("admin@demo.test", DEMO_PASSWORD).await;
    let before = agents_count(&s).await;
    let refused = |v: &Value| v["message"].as_str().unwrap_or_default().to_owned();

    let (st, v) = send(
        &s,
        &admin,
        "/api/v1/import/preview",
        b"hello, not a zip".to_vec(),
    )
    .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(refused(&v).starts_with("file"), "{v}");

    // a zip bomb: 60 MB of zeros packed into a few dozen KB
    let bomb = {
        use std::io::Write;
        let mut buf = std::io::Cursor::new(Vec::new());
        let mut z = zip::ZipWriter::new(&mut buf);
        z.start_file(
            "xl/worksheets/sheet1.xml",
            zip::write::SimpleFileOptions::default(),
        )
        .unwrap();
        let zeros = vec![0u8; 1 << 20];
        for _ in 0..60 {
            z.write_all(&zeros).unwrap();
        }
        z.finish().unwrap();
        buf.into_inner()
    };
    let (st, v) = send(&s, &admin, "/api/v1/import/preview", bomb).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");

    // too many rows
    let many: Vec<[&str; 4]> = (0..5_001)
        .map(|_| ["x", "y@example.com", "agent", "Y"])
        .collect();
    let (st, v) = send(&s, &admin, "/api/v1/import/preview", book(&many, &[])).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(refused(&v).contains("5000"), "{v}");

    // a formula, merged cells, the wrong sheets
    let mut b = Workbook::new();
    let sh = b.add_worksheet();
    sh.set_name("상담원").unwrap();
    sh.write_string(0, 0, "이름").unwrap();
    sh.write_formula(1, 0, "=CONCAT(\"a\",\"b\")").unwrap();
    let (st, v) = send(
        &s,
        &admin,
        "/api/v1/import/preview",
        b.save_to_buffer().unwrap(),
    )
    .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(refused(&v).contains("formula"), "{v}");
    let mut b = Workbook::new();
    let sh = b.add_worksheet();
    sh.set_name("처리유형").unwrap();
    sh.merge_range(1, 0, 1, 2, "배송", &rust_xlsxwriter::Format::new())
        .unwrap();
    let (st, v) = send(
        &s,
        &admin,
        "/api/v1/import/preview",
        b.save_to_buffer().unwrap(),
    )
    .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(refused(&v).contains("merged"), "{v}");
    let mut b = Workbook::new();
    b.add_worksheet().set_name("Sheet1").unwrap();
    let (st, v) = send(
        &s,
        &admin,
        "/api/v1/import/preview",
        b.save_to_buffer().unwrap(),
    )
    .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(refused(&v).contains("상담원"), "{v}");

    // too large: 413 in the API's shape
    let (st, v) = send(
        &s,
        &admin,
        "/api/v1/import/preview",
        vec![b'x'; 6 * 1024 * 1024],
    )
    .await;
    assert_eq!(st, StatusCode::PAYLOAD_TOO_LARGE, "{v}");
    assert_eq!(v["error"], "file_too_large");
    assert_eq!(agents_count(&s).await, before);
}
