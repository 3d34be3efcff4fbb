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

use chrono::Utc;
use rand::RngCore;
use sha2::{Digest, Sha256};
use shared::two_factor::{RECOVERY_CODES, TwoFactorSetup};

use crate::Engine;
use crate::caller::Caller;
use crate::db;
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

/// A recovery code looks like `abcd-efgh` (9 characters with the dash).
fn is_recovery_code(code: &str) -> bool {
    let c = code.trim();
    c.len() == 9 && c.as_bytes()[4] == b'-'
}

fn recovery_hash(code: &str) -> Vec<u8> {
    Sha256::digest(code.trim().to_ascii_lowercase().as_bytes()).to_vec()
}

/// Ten fresh recovery codes (letters and digits without look-alikes).
fn new_recovery_codes() -> Vec<String> {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut rng = rand::rngs::OsRng;
    (0..RECOVERY_CODES)
        .map(|_| {
            let mut s = String::with_capacity(9);
            for i in 0..8 {
                if i == 4 {
                    s.push('-');
                }
                s.push(ALPHABET[(rng.next_u32() as usize) % ALPHABET.len()] as char);
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

pub(crate) fn invalid_code() -> Error {
    Error::SecondFactor {
        code: "two_factor_invalid",
        message: "the code is not right (or was used already)".into(),
    }
}

impl Engine {
    /// Starts an enrolment for the caller: a new secret, not in force until confirmed.
    pub async fn begin_two_factor(&self, caller: &Caller) -> Result<TwoFactorSetup> {
        let mut secret = [0u8; 20];
        rand::rngs::OsRng.fill_bytes(&mut secret);
        let email: String = db::query_scalar("SELECT email FROM agents WHERE id = ?")
            .bind(caller.agent_id().0)
            .fetch_one(self.db.ex())
            .await?;
        let t = totp(&secret, &email)?;
        let url = t
            .to_url()
            .map_err(|e| Error::Internal(format!("totp url: {e:?}")))?;
        let (nonce, sealed) = self.mask_key.seal_bytes(&secret);
        db::query("UPDATE agents SET totp_pending_nonce = ?, totp_pending = ? WHERE id = ?")
            .bind(nonce)
            .bind(sealed)
            .bind(caller.agent_id().0)
            .execute(self.db.ex())
            .await?;
        Ok(TwoFactorSetup {
            secret: t.secret().to_base32(),
            qr_svg: qr_svg(&url)?,
            otpauth_url: url,
        })
    }

    /// Confirms the enrolment with a first code; answers the recovery codes (once).
    pub async fn enable_two_factor(&self, caller: &Caller, code: &str) -> Result<Vec<String>> {
        let agent = caller.agent_id().0;
        let Some((email, secret)) = self.account_secret(agent, true).await? else {
            return Err(Error::rule(
                "two_factor_not_started",
                "start the set-up first (a new secret and QR code)",
            ));
        };
        let Some(step) = totp(&secret, &email)?.check(code.trim(), unix_now()) else {
            return Err(invalid_code());
        };
        let codes = new_recovery_codes();
        let mut tx = self.write_tx().await?;
        db::query(
            "UPDATE agents SET totp_nonce = totp_pending_nonce, totp_secret = totp_pending,
               totp_pending_nonce = NULL, totp_pending = NULL, totp_enabled_at = ?, totp_last_step = ?
             WHERE id = ?",
        )
        .bind(Utc::now())
        .bind(step as i64)
        .bind(agent)
        .execute(tx.ex())
        .await?;
        db::query("DELETE FROM agent_recovery_codes WHERE agent_id = ?")
            .bind(agent)
            .execute(tx.ex())
            .await?;
        for c in &codes {
            db::query("INSERT INTO agent_recovery_codes (agent_id, code_hash) VALUES (?, ?)")
                .bind(agent)
                .bind(recovery_hash(c))
                .execute(tx.ex())
                .await?;
        }
        tx.commit().await?;
        tracing::info!(agent, "two-factor login enabled");
        Ok(codes)
    }

    /// Turns two-factor login off for the caller, with a current code.
    pub async fn disable_two_factor(&self, caller: &Caller, code: &str) -> Result<()> {
        let agent = caller.agent_id().0;
        if !self.second_factor(agent, code).await? {
            return Err(invalid_code());
        }
        let mut tx = self.write_tx().await?;
        db::query(
            "UPDATE agents SET totp_nonce = NULL, totp_secret = NULL, totp_enabled_at = NULL,
               totp_pending_nonce = NULL, totp_pending = NULL WHERE id = ?",
        )
        .bind(agent)
        .execute(tx.ex())
        .await?;
        db::query("DELETE FROM agent_recovery_codes WHERE agent_id = ?")
            .bind(agent)
            .execute(tx.ex())
            .await?;
        tx.commit().await?;
        tracing::info!(agent, "two-factor login disabled");
        Ok(())
    }

    /// The account's email and TOTP secret, opened: the one in force, or (`pending`)
    /// the one being set up; `None` without one.
    async fn account_secret(&self, agent: i64, pending: bool) -> Result<Option<(String, Vec<u8>)>> {
        let (nonce_col, secret_col) = if pending {
            ("totp_pending_nonce", "totp_pending")
        } else {
            ("totp_nonce", "totp_secret")
        };
        let r = db::query(format!(
            "SELECT email, {nonce_col} AS nonce, {secret_col} AS sealed FROM agents WHERE id = ?"
        ))
        .bind(agent)
        .fetch_one(self.db.ex())
        .await?;
        let (Some(nonce), Some(sealed)) = (
            r.try_get::<Option<Vec<u8>>, _>("nonce")?,
            r.try_get::<Option<Vec<u8>>, _>("sealed")?,
        ) else {
            return Ok(None);
        };
        Ok(Some((
            r.try_get("email")?,
            self.mask_key.open_bytes(&nonce, &sealed)?,
        )))
    }

    /// Whether the account has two-factor login on.
    pub(crate) async fn has_two_factor(&self, agent: i64) -> Result<bool> {
        let at: Option<chrono::DateTime<Utc>> =
            db::query_scalar("SELECT totp_enabled_at FROM agents WHERE id = ?")
                .bind(agent)
                .fetch_one(self.db.ex())
                .await?;
        Ok(at.is_some())
    }

    /// Checks a second factor: a TOTP code whose step is newer than the last accepted
    /// one, or an unused recovery code (then used up). `false` for anything else.
    pub(crate) async fn second_factor(&self, agent: i64, code: &str) -> Result<bool> {
        let code = code.trim();
        if code.is_empty() || code.len() > 20 {
            return Ok(false);
        }
        if is_recovery_code(code) {
            let used = db::query(
                "UPDATE agent_recovery_codes SET used_at = ? WHERE agent_id = ? AND code_hash = ? AND used_at IS NULL",
            )
            .bind(Utc::now())
            .bind(agent)
            .bind(recovery_hash(code))
            .execute(self.db.ex())
            .await?
            .rows_affected();
            return Ok(used == 1);
        }
        let Some((email, secret)) = self.account_secret(agent, false).await? else {
            return Ok(false);
        };
        let Some(step) = totp(&secret, &email)?.check(code, unix_now()) else {
            return Ok(false);
        };
        // each step once: the update wins only over an older step
        let taken =
            db::query("UPDATE agents SET totp_last_step = ? WHERE id = ? AND totp_last_step < ?")
                .bind(step as i64)
                .bind(agent)
                .bind(step as i64)
                .execute(self.db.ex())
                .await?
                .rows_affected();
        Ok(taken == 1)
    }

    /// Sets whether the service requires two-factor login of every account (admins).
    pub async fn set_require_two_factor(&self, caller: &Caller, on: bool) -> Result<()> {
        caller.require_admin()?;
        db::query("UPDATE services SET require_two_factor = ? WHERE id = ?")
            .bind(on)
            .bind(caller.service_id().0)
            .execute(self.db.ex())
            .await?;
        Ok(())
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
        assert_eq!(recovery_hash("ABCD-efgh "), recovery_hash("abcd-efgh"));
    }

    #[test]
    fn the_qr_code_is_an_svg() {
        let svg = qr_svg("otpauth://totp/x?secret=ABC").unwrap();
        assert!(svg.starts_with("<svg") && svg.contains("<path"));
    }
}
