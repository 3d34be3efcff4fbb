//! The browser's network edge: JSON over `fetch` (gloo-net) to the public REST API, and
//! a self-healing WebSocket that reconnects with back-off and lets the caller resume.
//! On the server (SSR) these do nothing: they only ever run from effects and event
//! handlers, which the server never executes.

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::AppError;

pub mod kept;

#[cfg(feature = "hydrate")]
mod imp {
    use super::*;
    use gloo_net::http::{Request, RequestBuilder};

    pub(super) fn with_auth(req: RequestBuilder, bearer: Option<&str>) -> RequestBuilder {
        match bearer {
            Some(t) => req.header("Authorization", &format!("Bearer {t}")),
            None => req,
        }
    }

    pub(super) async fn finish<T: DeserializeOwned>(
        res: Result<gloo_net::http::Response, gloo_net::Error>,
    ) -> Result<T, AppError> {
        let res = res.map_err(|e| AppError::new("network", e.to_string()))?;
        if res.ok() {
            // an empty body (204, or a 202 with nothing to say) answers `()` / null
            let text = res
                .text()
                .await
                .map_err(|e| AppError::new("bad_response", e.to_string()))?;
            let body = if text.trim().is_empty() {
                "null"
            } else {
                text.as_str()
            };
            serde_json::from_str::<T>(body)
                .map_err(|e| AppError::new("bad_response", e.to_string()))
        } else {
            match res.json::<shared::ErrorBody>().await {
                Ok(b) => Err(AppError::new(&b.error, b.message).with_status(res.status())),
                Err(_) => Err(AppError::new("http", format!("HTTP {}", res.status()))
                    .with_status(res.status())),
            }
        }
    }

    pub async fn get_json<T: DeserializeOwned>(
        url: &str,
        bearer: Option<&str>,
    ) -> Result<T, AppError> {
        finish(with_auth(Request::get(url), bearer).send().await).await
    }

    pub async fn send_json<T: DeserializeOwned, B: Serialize>(
        method: &str,
        url: &str,
        bearer: Option<&str>,
        body: &B,
    ) -> Result<T, AppError> {
        let req = match method {
            "PUT" => Request::put(url),
            "DELETE" => Request::delete(url),
            _ => Request::post(url),
        };
        let req = with_auth(req, bearer)
            .json(body)
            .map_err(|e| AppError::new("serialize", e.to_string()))?;
        finish(req.send().await).await
    }
}

#[cfg(feature = "hydrate")]
mod files {
    use super::*;
    use gloo_net::http::Request;
    use wasm_bindgen::JsCast;

    /// Sends a picked file as the request body (`POST`), answering the JSON reply.
    pub async fn send_file<T: DeserializeOwned>(
        url: &str,
        bearer: Option<&str>,
        file: &PickedFile,
    ) -> Result<T, AppError> {
        let req = imp::with_auth(Request::post(url), bearer)
            .header("Content-Type", "application/octet-stream")
            .body(wasm_bindgen::JsValue::from(file.file.clone()))
            .map_err(|e| AppError::new("serialize", e.to_string()))?;
        imp::finish(req.send().await).await
    }

    /// Fetches a file with the bearer token (a customer has no cookie in a third-party
    /// frame) and answers a `blob:` URL of it for an `<img>` or a download.
    pub async fn object_url(url: &str, bearer: Option<&str>) -> Result<String, AppError> {
        let res = imp::with_auth(Request::get(url), bearer)
            .send()
            .await
            .map_err(|e| AppError::new("network", e.to_string()))?;
        if !res.ok() {
            return imp::finish::<()>(Ok(res)).await.map(|()| String::new());
        }
        let raw: web_sys::Response = res.into();
        let promise = raw
            .blob()
            .map_err(|_| AppError::new("bad_response", "no file"))?;
        let blob = wasm_bindgen_futures::JsFuture::from(promise)
            .await
            .map_err(|_| AppError::new("bad_response", "no file"))?;
        let blob: web_sys::Blob = blob
            .dyn_into()
            .map_err(|_| AppError::new("bad_response", "no file"))?;
        web_sys::Url::create_object_url_with_blob(&blob)
            .map_err(|_| AppError::new("bad_response", "no file"))
    }

