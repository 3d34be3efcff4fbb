//! Issue 30: a database that cannot store (a full disk) is answered with 503
//! `storage_unavailable` — never a bare 500 —, `/healthz` says the writer cannot commit,
//! and once there is room again every write resumes by itself, with every message that
//! was acknowledged still there. SQLite only: the database lives on a 12 MB tmpfs the
//! test mounts (the suite runs as root on this machine kind, as CI does).

mod common;

use std::io::Write;
use std::path::Path;

use common::{Backend, TestServer};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// A tmpfs of `mb` megabytes at `dir`, unmounted when dropped.
struct Tmpfs(std::path::PathBuf);

impl Tmpfs {
    fn mount(dir: &Path, mb: u32) -> Tmpfs {
        std::fs::create_dir_all(dir).unwrap();
        let ok = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={mb}m"), "tmpfs"])
            .arg(dir)
            .status()
            .expect("mount(8)");
        assert!(
            ok.success(),
            "mounting a tmpfs needs root (the test machines run as root)"
        );
        Tmpfs(dir.to_owned())
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount")
            .arg("-l")
            .arg(&self.0)
            .status();
    }
}

/// Fills the file system of `path` with a file there, to the last byte.
fn fill(path: &Path) {
    let mut f = std::fs::File::create(path).unwrap();
    let block = vec![0x5au8; 64 * 1024];
    while f.write_all(&block).is_ok() {}
    let small = [0x5au8; 512];
    while f.write_all(&small).is_ok() {}
    let _ = f.flush();
}

async fn health(s: &TestServer) -> (StatusCode, Value) {
    let r = s.http.get(s.url("/healthz")).send().await.unwrap();
    let st = r.status();
    (st, r.json().await.unwrap())
}

