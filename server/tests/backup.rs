//! Issue 21: `online-contact backup` takes a consistent copy while messages are being
//! sent, and `online-contact restore` puts it in place: the restored server has every
//! message acknowledged before the backup began, its masked run still masked and
//! unmasked with the same key, and its export. PostgreSQL is pointed to `pg_dump`.

mod common;

use common::{DEMO_PASSWORD, TestServer};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};

const PHONE: &str = "010-9876-5432";

async fn cli(args: &[&str]) -> Result<(), String> {
    use clap::Parser;
    let mut argv = vec!["online-contact"];
    argv.extend_from_slice(args);
    let cli = server::config::Cli::try_parse_from(argv).map_err(|e| e.to_string())?;
    server::run(cli).await.map_err(|e| e.to_string())
}

#[tokio::test]
async fn a_backup_taken_while_messages_flow_restores_everything_acknowledged() {
    if common::backend() == common::Backend::Postgres {
        let s = TestServer::demo().await;
        let err = cli(&["backup", "--database-url", &s.db_url, "--to", "/tmp/x.db"])
            .await
            .unwrap_err();
        assert!(err.contains("pg_dump"), "{err}");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("oc.db");
    let s = TestServer::start_on(&path, true).await;
    let agent = s.online_agent("agent1@demo.test").await;
    let (chat, customer) = s.start_chat(json!({"consent": true})).await;
    let text = format!("제 번호는 {PHONE} 입니다");
    let (_, m) = s
        .post(
            &format!("/api/v1/chats/{chat}/messages"),
            Some(&customer),
            json!({"client_id": "p1", "text": text}),
        )
        .await;
    let msg = m["message"]["id"].as_str().unwrap().to_owned();
    let masks = format!("/api/v1/chats/{chat}/messages/{msg}/masks");
    let (st, v) = s
        .post(&masks, Some(&agent), json!({"start": 6, "end": 19}))
        .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    let mask_id = v["message"]["masks"][0]["id"].as_str().unwrap().to_owned();
    s.post(
        &format!("/api/v1/chats/{chat}/open"),
        Some(&agent),
        json!({}),
    )
    .await;

    // messages flow while the backup is taken
    let acked = Arc::new(Mutex::new(Vec::<String>::new()));
    let sender = {
        let (http, url, agent, acked) = (
            s.http.clone(),
            s.url(&format!("/api/v1/chats/{chat}/messages")),
            agent.clone(),
            acked.clone(),
        );
        tokio::spawn(async move {
            for i in 0..200 {
                let text = format!("flow {i}");
                let r = http
                    .post(&url)
                    .bearer_auth(&agent)
                    .json(&json!({"client_id": format!("f{i}"), "text": text}))
                    .send()
                    .await
                    .unwrap();
                assert_eq!(r.status(), StatusCode::CREATED);
                acked.lock().unwrap().push(text);
            }
        })
    };
    while acked.lock().unwrap().len() < 40 {
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    let before: Vec<String> = acked.lock().unwrap().clone();
    let backup = dir.path().join("backup.db");
    let b = backup.to_str().unwrap();
    cli(&["backup", "--database-url", &s.db_url, "--to", b])
        .await
        .unwrap();
    sender.await.unwrap();
    // a backup never overwrites one
    let err = cli(&["backup", "--database-url", &s.db_url, "--to", b])
        .await
        .unwrap_err();
    assert!(err.contains("exists"), "{err}");
    s.stop().await;

    // restore into a new place, with the same masking key beside it
    let other = tempfile::tempdir().unwrap();
    let restored = other.path().join("oc.db");
    std::fs::copy(dir.path().join("mask.key"), other.path().join("mask.key")).unwrap();
    let url = format!("sqlite://{}", restored.display());
    cli(&["restore", "--from", b, "--database-url", &url])
        .await
        .unwrap();
    let err = cli(&["restore", "--from", b, "--database-url", &url])
        .await
        .unwrap_err();
    assert!(err.contains("--force"), "{err}");
    let junk = other.path().join("junk.db");
    std::fs::write(&junk, b"not a database at all, just bytes").unwrap();
    let err = cli(&[
        "restore",
        "--from",
        junk.to_str().unwrap(),
        "--database-url",
        &url,
        "--force",
    ])
    .await
    .unwrap_err();
    assert!(!err.is_empty());

    let s = TestServer::start_on(&restored, true).await;
    let agent = s.login("agent1@demo.test", DEMO_PASSWORD).await;
    let (st, v) = s
        .get(
            &format!("/api/v1/chats/{chat}/messages?limit=500"),
            Some(&agent),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    let messages = v["messages"].as_array().unwrap();
    let texts: Vec<&str> = messages.iter().filter_map(|m| m["text"].as_str()).collect();
    for t in &before {
        assert!(
            texts.contains(&t.as_str()),
            "{t} was acknowledged before the backup"
        );
    }
    // whole and in order: sequence numbers without a gap
    let seqs: Vec<i64> = messages
        .iter()
        .map(|m| m["seq"].as_i64().unwrap())
        .collect();
    assert!(seqs.windows(2).all(|w| w[1] == w[0] + 1), "{seqs:?}");
    let masked = messages.iter().find(|m| m["id"] == msg.as_str()).unwrap();
    assert!(
        !masked["text"].as_str().unwrap().contains("9876"),
        "{masked}"
    );
    // the same key unmasks it
    let r = s
        .http
        .delete(s.url(&format!("{masks}/{mask_id}")))
        .bearer_auth(&agent)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["message"]["text"], text);
    // and the export reads it all
    let admin = s.login("admin@demo.test", DEMO_PASSWORD).await;
    let r = s
        .http
        .get(s.url("/api/v1/chats/export.xlsx"))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    s.stop().await;
}
