//! Issue 19: files and images in chats — both ways, sniffed by content, limited per
//! service, thumbnailed, downloadable only by the chat's parties and the service's
//! agents, and maskable so that no plaintext byte stays in the database files.

mod common;

use common::{DEMO_PASSWORD, TestServer, Ws};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// A real PNG of `w` × `h` pixels.
fn png(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| image::Rgb([x as u8, y as u8, 90]));
    let mut out = Vec::new();
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .unwrap();
    out
}

/// A (minimal) PDF carrying `marker` in its bytes.
fn pdf(marker: &str) -> Vec<u8> {
    format!("%PDF-1.4\n1 0 obj << /Marker ({marker}) >> endobj\ntrailer << >>\n%%EOF\n")
        .into_bytes()
}

async fn upload(
    s: &TestServer,
    chat: &str,
    token: &str,
    name: &str,
    client_id: &str,
    bytes: Vec<u8>,
) -> (StatusCode, Value) {
    let r = s
        .http
        .post(s.url(&format!("/api/v1/chats/{chat}/files")))
        .query(&[("name", name), ("client_id", client_id)])
        .header("content-type", "image/png") // a claim the server ignores
        .bearer_auth(token)
        .body(bytes)
        .send()
        .await
        .unwrap();
    let status = r.status();
    (status, r.json().await.unwrap_or(Value::Null))
}

async fn download(s: &TestServer, path: &str, token: Option<&str>) -> reqwest::Response {
    let mut req = s.http.get(s.url(path));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    req.send().await.unwrap()
}

