//! Password hashing with argon2id (the `argon2` crate's default parameters: 19 MiB,
//! 2 passes), run on the blocking pool so it never stalls the async workers.
//!
//! Hashing is bounded process-wide (issue 15): at most [`hashing_slots`] computations
//! run at once (about the core count — more would only queue on the CPU while each
//! holds its 19 MiB), and an attempt waits at most [`HASHING_QUEUE_WAIT`] for a slot;
//! beyond that it is refused with [`Error::Busy`] (503 with `Retry-After`). The bound is
//! a process-wide static rather than an engine field because what it protects — this
//! process's memory and cores — is process-wide too (the CLI hashes through it as well).

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use rand::rngs::OsRng;

use crate::error::{Error, Result};

/// How long an attempt waits for a hashing slot before it is refused.
pub const HASHING_QUEUE_WAIT: std::time::Duration = std::time::Duration::from_secs(2);

/// Concurrent argon2 computations allowed: the core count, at least 2.
pub fn hashing_slots() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get().max(2))
}

static HASHING: std::sync::LazyLock<tokio::sync::Semaphore> =
    std::sync::LazyLock::new(|| tokio::sync::Semaphore::new(hashing_slots()));

/// A hashing slot, or `Busy` after [`HASHING_QUEUE_WAIT`].
async fn slot() -> Result<tokio::sync::SemaphorePermit<'static>> {
    match tokio::time::timeout(HASHING_QUEUE_WAIT, HASHING.acquire()).await {
        Ok(Ok(permit)) => Ok(permit),
        _ => Err(Error::Busy {
            retry_after: std::time::Duration::from_secs(1),
        }),
    }
}

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
    Ok(tokio::task::spawn_blocking(move || {
        let dummy;
        let phc = match &stored {
            Some(s) => s.as_str(),
            None => {
                dummy = dummy_hash();
                dummy.as_str()
            }
        };
        let ok = PasswordHash::new(phc)
            .map(|h| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &h)
                    .is_ok()
            })
            .unwrap_or(false);
        ok && stored.is_some()
    })
    .await
    .unwrap_or(false))
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
            !super::verify("wrong-password".into(), Some(h))
                .await
                .unwrap()
        );
        assert!(!super::verify("not-a-password".into(), None).await.unwrap());
    }
}
