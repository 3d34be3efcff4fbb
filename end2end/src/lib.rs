//! Browser-test harness: starts the built `online-contact` binary on a free port with a
//! temp database and `--demo`, and headless Debian chromium through chromedriver (each in
//! its own process group, killed on drop so a failing test leaves nothing running).
//!
//! Environment: `OC_BIN` (the server binary; default `<target>/debug/online-contact`),
//! `OC_SITE_ROOT` (the built site; default the workspace's `target/site-test`, which
//! `scripts/test-all.sh` builds, else `target/site`),
//! `OC_SCREENSHOT_DIR` (default `target/e2e-screenshots`), `CHROMEDRIVER`, `CHROMIUM`.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub use fantoccini::{Client, Locator};
use serde_json::json;

/// The workspace root (this crate lives in `<root>/end2end`).
/// The checkout the tests run in. Read from cargo's environment at run time, not baked
/// in at compile time: several checkouts share one `CARGO_TARGET_DIR` (CI's clean
/// clones, review copies), and cargo reuses a test binary built in another checkout of
/// the same sources, whose compile-time path would point at that other checkout's site.
pub fn workspace_root() -> PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")))
        .parent()
        .unwrap()
        .to_owned()
}

/// The test build's site when there is one (`scripts/build-site.sh` with
/// `LEPTOS_SITE_ROOT=target/site-test`), else the demo's.
fn default_site() -> PathBuf {
    let test = workspace_root().join("target/site-test");
    if test.join("pkg").exists() {
        test
    } else {
        workspace_root().join("target/site")
    }
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target"))
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Kills a whole process group.
fn kill_group(child: &mut Child) {
    if child.try_wait().ok().flatten().is_none() {
        let pgid = child.id() as libc::pid_t;
        if pgid > 1 {
            // SAFETY: plain syscall; a negative pid addresses exactly the child's own group.
            unsafe { libc::kill(-pgid, libc::SIGKILL) };
        }
        let _ = child.kill();
    }
    let _ = child.wait();
}

fn http_status(port: u16, path: &str) -> Option<u16> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(2))).ok()?;
    write!(s, "GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n").ok()?;
    let mut buf = [0u8; 32];
    let n = s.read(&mut buf).ok()?;
    std::str::from_utf8(&buf[..n])
        .ok()?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

