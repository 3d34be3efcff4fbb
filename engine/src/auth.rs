//! Login, sessions and the [`Caller`]: the authenticated identity every scoped engine
//! method takes. Tokens are random, shown to the client once, and stored only as their
//! SHA-256.

use std::time::Instant;

use crate::{db, throttle};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, SubsecRound, Utc};
use rand::RngCore;
use sha2::{Digest, Sha256};
use shared::validate;
use shared::{AgentId, AgentProfile};

use crate::Engine;
use crate::caller::Caller;
use crate::error::{Error, Result};
use crate::store;

/// A login attempt's place in the throttle (in memory, or the time of its rows).
#[derive(Clone, Copy, Debug)]
pub(crate) enum LoginPlace {
    Memory(throttle::Reservation),
    Shared(DateTime<Utc>),
}

/// A successful login.
#[derive(Clone, Debug)]
pub struct LoginOutcome {
    /// The bearer token / cookie value; never stored in clear.
    pub token: String,
    pub agent: AgentProfile,
    pub expires_at: DateTime<Utc>,
}

impl LoginOutcome {
    /// Seconds until the session expires (the cookie's `Max-Age`).
    pub fn max_age_secs(&self) -> i64 {
        (self.expires_at - Utc::now()).num_seconds().max(0)
    }
}

pub(crate) fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// Ends an account's sessions, all of them or all but the one of `keep` (a token):
/// a password change, a deactivation, two-factor turned on (issue 30).
pub(crate) async fn end_sessions(
    mut conn: db::Ex<'_>,
    agent: i64,
    keep: Option<&str>,
) -> Result<()> {
    store::sessions::end_all_but(conn.ex(), agent, &keep.map(token_hash).unwrap_or_default()).await
}

/// A fresh random token: `prefix` + 256 bits, base64url.
pub(crate) fn new_token(prefix: &str) -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    format!("{prefix}{}", URL_SAFE_NO_PAD.encode(bytes))
}

impl Engine {
    /// Takes a throttle place for a login attempt before its password is checked (see
    /// [`throttle`]), or refuses with the wait. With PostgreSQL the places are rows
    /// every instance counts, checked and written under per-key advisory locks, so
    /// parallel attempts on several instances cannot all pass; with SQLite (one
    /// process) they stay in memory.
    pub(crate) async fn reserve_login(&self, email: &str, addr: &str) -> Result<LoginPlace> {
        let refused = |wait: std::time::Duration| {
            tracing::warn!(%email, client_addr = addr, "login throttled");
            Error::Throttled { retry_after: wait }
        };
        if self.topology == crate::Topology::Single {
            return self
                .throttle
                .reserve(email, addr, Instant::now())
                .map(LoginPlace::Memory)
                .map_err(refused);
        }
        // microseconds, as TIMESTAMPTZ stores them, so our own rows can be told apart
        let now = Utc::now().trunc_subsecs(6);
        let mut keys = throttle::keys(email, addr);
        // one transaction holding an advisory lock per key (taken in key order, so two
        // attempts never wait on each other crosswise): check and insert are atomic
        // across instances, and the first places go to the first attempts
        keys.sort_by(|a, b| a.0.cmp(&b.0));
        let window = chrono::Duration::from_std(throttle::WINDOW).unwrap_or_default();
        let mut tx = self.db.begin().await?;
        for (key, _) in &keys {
            store::login_failures::lock(tx.ex(), key).await?;
        }
        let mut wait = None;
        for (key, rule) in &keys {
            let times = store::login_failures::since(tx.ex(), key, now - window).await?;
            let ages: Vec<std::time::Duration> = times
                .iter()
                .map(|t| (now - *t).to_std().unwrap_or_default())
                .collect();
            wait = wait.max(throttle::wait_for(*rule, &ages));
        }
        if let Some(wait) = wait {
            return Err(refused(wait));
        }
        for (key, _) in &keys {
            store::login_failures::record(tx.ex(), key, now).await?;
        }
        store::login_failures::prune(tx.ex(), now - window).await?;
        tx.commit().await?;
        Ok(LoginPlace::Shared(now))
    }

    /// Gives a throttle place back (the attempt was not evaluated).
    pub(crate) async fn release_login(
        &self,
        email: &str,
        addr: &str,
        place: LoginPlace,
    ) -> Result<()> {
        match place {
            LoginPlace::Memory(r) => self.throttle.release(email, addr, r),
            LoginPlace::Shared(at) => {
                for (key, _) in throttle::keys(email, addr) {
                    store::login_failures::release_one(self.db.ex(), &key, at).await?;
                }
            }
        }
        Ok(())
    }

    /// A successful login forgets the account's failures and returns its place.
    pub(crate) async fn login_succeeded(
        &self,
        email: &str,
        addr: &str,
        place: LoginPlace,
    ) -> Result<()> {
        match place {
            LoginPlace::Memory(r) => self.throttle.succeed(email, addr, r),
            LoginPlace::Shared(_) => {
                self.release_login(email, addr, place).await?;
                let [(by_addr, _), _, (anywhere, _)] = throttle::keys(email, addr);
                store::login_failures::forget(self.db.ex(), &[&by_addr, &anywhere]).await?;
            }
        }
        Ok(())
    }

