//! The built site's files, served like a CDN would (issue 17).
//!
//! At start-up every script, WebAssembly module and stylesheet in `{site_root}/pkg` gets a
//! name with a hash of its content (`customer.3f9a…e1.js`); pages link those names, and
//! they are answered with `Cache-Control: public, max-age=31536000, immutable` — a new
//! build has new names, so a browser never needs to ask again. The brotli and gzip
//! copies that `scripts/build-site.sh` writes next to each file (`x.wasm.br`,
//! `x.wasm.gz`) are sent as they are to clients that accept them (tower-http's
//! precompressed serving), so no request compresses a bundle; a copy older than its
//! file (a rebuild under `cargo leptos watch`) is ignored and the response is
//! compressed on the fly instead. Other files keep their names and a `no-cache` policy.
//!
//! Which bundle hydrates which pages: the agents' pages load `online-contact.*` (built
//! by cargo-leptos from `frontend`); the customers' pages load the lean `customer.*`
//! when it was built, else the agents' bundle, which can hydrate them too.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use app::{Bundle, SiteAssets};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use tower::ServiceExt;
use tower_http::services::ServeFile;

/// The agents' bundle (cargo-leptos's output name).
const AGENTS: &str = "online-contact";
/// The customers' bundle (`scripts/build-site.sh`, wasm-bindgen's names).
const CUSTOMERS: &str = "customer";

/// The hashed names of the site's files, and where each one is on disk.
#[derive(Clone)]
pub struct Site {
    pub assets: SiteAssets,
    /// Hashed name (`customer.3f9a….js`) → the file and its precompressed copies.
    files: Arc<HashMap<String, HashedFile>>,
}

#[derive(Clone, Debug)]
struct HashedFile {
    path: PathBuf,
    /// Fresh `.br` / `.gz` copies exist next to it.
    brotli: bool,
    gzip: bool,
}

impl Site {
    /// Reads `{site_root}/pkg` (a missing directory gives the plain names, so a server
    /// without a built site still answers its API).
    pub fn scan(site_root: &Path) -> Site {
        let pkg = site_root.join("pkg");
        let mut files = HashMap::new();
        let mut urls: HashMap<String, String> = HashMap::new();
        for entry in std::fs::read_dir(&pkg).into_iter().flatten().flatten() {
            let path = entry.path();
            let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
                continue;
            };
            let Some((stem, ext)) = name.rsplit_once('.') else {
                continue;
            };
            if !matches!(ext, "js" | "wasm" | "css") {
                continue;
            }
            let Some(hash) = content_hash(&path) else {
                continue;
            };
            let hashed = format!("{stem}.{hash}.{ext}");
            urls.insert(name.to_owned(), format!("/pkg/{hashed}"));
            files.insert(
                hashed,
                HashedFile {
                    brotli: fresh_copy(&path, "br"),
                    gzip: fresh_copy(&path, "gz"),
                    path,
                },
            );
        }
        let url = |name: &str| {
            urls.get(name)
                .cloned()
                .unwrap_or_else(|| format!("/pkg/{name}"))
        };
        let agents = Bundle {
            js: url(&format!("{AGENTS}.js")),
            wasm: url(&format!("{AGENTS}.wasm")),
            entry: "hydrate",
        };
        let customers = if urls.contains_key(&format!("{CUSTOMERS}.js")) {
            Bundle {
                js: url(&format!("{CUSTOMERS}.js")),
                wasm: url(&format!("{CUSTOMERS}_bg.wasm")),
                entry: "hydrate_customer",
            }
        } else {
            Bundle {
                entry: "hydrate_customer",
                ..agents.clone()
            }
        };
        Site {
            assets: SiteAssets {
                stylesheet: url(&format!("{AGENTS}.css")),
                agents,
                customers,
            },
            files: Arc::new(files),
        }
    }

    /// The file behind a hashed name under `/pkg/`.
    fn hashed(&self, name: &str) -> Option<&HashedFile> {
        self.files.get(name)
    }
}

