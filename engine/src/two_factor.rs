//! Two-factor login (issue 21): TOTP (RFC 6238: SHA-1, 6 digits, 30 s steps, one step
//! of clock skew either way) with the `totp-rs` crate, and one-time recovery codes.
//!
//! - **Enrolment**: [`Engine::begin_two_factor`] makes a 160-bit secret, keeps it apart
//!   (sealed with the masking key) and answers it as text, `otpauth://` URL and QR code
//!   (SVG drawn from `qrcodegen`'s modules); [`Engine::enable_two_factor`] takes a first
//!   code from the app, puts the secret in force and answers ten recovery codes, shown
//!   once and stored as SHA-256 hashes.
//! - **Login** ([`Engine::login`] calls [`Engine::second_factor`]): with it on, the
//!   password alone answers `two_factor_required`; a wrong code is a failed login for the
//!   throttle (same places as a wrong password); a code's 30-second step is accepted once
//!   (`totp_last_step`), a recovery code once.
//! - **Required by the service**: an account without it may sign in, but its session
//!   may only set it up (the API's extractor refuses the rest with
//!   `two_factor_setup_required`).
//! - **Protecting itself** (issue 30): with it on, replacing the secret (a new set-up)
//!   or turning it off needs a current code or a recovery code — a session alone is
//!   not enough, or a stolen session could lock the owner out —, and those codes are
//!   throttled in the login's places (per account and address), so they cannot be
//!   guessed at speed. Turning it on ends the account's other sessions. Recovery codes
//!   are 16 characters (about 80 bits) kept as HMAC-SHA-256 under a key derived from
//!   the server's masking key, so a copy of the database alone cannot test guesses.

use crate::store;
use chrono::Utc;
use rand::RngCore;
use sha2::Sha256;
use shared::two_factor::{RECOVERY_CODES, TwoFactorSetup};

use crate::Engine;
use crate::caller::Caller;
use crate::error::{Error, Result};

/// The TOTP of a secret for an account.
fn totp(secret: &[u8], account: &str) -> Result<totp_rs::Totp> {
    totp_rs::Builder::new()
        .with_secret(totp_rs::Secret::new(secret.to_vec().into_boxed_slice()))
        .with_account_name(account.replace(':', "_"))
        .with_issuer(Some("Online Contact"))
        .build()
        .map_err(|e| Error::Internal(format!("totp: {e:?}")))
}

/// Characters of a recovery code without its dashes: 16 of a 31-letter alphabet,
/// ≈ 79 bits.
const RECOVERY_CHARS: usize = 16;

/// A recovery code looks like `abcd-efgh-jkmn-pqrs` (four groups of four).
fn is_recovery_code(code: &str) -> bool {
    let c = code.trim();
    c.len() == RECOVERY_CHARS + 3 && c.split('-').all(|g| g.len() == 4)
}

/// How a recovery code is stored: HMAC-SHA-256 under `key` (derived from the masking
/// key), so the stored value is no use without the server's key.
fn recovery_hash(key: &[u8; 32], code: &str) -> Vec<u8> {
    use hmac::Mac;
    let mut mac = hmac::Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(code.trim().to_ascii_lowercase().as_bytes());
    mac.finalize().into_bytes().to_vec()
}

/// Ten fresh recovery codes (letters and digits without look-alikes).
fn new_recovery_codes() -> Vec<String> {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut rng = rand::rngs::OsRng;
    (0..RECOVERY_CODES)
        .map(|_| {
            let mut s = String::with_capacity(RECOVERY_CHARS + 3);
            for i in 0..RECOVERY_CHARS {
                if i > 0 && i % 4 == 0 {
                    s.push('-');
                }
                // rejection sampling: no letter more likely than another
                let limit = u32::MAX - u32::MAX % ALPHABET.len() as u32;
                let n = loop {
                    let n = rng.next_u32();
                    if n < limit {
                        break n;
                    }
                };
                s.push(ALPHABET[(n as usize) % ALPHABET.len()] as char);
            }
            s
        })
        .collect()
}

