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
mod db;
mod demo;
mod error;
mod password;
mod services;
pub mod throttle;

pub use auth::{Caller, LoginOutcome};
pub use demo::{DEMO_PASSWORD, DEMO_SLUG, DemoOutcome};
pub use error::{Error, Result};
pub use services::NewService;

use std::sync::Arc;

use sqlx::SqlitePool;

/// The domain engine. Cheap to clone: everything inside is shared.
#[derive(Clone)]
pub struct Engine {
    /// The one connection pool of the process; SQLite in WAL mode lets readers run beside
    /// the single writer, so every edge shares it instead of opening its own.
    db: SqlitePool,
    /// Failed logins per account/address. Kept in memory: it protects this process from
    /// password guessing; losing it at restart only resets the counters.
    throttle: Arc<throttle::LoginThrottle>,
    /// How long a new session token stays valid.
    session_ttl: chrono::Duration,
}

impl Engine {
    /// Opens (creating when missing) the database at `url`, applies migrations and sets
    /// the pragmas the product relies on (WAL, foreign keys, secure delete).
    pub async fn open(url: &str) -> Result<Engine> {
        let db = db::connect(url).await?;
        Ok(Engine {
            db,
            throttle: Arc::new(throttle::LoginThrottle::default()),
            session_ttl: chrono::Duration::days(7),
        })
    }

    /// Answers whether the database responds (`GET /healthz`).
    pub async fn health(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.db).await?;
        Ok(())
    }

    /// Flushes the WAL into the main file and closes every connection. Called on graceful
    /// shutdown so no page of the log (which may hold deleted text) outlives the process.
    pub async fn close(&self) {
        db::checkpoint_and_close(&self.db).await;
    }
}
