//! Webhooks (issue 21): a service's subscriptions and their outbox.
//!
//! An event is written to `webhook_outbox` — one row per subscribed webhook, by one
//! `INSERT … SELECT` — inside the transaction of the change it reports ([`enqueue`]),
//! so it exists exactly when the change does and the chat's path never waits on a
//! receiver. A background task (the server's `webhooks` module, which owns the HTTP
//! client and the address checks) claims due rows ([`Engine::claim_webhook_deliveries`]:
//! one claim per row, also across instances — PostgreSQL's `SKIP LOCKED`), posts them and
//! records each attempt ([`Engine::record_webhook_attempt`]): delivered on a 2xx, else
//! retried with back-off ([`RETRY_AFTER`]) and failed after the last. The rows are the
//! delivery log the admin sees; finished ones are pruned after [`KEEP_LOG`].
//!
//! Payloads carry ids, states, times, the agent, handling type and rating — never the
//! customer's personal data (a receiver reads it through the API with its own token),
//! so an erasure has no copy to chase here.

use std::net::IpAddr;

use chrono::Utc;
use shared::webhook::{MAX_WEBHOOKS, NewWebhook, WEBHOOK_EVENTS, Webhook};

use crate::Engine;
use crate::caller::Caller;
use crate::db::Ex;
use crate::error::{Error, Result};

/// Waits before the 2nd, 3rd, … attempt (seconds); after the last, the delivery fails.
pub const RETRY_AFTER: [i64; 6] = [10, 60, 300, 1800, 7200, 21600];

/// How long a claimed delivery is someone's (a crashed deliverer's claim runs out).
const CLAIM_SECS: i64 = 60;

/// How long delivered and failed rows stay in the log.
const KEEP_LOG: chrono::Duration = chrono::Duration::days(7);

/// Whether a receiver's address is on the public internet — what a webhook may call
/// unless the operator allows private addresses (SSRF). Checked against IANA's
/// special-purpose address registries (issue 30: the earlier list let through
/// `::127.0.0.1`, `::ffff:0:127.0.0.1`, 6to4 `2002:7f00:1::`, site-local `fec0::1`,
/// benchmarking `198.18.0.1` and discard-only `100::1`):
///
/// * IPv4: anything in a special-purpose block that is not globally reachable, and the
///   few global ones in `192.0.0.0/24` too (this-network, private, shared CGNAT,
///   loopback, link-local — cloud metadata lives there —, IETF assignments,
///   documentation, 6to4 relay anycast, benchmarking, multicast, reserved, broadcast);
/// * IPv6: only global unicast `2000::/3` is allowed at all, minus IETF protocol
///   assignments `2001::/23` (Teredo and others), documentation `2001:db8::/32` and
///   `3fff::/20`, and 6to4 `2002::/16` (it carries an IPv4 address a relay would call);
///   an IPv4-mapped address is judged as its IPv4 address. That leaves out loopback,
///   unspecified, IPv4-compatible and -translated forms, NAT64, discard-only, unique-
///   and site-local, link-local and multicast by construction.
pub fn address_is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, c, _] = v4.octets();
            let special = a == 0
                || a == 10
                || (a == 100 && (64..128).contains(&b))
                || a == 127
                || (a == 169 && b == 254)
                || (a == 172 && (16..32).contains(&b))
                || (a == 192 && b == 0 && c == 0)
                || (a == 192 && b == 0 && c == 2)
                || (a == 192 && b == 88 && c == 99)
                || (a == 192 && b == 168)
                || (a == 198 && (b == 18 || b == 19))
                || (a == 198 && b == 51 && c == 100)
                || (a == 203 && b == 0 && c == 113)
                || a >= 224;
            !special
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return address_is_public(IpAddr::V4(v4));
            }
            let s = v6.segments();
            let global_unicast = (s[0] & 0xe000) == 0x2000;
            let special = (s[0] == 0x2001 && s[1] < 0x0200)
                || (s[0] == 0x2001 && s[1] == 0x0db8)
                || s[0] == 0x2002
                || (s[0] & 0xfff0) == 0x3ff0;
            global_unicast && !special
        }
    }
}

