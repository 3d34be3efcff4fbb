//! The server-side domain of Online Contact: storage (all SQL lives in this crate),
//! accounts and sessions, login throttling and tenant scoping.
//!
//! Data flows one way: the edges (REST handlers, server functions, later the WebSocket)
//! call [`Engine`] methods; the engine validates, writes to the store, and only then
//! tells anyone else. Every method that touches a service's data takes a [`Caller`],
//! which can only be obtained by authenticating, and scopes its queries to
//! `caller.service_id` — the one place tenant isolation happens.

mod accounts;
mod auth;
pub mod backup;
mod bus;
mod caller;
mod canned;
mod categories;
mod chats;
mod db;
mod demo;
pub mod device;
mod error;
mod files;
mod gauges;
mod history;
pub mod hub;
pub mod identity;
pub mod import;
pub mod limits;
mod masking;
mod password;
pub mod pii;
mod presence;
pub mod privacy;
mod reports;
pub mod routing;
mod services;
mod settings;
mod store;
#[cfg(test)]
mod testing;
pub mod throttle;
mod tickets;
mod topology;
mod two_factor;
pub mod webhooks;

pub use auth::LoginOutcome;
pub use caller::Caller;
pub use chats::{ChatParty, ClientInfo, Customer, FileDownload, Party, Sent, Upload};
pub use demo::{DEMO_PASSWORD, DEMO_SLUG, DemoOutcome};
pub use error::{Error, Result};
pub use gauges::Gauges;
pub use history::EXPORT_TTL;
pub use hub::{Event, Hub, Topic};
pub use limits::{Limits, Rate};
pub use masking::MaskKey;
pub use services::NewService;
pub use tickets::TicketFilter;
pub use topology::Topology;

use std::sync::Arc;

use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

/// The domain engine. Cheap to clone: everything inside is shared.
#[derive(Clone)]
pub struct Engine {
    /// One process or several on one database, decided once at start-up: it picks
    /// the throttle, presence, bus and masking-key behaviour (see [`topology`]).
    topology: Topology,
    /// The one connection pool of the process (SQLite or PostgreSQL behind the storage
    /// seam); SQLite in WAL mode lets readers run beside the single writer, so every edge
    /// shares it instead of opening its own.
    db: db::Pool,
    /// Failed logins per account/address. Kept in memory: it protects this process from
    /// password guessing; losing it at restart only resets the counters.
    throttle: Arc<throttle::LoginThrottle>,
    /// How long a new session token stays valid.
    session_ttl: chrono::Duration,
    /// Fan-out of persisted events to live sockets (publish happens after commit).
    hub: Arc<Hub>,
    /// Serialises this process's chat write transactions (assignment reads and writes
    /// in one critical section, so 50 simultaneous starts never double-assign) without
    /// SQLite's sleeping busy handler; `BEGIN IMMEDIATE` guards against other processes.
    write_lock: Arc<tokio::sync::Mutex<()>>,
    /// Open console sockets per agent, so an agent whose browser went away is set
    /// offline (and their chats handed over) instead of stranding customers.
    presence: Arc<presence::Presence>,
    /// The AES-256-GCM key of masked runs (C-PII-2).
    mask_key: Arc<masking::MaskKey>,
    /// Sends waiting for the message writer task, which commits them in groups (one
    /// fsync for many messages under load).
    message_writer: tokio::sync::mpsc::Sender<chats::SendJob>,
    /// This process's id among the instances sharing a PostgreSQL database (bus
    /// envelopes, console socket counts).
    instance: Arc<String>,
    /// Anonymous visitors' limits (issue 15): every path that starts a chat, leaves an
    /// inquiry or sends a customer message goes through the engine, so the buckets
    /// live here and no edge can bypass them.
    limits: Arc<limits::Limiter>,
    /// When each typist last signalled (issue 19): typing frames are throttled per
    /// typist here, in memory — they are never stored, so a restart only resets it.
    typists: Arc<chats::Typists>,
    /// Agents whose `agent.counters` frame is already scheduled (bursts coalesce).
    counters_due: Arc<std::sync::Mutex<std::collections::HashSet<shared::AgentId>>>,
    /// Uploads being received (issues 19, 30): each holds memory, so the process takes
    /// a bounded number at once (503 past it), shared out per chat and address so no
    /// one client holds them all.
    uploads: Arc<files::slots::UploadSlots>,
    /// Thumbnails decoded at once: decoding is CPU-bound, so it takes a turn.
    thumbnailing: Arc<tokio::sync::Semaphore>,
    /// Cancelled by [`Engine::close`]: the message writer drains and stops, and every
    /// background task (counters, export jobs and their sweeper, the bus, presence)
    /// stops; edges hold child tokens ([`Engine::stopping`]) for their sockets.
    shutdown: CancellationToken,
    /// The background tasks, so closing waits for them before closing the store.
    tasks: TaskTracker,
}