    /// Lets go of a `blob:` URL made by [`object_url`].
    pub fn forget_object_url(url: &str) {
        let _ = web_sys::Url::revoke_object_url(url);
    }

    /// Saves `url` (a `blob:` or same-origin URL) as a file named `name`.
    pub fn save_as(url: &str, name: &str) {
        let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
            return;
        };
        if let Ok(a) = doc.create_element("a") {
            let _ = a.set_attribute("href", url);
            let _ = a.set_attribute("download", name);
            if let Some(a) = a.dyn_ref::<web_sys::HtmlElement>() {
                a.click();
            }
        }
    }
}

#[cfg(feature = "hydrate")]
pub use files::{forget_object_url, object_url, save_as, send_file};
#[cfg(feature = "hydrate")]
pub use imp::{get_json, send_json};

/// A file the person picked, dropped or pasted (the browser's `File`; on the server an
/// empty stand-in, never made).
#[derive(Clone, Debug)]
pub struct PickedFile {
    #[cfg(feature = "hydrate")]
    file: web_sys::File,
    pub name: String,
    pub size: f64,
    /// The browser's guess of the type (only a hint; the server sniffs the bytes).
    pub mime: String,
}

#[cfg(feature = "hydrate")]
impl PickedFile {
    pub fn of(file: web_sys::File) -> PickedFile {
        let name = file.name();
        PickedFile {
            name: if name.is_empty() {
                "image.png".into() // a pasted screenshot may have no name
            } else {
                name
            },
            size: file.size(),
            mime: file.type_(),
            file,
        }
    }

    /// The browser's `File` (kept in IndexedDB while it waits, issue 31).
    pub fn browser_file(&self) -> &web_sys::File {
        &self.file
    }

    /// The files of a `FileList` (from an input, a drop or a paste).
    pub fn all(list: Option<web_sys::FileList>) -> Vec<PickedFile> {
        let Some(list) = list else { return Vec::new() };
        (0..list.length())
            .filter_map(|i| list.get(i))
            .map(PickedFile::of)
            .collect()
    }
}

#[cfg(not(feature = "hydrate"))]
pub async fn send_file<T: DeserializeOwned>(
    _url: &str,
    _bearer: Option<&str>,
    _file: &PickedFile,
) -> Result<T, AppError> {
    Err(browser_only())
}

#[cfg(not(feature = "hydrate"))]
pub async fn object_url(_url: &str, _bearer: Option<&str>) -> Result<String, AppError> {
    Err(browser_only())
}

#[cfg(not(feature = "hydrate"))]
pub fn forget_object_url(_url: &str) {}

#[cfg(not(feature = "hydrate"))]
pub fn save_as(_url: &str, _name: &str) {}

/// What the network functions answer on the server, where they never run.
#[cfg(not(feature = "hydrate"))]
fn browser_only() -> AppError {
    AppError::new("browser_only", "only available in the browser")
}

#[cfg(not(feature = "hydrate"))]
pub async fn get_json<T: DeserializeOwned>(
    _url: &str,
    _bearer: Option<&str>,
) -> Result<T, AppError> {
    Err(browser_only())
}

#[cfg(not(feature = "hydrate"))]
pub async fn send_json<T: DeserializeOwned, B: Serialize>(
    _m: &str,
    _url: &str,
    _b: Option<&str>,
    _body: &B,
) -> Result<T, AppError> {
    Err(browser_only())
}

/// A random id for `client_id`s and visitor ids (crypto-strength where available).
/// The current time. In the browser it comes from `Date.now()`: chrono's own clock is
/// not available on `wasm32-unknown-unknown` (it panics).
pub fn now() -> chrono::DateTime<chrono::Utc> {
    #[cfg(feature = "hydrate")]
    {
        chrono::DateTime::from_timestamp_millis(js_sys::Date::now() as i64).unwrap_or_default()
    }
    #[cfg(not(feature = "hydrate"))]
    chrono::Utc::now()
}

/// `fut`'s answer, or `None` when it takes longer than `ms` (browser; on the server
/// `fut` runs to its end).
pub async fn within<T>(ms: u32, fut: impl std::future::Future<Output = T>) -> Option<T> {
    #[cfg(feature = "hydrate")]
    {
        use futures::future::{Either, select};
        let fut = std::pin::pin!(fut);
        match select(fut, gloo_timers::future::TimeoutFuture::new(ms)).await {
            Either::Left((answer, _)) => Some(answer),
            Either::Right(_) => None,
        }
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = ms;
        Some(fut.await)
    }
}