/// A webhook URL's syntax: http(s), a host, at most 2,000 characters, no credentials.
pub fn check_url(raw: &str) -> Result<url::Url> {
    let bad = |reason: &str| {
        Error::Invalid(shared::validate::Invalid {
            field: "url",
            reason: reason.to_owned(),
        })
    };
    if raw.chars().count() > 2000 {
        return Err(bad("at most 2000 characters"));
    }
    let url = url::Url::parse(raw.trim()).map_err(|_| bad("must be an http(s) URL"))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(bad("must be an http(s) URL with a host"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad("must not carry a user name or password"));
    }
    Ok(url)
}

/// `X-Signature`'s value after `sha256=`: hex HMAC-SHA256 of the body under the
/// webhook's secret (receivers recompute it to know the call is ours and unchanged).
pub fn signature(secret: &str, body: &str) -> String {
    crate::identity::user_hash(secret, body)
}

/// Writes `event` for every active webhook of the service subscribed to it, inside the
/// caller's transaction. `data` must hold no customer personal data (module doc).
pub(crate) async fn enqueue(
    mut conn: Ex<'_>,
    service: i64,
    event: &'static str,
    data: serde_json::Value,
) -> Result<()> {
    store::webhooks::enqueue(conn.ex(), service, event, &data, Utc::now()).await
}

/// A claimed delivery: where to post what.
#[derive(Clone, Debug)]
pub struct Delivery {
    pub id: i64,
    pub url: String,
    pub secret: String,
    /// The JSON body: `{"id", "event", "occurred_at", "data"}`.
    pub body: String,
    pub event: String,
    /// Attempts so far, this one included.
    pub attempt: i64,
}

/// How an attempt went.
#[derive(Clone, Debug)]
pub enum Attempt {
    /// The receiver answered this status.
    Answered(u16),
    /// No answer: a refused address, a timeout, a connection error.
    Failed(String),
}

use crate::store;

impl Engine {
    /// The service's webhooks with their latest deliveries (admins).
    pub async fn webhooks(&self, caller: &Caller) -> Result<Vec<Webhook>> {
        caller.require_admin()?;
        let mut out = store::webhooks::of_service(self.db.ex(), caller.service_id()).await?;
        for hook in &mut out {
            hook.deliveries = store::webhooks::deliveries(self.db.ex(), &hook.id).await?;
        }
        Ok(out)
    }

    /// Adds a webhook (admins). The URL's syntax is checked here; whether its host
    /// resolves to public addresses is the caller's check (it owns the resolver).
    pub async fn create_webhook(&self, caller: &Caller, new: &NewWebhook) -> Result<Webhook> {
        caller.require_admin()?;
        let url = check_url(&new.url)?;
        let mut events: Vec<String> = Vec::new();
        for e in &new.events {
            if !WEBHOOK_EVENTS.contains(&e.as_str()) {
                return Err(Error::Invalid(shared::validate::Invalid {
                    field: "events",
                    reason: format!("unknown event `{e}`; known: {}", WEBHOOK_EVENTS.join(", ")),
                }));
            }
            if !events.contains(e) {
                events.push(e.clone());
            }
        }
        if events.is_empty() {
            return Err(Error::Invalid(shared::validate::Invalid {
                field: "events",
                reason: "subscribe to at least one event".into(),
            }));
        }
        let service = caller.service_id().0;
        let mut tx = self.write_tx().await?;
        if store::webhooks::count(tx.ex(), service).await? >= MAX_WEBHOOKS {
            return Err(Error::rule(
                shared::ErrorCode::TooManyWebhooks,
                format!("a service has at most {MAX_WEBHOOKS} webhooks"),
            ));
        }
        let id = store::webhooks::insert(
            tx.ex(),
            service,
            url.as_str(),
            &crate::identity::new_secret(),
            &events,
            Utc::now(),
        )
        .await?;
        tx.commit().await?;
        self.webhooks(caller)
            .await?
            .into_iter()
            .find(|w| w.id == id.to_string())
            .ok_or(Error::NotFound("webhook"))
    }

    /// Removes a webhook and its log (admins; another service's id is not found).
    pub async fn delete_webhook(&self, caller: &Caller, id: i64) -> Result<()> {
        caller.require_admin()?;
        let mut tx = self.write_tx().await?;
        let gone = store::webhooks::delete(tx.ex(), caller.service_id().0, id).await?;
        tx.commit().await?;
        if !gone {
            return Err(Error::NotFound("webhook"));
        }
        Ok(())
    }