/// The first 16 hex digits of the SHA-256 of a file, remembered per (path, size,
/// modification time): tests start many servers on one debug build (a 22 MB module).
fn content_hash(path: &Path) -> Option<String> {
    type Key = (PathBuf, u64, std::time::SystemTime);
    static SEEN: std::sync::LazyLock<std::sync::Mutex<HashMap<Key, String>>> =
        std::sync::LazyLock::new(Default::default);
    let meta = std::fs::metadata(path).ok()?;
    let key = (path.to_owned(), meta.len(), meta.modified().ok()?);
    // held while hashing: two servers starting at once hash a file once
    let mut seen = SEEN.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(hash) = seen.get(&key) {
        return Some(hash.clone());
    }
    let digest = Sha256::digest(std::fs::read(path).ok()?);
    let hash: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
    seen.insert(key, hash.clone());
    Some(hash)
}

/// A precompressed copy `{path}.{ext}` exists and is not older than the file.
fn fresh_copy(path: &Path, ext: &str) -> bool {
    let mut copy = path.as_os_str().to_owned();
    copy.push(".");
    copy.push(ext);
    let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    match (modified(Path::new(&copy)), modified(path)) {
        (Some(copy), Some(file)) => copy >= file,
        _ => false,
    }
}

/// Answers `/pkg/{hashed name}` from the file (or its precompressed copy) with the
/// year-long immutable policy; every other `/pkg/` file passes on with `no-cache`.
pub async fn pkg_files(State(site): State<Site>, request: Request, next: Next) -> Response {
    let Some(name) = request.uri().path().strip_prefix("/pkg/") else {
        return next.run(request).await;
    };
    let Some(file) = site.hashed(name).cloned() else {
        let mut response = next.run(request).await;
        if found(&response) {
            response
                .headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
        }
        return response;
    };
    let mut serve = ServeFile::new(&file.path);
    if file.brotli {
        serve = serve.precompressed_br();
    }
    if file.gzip {
        serve = serve.precompressed_gzip();
    }
    let mut response = match serve.oneshot(request).await {
        Ok(r) => r.into_response(),
        Err(never) => match never {},
    };
    if response.status().is_success() {
        response.headers_mut().insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=31536000, immutable"),
        );
    }
    response
}

/// A response that found its file (not the 404 page).
fn found(response: &Response) -> bool {
    response.status().is_success() || response.status() == axum::http::StatusCode::NOT_MODIFIED
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_content_and_fall_back_to_the_agents_bundle() {
        let dir = tempfile::tempdir().unwrap();
        let pkg = dir.path().join("pkg");
        std::fs::create_dir(&pkg).unwrap();
        std::fs::write(pkg.join("online-contact.js"), "agents").unwrap();
        std::fs::write(pkg.join("online-contact.wasm"), "wasm").unwrap();
        std::fs::write(pkg.join("online-contact.css"), "css").unwrap();
        let site = Site::scan(dir.path());
        let js = site.assets.agents.js.clone();
        assert!(
            js.starts_with("/pkg/online-contact.") && js.ends_with(".js"),
            "{js}"
        );
        assert_eq!(js.len(), "/pkg/online-contact.".len() + 16 + 3);
        // no customer bundle built: customers' pages hydrate with the agents' bundle
        assert_eq!(site.assets.customers.js, js);
        assert_eq!(site.assets.customers.entry, "hydrate_customer");

        std::fs::write(pkg.join("customer.js"), "customers").unwrap();
        std::fs::write(pkg.join("customer_bg.wasm"), "lean").unwrap();
        std::fs::write(pkg.join("online-contact.js"), "agents, rebuilt").unwrap();
        let again = Site::scan(dir.path());
        assert_ne!(again.assets.agents.js, js, "new content, new name");
        assert!(again.assets.customers.js.starts_with("/pkg/customer."));
        assert!(again.assets.customers.wasm.starts_with("/pkg/customer_bg."));
        // no precompressed copies: none are claimed
        let name = again.assets.customers.wasm.trim_start_matches("/pkg/");
        let file = again.hashed(name).unwrap();
        assert!(!file.brotli && !file.gzip);
    }

    #[test]
    fn a_precompressed_copy_older_than_its_file_is_not_used() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("x.wasm");
        std::fs::write(dir.path().join("x.wasm.br"), "old").unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
        std::fs::write(&file, "new").unwrap();
        assert!(!fresh_copy(&file, "br"));
        std::fs::write(dir.path().join("x.wasm.gz"), "new").unwrap();
        assert!(fresh_copy(&file, "gz"));
    }
}