/// A random number in `[0, 1)` (timer jitter; 0.5 on the server).
pub fn random_unit() -> f64 {
    #[cfg(feature = "hydrate")]
    {
        js_sys::Math::random()
    }
    #[cfg(not(feature = "hydrate"))]
    0.5
}

/// Waits in the browser (a no-op on the server).
pub async fn sleep_ms(ms: u32) {
    #[cfg(feature = "hydrate")]
    gloo_timers::future::TimeoutFuture::new(ms).await;
    #[cfg(not(feature = "hydrate"))]
    let _ = ms;
}

/// The browser's UTC offset as `+09:00` (on the server: `+09:00`, the product default).
pub fn browser_offset() -> String {
    #[cfg(feature = "hydrate")]
    let minutes = -(js_sys::Date::new_0().get_timezone_offset() as i64);
    #[cfg(not(feature = "hydrate"))]
    let minutes: i64 = 9 * 60;
    let sign = if minutes < 0 { '-' } else { '+' };
    format!("{sign}{:02}:{:02}", minutes.abs() / 60, minutes.abs() % 60)
}

/// Sends the browser to `url` (a download when the answer is an attachment).
pub fn navigate(url: &str) {
    #[cfg(feature = "hydrate")]
    if let Some(w) = web_sys::window() {
        let _ = w.location().set_href(url);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = url;
}

pub fn random_id() -> String {
    #[cfg(feature = "hydrate")]
    {
        let mut bytes = [0u8; 12];
        if let Some(c) = web_sys::window().and_then(|w| w.crypto().ok()) {
            let _ = c.get_random_values_with_u8_array(&mut bytes);
        } else {
            for b in &mut bytes {
                *b = (js_sys::Math::random() * 256.0) as u8;
            }
        }
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }
    #[cfg(not(feature = "hydrate"))]
    String::new()
}

/// `localStorage` access (no-ops on the server).
pub mod storage {
    pub fn get(key: &str) -> Option<String> {
        #[cfg(feature = "hydrate")]
        {
            web_sys::window()?
                .local_storage()
                .ok()??
                .get_item(key)
                .ok()?
        }
        #[cfg(not(feature = "hydrate"))]
        {
            let _ = key;
            None
        }
    }

    pub fn set(key: &str, value: &str) {
        #[cfg(feature = "hydrate")]
        if let Some(s) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
            let _ = s.set_item(key, value);
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (key, value);
    }

    pub fn remove(key: &str) {
        #[cfg(feature = "hydrate")]
        if let Some(s) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
            let _ = s.remove_item(key);
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = key;
    }
}

/// The page's origin turned into a WebSocket URL prefix (`ws://host` / `wss://host`).
pub fn ws_origin() -> String {
    #[cfg(feature = "hydrate")]
    {
        let loc = web_sys::window().map(|w| w.location());
        let proto = loc
            .as_ref()
            .and_then(|l| l.protocol().ok())
            .unwrap_or_default();
        let host = loc.as_ref().and_then(|l| l.host().ok()).unwrap_or_default();
        format!("{}//{host}", if proto == "https:" { "wss:" } else { "ws:" })
    }
    #[cfg(not(feature = "hydrate"))]
    String::new()
}

/// The close code the server sends when a socket's session ended or its rights changed.
#[cfg(feature = "hydrate")]
const SESSION_ENDED: u16 = 4001;

/// The browser's heartbeat (issue 31): every [`HEARTBEAT_MS`] without a frame from the
/// server it sends `ping` (answered by `pong`); a socket that has said nothing for
/// [`DEAD_AFTER_MS`] is taken as dead — a network that vanished without closing it
/// (no FIN), which the browser itself would notice only after minutes — and replaced.
/// The server's own WebSocket pings are invisible to a page, hence this one.
#[cfg(feature = "hydrate")]
const HEARTBEAT_MS: u32 = 10_000;
#[cfg(feature = "hydrate")]
const DEAD_AFTER_MS: f64 = 22_000.0;

/// Keeps a WebSocket open to `url`: reconnects with back-off (0.5 s doubling to 8 s),
/// calls `on_open` after every (re)connect — the place to send `resume` frames — and
/// hands every server frame to `on_frame`. `on_state(true/false)` reports the link.
/// A socket silent past the heartbeat's limit is closed and replaced (within 30 s).
/// Runs while `alive()` holds (checked on every frame and before reconnecting).
/// Frames are decoded as `F`: the console reads [`shared::ServerMsg`], the customer's
/// window the leaner [`shared::CustomerFrame`] (issue 17).
pub fn keep_socket<F: serde::de::DeserializeOwned + 'static>(
    url: String,
    alive: impl Fn() -> bool + 'static,
    on_open: impl Fn() -> Vec<shared::ClientMsg> + 'static,
    on_frame: impl Fn(F) + 'static,
    on_state: impl Fn(bool) + 'static,
) {
    #[cfg(feature = "hydrate")]
    leptos::task::spawn_local(async move {
        use futures::{SinkExt, StreamExt};
        use gloo_net::websocket::{Message, futures::WebSocket};
        let mut backoff = 500u32;
        while alive() {
            if let Ok(ws) = WebSocket::open(&url) {
                let (mut tx, mut rx) = ws.split();
                let mut opened = false;
                // a first ping: its pong tells the link is up even when nothing else
                // comes
                for frame in on_open().into_iter().chain([shared::ClientMsg::Ping]) {
                    if let Ok(text) = serde_json::to_string(&frame) {
                        let _ = tx.send(Message::Text(text)).await;
                    }
                }
                let mut heard = js_sys::Date::now();
                loop {
                    let next = rx.next();
                    let beat = gloo_timers::future::TimeoutFuture::new(HEARTBEAT_MS / 2);
                    let msg = match futures::future::select(next, beat).await {
                        futures::future::Either::Left((Some(msg), _)) => msg,
                        futures::future::Either::Left((None, _)) => break,
                        futures::future::Either::Right(_) => {
                            let quiet = js_sys::Date::now() - heard;
                            if quiet >= DEAD_AFTER_MS {
                                break;
                            }
                            if quiet >= f64::from(HEARTBEAT_MS)
                                && let Ok(ping) = serde_json::to_string(&shared::ClientMsg::Ping)
                            {
                                let _ = tx.send(Message::Text(ping)).await;
                            }
                            continue;
                        }
                    };
                    heard = js_sys::Date::now();
                    if !alive() {
                        return;
                    }
                    match msg {
                        Ok(Message::Text(t)) => {
                            if !opened {
                                opened = true;
                                backoff = 500;
                                on_state(true);
                            }
                            if let Ok(frame) = serde_json::from_str::<F>(&t) {
                                on_frame(frame);
                            }
                        }
                        Ok(Message::Bytes(_)) => {}
                        // the server closed it because this session ended or its
                        // rights changed (issue 15): the page starts over (sign-in)
                        Err(gloo_net::websocket::WebSocketError::ConnectionClose(ev))
                            if ev.code == SESSION_ENDED =>
                        {
                            if let Some(w) = web_sys::window() {
                                let _ = w.location().reload();
                            }
                            return;
                        }
                        Err(_) => break,
                    }
                }
            }
            on_state(false);
            gloo_timers::future::TimeoutFuture::new(backoff).await;
            backoff = (backoff * 2).min(8000);
        }
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = (url, alive, on_open, on_frame, on_state);
}

/// Puts text on the clipboard (the embed code's copy button).
pub fn copy_text(text: &str) {
    #[cfg(feature = "hydrate")]
    if let Some(w) = web_sys::window() {
        let _ = w.navigator().clipboard().write_text(text);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = text;
}

/// Posts `{oc: kind}` to the parent window, addressed to `origin` only (the embedded
/// widget telling its host page to close, or that an agent wrote).
pub fn post_to_parent(origin: &str, kind: &str) {
    #[cfg(feature = "hydrate")]
    if let Some(parent) = web_sys::window().and_then(|w| w.parent().ok().flatten()) {
        let msg = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&msg, &"oc".into(), &kind.into());
        let _ = parent.post_message(&msg, origin);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (origin, kind);
}
