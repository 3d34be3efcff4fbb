#![recursion_limit = "256"]
//! The `online-contact` server: wires the engine to its edges — the Leptos pages and
//! server functions, the REST API under `/api/v1`, static files — and runs it until
//! SIGINT/SIGTERM, then closes the store cleanly.
//!
//! Data flows one way: edge (HTTP handler / server function) → engine → store; nothing
//! in this crate writes SQL.

pub mod api;
pub mod config;
mod edge;
pub mod metrics;
pub mod origin;
pub mod session;
pub mod shutdown;
pub mod site;
pub mod webhooks;
pub mod widget;

use std::future::Future;
use std::sync::Arc;

use axum::Router;
use axum::extract::FromRef;
use engine::Engine;
use leptos::config::LeptosOptions;
use leptos_axum::{AxumRouteListing, LeptosRoutes, generate_route_list};
use shared::request::CookiePolicy;
use tokio::net::TcpListener;

use config::{Cli, Command, CreateServiceArgs, ServeArgs, ServiceCommand};

/// Everything a request handler may need; cloned per request (all fields are cheap).
#[derive(Clone)]
pub struct AppState {
    /// The domain engine: the only way to the store.
    pub engine: Engine,
    /// Where the built site lives and what it is called (for pages and `/pkg` files).
    pub leptos: LeptosOptions,
    /// The site's files under content-hashed names, read once at start-up (issue 17).
    pub site: site::Site,
    /// How session cookies are written (Secure or not).
    pub cookies: CookiePolicy,
    /// Whether `X-Forwarded-For` may name the client (only behind our own proxy).
    pub trust_proxy: bool,
    /// The public address (scheme://host[:port]) for embed snippets; `None` uses the
    /// request's Host header.
    pub public_url: Option<String>,
    /// How long an agent may be without an open console before being set offline.
    pub presence_grace: std::time::Duration,
    /// Cancelled when shutdown begins: every socket sends its client a close frame
    /// (so it reconnects to another instance) and ends.
    pub stopping: tokio_util::sync::CancellationToken,
    /// The running socket tasks, so shutdown waits for them before closing the store.
    pub sockets: tokio_util::task::TaskTracker,
    /// The token `GET /metrics` wants on the public port; `None`: not served there
    /// (issue 21).
    pub metrics_token: Option<String>,
    /// Whether this server serves metrics at all (a token or a private address): when
    /// not, no recorder is installed and requests are not counted (issue 30).
    pub metrics_on: bool,
    /// Whether webhooks may call loopback and private addresses (off: SSRF).
    pub webhooks_allow_private: bool,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(s: &AppState) -> Self {
        s.leptos.clone()
    }
}

/// Logs to stderr; `RUST_LOG` filters (default `info`). `OC_LOG_FORMAT=json` writes
/// one JSON object per line (time, level, target, message and fields) for log shippers
/// (issue 21); anything else, text for people.
///
/// A log that cannot be written (a full disk under a redirected stderr) is dropped,
/// never a panic (issue 30): tracing-subscriber reports its own write errors with
/// `eprintln!`, which panics when stderr itself fails — inside whichever request
/// logged — so that report is switched off.
pub fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .log_internal_errors(false);
    let _ = if std::env::var("OC_LOG_FORMAT").is_ok_and(|f| f.eq_ignore_ascii_case("json")) {
        builder.json().flatten_event(true).try_init()
    } else {
        builder.try_init()
    };
}

/// Errors that stop the process (start-up and CLI), shown to the operator as text.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error(transparent)]
    Engine(#[from] engine::Error),
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: std::net::SocketAddr,
        source: std::io::Error,
    },
    #[error("server failed: {0}")]
    Io(#[from] std::io::Error),
}