/// The QR code of `text` as an SVG (one path of dark modules, a 4-module quiet zone).
fn qr_svg(text: &str) -> Result<String> {
    let qr = qrcodegen::QrCode::encode_text(text, qrcodegen::QrCodeEcc::Medium)
        .map_err(|e| Error::Internal(format!("qr: {e:?}")))?;
    let size = qr.size();
    let mut path = String::new();
    for y in 0..size {
        for x in 0..size {
            if qr.get_module(x, y) {
                path.push_str(&format!("M{},{}h1v1h-1z", x + 4, y + 4));
            }
        }
    }
    let full = size + 8;
    Ok(format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {full} {full}" shape-rendering="crispEdges" role="img" aria-label="QR"><rect width="100%" height="100%" fill="#fff"/><path d="{path}" fill="#000"/></svg>"##
    ))
}

fn unix_now() -> u64 {
    Utc::now().timestamp().max(0) as u64
}

impl Engine {
    /// Starts an enrolment for the caller: a new secret, not in force until confirmed.
    /// With two-factor login already on, only with a current code or recovery code
    /// (`current_code`, throttled like a login from `addr`).
    pub async fn begin_two_factor(
        &self,
        caller: &Caller,
        current_code: Option<&str>,
        addr: &str,
    ) -> Result<TwoFactorSetup> {
        if self.has_two_factor(caller.agent_id().0).await? {
            let Some(code) = current_code.filter(|c| !c.trim().is_empty()) else {
                return Err(Error::SecondFactor {
                    code: shared::ErrorCode::TwoFactorRequired,
                    message: "two-factor login is on: a current code (or a recovery code) is needed to replace it".into(),
                });
            };
            self.confirm_current_factor(caller, code, addr).await?;
        }
        let mut secret = [0u8; 20];
        rand::rngs::OsRng.fill_bytes(&mut secret);
        let email = store::agents::email_of(self.db.ex(), caller.agent_id()).await?;
        let t = totp(&secret, &email)?;
        let url = t
            .to_url()
            .map_err(|e| Error::Internal(format!("totp url: {e:?}")))?;
        let (nonce, sealed) = self.mask_key.seal_bytes(&secret);
        store::two_factor::set_pending(self.db.ex(), caller.agent_id().0, &nonce, &sealed).await?;
        Ok(TwoFactorSetup {
            secret: t.secret().to_base32(),
            qr_svg: qr_svg(&url)?,
            otpauth_url: url,
        })
    }

    /// Confirms the enrolment with a first code; answers the recovery codes (once).
    /// Every other session of the account ends (`session` is the caller's own token,
    /// kept): a session opened with the password alone must not outlive the factor.
    pub async fn enable_two_factor(
        &self,
        caller: &Caller,
        code: &str,
        session: &str,
    ) -> Result<Vec<String>> {
        let agent = caller.agent_id().0;
        let Some((email, secret)) = self.account_secret(agent, true).await? else {
            // a state the service or account is in, not a wrong field: 409 (issue 30)
            return Err(Error::conflict(
                shared::ErrorCode::TwoFactorNotStarted,
                "start the set-up first (a new secret and QR code)",
            ));
        };
        let Some(step) = totp(&secret, &email)?.check(code.trim(), unix_now()) else {
            return Err(Error::second_factor_invalid());
        };
        let codes = new_recovery_codes();
        let mut tx = self.write_tx().await?;
        store::two_factor::enable(tx.ex(), agent, step as i64, Utc::now()).await?;
        let key = self.mask_key.derive(b"recovery codes");
        let hashes: Vec<Vec<u8>> = codes.iter().map(|c| recovery_hash(&key, c)).collect();
        store::two_factor::replace_recovery_codes(tx.ex(), agent, &hashes).await?;
        crate::auth::end_sessions(tx.ex(), agent, Some(session)).await?;
        tx.commit().await?;
        self.sessions_changed(caller.agent_id());
        tracing::info!(agent, "two-factor login enabled; other sessions ended");
        Ok(codes)
    }

    /// Turns two-factor login off for the caller, with a current code (or recovery
    /// code), throttled like a login from `addr`.
    pub async fn disable_two_factor(&self, caller: &Caller, code: &str, addr: &str) -> Result<()> {
        let agent = caller.agent_id().0;
        self.confirm_current_factor(caller, code, addr).await?;
        let mut tx = self.write_tx().await?;
        store::two_factor::disable(tx.ex(), agent).await?;
        tx.commit().await?;
        tracing::info!(agent, "two-factor login disabled");
        Ok(())
    }