    /// Claims up to `limit` due deliveries (each by one claimer, on every instance) and
    /// counts the attempt.
    pub async fn claim_webhook_deliveries(&self, limit: i64) -> Result<Vec<Delivery>> {
        let now = Utc::now();
        let until = now + chrono::Duration::seconds(CLAIM_SECS);
        let skip_locked = self.db.backend().skip_locked();
        let mut tx = self.write_tx().await?;
        let ids = store::webhooks::claim_due(tx.ex(), limit, skip_locked, now, until).await?;
        let mut out = Vec::new();
        for id in ids {
            let r = store::webhooks::claimed(tx.ex(), id).await?;
            let body = serde_json::json!({
                "id": id.to_string(),
                "event": r.event,
                "occurred_at": store::webhooks::rfc3339(r.created_at),
                "data": r.payload,
            });
            out.push(Delivery {
                id,
                url: r.url,
                secret: r.secret,
                body: body.to_string(),
                event: r.event,
                attempt: r.attempts,
            });
        }
        tx.commit().await?;
        Ok(out)
    }

    /// Records an attempt: delivered on a 2xx; else retried after [`RETRY_AFTER`], or
    /// failed after the last. Also prunes the old log now and then.
    /// `retry_base` scales [`RETRY_AFTER`] (1 in production).
    pub async fn record_webhook_attempt(
        &self,
        d: &Delivery,
        attempt: &Attempt,
        retry_base: f64,
    ) -> Result<()> {
        let now = Utc::now();
        let (status, error) = match attempt {
            Attempt::Answered(s) => (Some(i64::from(*s)), None),
            Attempt::Failed(e) => (None, Some(e.chars().take(300).collect::<String>())),
        };
        let delivered = status.is_some_and(|s| (200..300).contains(&s));
        let retry = usize::try_from(d.attempt - 1)
            .ok()
            .and_then(|i| RETRY_AFTER.get(i));
        let (state, next) = match (delivered, retry) {
            (true, _) => ("delivered", now),
            (false, Some(secs)) => (
                "pending",
                now + chrono::Duration::milliseconds((*secs as f64 * 1000.0 * retry_base) as i64),
            ),
            (false, None) => ("failed", now),
        };
        let error = error.or_else(|| {
            (!delivered).then(|| format!("the receiver answered {}", status.unwrap_or(0)))
        });
        store::webhooks::record_attempt(
            self.db.ex(),
            d.id,
            state,
            next,
            status,
            if delivered { None } else { error },
            now,
        )
        .await?;
        metrics::counter!("oc_webhook_attempts_total", "outcome" => if delivered { "delivered" } else { state })
            .increment(1);
        if d.id % 100 == 0 {
            store::webhooks::prune(self.db.ex(), now - KEEP_LOG).await?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_public_addresses_are_called() {
        for private in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "255.255.255.255",
            "::1",
            "fd00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "::",
            // issue 30's findings
            "::127.0.0.1",
            "::ffff:0:127.0.0.1",
            "2002:7f00:1::",
            "fec0::1",
            "198.18.0.1",
            "100::1",
            "64:ff9b::7f00:1",
            "2001::1",
            "3fff::1",
            "192.88.99.1",
            "240.0.0.1",
        ] {
            assert!(!address_is_public(private.parse().unwrap()), "{private}");
        }
        for public in [
            "8.8.8.8",
            "1.1.1.1",
            "2606:4700:4700::1111",
            "::ffff:8.8.8.8",
            "2a00:1450:4001:82a::200e",
            "198.20.0.1",
            "100.128.0.1",
        ] {
            assert!(address_is_public(public.parse().unwrap()), "{public}");
        }
    }

    #[test]
    fn urls_are_http_with_a_host_and_no_credentials() {
        assert!(check_url("https://crm.example.com/hooks/oc").is_ok());
        assert!(check_url("ftp://crm.example.com/").is_err());
        assert!(check_url("https://user:pw@crm.example.com/").is_err());
        assert!(check_url("not a url").is_err());
        assert!(check_url(&format!("https://x.example/{}", "a".repeat(2000))).is_err());
    }
}
