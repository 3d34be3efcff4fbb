//! Password hashing with argon2id (the `argon2` crate's default parameters: 19 MiB,
//! 2 passes), off the async workers.
//!
//! Bounded process-wide (issue 15): login checks run on [`hashing_slots`] dedicated
//! threads (about the core count — more would only queue on the CPU), each of which
//! allocates its 19 MiB of argon2 memory once and reuses it for every check. Before,
//! every check ran on the blocking pool and allocated afresh; the allocator kept those
//! blocks per thread, and 100 parallel logins took the server from 44 MB to about 2 GB
//! resident (`BENCHMARKS.md`). An attempt waits at most [`HASHING_QUEUE_WAIT`] for a
//! slot; beyond that it is refused with [`Error::Busy`] (503 with `Retry-After`).
//! The threads and the bound are process-wide statics rather than engine fields
//! because what they protect — this process's memory and cores — is process-wide too.
//!
//! New hashes (account creation, password reset; admins only) take a slot too and use
//! the crate's own allocating path: they are rare and never anonymous.

use std::sync::{Arc, LazyLock, Mutex, mpsc};

use argon2::password_hash::{Output, PasswordHash, PasswordHasher, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use rand::rngs::OsRng;

use crate::error::{Error, Result};

/// How long an attempt waits for a hashing slot before it is refused.
pub const HASHING_QUEUE_WAIT: std::time::Duration = std::time::Duration::from_secs(2);

/// Concurrent argon2 computations allowed: the core count, at least 2.
pub fn hashing_slots() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get().max(2))
}

static HASHING: LazyLock<tokio::sync::Semaphore> =
    LazyLock::new(|| tokio::sync::Semaphore::new(hashing_slots()));

/// A hashing slot, or `Busy` after [`HASHING_QUEUE_WAIT`].
async fn slot() -> Result<tokio::sync::SemaphorePermit<'static>> {
    match tokio::time::timeout(HASHING_QUEUE_WAIT, HASHING.acquire()).await {
        Ok(Ok(permit)) => Ok(permit),
        _ => Err(Error::Busy {
            retry_after: std::time::Duration::from_secs(1),
        }),
    }
}

/// One login check for the hashing threads.
struct Check {
    password: String,
    stored: Option<String>,
    reply: tokio::sync::oneshot::Sender<bool>,
}

/// The queue of the dedicated hashing threads (started on first use).
static CHECKERS: LazyLock<mpsc::Sender<Check>> = LazyLock::new(|| {
    let (tx, rx) = mpsc::channel::<Check>();
    let rx = Arc::new(Mutex::new(rx));
    for i in 0..hashing_slots() {
        let rx = rx.clone();
        let spawned = std::thread::Builder::new()
            .name(format!("oc-hash-{i}"))
            .spawn(move || {
                // this thread's argon2 memory, allocated once
                let mut memory = vec![Block::default(); Params::default().block_count()];
                loop {
                    let next = rx.lock().unwrap_or_else(|p| p.into_inner()).recv();
                    let Ok(check) = next else { return };
                    let ok = check_with(&check.password, check.stored.as_deref(), &mut memory);
                    let _ = check.reply.send(ok);
                }
            });
        if let Err(e) = spawned {
            tracing::error!(error = %e, "could not start a password hashing thread");
        }
    }
    tx
});

/// Hashes a password into a PHC string (`$argon2id$v=19$…`).
pub(crate) async fn hash(password: String) -> Result<String> {
    let _slot = slot().await?;
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| Error::Internal(format!("password hashing failed: {e}")))
    })
    .await
    .map_err(|e| Error::Internal(e.to_string()))?
}

/// Checks a password against a stored PHC string. `None` as the hash still spends the
/// same work (against a fixed dummy hash), so response time does not reveal whether an
/// email exists. `Err(Busy)` when no hashing slot came free in time.
pub(crate) async fn verify(password: String, stored: Option<String>) -> Result<bool> {
    let _slot = slot().await?;
    let (reply, answer) = tokio::sync::oneshot::channel();
    CHECKERS
        .send(Check {
            password,
            stored,
            reply,
        })
        .map_err(|_| Error::Internal("the password hashing threads stopped".into()))?;
    answer
        .await
        .map_err(|_| Error::Internal("a password check was dropped".into()))
}

/// The check itself, into `memory` (grown only for a stored hash with bigger
/// parameters than the default).
fn check_with(password: &str, stored: Option<&str>, memory: &mut Vec<Block>) -> bool {
    let dummy;
    let phc = match stored {
        Some(s) => s,
        None => {
            dummy = dummy_hash();
            dummy.as_str()
        }
    };
    let matches = (|| {
        let hash = PasswordHash::new(phc).ok()?;
        let expected = hash.hash?;
        let params = Params::try_from(&hash).ok()?;
        let algorithm = Algorithm::try_from(hash.algorithm).ok()?;
        let version = match hash.version {
            Some(v) => Version::try_from(v).ok()?,
            None => Version::default(),
        };
        let mut salt = [0u8; 64];
        let salt = hash.salt?.decode_b64(&mut salt).ok()?;
        let blocks = params.block_count();
        if memory.len() < blocks {
            memory.resize(blocks, Block::default());
        }
        let mut out = vec![0u8; expected.len()];
        Argon2::new(algorithm, version, params)
            .hash_password_into_with_memory(
                password.as_bytes(),
                salt,
                &mut out,
                &mut memory[..blocks],
            )
            .ok()?;
        // `Output` compares in constant time
        Some(Output::new(&out).ok()? == expected)
    })()
    .unwrap_or(false);
    matches && stored.is_some()
}

fn dummy_hash() -> String {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY
        .get_or_init(|| {
            let salt = SaltString::generate(&mut OsRng);
            Argon2::default()
                .hash_password(b"not-a-password", &salt)
                .map(|h| h.to_string())
                .unwrap_or_default()
        })
        .clone()
}

/// The crate's own verifier, for tests: the reused-memory check must agree with it.
#[cfg(test)]
fn crate_verify(password: &str, phc: &str) -> bool {
    use argon2::password_hash::PasswordVerifier;
    PasswordHash::new(phc)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    #[tokio::test]
    async fn hash_and_verify() {
        let h = super::hash("demo-password".into()).await.unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(
            super::verify("demo-password".into(), Some(h.clone()))
                .await
                .unwrap()
        );
        assert!(
            !super::verify("wrong-password".into(), Some(h.clone()))
                .await
                .unwrap()
        );
        assert!(!super::verify("not-a-password".into(), None).await.unwrap());
        assert!(
            !super::verify("x".into(), Some("garbage".into()))
                .await
                .unwrap()
        );
        // the reused memory gives the crate's own answer, again and again
        let mut memory = Vec::new();
        for (pw, want) in [
            ("demo-password", true),
            ("demo-passworD", false),
            ("demo-password", true),
        ] {
            assert_eq!(super::check_with(pw, Some(&h), &mut memory), want);
            assert_eq!(super::crate_verify(pw, &h), want);
        }
    }
}
