//! Test harness: the real server on `127.0.0.1:0` with a temp database, talked to over
//! HTTP. No mocks of the database or the socket.
//!
//! The database is a temp SQLite file, or — with `OC_TEST_DB=postgres` — a fresh
//! PostgreSQL database per test on the server at `OC_TEST_PG_URL` (default
//! `postgres://postgres@127.0.0.1:5432/postgres`, started by `scripts/pg-test-server.sh`),
//! so the same suite proves both backends (issue 10).

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
        TestServer::start_with(path, demo, false).await
    }

    /// A demo server that trusts `X-Forwarded-For` (as behind a proxy).
    pub async fn demo_behind_proxy() -> TestServer {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("oc.db");
        let mut s = TestServer::start_with(&path, true, true).await;
        s._dir = Some(dir);
        s
    }

    /// A demo server with the given anonymous-visitor limits (the other constructors
    /// switch them off: most tests start many chats from 127.0.0.1).
    pub async fn demo_with_limits(limits: engine::Limits) -> TestServer {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("oc.db");
        let mut s = TestServer::start_full(&path, true, false, limits).await;
        s._dir = Some(dir);
        s
    }

    pub async fn start_with(path: &std::path::Path, demo: bool, trust_proxy: bool) -> TestServer {
        TestServer::start_full(path, demo, trust_proxy, engine::Limits::off()).await
    }

    pub async fn start_full(
        path: &std::path::Path,
        demo: bool,
        trust_proxy: bool,
        limits: engine::Limits,
    ) -> TestServer {
        let site = std::env::temp_dir();
        TestServer::start_on_site(path, demo, trust_proxy, limits, site, |_| {}).await
    }

    /// A demo server on `path` (or its PostgreSQL database) with `tweak`ed flags.
    pub async fn start_on_with(
        path: &std::path::Path,
        tweak: impl FnOnce(&mut ServeArgs),
    ) -> TestServer {
        let site = std::env::temp_dir();
        TestServer::start_on_site(path, true, false, engine::Limits::off(), site, tweak).await
    }

    /// A demo server whose serve flags `tweak` changes first (metrics, issue 21).
    pub async fn demo_with(tweak: impl FnOnce(&mut ServeArgs)) -> TestServer {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("oc.db");
        let site = std::env::temp_dir();
        let mut s =
            TestServer::start_on_site(&path, true, false, engine::Limits::off(), site, tweak).await;
        s._dir = Some(dir);
        s
    }

    /// A demo server serving the built site in `site_root` (issue 17's file serving).
    pub async fn start_demo_with_site(site_root: PathBuf) -> TestServer {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("oc.db");
        let limits = engine::Limits::off();
        let mut s = TestServer::start_on_site(&path, true, false, limits, site_root, |_| {}).await;
        s._dir = Some(dir);
        s
    }

    async fn start_on_site(
        path: &std::path::Path,
        demo: bool,
        trust_proxy: bool,
        limits: engine::Limits,
        site_root: PathBuf,
        tweak: impl FnOnce(&mut ServeArgs),
    ) -> TestServer {
        // server warnings and errors appear in a failing test's output
        let _ = tracing_subscriber::fmt()
            .with_env_filter(
                tracing_subscriber::EnvFilter::try_from_default_env()
                    .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
            )
            .with_test_writer()
            .try_init();
        let db_url = db_url_for(path).await;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let mut args = ServeArgs {
            addr,
            db: DatabaseArgs {
                database_url: db_url.clone(),
            },
            demo,
            site_root,
            trust_proxy,
            secure_cookies: false,
            presence_grace_secs: 1,
            public_url: None,
            metrics_token: None,
            metrics_addr: None,
            webhooks_allow_private: false,
            webhook_retry_scale: 1.0,
            limits: limits.into(),
        };
        tweak(&mut args);
        let (tx, rx) = oneshot::channel::<()>();
        let task = tokio::spawn(server::serve(args, listener, async move {
            let _ = rx.await;
        }));
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            // a request that never answers fails its test in a minute, with its URL,
            // instead of stalling the whole suite until CI's time limit
            .timeout(std::time::Duration::from_secs(60))
            .build()
            .unwrap();
        let base = format!("http://{addr}");
        for _ in 0..200 {
            if let Ok(r) = http.get(format!("{base}/healthz")).send().await
                && r.status() == StatusCode::OK
            {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(25)).await;
        }
        TestServer {
            base,
            http,
            db_url,
            db_path: path.to_owned(),
            stop: Some(tx),
            task: Some(task),
            _dir: None,
        }
    }

    /// A client of a server started elsewhere (a load balancer in front of instances).
    pub fn client_of(base: &str) -> TestServer {
        TestServer {
            base: base.to_owned(),
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            db_url: String::new(),
            db_path: PathBuf::new(),
            stop: None,
            task: None,
            _dir: None,
        }
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
        let r = self
            .http
            .post(self.url("/api/v1/auth/login"))
            .json(&json!({"email": email, "password": password}))
            .send()
            .await
            .unwrap();
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

impl TestServer {
    pub async fn post(&self, path: &str, token: Option<&str>, body: Value) -> (StatusCode, Value) {
        let mut req = self.http.post(self.url(path)).json(&body);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let r = req.send().await.unwrap();
        let status = r.status();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    pub async fn put(&self, path: &str, token: Option<&str>, body: Value) -> (StatusCode, Value) {
        let mut req = self.http.put(self.url(path)).json(&body);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let r = req.send().await.unwrap();
        let status = r.status();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    /// Sets an agent's status; panics unless accepted.
    pub async fn set_status(&self, token: &str, status: &str) {
        let (s, _) = self
            .put(
                "/api/v1/agent/status",
                Some(token),
                serde_json::json!({ "status": status }),
            )
            .await;
        assert_eq!(s, StatusCode::OK);
    }

    /// Sets the service's per-agent capacity (issue 18) as the demo admin; tests of
    /// spreading load give agents room for every chat they start.
    pub async fn set_capacity(&self, cap: i64) {
        let admin = self.login("admin@demo.test", DEMO_PASSWORD).await;
        let (s, v) = self
            .put(
                "/api/v1/settings",
                Some(&admin),
                serde_json::json!({ "routing": { "agent_capacity": cap } }),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
    }

    /// Logs an agent in and sets them online; returns the token.
    pub async fn online_agent(&self, email: &str) -> String {
        let token = self.login(email, DEMO_PASSWORD).await;
        self.set_status(&token, "online").await;
        token
    }

    /// Posts a message to a chat as whoever `token` is.
    pub async fn send_message(
        &self,
        chat: &str,
        token: &str,
        client_id: &str,
        text: &str,
    ) -> (StatusCode, Value) {
        self.post(
            &format!("/api/v1/chats/{chat}/messages"),
            Some(token),
            serde_json::json!({ "client_id": client_id, "text": text }),
        )
        .await
    }

    /// Ends a chat as whoever `token` is (agent or customer).
    pub async fn end_chat(&self, chat: &str, token: &str) -> (StatusCode, Value) {
        self.post(
            &format!("/api/v1/chats/{chat}/end"),
            Some(token),
            serde_json::json!({}),
        )
        .await
    }

    /// Starts a chat as a customer; returns (chat_id, customer_token).
    pub async fn start_chat(&self, body: Value) -> (String, String) {
        let (s, v) = self.post("/api/v1/services/demo/chats", None, body).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        (
            v["chat_id"].as_str().unwrap().to_owned(),
            v["customer_token"].as_str().unwrap().to_owned(),
        )
    }

    pub fn ws_url(&self, token: &str) -> String {
        format!(
            "{}/api/v1/ws?token={token}",
            self.base.replace("http://", "ws://")
        )
    }
}

/// A WebSocket client speaking the JSON frames of API.md.
pub struct Ws {
    inner: tokio_tungstenite::WebSocketStream<
        tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>,
    >,
}

impl Ws {
    pub async fn connect(url: &str) -> Ws {
        let (inner, _) = tokio_tungstenite::connect_async(url)
            .await
            .expect("websocket connects");
        Ws { inner }
    }

    pub async fn send(&mut self, v: Value) {
        use futures_util::SinkExt;
        self.inner
            .send(tokio_tungstenite::tungstenite::Message::text(v.to_string()))
            .await
            .unwrap();
    }

    /// Next JSON frame (skipping pings), or None after 5 s of silence.
    pub async fn next(&mut self) -> Option<Value> {
        use futures_util::StreamExt;
        loop {
            let frame = tokio::time::timeout(std::time::Duration::from_secs(5), self.inner.next())
                .await
                .ok()??
                .ok()?;
            if let tokio_tungstenite::tungstenite::Message::Text(t) = frame {
                return Some(serde_json::from_str(t.as_str()).unwrap());
            }
        }
    }

    /// Reads frames until one of `kind` arrives (others are skipped); panics after 5 s.
    pub async fn expect(&mut self, kind: &str) -> Value {
        loop {
            let v = self
                .next()
                .await
                .unwrap_or_else(|| panic!("no `{kind}` frame arrived"));
            if v["type"] == kind {
                return v;
            }
        }
    }

    /// Reads frames until `pred` holds for one; panics after 5 s without frames.
    pub async fn expect_where(&mut self, what: &str, pred: impl Fn(&Value) -> bool) -> Value {
        loop {
            let v = self
                .next()
                .await
                .unwrap_or_else(|| panic!("no frame with {what} arrived"));
            if pred(&v) {
                return v;
            }
        }
    }

    /// Wraps an already connected stream (a custom upgrade request).
    pub fn from_stream(
        inner: tokio_tungstenite::WebSocketStream<
            tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>,
        >,
    ) -> Ws {
        Ws { inner }
    }

    /// Reads until the server closes the socket; its close code (`None`: the connection
    /// just ended, or nothing came within 5 s).
    pub async fn close_code(&mut self) -> Option<u16> {
        use futures_util::StreamExt;
        use tokio_tungstenite::tungstenite::Message;
        loop {
            let frame = tokio::time::timeout(std::time::Duration::from_secs(5), self.inner.next())
                .await
                .ok()??;
            match frame {
                Ok(Message::Close(Some(c))) => return Some(c.code.into()),
                Ok(Message::Close(None)) | Err(_) => return None,
                Ok(_) => {}
            }
        }
    }

    pub async fn close(mut self) {
        let _ = self.inner.close(None).await;
    }
}

/// Creates a second service `acme` (admin boss@acme.test / acme-password) through the
/// real CLI entry point, on the same database.
pub async fn create_acme(db_url: &str) {
    use clap::Parser;
    let cli = server::config::Cli::try_parse_from([
        "online-contact",
        "service",
        "create",
        "--database-url",
        db_url,
        "--slug",
        "acme",
        "--name",
        "Acme",
        "--admin-name",
        "Acme Admin",
        "--admin-email",
        "boss@acme.test",
        "--admin-password",
        "acme-password",
    ])
    .unwrap();
    server::run(cli).await.unwrap();
}

/// Which database the suite runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub fn backend() -> Backend {
    match std::env::var("OC_TEST_DB").as_deref() {
        Ok("postgres") | Ok("postgresql") | Ok("pg") => Backend::Postgres,
        _ => Backend::Sqlite,
    }
}

/// The admin URL of the PostgreSQL test server.
pub fn pg_admin_url() -> String {
    std::env::var("OC_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

/// The database URL for a test's database "file": the file itself on SQLite; on
/// PostgreSQL a database named after the path (created when missing), so a restart on
/// the same path finds the same data. Leftover `oct_*` databases are dropped by
/// `scripts/test-all.sh` before the PostgreSQL run.
pub async fn db_url_for(path: &std::path::Path) -> String {
    if backend() == Backend::Sqlite {
        return format!("sqlite://{}", path.display());
    }
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    path.hash(&mut h);
    let name = format!("oct_{:016x}", h.finish());
    let admin = pg_admin_url();
    let pool = sqlx::PgPool::connect(&admin)
        .await
        .expect("PostgreSQL test server (scripts/pg-test-server.sh)");
    let exists: Option<i32> = sqlx::query_scalar("SELECT 1 FROM pg_database WHERE datname = $1")
        .bind(&name)
        .fetch_optional(&pool)
        .await
        .unwrap();
    if exists.is_none() {
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&pool)
            .await
            .unwrap();
    }
    pool.close().await;
    let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(&admin);
    format!("{base}/{name}")
}

/// A value for [`exec`].
pub enum Arg {
    Int(i64),
    Text(String),
    Time(chrono::DateTime<chrono::Utc>),
}

/// `?` placeholders as PostgreSQL's `$1, $2, …` (test SQL has no `?` in literals).
fn numbered(sql: &str) -> String {
    let mut out = String::new();
    let mut n = 0;
    for ch in sql.chars() {
        if ch == '?' {
            n += 1;
            out.push_str(&format!("${n}"));
        } else {
            out.push(ch);
        }
    }
    out
}

macro_rules! bind_args {
    ($query:expr, $args:expr) => {{
        let mut q = $query;
        for a in $args {
            q = match a {
                Arg::Int(i) => q.bind(*i),
                Arg::Text(t) => q.bind(t.clone()),
                Arg::Time(t) => q.bind(*t),
            };
        }
        q
    }};
}

/// Runs one statement (with `?` placeholders) directly on a test database, for arranging
/// what the API cannot (an old chat, a revoked permission).
pub async fn exec(db_url: &str, sql: &str, args: &[Arg]) {
    if db_url.starts_with("sqlite:") {
        let pool = sqlx::SqlitePool::connect(db_url).await.unwrap();
        bind_args!(sqlx::query(sql), args)
            .execute(&pool)
            .await
            .unwrap();
        pool.close().await;
    } else {
        let pool = sqlx::PgPool::connect(db_url).await.unwrap();
        let sql = numbered(sql);
        bind_args!(sqlx::query(&sql), args)
            .execute(&pool)
            .await
            .unwrap();
        pool.close().await;
    }
}

/// Counts rows of `messages` whose stored text contains `needle` (the logical at-rest
/// check that works on both databases).
pub async fn stored_texts_containing(db_url: &str, needle: &str) -> i64 {
    let sql = "SELECT COUNT(*) FROM messages WHERE text LIKE ?";
    let args = [Arg::Text(format!("%{needle}%"))];
    if db_url.starts_with("sqlite:") {
        let pool = sqlx::SqlitePool::connect(db_url).await.unwrap();
        let n = bind_args!(sqlx::query_scalar(sql), &args)
            .fetch_one(&pool)
            .await
            .unwrap();
        pool.close().await;
        n
    } else {
        let pool = sqlx::PgPool::connect(db_url).await.unwrap();
        let sql = numbered(sql);
        let n = bind_args!(sqlx::query_scalar(&sql), &args)
            .fetch_one(&pool)
            .await
            .unwrap();
        pool.close().await;
        n
    }
}

/// Starts `n` chats at once (each its own task), spread round-robin over `servers`;
/// returns their ids.
pub async fn start_chats_at_once(
    servers: &[&TestServer],
    n: usize,
    visitor_prefix: &str,
) -> std::collections::HashSet<String> {
    let starts: Vec<_> = (0..n)
        .map(|i| {
            let s = servers[i % servers.len()];
            let (http, url) = (s.http.clone(), s.url("/api/v1/services/demo/chats"));
            let visitor = format!("{visitor_prefix}{i}");
            tokio::spawn(async move {
                let r = http
                    .post(url)
                    .json(&json!({"consent": true, "visitor_id": visitor}))
                    .send()
                    .await
                    .unwrap();
                assert_eq!(r.status(), StatusCode::CREATED);
                r.json::<Value>().await.unwrap()["chat_id"]
                    .as_str()
                    .unwrap()
                    .to_owned()
            })
        })
        .collect();
    let mut started = std::collections::HashSet::new();
    for h in starts {
        started.insert(h.await.unwrap());
    }
    started
}

/// The chat ids of an `/agent/chats` answer.
pub fn chat_ids(list: &Value) -> std::collections::HashSet<String> {
    list["chats"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_owned())
        .collect()
}

/// A chat's messages as the API lists them to `token`.
pub async fn chat_messages(s: &TestServer, chat: &str, token: &str) -> Vec<Value> {
    let (_, v) = s
        .get(&format!("/api/v1/chats/{chat}/messages"), Some(token))
        .await;
    v["messages"]
        .as_array()
        .unwrap_or_else(|| panic!("no messages in {v}"))
        .clone()
}

/// The `seq`s of a chat's messages, in the order the API lists them.
pub async fn message_seqs(s: &TestServer, chat: &str, token: &str) -> Vec<i64> {
    chat_messages(s, chat, token)
        .await
        .iter()
        .map(|m| m["seq"].as_i64().unwrap())
        .collect()
}

/// Runs a `SELECT COUNT(*)` (or any single-integer query) directly on a test database.
pub async fn count_rows(db_url: &str, sql: &str) -> i64 {
    if db_url.starts_with("sqlite:") {
        let pool = sqlx::SqlitePool::connect(db_url).await.unwrap();
        let n = sqlx::query_scalar(sql).fetch_one(&pool).await.unwrap();
        pool.close().await;
        n
    } else {
        let pool = sqlx::PgPool::connect(db_url).await.unwrap();
        let n = sqlx::query_scalar(sql).fetch_one(&pool).await.unwrap();
        pool.close().await;
        n
    }
}

/// The SQLite files of a database in `dir` (`oc.db` and its WAL and shared memory)
/// whose raw bytes hold `needle`: the at-rest check below the SQL level.
pub fn sqlite_files_holding(dir: &std::path::Path, needle: &[u8]) -> Vec<&'static str> {
    ["oc.db", "oc.db-wal", "oc.db-shm"]
        .into_iter()
        .filter(|f| {
            std::fs::read(dir.join(f))
                .is_ok_and(|bytes| bytes.windows(needle.len()).any(|w| w == needle))
        })
        .collect()
}