    /// The account's email and TOTP secret, opened: the one in force, or (`pending`)
    /// the one being set up; `None` without one.
    async fn account_secret(&self, agent: i64, pending: bool) -> Result<Option<(String, Vec<u8>)>> {
        let Some((email, nonce, sealed)) =
            store::agents::sealed_totp(self.db.ex(), shared::AgentId(agent), pending).await?
        else {
            return Ok(None);
        };
        Ok(Some((email, self.mask_key.open_bytes(&nonce, &sealed)?)))
    }

    /// Checks the account's current second factor for a change to it, in the login
    /// throttle's places (issue 30): each attempt takes a place per account and
    /// address like a failed login (429 past them), a right code gives it back.
    async fn confirm_current_factor(&self, caller: &Caller, code: &str, addr: &str) -> Result<()> {
        let agent = caller.agent_id().0;
        let email = store::agents::email_of(self.db.ex(), caller.agent_id()).await?;
        let place = self.reserve_login(&email, addr).await?;
        match self.second_factor(agent, code).await {
            Ok(true) => self.login_succeeded(&email, addr, place).await,
            Ok(false) => {
                tracing::warn!(
                    agent,
                    client_addr = addr,
                    "a wrong code to change two-factor login"
                );
                Err(Error::second_factor_invalid())
            }
            Err(e) => {
                let _ = self.release_login(&email, addr, place).await;
                Err(e)
            }
        }
    }

    /// Whether the account has two-factor login on.
    pub(crate) async fn has_two_factor(&self, agent: i64) -> Result<bool> {
        store::two_factor::enabled(self.db.ex(), agent).await
    }

    /// Checks a second factor: a TOTP code whose step is newer than the last accepted
    /// one, or an unused recovery code (then used up). `false` for anything else.
    pub(crate) async fn second_factor(&self, agent: i64, code: &str) -> Result<bool> {
        let code = code.trim();
        if code.is_empty() || code.len() > 20 {
            return Ok(false);
        }
        if is_recovery_code(code) {
            let hash = recovery_hash(&self.mask_key.derive(b"recovery codes"), code);
            return store::two_factor::use_recovery_code(self.db.ex(), agent, &hash, Utc::now())
                .await;
        }
        let Some((email, secret)) = self.account_secret(agent, false).await? else {
            return Ok(false);
        };
        let Some(step) = totp(&secret, &email)?.check(code, unix_now()) else {
            return Ok(false);
        };
        // each step once: the update wins only over an older step
        store::two_factor::take_step(self.db.ex(), agent, step as i64).await
    }

    /// Sets whether the service requires two-factor login of every account (admins).
    pub async fn set_require_two_factor(&self, caller: &Caller, on: bool) -> Result<()> {
        caller.require_admin()?;
        store::services::set_require_two_factor(self.db.ex(), caller.service_id(), on).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_of_the_rfc_test_secret() {
        // RFC 6238 appendix B, SHA-1, 8 digits at 59 s → 94287082; ours are 6 digits
        let t = totp(b"12345678901234567890", "a@b.c").unwrap();
        assert_eq!(t.generate(59).to_string(), "287082");
        assert!(t.check("287082", 59 + 30).is_some(), "one step of skew");
        assert!(t.check("287082", 59 + 90).is_none());
    }

    #[test]
    fn recovery_codes_are_ten_distinct_and_recognised() {
        let codes = new_recovery_codes();
        assert_eq!(codes.len(), 10);
        assert!(codes.iter().all(|c| is_recovery_code(c)));
        let set: std::collections::HashSet<_> = codes.iter().collect();
        assert_eq!(set.len(), 10);
        assert!(!is_recovery_code("123456"));
        assert!(!is_recovery_code("abcd-efgh"), "the old, short form");
        assert!(codes.iter().all(|c| c.len() == 19));
        let (k1, k2) = ([1u8; 32], [2u8; 32]);
        assert_eq!(
            recovery_hash(&k1, "ABCD-efgh-jkmn-pqrs "),
            recovery_hash(&k1, "abcd-efgh-jkmn-pqrs")
        );
        assert_ne!(
            recovery_hash(&k1, "abcd-efgh-jkmn-pqrs"),
            recovery_hash(&k2, "abcd-efgh-jkmn-pqrs"),
            "the stored value depends on the server's key"
        );
    }

    #[test]
    fn the_qr_code_is_an_svg() {
        let svg = qr_svg("otpauth://totp/x?secret=ABC").unwrap();
        assert!(svg.starts_with("<svg") && svg.contains("<path"));
    }
}