#[tokio::test]
async fn a_full_disk_is_503_and_writes_resume_when_room_is_made() {
    if common::backend() == Backend::Postgres {
        return; // the file system under PostgreSQL is its server's, not the test's
    }
    let dir = tempfile::tempdir().unwrap();
    let mnt = dir.path().join("small");
    let _fs = Tmpfs::mount(&mnt, 12);
    let s = TestServer::start_on(&mnt.join("oc.db"), true).await;
    let agent = s.online_agent("agent1@demo.test").await;
    let (chat, customer) = s.start_chat(json!({"consent": true})).await;
    let text = "가".repeat(1_000);
    let mut acknowledged = Vec::new();
    let (st, v) = s.send_message(&chat, &customer, "c-0", &text).await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    acknowledged.push("c-0".to_owned());
    assert_eq!(health(&s).await.0, StatusCode::OK);

    // the disk fills up: sends fail with 503 storage_unavailable, never 500
    fill(&mnt.join("filler"));
    let mut refused = 0;
    for i in 1..600 {
        let id = format!("c-{i}");
        let (st, v) = s.send_message(&chat, &customer, &id, &text).await;
        match st {
            StatusCode::CREATED => acknowledged.push(id),
            StatusCode::SERVICE_UNAVAILABLE => {
                assert_eq!(v["error"], "storage_unavailable", "{v}");
                refused += 1;
                if refused >= 20 {
                    break;
                }
            }
            other => panic!("a send on a full disk answered {other}: {v}"),
        }
    }
    assert!(refused >= 20, "the disk never filled up");
    let (st, h) = health(&s).await;
    assert_eq!(st, StatusCode::SERVICE_UNAVAILABLE, "{h}");
    assert_eq!(h["database"], "cannot_write", "{h}");
    assert!(h["reason"].as_str().unwrap().contains("full"), "{h}");

    // room again: writes resume by themselves, no restart
    std::fs::remove_file(mnt.join("filler")).unwrap();
    let mut resumed = false;
    for i in 0..50 {
        let id = format!("after-{i}");
        let (st, v) = s.send_message(&chat, &customer, &id, "다시 됩니다").await;
        if st == StatusCode::CREATED {
            acknowledged.push(id);
            resumed = true;
            break;
        }
        assert_ne!(st, StatusCode::INTERNAL_SERVER_ERROR, "{v}");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(
        resumed,
        "writes did not resume after the disk had room again"
    );
    for i in 0..20 {
        let id = format!("more-{i}");
        let (st, v) = s.send_message(&chat, &customer, &id, "계속").await;
        assert_eq!(st, StatusCode::CREATED, "{v}");
        acknowledged.push(id);
    }
    // other writers too: an agent's status, a second chat
    s.set_status(&agent, "break").await;
    s.set_status(&agent, "online").await;
    let (_, other) = s.start_chat(json!({"consent": true})).await;
    assert!(!other.is_empty());
    let (st, h) = health(&s).await;
    assert_eq!(st, StatusCode::OK, "{h}");

    // everything acknowledged is there
    let stored: Vec<String> = common::chat_messages(&s, &chat, &customer)
        .await
        .iter()
        .filter_map(|m| m["client_id"].as_str().map(str::to_owned))
        .collect();
    for id in &acknowledged {
        assert!(stored.contains(id), "acknowledged {id} is missing");
    }
    s.stop().await;
}

/// The binary itself, its log (stderr) on the same full disk (issue 30): every request
/// still gets an answer and the process lives — a log line that cannot be written is
/// dropped. Before, tracing reported its own write error with `eprintln!`, which
/// panicked on the full stderr inside the request: the connection closed unanswered.
#[tokio::test]
async fn a_log_on_a_full_disk_never_takes_a_request_down() {
    if common::backend() == Backend::Postgres {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let mnt = dir.path().join("small");
    let _fs = Tmpfs::mount(&mnt, 12);
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let log = std::fs::File::create(mnt.join("server.log")).unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_online-contact"))
        .args([
            "serve",
            "--demo",
            "--limit-customer-messages",
            "off",
            "--addr",
        ])
        .arg(format!("127.0.0.1:{port}"))
        .arg("--database-url")
        .arg(format!("sqlite://{}", mnt.join("oc.db").display()))
        .arg("--site-root")
        .arg(dir.path())
        .env("RUST_LOG", "debug")
        .env_remove("OC_MASK_KEY")
        .stdout(std::process::Stdio::null())
        .stderr(log)
        .spawn()
        .unwrap();
    let s = TestServer::client_of(&format!("http://127.0.0.1:{port}"));
    let mut up = false;
    for _ in 0..100 {
        if let Ok(r) = s.http.get(s.url("/healthz")).send().await
            && r.status() == StatusCode::OK
        {
            up = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(up, "the server did not start");
    let _agent = s.online_agent("agent1@demo.test").await;
    let (chat, customer) = s.start_chat(json!({"consent": true})).await;

    fill(&mnt.join("filler"));
    let mut answered = 0;
    for i in 0..60 {
        let r = s
            .http
            .post(s.url(&format!("/api/v1/chats/{chat}/messages")))
            .bearer_auth(&customer)
            .json(&json!({"client_id": format!("full-{i}"), "text": "가".repeat(500)}))
            .send()
            .await;
        let r = r.unwrap_or_else(|e| panic!("request {i} got no answer: {e}"));
        assert!(
            r.status() == StatusCode::CREATED || r.status() == StatusCode::SERVICE_UNAVAILABLE,
            "{}",
            r.status()
        );
        answered += 1;
    }
    assert_eq!(answered, 60);
    assert!(child.try_wait().unwrap().is_none(), "the server died");
    std::fs::remove_file(mnt.join("filler")).unwrap();
    let mut resumed = false;
    for i in 0..50 {
        let (st, _) = s
            .send_message(&chat, &customer, &format!("room-{i}"), "다시")
            .await;
        if st == StatusCode::CREATED {
            resumed = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(resumed, "writes did not resume");
    let _ = child.kill();
    let _ = child.wait();
}