/// Runs a parsed command line.
pub async fn run(cli: Cli) -> Result<(), RunError> {
    match cli.command() {
        Command::Serve(args) => {
            let listener = TcpListener::bind(args.addr)
                .await
                .map_err(|source| RunError::Bind {
                    addr: args.addr,
                    source,
                })?;
            serve(args, listener, shutdown::signal()).await
        }
        Command::Service(ServiceCommand::Create(args)) => create_service(args).await,
        Command::Reports(config::ReportsCommand::Rebuild(args)) => rebuild_reports(args).await,
        Command::Backup(args) => {
            let s = engine::backup::backup(&args.db.database_url, &args.to).await?;
            println!(
                "backed up {} services, {} chats, {} messages, {} files to {} ({} bytes); \
                 keep the masking key (mask.key beside the database, or OC_MASK_KEY) with your backups, separately",
                s.services,
                s.chats,
                s.messages,
                s.attachments,
                args.to.display(),
                s.bytes
            );
            Ok(())
        }
        Command::Restore(args) => {
            let s = engine::backup::restore(&args.from, &args.db.database_url, args.force).await?;
            println!(
                "restored {} services, {} chats, {} messages, {} files from {}; \
                 start the server with the masking key the backup was made with",
                s.services,
                s.chats,
                s.messages,
                s.attachments,
                args.from.display()
            );
            Ok(())
        }
    }
}

async fn rebuild_reports(args: config::RebuildReportsArgs) -> Result<(), RunError> {
    let engine = Engine::open(&args.db.database_url).await?;
    let result = engine.rebuild_reports_of(&args.service).await;
    engine.close().await;
    println!(
        "report rollups of `{}` rebuilt from {} ended chats",
        args.service, result?
    );
    Ok(())
}

async fn create_service(args: CreateServiceArgs) -> Result<(), RunError> {
    let engine = Engine::open(&args.db.database_url).await?;
    let result = engine
        .create_service(engine::NewService {
            slug: args.slug.clone(),
            name: args.name,
            admin_name: args.admin_name,
            admin_email: args.admin_email.clone(),
            admin_password: args.admin_password.0,
        })
        .await;
    engine.close().await;
    let id = result?;
    println!(
        "created service `{}` (id {id}) with admin {}",
        args.slug, args.admin_email
    );
    Ok(())
}

/// How long shutdown waits for sockets to finish their last frame.
const SOCKET_DRAIN: std::time::Duration = std::time::Duration::from_secs(10);

/// Serves on `listener` until `shutdown` completes, then drains and closes the store.
pub async fn serve(
    args: ServeArgs,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), RunError> {
    let engine = Engine::open_with(&args.db.database_url, (&args.limits).into()).await?;
    if args.demo {
        let out = engine.seed_demo().await?;
        tracing::info!(
            service_created = out.service_created,
            accounts_created = out.accounts_created,
            "demo data ready"
        );
    }
    let addr = listener.local_addr()?;
    let leptos = LeptosOptions::builder()
        .output_name(Arc::<str>::from("online-contact"))
        .site_root(Arc::<str>::from(args.site_root.to_string_lossy().as_ref()))
        .site_pkg_dir(Arc::<str>::from("pkg"))
        .site_addr(addr)
        // under `cargo leptos watch`, the port its live-reload socket listens on
        .reload_port(
            std::env::var("LEPTOS_RELOAD_PORT")
                .ok()
                .and_then(|p| p.parse().ok())
                .unwrap_or(3001),
        )
        .build();
    let metrics_token = args.metrics_token.clone().filter(|t| !t.is_empty());
    let metrics_on = metrics_token.is_some() || args.metrics_addr.is_some();
    let state = AppState {
        engine: engine.clone(),
        site: site::Site::scan(&args.site_root),
        leptos,
        cookies: CookiePolicy {
            secure: args.secure_cookies,
        },
        trust_proxy: args.trust_proxy,
        presence_grace: std::time::Duration::from_secs(args.presence_grace_secs),
        public_url: args.public_url.clone(),
        stopping: engine.stopping(),
        sockets: tokio_util::task::TaskTracker::new(),
        metrics_token,
        metrics_on,
        webhooks_allow_private: args.webhooks_allow_private,
    };
    // webhooks: the outbox's deliveries, off the chat's path (issue 21)
    state.sockets.spawn(webhooks::deliver(
        engine.clone(),
        args.webhooks_allow_private,
        args.webhook_retry_scale,
        state.stopping.clone(),
    ));
    // metrics: the recorder (only when something serves it), and the private address
    // that serves them without a token
    if state.metrics_on {
        metrics::handle();
    }
    if let Some(metrics_addr) = args.metrics_addr {
        let listener = TcpListener::bind(metrics_addr)
            .await
            .map_err(|source| RunError::Bind {
                addr: metrics_addr,
                source,
            })?;
        let app = Router::new()
            .route("/metrics", axum::routing::get(metrics::private))
            .with_state(state.clone());
        let stop = state.stopping.clone();
        tracing::info!(addr = %listener.local_addr()?, "metrics on http://{metrics_addr}/metrics");
        tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async move { stop.cancelled().await })
                .await;
        });
    }
    let (stopping, sockets) = (state.stopping.clone(), state.sockets.clone());
    let router = router(state);
    tracing::info!(%addr, database = %args.db.database_url, "listening on http://{addr}");
    // Shutdown drains (issue 15): stop accepting, close every socket with a frame that
    // tells its client to reconnect, let in-flight requests finish (their sends are
    // answered only after the message writer committed them), wait for the socket
    // tasks, and only then checkpoint and close the store.
    let signal = {
        let stopping = stopping.clone();
        async move {
            shutdown.await;
            tracing::info!("shutting down: no new connections; closing sockets");
            stopping.cancel();
        }
    };
    let served = axum::serve(
        listener,
        router.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(signal)
    .await;
    sockets.close();
    if tokio::time::timeout(SOCKET_DRAIN, sockets.wait())
        .await
        .is_err()
    {
        tracing::warn!("sockets still open after {SOCKET_DRAIN:?}; closing the store anyway");
    }
    tracing::info!("shutting down: closing the store");
    engine.close().await;
    served?;
    Ok(())
}

