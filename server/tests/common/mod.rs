//! Test harness: the real server on `127.0.0.1:0` with a temp SQLite file, talked to
//! over HTTP. No mocks of the database or the socket.

#![allow(dead_code)]

use std::path::PathBuf;

use reqwest::StatusCode;
use serde_json::{Value, json};
use server::config::{DatabaseArgs, ServeArgs};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub const DEMO_PASSWORD: &str = "demo-password";

pub struct TestServer {
    pub base: String,
    pub http: reqwest::Client,
    pub db_url: String,
    pub db_path: PathBuf,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<Result<(), server::RunError>>>,
    _dir: Option<tempfile::TempDir>,
}

impl TestServer {
    /// A fresh demo server on a new temp database.
    pub async fn demo() -> TestServer {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("oc.db");
        let mut s = TestServer::start_on(&path, true).await;
        s._dir = Some(dir);
        s
    }

    /// A server on an existing (or new) database file.
    pub async fn start_on(path: &std::path::Path, demo: bool) -> TestServer {
        let db_url = format!("sqlite://{}", path.display());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let args = ServeArgs {
            addr,
            db: DatabaseArgs { database_url: db_url.clone() },
            demo,
            site_root: std::env::temp_dir(),
            trust_proxy: false,
            secure_cookies: false,
        };
        let (tx, rx) = oneshot::channel::<()>();
        let task = tokio::spawn(server::serve(args, listener, async move {
            let _ = rx.await;
        }));
        let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        let base = format!("http://{addr}");
        for _ in 0..200 {
            if let Ok(r) = http.get(format!("{base}/healthz")).send().await
                && r.status() == StatusCode::OK
            {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(25)).await;
        }
        TestServer { base, http, db_url, db_path: path.to_owned(), stop: Some(tx), task: Some(task), _dir: None }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Stops the server the way SIGTERM does and waits until the store is closed.
    pub async fn stop(mut self) {
        self.stop_in_place().await;
    }

    async fn stop_in_place(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            task.await.unwrap().unwrap();
        }
    }

    /// Logs in over the API; returns the token.
    pub async fn login(&self, email: &str, password: &str) -> String {
        let r = self.http.post(self.url("/api/v1/auth/login")).json(&json!({"email": email, "password": password})).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK, "login of {email}");
        let v: Value = r.json().await.unwrap();
        v["token"].as_str().unwrap().to_owned()
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> (StatusCode, Value) {
        let mut req = self.http.get(self.url(path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let r = req.send().await.unwrap();
        let status = r.status();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    pub async fn get_html(&self, path: &str, cookie_token: Option<&str>) -> (StatusCode, String) {
        let mut req = self.http.get(self.url(path));
        if let Some(t) = cookie_token {
            req = req.header("cookie", format!("oc_session={t}"));
        }
        let r = req.send().await.unwrap();
        (r.status(), r.text().await.unwrap())
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
    }
}