/// Starts the server binary on `port` with the demo, its log appended to
/// `dir/server.log`.
fn spawn_server(port: u16, database_url: &str, dir: &std::path::Path) -> Child {
    let bin = std::env::var_os("OC_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| target_dir().join("debug/online-contact"));
    let site = std::env::var_os("OC_SITE_ROOT")
        .map(PathBuf::from)
        .unwrap_or_else(default_site);
    assert!(
        bin.exists(),
        "server binary {} missing: run `cargo leptos build` first",
        bin.display()
    );
    assert!(
        site.join("pkg").exists(),
        "site {} missing: run `cargo leptos build` first",
        site.display()
    );
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(dir.join("server.log"))
        .unwrap();
    Command::new(&bin)
        .args(["serve", "--demo", "--addr", &format!("127.0.0.1:{port}")])
        .arg("--database-url")
        .arg(database_url)
        .env(
            "OC_MASK_KEY",
            std::env::var("OC_MASK_KEY").unwrap_or_else(|_| "e".repeat(64)),
        )
        .arg("--site-root")
        .arg(&site)
        .stdout(Stdio::null())
        .stderr(log)
        .process_group(0)
        .spawn()
        .expect("start the server binary")
}

/// A running server binary with its own temp database.
pub struct Server {
    pub base: String,
    child: Child,
    _dir: tempfile::TempDir,
    port: u16,
    database_url: String,
}

impl Server {
    pub fn start_demo() -> Server {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("oc.db").display());
        Server::start_on(&url, dir)
    }

    /// One more instance on a shared PostgreSQL database (issue 10); the masking key is
    /// the same for every instance.
    pub fn start_instance(database_url: &str) -> Server {
        Server::start_on(database_url, tempfile::tempdir().unwrap())
    }

    fn start_on(database_url: &str, dir: tempfile::TempDir) -> Server {
        let port = free_port();
        let child = spawn_server(port, database_url, dir.path());
        let server = Server {
            base: format!("http://127.0.0.1:{port}"),
            child,
            _dir: dir,
            port,
            database_url: database_url.to_owned(),
        };
        server.wait_up();
        server
    }

    fn wait_up(&self) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while http_status(self.port, "/healthz") != Some(200) {
            assert!(
                Instant::now() < deadline,
                "server did not come up: {}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Stops the server as an operator does (SIGTERM: sockets are told "restarting",
    /// the database is checkpointed) and starts it again on the same port and data
    /// (issue 31: a restart in the middle of a chat).
    pub fn restart(&mut self) {
        // SAFETY: plain syscall to our own child.
        unsafe { libc::kill(self.child.id() as libc::pid_t, libc::SIGTERM) };
        let deadline = Instant::now() + Duration::from_secs(20);
        while self.child.try_wait().ok().flatten().is_none() {
            assert!(
                Instant::now() < deadline,
                "the server did not stop on SIGTERM"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        self.child = spawn_server(self.port, &self.database_url, self._dir.path());
        self.wait_up();
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self._dir.path().join("server.log")).unwrap_or_default()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        kill_group(&mut self.child);
    }
}

/// A headless chromium session (one person: a customer or an agent).
pub struct Browser {
    pub client: Client,
    driver: Child,
    _profile: tempfile::TempDir,
    /// Where this browser saves downloads (no prompt).
    pub downloads: tempfile::TempDir,
}

impl Browser {
    pub async fn start() -> Browser {
        let driver_bin =
            std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into());
        let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
        let port = free_port();
        let driver = Command::new(&driver_bin)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .expect("start chromedriver (apt-get install chromium-driver)");
        let profile = tempfile::tempdir().unwrap();
        let downloads = tempfile::tempdir().unwrap();
        let caps = json!({
            "goog:chromeOptions": {
                "binary": chromium,
                "prefs": {
                    "download.default_directory": downloads.path().display().to_string(),
                    "download.prompt_for_download": false,
                    // a Korean visitor (issue 33: pages follow the browser's language);
                    // `--lang` alone leaves headless chromium's Accept-Language English
                    "intl.accept_languages": "ko-KR,ko",
                },
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--disable-dev-shm-usage", "--window-size=1280,860", "--lang=ko-KR", "--accept-lang=ko-KR,ko",
                    format!("--user-data-dir={}", profile.path().display()),
                ]
            }
        });
        let caps = match caps {
            serde_json::Value::Object(m) => m,
            _ => unreachable!(),
        };
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        let deadline = Instant::now() + Duration::from_secs(30);
        let client = loop {
            match fantoccini::ClientBuilder::new(connector.clone())
                .capabilities(caps.clone())
                .connect(&format!("http://127.0.0.1:{port}"))
                .await
            {
                Ok(c) => break c,
                Err(e) if Instant::now() < deadline => {
                    let _ = e;
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
                Err(e) => panic!("cannot start a chromium session: {e}"),
            }
        };
        Browser {
            client,
            driver,
            _profile: profile,
            downloads,
        }
    }

    /// Waits (up to 15 s) for an element matching the CSS selector.
    pub async fn find(&self, css: &str) -> fantoccini::elements::Element {
        self.client
            .wait()
            .at_most(Duration::from_secs(15))
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no element `{css}`: {e}"))
    }

    /// Scrolls the element to the middle of the viewport (clear of sticky headers) and
    /// clicks it.
    pub async fn click_centered(&self, css: &str) {
        let el = self.find(css).await;
        let arg = serde_json::to_value(&el).unwrap();
        self.client
            .execute("arguments[0].scrollIntoView({block: 'center'});", vec![arg])
            .await
            .unwrap();
        el.click()
            .await
            .unwrap_or_else(|e| panic!("cannot click `{css}`: {e}"));
    }

    /// Clicks the first element matching `css` whose text contains `needle`, retrying
    /// (up to 15 s) while the element is missing or is replaced by a re-render.
    pub async fn click_with_text(&self, css: &str, needle: &str) {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let mut clicked = false;
            if let Ok(items) = self.client.find_all(Locator::Css(css)).await {
                for item in items {
                    if item.text().await.is_ok_and(|t| t.contains(needle)) {
                        clicked = item.click().await.is_ok();
                        break;
                    }
                }
            }
            if clicked {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "no clickable `{css}` showing `{needle}`"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Selects `needle` inside the last element matching `css` whose text contains it
    /// (as a person drag-selecting it would); answers the selected text.
    pub async fn select_text(&self, css: &str, needle: &str) -> String {
        const SELECT: &str = r#"
const [css, needle] = arguments;
const el = [...document.querySelectorAll(css)].filter(e => e.textContent.includes(needle)).pop();
if (!el) return '';
const at = el.textContent.indexOf(needle);
const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
let node, pos = 0, start = null, end = null;
while ((node = walker.nextNode())) {
  const len = node.textContent.length;
  if (start === null && at < pos + len) start = [node, at - pos];
  if (end === null && at + needle.length <= pos + len) { end = [node, at + needle.length - pos]; break; }
  pos += len;
}
const r = document.createRange();
r.setStart(start[0], start[1]); r.setEnd(end[0], end[1]);
const sel = getSelection(); sel.removeAllRanges(); sel.addRange(r);
return sel.toString();
"#;
        self.client
            .execute(SELECT, vec![json!(css), json!(needle)])
            .await
            .unwrap()
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// Waits (up to 15 s) until the page hydrated (the app's Effect ran). A page that
    /// has not hydrated by then is reloaded once (logged), and must hydrate within
    /// another 15 s: one lost wasm fetch on a loaded CI machine is not a product bug,
    /// a page that never hydrates still fails.
    pub async fn wait_hydrated(&self) {
        const HYDRATED: &str = r#"[data-hydrated="true"]"#;
        let first = self
            .client
            .wait()
            .at_most(Duration::from_secs(15))
            .for_element(Locator::Css(HYDRATED))
            .await;
        if first.is_err() {
            let url = self.client.current_url().await.map(|u| u.to_string());
            eprintln!("page {url:?} did not hydrate in 15 s; reloading it once");
            self.client.refresh().await.unwrap();
            self.find(HYDRATED).await;
        }
    }

    /// Waits (up to 15 s) until `css` matches exactly `n` elements.
    pub async fn wait_count(&self, css: &str, n: usize) {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let found = self
                .client
                .find_all(Locator::Css(css))
                .await
                .map(|v| v.len())
                .unwrap_or(0);
            if found == n {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "`{css}`: expected {n}, found {found}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits (up to 15 s) until the element's text contains `needle`.
    pub async fn wait_text(&self, css: &str, needle: &str) {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let text = match self.client.find(Locator::Css(css)).await {
                Ok(e) => e.text().await.unwrap_or_default(),
                Err(_) => String::new(),
            };
            if text.contains(needle) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "`{css}` never showed `{needle}` (last: `{text}`)"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits (up to 30 s) for a finished download whose name starts with `prefix`;
    /// answers its path.
    pub async fn wait_download(&self, prefix: &str) -> PathBuf {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let done = std::fs::read_dir(self.downloads.path())
                .unwrap()
                .filter_map(|e| e.ok().map(|e| e.path()))
                .find(|p| {
                    let name = p.file_name().unwrap_or_default().to_string_lossy();
                    name.starts_with(prefix) && !name.ends_with(".crdownload")
                });
            if let Some(p) = done {
                return p;
            }
            assert!(Instant::now() < deadline, "no download `{prefix}*` arrived");
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// Saves a PNG under the screenshot directory.
    /// Saves a screenshot of what a person sees now, and checks that screen with
    /// axe-core (issue 17): every screen a test looks at is one a person uses.
    pub async fn screenshot(&self, name: &str) {
        self.assert_accessible(name).await;
        let dir = std::env::var_os("OC_SCREENSHOT_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| workspace_root().join("target/e2e-screenshots"));
        std::fs::create_dir_all(&dir).unwrap();
        let png = self.client.screenshot().await.unwrap();
        std::fs::write(dir.join(format!("{name}.png")), png).unwrap();
    }

    /// Runs axe-core's WCAG 2.1 A/AA rules in the page and fails on any serious or
    /// critical violation (issue 17). Pages of our own app only (they carry
    /// `data-hydrated`); a test's host page is the host site's business. axe-core comes
    /// from npm (`scripts/install-tools.sh --test`; `OC_AXE` names another copy).
    pub async fn assert_accessible(&self, screen: &str) {
        let ours = self
            .client
            .execute(
                "return !!document.querySelector('[data-hydrated]');",
                vec![],
            )
            .await
            .unwrap();
        if ours != serde_json::Value::Bool(true) {
            return;
        }
        let axe = std::env::var_os("OC_AXE")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("/opt/web-audit/node_modules/axe-core/axe.min.js"));
        let source = std::fs::read_to_string(&axe).unwrap_or_else(|e| {
            panic!(
                "axe-core at {}: {e} (run scripts/install-tools.sh --test)",
                axe.display()
            )
        });
        self.client.execute(&source, vec![]).await.unwrap();
        let found = self
            .client
            .execute_async(
                r#"const done = arguments[arguments.length - 1];
                   axe.run(document, { runOnly: { type: 'tag',
                       values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })
                     .then(r => done(r.violations
                       .filter(v => v.impact === 'serious' || v.impact === 'critical')
                       .map(v => `${v.id} (${v.impact}): ${v.help} — ` +
                            v.nodes.map(n => n.target.join(' ')).join(', '))))
                     .catch(e => done([`axe failed: ${e}`]));"#,
                vec![],
            )
            .await
            .unwrap();
        let found: Vec<String> = serde_json::from_value(found).unwrap_or_default();
        assert!(
            found.is_empty(),
            "accessibility of `{screen}` (axe-core, WCAG 2.1 A/AA, serious or critical):\n{}",
            found.join("\n")
        );
    }

    pub async fn close(mut self) {
        let _ = self.client.clone().close().await;
        kill_group(&mut self.driver);
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        kill_group(&mut self.driver);
    }
}

/// A third-party page on another origin (its own port), serving one HTML document for
/// every path — the "customer's web site" that embeds the widget.
pub struct HostPage {
    pub url: String,
}

impl HostPage {
    pub fn serve(html: String) -> HostPage {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let mut buf = [0u8; 4096];
                let _ = stream.read(&mut buf);
                let head = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    html.len()
                );
                let _ = stream.write_all(head.as_bytes());
                let _ = stream.write_all(html.as_bytes());
            }
        });
        HostPage {
            url: format!("http://127.0.0.1:{port}/shop/product/42"),
        }
    }
}

/// Steps many flows share.
impl Browser {
    /// Clicks the element `css` once it is on the page.
    pub async fn click(&self, css: &str) {
        self.find(css).await.click().await.unwrap();
    }

    /// Types `text` into the element `css` once it is on the page.
    pub async fn type_into(&self, css: &str, text: &str) {
        self.find(css).await.send_keys(text).await.unwrap();
    }

    /// Signs in as `email` and opens the admin screen, hydrated.
    pub async fn open_admin(&self, server: &Server, email: &str) {
        self.login(server, email).await;
        self.client.goto(&server.url("/admin")).await.unwrap();
        self.wait_hydrated().await;
    }

    /// Signs in at `/console` and waits for the console frame.
    pub async fn login(&self, server: &Server, email: &str) {
        self.client.goto(&server.url("/console")).await.unwrap();
        self.wait_hydrated().await;
        self.find(r#"[data-testid="login-email"]"#)
            .await
            .send_keys(email)
            .await
            .unwrap();
        self.find(r#"[data-testid="login-password"]"#)
            .await
            .send_keys("demo-password")
            .await
            .unwrap();
        self.find(r#"[data-testid="login-submit"]"#)
            .await
            .click()
            .await
            .unwrap();
        self.find(r#"[data-testid="agent-name"]"#).await;
    }

    /// Sets the signed-in agent online and gives the server a moment to take it.
    pub async fn go_online(&self) {
        self.find(r#"[data-testid="agent-status"]"#)
            .await
            .select_by_value("online")
            .await
            .unwrap();
        tokio::time::sleep(Duration::from_millis(500)).await;
    }

    /// Signs an agent in, opens the chat screen and goes online (most chat flows start
    /// so).
    pub async fn agent_online(&self, server: &Server, email: &str) {
        self.login(server, email).await;
        self.open_chat_screen().await;
        self.go_online().await;
    }

    /// As an agent: opens the chat screen with the chat icon (C-AG-1).
    pub async fn open_chat_screen(&self) {
        self.find(r#"[data-testid="chat-icon"]"#)
            .await
            .click()
            .await
            .unwrap();
        self.find(r#"[data-testid="chat-screen"]"#).await;
    }

    /// Types `text` into the message box and presses the send button (either side).
    pub async fn send_message(&self, text: &str) {
        self.find(r#"[data-testid="message-input"]"#)
            .await
            .send_keys(text)
            .await
            .unwrap();
        self.find(r#"[data-testid="message-send"]"#)
            .await
            .click()
            .await
            .unwrap();
    }

    /// As a customer: opens the help center's chat, consents, and sends `first` if given.
    pub async fn start_help_center_chat(&self, server: &Server, first: Option<&str>) {
        self.client.goto(&server.url("/hc/demo")).await.unwrap();
        self.wait_hydrated().await;
        self.find(r#"[data-testid="chat-icon"]"#)
            .await
            .click()
            .await
            .unwrap();
        self.find(r#"[data-testid="consent-accept"]"#)
            .await
            .click()
            .await
            .unwrap();
        if let Some(text) = first {
            self.send_message(text).await;
            self.wait_text(r#"[data-testid="message"][data-author="customer"]"#, text)
                .await;
        }
    }
}

/// A command of chromedriver's own (its `/session/{id}/…` extensions), as JSON.
#[derive(Debug)]
struct ChromeCommand {
    path: &'static str,
    body: serde_json::Value,
}

impl fantoccini::wd::WebDriverCompatibleCommand for ChromeCommand {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/{}",
            session_id.unwrap_or_default(),
            self.path
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(self.body.to_string()))
    }
}

/// A flaky network, as a phone has it (issue 31).
impl Browser {
    async fn chrome(&self, path: &'static str, body: serde_json::Value) {
        self.client
            .issue_cmd(ChromeCommand { path, body })
            .await
            .unwrap_or_else(|e| panic!("chromedriver {path}: {e}"));
    }

    /// Chromium's own offline mode (DevTools network emulation through chromedriver):
    /// every new request of this browser fails at once while `offline`; a WebSocket
    /// already open may stay open, as on a real phone that lost its network.
    pub async fn set_offline(&self, offline: bool) {
        self.chrome(
            "chromium/network_conditions",
            json!({"network_conditions": {
                "offline": offline, "latency": 0,
                "download_throughput": 1_000_000, "upload_throughput": 1_000_000,
            }}),
        )
        .await;
    }

    /// Makes the browser refuse requests to URLs matching the patterns (`*` as a
    /// wildcard; empty: none), through the DevTools protocol: one endpoint can be down
    /// while the page itself still loads.
    pub async fn block_urls(&self, patterns: &[&str]) {
        self.chrome(
            "goog/cdp/execute",
            json!({"cmd": "Network.enable", "params": {}}),
        )
        .await;
        self.chrome(
            "goog/cdp/execute",
            json!({"cmd": "Network.setBlockedURLs", "params": {"urls": patterns}}),
        )
        .await;
    }

    /// The texts of every element matching `css`, in page order.
    pub async fn texts(&self, css: &str) -> Vec<String> {
        let mut out = Vec::new();
        for e in self
            .client
            .find_all(Locator::Css(css))
            .await
            .unwrap_or_default()
        {
            out.push(e.text().await.unwrap_or_default());
        }
        out
    }
}

/// A TCP proxy in front of the server whose connections can silently stop (issue 31):
/// [`Proxy::freeze`] stops forwarding on every connection open at that moment — no FIN,
/// no RST, whatever arrives is swallowed — as when a phone's network vanishes under an
/// open socket; connections opened afterwards are forwarded as usual (the network is
/// back). It notes when the server closes a frozen connection: the server noticed.
pub struct Proxy {
    pub port: u16,
    state: std::sync::Arc<ProxyState>,
}

#[derive(Default)]
struct ProxyState {
    /// Connections are numbered as they come; those below this number are frozen.
    frozen_below: std::sync::atomic::AtomicU64,
    next: std::sync::atomic::AtomicU64,
    /// When the server closed a frozen connection.
    server_closed: std::sync::Mutex<Vec<Instant>>,
}

impl Proxy {
    /// Listens on a free port and forwards to `server`.
    pub fn start(server: &Server) -> Proxy {
        let target: u16 = server
            .base
            .rsplit(':')
            .next()
            .and_then(|p| p.parse().ok())
            .expect("the server's port");
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let state = std::sync::Arc::new(ProxyState::default());
        let shared = state.clone();
        std::thread::spawn(move || {
            for client in listener.incoming().flatten() {
                let Ok(upstream) = TcpStream::connect(("127.0.0.1", target)) else {
                    continue;
                };
                let n = shared
                    .next
                    .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                for (from, to, from_server) in [
                    (
                        client.try_clone().unwrap(),
                        upstream.try_clone().unwrap(),
                        false,
                    ),
                    (upstream, client, true),
                ] {
                    let state = shared.clone();
                    std::thread::spawn(move || pump(from, to, n, from_server, &state));
                }
            }
        });
        Proxy { port, state }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// Every connection open now stops forwarding, silently.
    pub fn freeze(&self) -> Instant {
        let next = self.state.next.load(std::sync::atomic::Ordering::SeqCst);
        self.state
            .frozen_below
            .store(next, std::sync::atomic::Ordering::SeqCst);
        Instant::now()
    }

    /// When the server closed frozen connections, in order.
    pub fn server_closed_frozen(&self) -> Vec<Instant> {
        self.state.server_closed.lock().unwrap().clone()
    }
}

/// Copies one direction of one connection until either side ends it; once the
/// connection is frozen it reads and drops (the sender sees nothing wrong) and never
/// passes an end on.
fn pump(mut from: TcpStream, mut to: TcpStream, n: u64, from_server: bool, state: &ProxyState) {
    let frozen = || n < state.frozen_below.load(std::sync::atomic::Ordering::SeqCst);
    let mut buf = [0u8; 16 * 1024];
    loop {
        match from.read(&mut buf) {
            Ok(0) | Err(_) => {
                if frozen() {
                    if from_server {
                        state.server_closed.lock().unwrap().push(Instant::now());
                    }
                    // the other side hears nothing of it; keep its socket open a while
                    std::thread::sleep(Duration::from_secs(120));
                } else {
                    let _ = to.shutdown(std::net::Shutdown::Write);
                }
                return;
            }
            Ok(k) => {
                if !frozen() && to.write_all(&buf[..k]).is_err() {
                    return;
                }
            }
        }
    }
}

/// A fresh PostgreSQL database for a browser test on the server `OC_TEST_PG_URL`
/// (default `postgres://postgres@127.0.0.1:5432/postgres`, which `scripts/test-all.sh`
/// starts before the browser tests); `None` when no server answers there.
pub fn fresh_postgres_database(name: &str) -> Option<String> {
    let admin = std::env::var("OC_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    let psql = |sql: &str| {
        Command::new("psql")
            .arg(&admin)
            .args(["-qc", sql])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    if !psql("SELECT 1") {
        return None;
    }
    psql(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
    assert!(psql(&format!("CREATE DATABASE {name}")), "create {name}");
    let base = admin.rsplit_once('/').map_or(admin.as_str(), |(b, _)| b);
    Some(format!("{base}/{name}"))
}