#[tokio::test]
async fn files_go_both_ways_and_only_to_the_chat() {
    let s = TestServer::demo().await;
    let agent = s.online_agent("agent1@demo.test").await;
    let (chat, customer) = s
        .start_chat(json!({"consent": true, "name": "김파일"}))
        .await;
    let mut agent_ws = Ws::connect(&s.ws_url(&agent)).await;

    // the customer sends a screenshot, named as if it were something else
    let shot = png(640, 480);
    let (status, v) = upload(
        &s,
        &chat,
        &customer,
        "C:\\Users\\me\\오류 화면.pdf",
        "f1",
        shot.clone(),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{v}");
    let m = &v["message"];
    assert_eq!(m["author"], "customer");
    assert_eq!(
        m["text"], "오류 화면.pdf.png",
        "the name loses its path and tells the truth"
    );
    let file = &m["attachment"];
    assert_eq!(file["kind"], "image");
    assert_eq!(file["mime"], "image/png");
    assert_eq!(file["size"], shot.len() as i64);
    assert_eq!(
        (file["width"].as_i64(), file["height"].as_i64()),
        (Some(640), Some(480))
    );
    assert_eq!(file["thumbnail"], true);
    let id = file["id"].as_str().unwrap().to_owned();

    // the agent hears it live, with the file
    let f = agent_ws
        .expect_where("the file message", |f| f["type"] == "message.created")
        .await;
    assert_eq!(f["message"]["attachment"]["id"], id.as_str());

    // the same client_id again: the stored message, no second copy of the file
    let (status, again) = upload(&s, &chat, &customer, "x.png", "f1", shot.clone()).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(again["message"]["id"], m["id"]);
    assert_eq!(
        common::count_rows(&s.db_url, "SELECT COUNT(*) FROM attachments").await,
        1
    );

    // both parties download it; an image is shown inline, never sniffed
    for token in [&customer, &agent] {
        let r = download(&s, &format!("/api/v1/files/{id}"), Some(token)).await;
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(r.headers()["content-type"], "image/png");
        assert_eq!(r.headers()["x-content-type-options"], "nosniff");
        assert!(
            r.headers()["content-disposition"]
                .to_str()
                .unwrap()
                .starts_with("inline")
        );
        assert_eq!(r.bytes().await.unwrap().as_ref(), shot.as_slice());
    }
    let r = download(&s, &format!("/api/v1/files/{id}?download=1"), Some(&agent)).await;
    assert!(
        r.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    // the thumbnail: a small JPEG with no metadata
    for token in [&customer, &agent] {
        let r = download(&s, &format!("/api/v1/files/{id}/thumbnail"), Some(token)).await;
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(r.headers()["content-type"], "image/jpeg");
        let jpeg = r.bytes().await.unwrap();
        assert_eq!(&jpeg[..2], b"\xff\xd8");
        assert!(
            jpeg.len() < 64 * 1024,
            "a thumbnail is small: {}",
            jpeg.len()
        );
    }

    // the agent sends a PDF: a download for the customer, with nosniff
    let (status, v) = upload(&s, &chat, &agent, "견적서.pdf", "a1", pdf("QUOTE")).await;
    assert_eq!(status, StatusCode::CREATED, "{v}");
    assert_eq!(v["message"]["attachment"]["kind"], "pdf");
    assert_eq!(v["message"]["attachment"]["thumbnail"], false);
    let pdf_id = v["message"]["attachment"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = download(&s, &format!("/api/v1/files/{pdf_id}"), Some(&customer)).await;
    assert_eq!(r.status(), StatusCode::OK);
    let cd = r.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(cd.starts_with("attachment;"), "{cd}");
    assert!(cd.contains("filename*=UTF-8''%EA%B2%AC"), "{cd}");
    assert_eq!(r.headers()["x-content-type-options"], "nosniff");
    let r = download(
        &s,
        &format!("/api/v1/files/{pdf_id}/thumbnail"),
        Some(&customer),
    )
    .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND, "a PDF has no thumbnail");

    // both files are in the transcript, in order, with their names
    let msgs = common::chat_messages(&s, &chat, &customer).await;
    let names: Vec<&str> = msgs
        .iter()
        .filter(|m| m.get("attachment").is_some())
        .map(|m| m["text"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["오류 화면.pdf.png", "견적서.pdf"]);

    // nobody else: no token, another chat's customer, another service's admin
    let r = download(&s, &format!("/api/v1/files/{id}"), None).await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let (_, other) = s.start_chat(json!({"consent": true, "name": "남"})).await;
    for path in [
        format!("/api/v1/files/{id}"),
        format!("/api/v1/files/{id}/thumbnail"),
    ] {
        let r = download(&s, &path, Some(&other)).await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{path}");
    }
    common::create_acme(&s.db_url).await;
    let acme = s.login("boss@acme.test", "acme-password").await;
    let r = download(&s, &format!("/api/v1/files/{id}"), Some(&acme)).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = download(&s, "/api/v1/files/nonsense", Some(&agent)).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    // nor may another chat's customer upload into this one
    let (status, _) = upload(&s, &chat, &other, "a.png", "x1", png(4, 4)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn refused_files_say_why_and_leave_nothing() {
    let s = TestServer::demo().await;
    let agent = s.online_agent("agent1@demo.test").await;
    let admin = s.login("admin@demo.test", DEMO_PASSWORD).await;
    let (chat, customer) = s.start_chat(json!({"consent": true})).await;

    // the content decides, not the name: HTML called a PNG, an SVG, a program
    for (name, bytes) in [
        (
            "cat.png",
            b"<html><script>alert(1)</script></html>".to_vec(),
        ),
        (
            "logo.svg",
            b"<svg xmlns='http://www.w3.org/2000/svg'/>".to_vec(),
        ),
        (
            "setup.pdf",
            b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00".to_vec(),
        ),
    ] {
        let (status, v) = upload(&s, &chat, &customer, name, name, bytes).await;
        assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{name}: {v}");
        assert_eq!(v["error"], "file_type_not_allowed");
    }
    // a broken image: refused, the server carries on
    let mut broken = png(50, 50);
    broken.truncate(broken.len() / 2);
    let (status, v) = upload(&s, &chat, &customer, "broken.png", "b1", broken).await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{v}");
    assert_eq!(v["error"], "broken_image");
    let (status, v) = upload(&s, &chat, &customer, "empty.pdf", "e1", Vec::new()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let (status, _) = upload(
        &s,
        &chat,
        &customer,
        "x.pdf",
        "bad id with spaces",
        pdf("x"),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    // the service's rules: 1 MB of images only
    let (status, v) = s
        .put(
            "/api/v1/settings",
            Some(&admin),
            json!({"files": {"max_mb": 0, "types": ["image"]}}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(
        v["message"].as_str().unwrap().contains("files.max_mb"),
        "{v}"
    );
    let (status, v) = s
        .put(
            "/api/v1/settings",
            Some(&admin),
            json!({"files": {"max_mb": 1, "types": ["image"]}}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["files"]["max_mb"], 1);
    let (status, v) = upload(&s, &chat, &customer, "a.pdf", "p1", pdf("x")).await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert!(
        v["message"].as_str().unwrap().contains("allowed: image"),
        "{v}"
    );
    let mut big = png(8, 8);
    big.resize(1024 * 1024 + 1, 0);
    let (status, v) = upload(&s, &chat, &customer, "big.png", "g1", big).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{v}");
    assert_eq!(v["error"], "file_too_large");
    assert!(
        v["message"].as_str().unwrap().contains("1 MB"),
        "the limit is named: {v}"
    );
    // files off altogether
    s.put(
        "/api/v1/settings",
        Some(&admin),
        json!({"files": {"max_mb": 10, "types": []}}),
    )
    .await;
    let (status, v) = upload(&s, &chat, &customer, "a.png", "o1", png(4, 4)).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{v}");
    assert_eq!(v["error"], "files_off");
    s.put(
        "/api/v1/settings",
        Some(&admin),
        json!({"files": {"max_mb": 10, "types": ["image", "pdf"]}}),
    )
    .await;

    // an ended chat takes no file
    let (status, _) = upload(&s, &chat, &customer, "ok.png", "k1", png(4, 4)).await;
    assert_eq!(status, StatusCode::CREATED);
    s.end_chat(&chat, &agent).await;
    let (status, v) = upload(&s, &chat, &agent, "late.png", "l1", png(4, 4)).await;
    assert_eq!(status, StatusCode::CONFLICT, "{v}");
    let (status, v) = upload(&s, &chat, &customer, "late.png", "l2", png(4, 4)).await;
    assert_eq!(status, StatusCode::CONFLICT, "{v}");
    assert_eq!(v["error"], "chat_closed");

    // nothing refused was kept: one file, one message carrying it
    assert_eq!(
        common::count_rows(&s.db_url, "SELECT COUNT(*) FROM attachments").await,
        1
    );
    assert_eq!(
        common::count_rows(
            &s.db_url,
            "SELECT COUNT(*) FROM attachment_chunks c JOIN attachments f ON f.id = c.attachment_id WHERE f.message_id IS NULL"
        )
        .await,
        0
    );
}

#[tokio::test]
async fn a_masked_file_is_kept_only_encrypted() {
    const SECRET: &str = "RESIDENT-900101-1234567";
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("oc.db");
    let s = TestServer::start_on(&path, true).await;
    let agent = s.online_agent("agent1@demo.test").await;
    let (chat, customer) = s.start_chat(json!({"consent": true})).await;
    let (_, v) = upload(&s, &chat, &customer, "신분증.pdf", "f1", pdf(SECRET)).await;
    let msg = v["message"]["id"].as_str().unwrap().to_owned();
    let id = v["message"]["attachment"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (_, v) = upload(&s, &chat, &customer, "사진.png", "f2", png(64, 64)).await;
    let img_msg = v["message"]["id"].as_str().unwrap().to_owned();
    let img = v["message"]["attachment"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut customer_ws = Ws::connect(&s.ws_url(&customer)).await;

    let mask = format!("/api/v1/chats/{chat}/messages/{msg}/file-mask");
    let (status, _) = s.post(&mask, Some(&customer), json!({})).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "customers cannot mask");
    let (status, v) = s.post(&mask, Some(&agent), json!({})).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["message"]["attachment"]["masked"], true);
    assert!(
        !v["message"]["text"].as_str().unwrap().contains("신분증"),
        "the name is masked too"
    );
    let upd = customer_ws.expect("message.updated").await;
    assert_eq!(upd["message"]["attachment"]["masked"], true);
    for token in [&customer, &agent] {
        let r = download(&s, &format!("/api/v1/files/{id}"), Some(token)).await;
        assert_eq!(r.status(), StatusCode::CONFLICT);
    }
    let (status, _) = s
        .post(
            &format!("/api/v1/chats/{chat}/messages/{img_msg}/file-mask"),
            Some(&agent),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let r = download(&s, &format!("/api/v1/files/{img}/thumbnail"), Some(&agent)).await;
    assert_eq!(
        r.status(),
        StatusCode::CONFLICT,
        "the thumbnail is hidden too"
    );
    customer_ws.close().await;

    // no plaintext byte of it anywhere in the store
    let find = match common::backend() {
        common::Backend::Sqlite => format!(
            "SELECT COUNT(*) FROM attachment_chunks WHERE instr(data, CAST('{SECRET}' AS BLOB)) > 0"
        ),
        common::Backend::Postgres => format!(
            "SELECT COUNT(*) FROM attachment_chunks WHERE position(convert_to('{SECRET}', 'UTF8') in data) > 0"
        ),
    };
    assert_eq!(common::count_rows(&s.db_url, &find).await, 0);
    assert_eq!(
        common::stored_texts_containing(&s.db_url, "신분증").await,
        0
    );
    // while the server runs (what a kill -9 would leave, issue 30) and after a stop
    if common::backend() == common::Backend::Sqlite {
        for needle in [SECRET.as_bytes(), "신분증".as_bytes()] {
            let holding = common::sqlite_files_holding(dir.path(), needle);
            assert!(
                holding.is_empty(),
                "{holding:?} hold the file while running"
            );
        }
    }
    let db_url = s.db_url.clone();
    s.stop().await;
    if common::backend() == common::Backend::Sqlite {
        let holding = common::sqlite_files_holding(dir.path(), SECRET.as_bytes());
        assert!(holding.is_empty(), "{holding:?} hold the file's bytes");
        let holding = common::sqlite_files_holding(dir.path(), "신분증".as_bytes());
        assert!(holding.is_empty(), "{holding:?} hold the file's name");
    }
    assert_eq!(common::count_rows(&db_url, &find).await, 0);

    // after a restart the same key restores it, audited
    let s = TestServer::start_on(&path, true).await;
    let agent = s.login("agent1@demo.test", DEMO_PASSWORD).await;
    let r = s
        .http
        .delete(s.url(&mask))
        .bearer_auth(&agent)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["message"]["text"], "신분증.pdf");
    assert_eq!(v["message"]["attachment"]["masked"], false);
    let r = download(&s, &format!("/api/v1/files/{id}"), Some(&agent)).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.bytes().await.unwrap().as_ref(), pdf(SECRET).as_slice());
    let admin = s.login("admin@demo.test", DEMO_PASSWORD).await;
    let (_, log) = s.get("/api/v1/audit", Some(&admin)).await;
    let entries: Vec<(String, Option<String>)> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["action"].as_str().unwrap().to_owned(),
                e["detail"].as_str().map(str::to_owned),
            )
        })
        .collect();
    assert_eq!(
        entries[..3],
        [
            ("unmask".to_owned(), Some("file".to_owned())),
            ("mask".to_owned(), Some("file".to_owned())),
            ("mask".to_owned(), Some("file".to_owned())),
        ]
    );
}

#[tokio::test]
async fn a_large_file_streams_back_whole_and_uncompressed() {
    let s = TestServer::demo().await;
    let agent = s.online_agent("agent1@demo.test").await;
    let (chat, customer) = s.start_chat(json!({"consent": true})).await;
    // 3 chunks and a bit, in the pattern of a real (already compressed) PDF
    let mut big = pdf("BIG");
    let mut x: u32 = 7;
    while big.len() < 3 * 256 * 1024 + 1000 {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        big.push(x as u8);
    }
    let (status, v) = upload(&s, &chat, &customer, "big.pdf", "b1", big.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{v}");
    let id = v["message"]["attachment"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // a browser asks for gzip; a PDF is not re-compressed, and arrives whole
    let r = s
        .http
        .get(s.url(&format!("/api/v1/files/{id}")))
        .bearer_auth(&agent)
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.headers().get("content-encoding").is_none());
    assert_eq!(
        r.headers()["content-length"],
        big.len().to_string().as_str()
    );
    assert_eq!(r.bytes().await.unwrap().as_ref(), big.as_slice());
}

/// Reads every cell of the export's first sheet as text.
fn export_cells(bytes: Vec<u8>) -> String {
    use calamine::Reader;
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    let sheet = book.sheet_names()[0].clone();
    let range = book.worksheet_range(&sheet).unwrap();
    range
        .rows()
        .flat_map(|r| r.iter().map(|c| c.to_string()))
        .collect::<Vec<_>>()
        .join("\n")
}

#[tokio::test]
async fn files_are_named_in_history_tickets_and_the_export() {
    let s = TestServer::demo().await;
    let agent = s.online_agent("agent1@demo.test").await;
    let admin = s.login("admin@demo.test", DEMO_PASSWORD).await;
    let (chat, customer) = s.start_chat(json!({"consent": true})).await;
    let (status, _) = upload(&s, &chat, &customer, "견적 요청서.pdf", "f1", pdf("Q")).await;
    assert_eq!(status, StatusCode::CREATED);
    let (_, v) = upload(&s, &chat, &agent, "증빙사진.png", "f2", png(8, 8)).await;
    let hidden = v["message"]["id"].as_str().unwrap().to_owned();
    let (status, _) = s
        .post(
            &format!("/api/v1/chats/{chat}/messages/{hidden}/file-mask"),
            Some(&agent),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);

    // history finds the chat by a file's name
    let (_, page) = s
        .get("/api/v1/chats?q=%EA%B2%AC%EC%A0%81", Some(&admin))
        .await;
    let found: Vec<&str> = page["chats"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(found, [chat.as_str()], "{page}");

    // the ticket's transcript carries both files, the hidden one hidden
    let (status, t) = s
        .post(
            &format!("/api/v1/chats/{chat}/ticket"),
            Some(&agent),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{t}");
    let (_, ticket) = s
        .get(
            &format!("/api/v1/tickets/{}", t["ticket_id"].as_str().unwrap()),
            Some(&agent),
        )
        .await;
    let files: Vec<(String, bool)> = ticket["transcript"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|m| {
            let a = m.get("attachment")?;
            Some((m["text"].as_str()?.to_owned(), a["masked"].as_bool()?))
        })
        .collect();
    assert_eq!(files.len(), 2, "{ticket}");
    assert_eq!(files[0], ("견적 요청서.pdf".to_owned(), false));
    assert!(files[1].1 && !files[1].0.contains("증빙"));

    // the export names the file and only marks the hidden one
    let r = s
        .http
        .get(s.url("/api/v1/chats/export.xlsx"))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let cells = export_cells(r.bytes().await.unwrap().to_vec());
    assert!(cells.contains("[파일] 견적 요청서.pdf"), "{cells}");
    assert!(cells.contains("[가려진 파일]"), "{cells}");
    assert!(!cells.contains("증빙"), "{cells}");
}

/// An upload's request head sent over a raw connection (the body is the caller's to
/// send, or not); the connection is answered when the server gives up on it.
async fn raw_upload(
    s: &TestServer,
    chat: &str,
    token: &str,
    from: &str,
    client_id: &str,
) -> tokio::net::TcpStream {
    use tokio::io::AsyncWriteExt;
    let addr = s.base.trim_start_matches("http://");
    let mut c = tokio::net::TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "POST /api/v1/chats/{chat}/files?name=a.png&client_id={client_id} HTTP/1.1\r\nHost: {addr}\r\n\
         Authorization: Bearer {token}\r\nX-Forwarded-For: {from}\r\nContent-Length: 5000000\r\n\r\n"
    );
    c.write_all(head.as_bytes()).await.unwrap();
    c
}

/// The status line's code of what the server answered on `c` (waits up to `secs`).
async fn answered(c: &mut tokio::net::TcpStream, secs: u64) -> Option<u16> {
    use tokio::io::AsyncReadExt;
    let mut buf = vec![0u8; 4096];
    let n = tokio::time::timeout(std::time::Duration::from_secs(secs), c.read(&mut buf))
        .await
        .ok()?
        .ok()?;
    let head = String::from_utf8_lossy(&buf[..n]);
    head.split_whitespace().nth(1)?.parse().ok()
}

/// Issue 30: upload slots are shared out — two at once per chat side, four per
/// customer address — and an upload holds one of the server's slots only once bytes
/// flow, and only as long as they flow at a minimum rate; so a few trickling clients
/// cannot keep everybody else's uploads at 503.
#[tokio::test]
async fn no_one_holds_the_upload_slots() {
    let s = TestServer::demo_behind_proxy().await;
    let _agent = s.online_agent("agent1@demo.test").await;
    let chat = || s.start_chat(json!({"consent": true}));
    // per chat: a third upload of one chat is refused at once
    let (a, ta) = chat().await;
    let _held: Vec<_> = vec![
        raw_upload(&s, &a, &ta, "10.0.0.1", "h1").await,
        raw_upload(&s, &a, &ta, "10.0.0.2", "h2").await,
    ];
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let (st, v) = upload(&s, &a, &ta, "third.png", "h3", png(20, 20)).await;
    assert_eq!(st, StatusCode::TOO_MANY_REQUESTS, "{v}");
    assert_eq!(v["error"], "too_many_uploads");

    // per address: a fifth at once from one address is refused, over any chats
    let mut by_one = Vec::new();
    for _ in 0..4 {
        let (c, t) = chat().await;
        by_one.push(raw_upload(&s, &c, &t, "10.9.9.9", "x").await);
    }
    let (c, t) = chat().await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let mut fifth = raw_upload(&s, &c, &t, "10.9.9.9", "x").await;
    assert_eq!(answered(&mut fifth, 5).await, Some(429));

    // 40 uploads from 20 addresses that declared 5 MB and send nothing hold no slot of
    // the server's: a real upload goes through
    let mut silent = Vec::new();
    for i in 0..20 {
        let (c, t) = chat().await;
        for k in 0..2 {
            silent.push(raw_upload(&s, &c, &t, &format!("10.1.{i}.1"), &format!("s{k}")).await);
        }
    }
    let (c, t) = chat().await;
    let (st, v) = upload(&s, &c, &t, "real.png", "real", png(64, 48)).await;
    assert_eq!(st, StatusCode::CREATED, "{v}");

    // a trickle (a byte every 2 s) is ended within seconds, not 15 minutes
    let (c, t) = chat().await;
    let mut trickle = raw_upload(&s, &c, &t, "10.2.0.1", "t").await;
    let started = std::time::Instant::now();
    let mut code = None;
    for _ in 0..15 {
        use tokio::io::AsyncWriteExt;
        if trickle.write_all(b"\x89").await.is_err() {
            break;
        }
        if let Some(c) = answered(&mut trickle, 2).await {
            code = Some(c);
            break;
        }
    }
    assert_eq!(code, Some(408), "the trickle was not ended");
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
    drop((silent, by_one));
}