    /// Checks email and password and opens a session. `client_addr` keys the throttle
    /// (the peer address, or the forwarded one behind a trusted proxy).
    /// `code`: the second factor, for accounts with two-factor login on (issue 21).
    pub async fn login(
        &self,
        email: &str,
        password: &str,
        code: Option<&str>,
        client_addr: &str,
    ) -> Result<LoginOutcome> {
        let email = validate::normalize_email(email);
        if email.is_empty() || password.is_empty() {
            return Err(Error::InvalidCredentials);
        }
        if password.chars().count() > validate::MAX_PASSWORD_CHARS {
            return Err(Error::InvalidCredentials);
        }
        // the place is taken before the slow check: a refused attempt costs no hashing
        let place = self.reserve_login(&email, client_addr).await?;
        let row = store::sessions::login_of(self.db.ex(), &email).await?;
        let stored = row.as_ref().map(|r| r.password_hash.clone());
        let verified = match crate::password::verify(password.to_owned(), stored).await {
            Ok(v) => v,
            Err(busy) => {
                self.release_login(&email, client_addr, place).await?;
                return Err(busy);
            }
        };
        // the place stays taken: it is this attempt's recorded failure
        let Some(row) = row.filter(|_| verified) else {
            tracing::info!(%email, client_addr, "login failed");
            return Err(Error::InvalidCredentials);
        };
        if !row.active {
            return Err(Error::AccountDeactivated);
        }
        let agent_id: i64 = row.agent.0;
        if self.has_two_factor(agent_id).await? {
            match code.map(str::trim).filter(|c| !c.is_empty()) {
                // the password's step passed: asking for the code is no failure
                None => {
                    self.release_login(&email, client_addr, place).await?;
                    return Err(Error::SecondFactor {
                        code: shared::ErrorCode::TwoFactorRequired,
                        message: "enter the code from your authenticator app (or a recovery code)"
                            .into(),
                    });
                }
                // a wrong code keeps the place taken: a failed login, throttled alike
                Some(c) if !self.second_factor(agent_id, c).await? => {
                    tracing::info!(%email, client_addr, "login failed: second factor");
                    return Err(Error::second_factor_invalid());
                }
                Some(_) => {}
            }
        }
        self.login_succeeded(&email, client_addr, place).await?;
        let token = new_token("oc_");
        let now = Utc::now();
        let expires_at = now + self.session_ttl;
        store::sessions::insert(
            self.db.ex(),
            &token_hash(&token),
            row.agent,
            now,
            expires_at,
        )
        .await?;
        let agent = store::agents::profile_by_id(self.db.ex(), row.agent).await?;
        tracing::info!(agent_id, service = %agent.service, "login");
        Ok(LoginOutcome {
            token,
            agent,
            expires_at,
        })
    }

    /// Resolves a token to its caller. Expired sessions and deactivated accounts are
    /// refused.
    pub async fn authenticate(&self, token: &str) -> Result<Caller> {
        if token.is_empty() || token.len() > 200 {
            return Err(Error::Unauthenticated);
        }
        let s = store::sessions::by_token_hash(self.db.ex(), &token_hash(token))
            .await?
            .ok_or(Error::Unauthenticated)?;
        if s.expires_at <= Utc::now() || !s.active {
            return Err(Error::Unauthenticated);
        }
        Ok(Caller::new(
            s.agent,
            s.service,
            s.role,
            s.chat_permission,
            s.sees_all_history,
        )
        .with_two_factor_pending(s.two_factor_pending))
    }

    /// Ends the session of this token (idempotent), and sweeps expired sessions. The
    /// agent's open sockets re-check their sessions, so the socket of this one closes.
    pub async fn logout(&self, token: &str) -> Result<()> {
        let hash = token_hash(token);
        let agent = store::sessions::agent_of(self.db.ex(), &hash).await?;
        store::sessions::end_with_expired(self.db.ex(), &hash, Utc::now()).await?;
        if let Some(agent) = agent {
            self.sessions_changed(agent);
        }
        Ok(())
    }

    /// Tells the agent's open sockets, on every instance, to re-check their session.
    pub(crate) fn sessions_changed(&self, agent: AgentId) {
        self.hub.publish(
            crate::Topic::Agent(agent),
            shared::ServerMsg::SessionChanged,
        );
    }

    /// Whether a socket authenticated as `caller` with `token` may stay open: the
    /// session still exists and the account's rights are unchanged.
    pub async fn session_still_valid(&self, token: &str, caller: &Caller) -> bool {
        match self.authenticate(token).await {
            Ok(now) => {
                now.agent_id() == caller.agent_id()
                    && now.role() == caller.role()
                    && now.chat_permission() == caller.chat_permission()
            }
            Err(_) => false,
        }
    }
}
