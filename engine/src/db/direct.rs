//! The SQLite writer connection driven directly, on a thread of its own (issue 32).
//!
//! Every statement sqlx runs on SQLite is a message to that connection's worker thread
//! and an answer back; `BEGIN` and `COMMIT` are two more. For a group of messages that
//! was about twenty thread hand-offs, about half of the server's CPU at 2,000 msg/s
//! (BENCHMARKS.md). sqlx lets a caller take the connection's raw handle while its
//! worker waits (`SqliteConnection::lock_handle`); [`run`] does so on one dedicated OS
//! thread (never a tokio worker: the statements block on the disk), wraps the handle
//! in a `rusqlite::Connection` (rusqlite 0.32 links the same `libsqlite3-sys` 0.30 as
//! sqlx 0.8, pinned in `engine/Cargo.toml`, so both drive the one library), runs the
//! caller's work synchronously and hands the connection back. A group then costs four
//! hand-offs whatever its size: to the thread, to sqlx's worker and back, and the
//! answer.
//!
//! What the work must leave: the connection in autocommit with no statement running
//! (sqlx's worker takes it back as it was); [`run`] rolls back a transaction the work
//! left open, whatever happened. Written by hand because no crate runs work on a
//! borrowed sqlx connection's handle.

use std::sync::OnceLock;
use std::sync::mpsc;

use sqlx::Sqlite;
use sqlx::pool::PoolConnection;

use crate::error::{Error, Result};

/// Whether message groups take this path: only with `OC_SQLITE_WRITER=direct`. Off by
/// default because it did not pay on this machine (BENCHMARKS.md, *The SQLite writer
/// without hand-offs*): at 2,000 msg/s the server's CPU was the same within noise (the
/// time is in SQLite's own work, not the hand-offs), and at saturation it delivered
/// less. Kept, tested, for measuring on other machines and for the next attempt.
pub(crate) fn enabled() -> bool {
    static ON: OnceLock<bool> = OnceLock::new();
    *ON.get_or_init(|| std::env::var("OC_SQLITE_WRITER").is_ok_and(|v| v == "direct"))
}

/// Work for the writer thread: runs with the connection, answers on its own channel.
type Job = Box<dyn FnOnce() + Send>;

/// The writer thread's queue (one thread for the process: a group holds the write
/// lock anyway, so two could not write at once).
fn queue() -> &'static mpsc::Sender<Job> {
    static QUEUE: OnceLock<mpsc::Sender<Job>> = OnceLock::new();
    QUEUE.get_or_init(|| {
        let (tx, rx) = mpsc::channel::<Job>();
        std::thread::Builder::new()
            .name("oc-sqlite-writer".into())
            .spawn(move || {
                for job in rx {
                    // a panicking job fails its own caller (its answer channel drops);
                    // the thread goes on with the next
                    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job));
                }
            })
            .expect("the SQLite writer thread starts");
        tx
    })
}

/// Runs `work` on the writer thread with `conn` (the writer pool's connection, held by
/// the caller's write section) driven directly; answers the work's result and the
/// connection. `work` always runs: with the connection, or with the error that kept it
/// from it (so what it owns can go back to its caller). An `Err` only when the thread
/// itself is gone.
pub(crate) async fn run<R, W>(
    mut conn: PoolConnection<Sqlite>,
    work: W,
) -> Result<(R, PoolConnection<Sqlite>)>
where
    R: Send + 'static,
    W: FnOnce(std::result::Result<&rusqlite::Connection, Error>) -> R + Send + 'static,
{
    let runtime = tokio::runtime::Handle::current();
    let (answer, answered) = tokio::sync::oneshot::channel();
    let job: Job = Box::new(move || {
        // the worker parks until `locked` drops; no tokio driver is needed for it
        let out = match runtime.block_on(conn.lock_handle()) {
            Err(e) => work(Err(e.into())),
            Ok(mut locked) => {
                let handle = locked.as_raw_handle().as_ptr();
                // SAFETY: the handle is valid while `locked` lives, and only this
                // thread uses it meanwhile (sqlx's worker is parked); the rusqlite
                // connection is dropped (with every statement it prepared) before
                // `locked`, and it never closes a handle it did not open
                match unsafe { rusqlite::Connection::from_handle(handle) } {
                    Err(e) => work(Err(Error::Internal(format!("the SQLite handle: {e}")))),
                    Ok(db) => {
                        let out = work(Ok(&db));
                        if !db.is_autocommit() {
                            // the work's error path should have rolled back; never
                            // hand sqlx an open transaction
                            let _ = db.execute_batch("ROLLBACK");
                        }
                        drop(db);
                        out
                    }
                }
            }
        };
        let _ = answer.send((out, conn));
    });
    queue()
        .send(job)
        .map_err(|_| Error::Internal("the SQLite writer thread stopped".into()))?;
    answered
        .await
        .map_err(|_| Error::Internal("the SQLite writer thread dropped a group".into()))
}