impl Engine {
    /// Opens (creating when missing) the database at `url`, applies migrations and sets
    /// the pragmas the product relies on (WAL, foreign keys, secure delete).
    pub async fn open(url: &str) -> Result<Engine> {
        Engine::open_with(url, Limits::default()).await
    }

    /// [`Engine::open`] with the given anonymous-visitor limits.
    pub async fn open_with(url: &str, limits: Limits) -> Result<Engine> {
        let topology = Topology::of_database_url(url);
        let db = db::connect(url).await?;
        let mask_key = masking::MaskKey::load(db::data_dir(url).as_deref(), topology.is_shared())?;
        let (message_writer, jobs) = tokio::sync::mpsc::channel(4096);
        let engine = Engine {
            topology,
            db,
            throttle: Arc::new(throttle::LoginThrottle::default()),
            session_ttl: chrono::Duration::days(7),
            hub: Arc::new(Hub::default()),
            write_lock: Arc::new(tokio::sync::Mutex::new(())),
            presence: Arc::new(presence::Presence::default()),
            mask_key: Arc::new(mask_key),
            message_writer,
            counters_due: Arc::default(),
            typists: Arc::default(),
            limits: Arc::new(limits::Limiter::new(limits)),
            instance: Arc::new(bus::instance_id()),
            uploads: Arc::default(),
            thumbnailing: Arc::new(tokio::sync::Semaphore::new(chats::MAX_THUMBNAILING)),
            shutdown: CancellationToken::new(),
            tasks: TaskTracker::new(),
        };
        // the writer is not cut off by the token: it writes what is queued, then stops
        engine
            .tasks
            .spawn(chats::message_writer(engine.clone(), jobs));
        engine.spawn_background(sweep_exports(engine.clone()));
        engine.spawn_background(chats::routing_ticks(engine.clone()));
        engine.spawn_background(chats::idle_ends(engine.clone()));
        engine.spawn_background(files::sweep_pending(engine.clone()));
        engine.spawn_background(reports::rollup::build_missing(engine.clone()));
        engine.spawn_background(privacy::daily_retention(engine.clone()));
        engine.spawn_background(history::keep_index(engine.clone()));
        if let (Topology::Shared, Some(pg)) = (topology, engine.db.postgres()) {
            bus::start(&engine, pg.clone()).await?;
            presence::start_sync(&engine);
        }
        Ok(engine)
    }

    /// Runs a background task until it ends or the engine shuts down, whichever comes
    /// first; [`Engine::close`] waits for it.
    pub(crate) fn spawn_background<F>(&self, task: F)
    where
        F: std::future::Future<Output = ()> + Send + 'static,
    {
        let stop = self.shutdown.clone();
        self.tasks.spawn(async move {
            tokio::select! {
                () = stop.cancelled() => {}
                () = task => {}
            }
        });
    }

    /// A token the edges cancel to close their sockets first; it is also cancelled
    /// when the engine closes.
    pub fn stopping(&self) -> CancellationToken {
        self.shutdown.child_token()
    }

    /// One process or several (see [`Topology`]).
    pub fn topology(&self) -> Topology {
        self.topology
    }

    /// The real-time hub, for edges that hold sockets.
    pub fn hub(&self) -> &Hub {
        &self.hub
    }

    /// Begins a write transaction inside this process's write critical section.
    pub(crate) async fn write_tx(&self) -> Result<WriteTx> {
        let section = self.write_lock.clone().lock_owned().await;
        let tx = self.db.begin_write().await?;
        Ok(WriteTx {
            tx,
            _section: section,
        })
    }

    /// Begins a transaction for a group of message sends (see [`db::Pool::begin_sends`]).
    pub(crate) async fn sends_tx(&self) -> Result<WriteTx> {
        let section = self.write_lock.clone().lock_owned().await;
        let tx = self.db.begin_sends().await?;
        Ok(WriteTx {
            tx,
            _section: section,
        })
    }

    /// Answers whether the database responds (`GET /healthz`).
    pub async fn health(&self) -> Result<()> {
        store::health::ping(self.db.ex()).await
    }

    /// Whether a write can commit now (issue 30): one row updated through the same
    /// writer connection and write section every write uses, so a full disk, an I/O
    /// error or a writer stuck in a failed transaction shows here — and a writer that
    /// recovered shows that too.
    pub async fn can_write(&self) -> Result<()> {
        let mut tx = self.side_tx().await?;
        store::health::touch_probe(tx.ex(), chrono::Utc::now()).await?;
        tx.commit().await
    }