/// The page routes of both apps (agents', customers'), listed once per process.
///
/// leptos_router lists them by rendering the app with resource loading switched off, and
/// that switch (`leptos_server`'s `SuppressResourceLoad`) is one flag for the whole
/// process: a second server starting in a process that already serves pages (the
/// integration tests, several instances in one test) made the first server's page
/// renders create resources that never load, so those pages never answered (about one
/// render in ten thousand, seen as a CI timeout). The routes come only from the two app
/// components, so they are listed before the first server serves and reused by every
/// later one; the listing runs on a thread of its own so the reactive owner it leaves
/// behind as the thread's current one does not stay on a runtime worker.
fn page_routes() -> (Vec<AxumRouteListing>, Vec<AxumRouteListing>) {
    type Lists = (Vec<AxumRouteListing>, Vec<AxumRouteListing>);
    static ROUTES: std::sync::OnceLock<Lists> = std::sync::OnceLock::new();
    ROUTES
        .get_or_init(|| {
            let runtime = tokio::runtime::Handle::try_current().ok();
            std::thread::scope(|scope| {
                scope
                    .spawn(|| {
                        let _entered = runtime.as_ref().map(|r| r.enter());
                        (
                            generate_route_list(app::App),
                            generate_route_list(app::CustomerApp),
                        )
                    })
                    .join()
                    .expect("listing the page routes renders the apps once; it cannot fail")
            })
        })
        .clone()
}

/// The customers' pages (issue 17), rendered with their own document and bundle.
///
/// Not a second `leptos_routes_with_context`: that call also registers every server
/// function, and axum refuses a route twice; the server functions come with the
/// agents' routes and serve both apps. Pages render as leptos_axum renders them
/// (`SsrMode::Async` whole, others streamed out of order), with the router's state and
/// the page context.
fn customer_pages<IV: leptos::IntoView + 'static>(
    mut router: Router<AppState>,
    state: &AppState,
    routes: Vec<AxumRouteListing>,
    page_context: impl Fn() + Clone + Send + Sync + 'static,
    shell: impl Fn() -> IV + Clone + Send + Sync + 'static,
) -> Router<AppState> {
    let context = {
        let state = state.clone();
        move || {
            leptos::prelude::provide_context(state.clone());
            page_context();
        }
    };
    for listing in routes {
        let page = match listing.mode() {
            leptos_router::SsrMode::Async => axum::routing::get(
                leptos_axum::render_app_async_with_context(context.clone(), shell.clone()),
            ),
            _ => axum::routing::get(leptos_axum::render_app_to_stream_with_context(
                context.clone(),
                shell.clone(),
            )),
        };
        router = router.route(listing.path(), page);
    }
    router
}