    /// Leaves no earlier version of any page on disk (issue 30): called when erasing or
    /// masking has committed, before it answers. `secure_delete` zeroes what a change
    /// frees in the pages it writes, but the WAL still held the pages as they were
    /// (the plaintext) until a graceful stop's checkpoint — and after a kill -9, until
    /// the next one. So the WAL is checkpointed into the main file and truncated to
    /// nothing now, inside the write section so no write slips in between. A reader in
    /// the middle of a query can hold the checkpoint back; it is retried for up to
    /// [`SCRUB_WAIT`], then the caller gets 503 (the change itself is committed, and
    /// repeating the request repeats the scrub). On PostgreSQL: nothing (README).
    pub(crate) async fn scrub_log(&self) -> Result<()> {
        if self.db.backend() != db::Backend::Sqlite {
            return Ok(());
        }
        let started = std::time::Instant::now();
        loop {
            let done = {
                let _section = self.write_lock.clone().lock_owned().await;
                db::checkpoint_truncate(&self.db).await?
            };
            if done {
                return Ok(());
            }
            if started.elapsed() > SCRUB_WAIT {
                tracing::warn!("the WAL could not be truncated after erasing or masking");
                return Err(Error::Busy {
                    retry_after: std::time::Duration::from_secs(2),
                });
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    }

    /// Stops the background tasks (the message writer first writes what is queued),
    /// then flushes the WAL into the main file and closes every connection. Called on
    /// graceful shutdown so no page of the log (which may hold deleted text) outlives
    /// the process.
    pub async fn close(&self) {
        self.shutdown.cancel();
        self.tasks.close();
        if tokio::time::timeout(CLOSE_WAIT, self.tasks.wait())
            .await
            .is_err()
        {
            tracing::warn!(
                "background tasks still running after {CLOSE_WAIT:?}; closing the store anyway"
            );
        }
        db::checkpoint_and_close(&self.db).await;
    }
}

/// A write transaction that holds this process's write critical section: committing
/// it (or dropping it, which rolls back) releases the section, so no path can forget
/// to — or release it before the commit is on disk.
pub(crate) struct WriteTx {
    tx: db::Tx,
    /// Released when the transaction is done (field order: after `tx`).
    _section: tokio::sync::OwnedMutexGuard<()>,
}

impl WriteTx {
    pub(crate) fn ex(&mut self) -> db::Ex<'_> {
        self.tx.ex()
    }

    /// Commits, then leaves the critical section.
    pub(crate) async fn commit(self) -> Result<()> {
        let WriteTx { tx, _section } = self;
        tx.commit().await
    }
}

/// A transaction over rows no chat rule reads — a file's own rows (issue 19). On SQLite
/// it is a write transaction like any other (a database file has one writer); on
/// PostgreSQL a plain one, without the chat write lock, so the chunks of an upload
/// never hold up sends or assignments on any instance.
pub(crate) struct SideTx {
    tx: db::Tx,
    /// SQLite only: this process's write section, released after `tx`.
    _section: Option<tokio::sync::OwnedMutexGuard<()>>,
}

impl SideTx {
    pub(crate) fn ex(&mut self) -> db::Ex<'_> {
        self.tx.ex()
    }

    pub(crate) async fn commit(self) -> Result<()> {
        let SideTx { tx, _section } = self;
        tx.commit().await
    }
}

impl Engine {
    pub(crate) async fn side_tx(&self) -> Result<SideTx> {
        match self.db.backend() {
            db::Backend::Sqlite => {
                let section = self.write_lock.clone().lock_owned().await;
                Ok(SideTx {
                    tx: self.db.begin_write().await?,
                    _section: Some(section),
                })
            }
            db::Backend::Postgres => Ok(SideTx {
                tx: self.db.begin().await?,
                _section: None,
            }),
        }
    }
}

/// How long [`Engine::scrub_log`] retries a checkpoint held back by readers.
const SCRUB_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

/// How long [`Engine::close`] waits for background tasks.
const CLOSE_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

/// How often expired export files are swept.
const EXPORT_SWEEP_EVERY: std::time::Duration = std::time::Duration::from_secs(5 * 60);

/// Sweeps expired exports at start-up and every [`EXPORT_SWEEP_EVERY`] (a background
/// task: it stops at shutdown).
async fn sweep_exports(engine: Engine) {
    let mut every = tokio::time::interval(EXPORT_SWEEP_EVERY);
    loop {
        every.tick().await;
        match engine.sweep_exports().await {
            Ok(0) => {}
            Ok(n) => tracing::info!(deleted = n, "expired exports swept"),
            Err(e) => tracing::warn!(error = %e, "could not sweep expired exports"),
        }
    }
}