/// The whole HTTP surface.
pub fn router(state: AppState) -> Router {
    let (agent_routes, customer_routes) = page_routes();
    let page_context = {
        let engine = state.engine.clone();
        let cookies = state.cookies;
        move || {
            leptos::prelude::provide_context(engine.clone());
            leptos::prelude::provide_context(cookies);
            // the nonce the edge chose for this response's Content-Security-Policy, so
            // the framework's inline scripts carry the one the header allows
            if let Some(nonce) = leptos::prelude::use_context::<axum::http::request::Parts>()
                .and_then(|p| p.extensions.get::<edge::PageNonce>().cloned())
            {
                leptos::prelude::provide_context(leptos::nonce::Nonce::from_value(nonce.0));
            }
        }
    };
    let assets = state.site.assets.clone();
    let shell = {
        let (options, assets) = (state.leptos.clone(), assets.clone());
        move || app::shell(options.clone(), assets.clone())
    };
    let customer_shell = {
        let (options, assets) = (state.leptos.clone(), assets.clone());
        move || app::customer_shell(options.clone(), assets.clone())
    };
    let router = Router::new()
        .route("/healthz", axum::routing::get(api::health::healthz))
        .route("/metrics", axum::routing::get(metrics::public))
        .route("/widget.js", axum::routing::get(widget::loader))
        .nest("/api/v1", api::router())
        .leptos_routes_with_context(&state, agent_routes, page_context.clone(), shell);
    customer_pages(
        router,
        &state,
        customer_routes,
        page_context.clone(),
        customer_shell,
    )
    .fallback(leptos_axum::file_and_error_handler_with_context::<
        AppState,
        _,
    >(page_context, move |options| {
        app::shell(options, assets.clone())
    }))
    .layer(axum::middleware::from_fn_with_state(
        state.metrics_on,
        metrics::track,
    ))
    .layer(axum::middleware::from_fn_with_state(
        state.site.clone(),
        site::pkg_files,
    ))
    .layer(axum::middleware::from_fn_with_state(
        state.clone(),
        edge::security_headers,
    ))
    .layer(axum::middleware::from_fn(edge::server_fn_status))
    .layer(axum::extract::DefaultBodyLimit::max(api::MAX_BODY_BYTES))
    .layer(axum::middleware::from_fn_with_state(
        state.clone(),
        edge::csrf,
    ))
    .layer(axum::middleware::from_fn_with_state(
        state.clone(),
        edge::request_context,
    ))
    .layer(
        tower_http::compression::CompressionLayer::new()
            .gzip(true)
            .compress_when(compress_when()),
    )
    // a bug that panics in a handler answers 500 in our error shape (and is logged)
    // instead of dropping the connection
    .layer(tower_http::catch_panic::CatchPanicLayer::custom(
        edge::panic_response,
    ))
    .layer(tower_http::trace::TraceLayer::new_for_http())
    .with_state(state)
}

/// What the gzip layer compresses: its defaults (not images, not tiny bodies), and not
/// the chat files that are compressed already (issue 19: zip, PDF, Office documents —
/// gzipping them costs CPU and saves nothing).
fn compress_when() -> impl tower_http::compression::Predicate {
    use tower_http::compression::Predicate;
    use tower_http::compression::predicate::{DefaultPredicate, NotForContentType};
    DefaultPredicate::new()
        .and(NotForContentType::const_new("application/zip"))
        .and(NotForContentType::const_new("application/pdf"))
        .and(NotForContentType::const_new("application/vnd."))
        .and(NotForContentType::const_new("application/msword"))
}
