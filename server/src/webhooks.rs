//! Webhook delivery (issue 21): the background task that posts the outbox's due events
//! to their receivers, and the address check (SSRF) it shares with the admin API.
//!
//! Every second it claims up to [`BATCH`] due deliveries (`engine::webhooks`: one claimer
//! per delivery, also across instances) and posts them, at most [`BATCH`] at once, each
//! with a [`TIMEOUT`]; the engine records each attempt and schedules retries. Before
//! connecting, the receiver's host is resolved here and *every* address must be public
//! (unless the operator allows private ones): the connection then goes to exactly the
//! addresses checked, so a name that resolves differently a moment later (DNS
//! rebinding) cannot turn a checked URL into a call to the metadata service or the
//! database. Redirects are not followed.

use std::net::SocketAddr;
use std::time::Duration;

use engine::Engine;
use engine::webhooks::{Attempt, Delivery, address_is_public, check_url, signature};

/// Deliveries claimed and posted at once.
const BATCH: i64 = 16;

/// How long a receiver may take to answer.
const TIMEOUT: Duration = Duration::from_secs(10);

/// The addresses a webhook URL may be called at: its host resolved, every address
/// public unless `allow_private`; an error says why not.
pub async fn receiver_addresses(
    raw: &str,
    allow_private: bool,
) -> Result<(url::Url, Vec<SocketAddr>), String> {
    let url = check_url(raw).map_err(|e| e.to_string())?;
    let host = url
        .host_str()
        .unwrap_or_default()
        .trim_matches(['[', ']'])
        .to_owned();
    let port = url.port_or_known_default().unwrap_or(443);
    // One answer for every way a host can fail the check (issue 30): naming the
    // address it resolved to, or telling "does not resolve" apart from "is private",
    // would let an admin map the server's internal DNS.
    let refused = || {
        format!(
            "url: {host} is not a public address; the operator may allow private ones with OC_WEBHOOKS_ALLOW_PRIVATE"
        )
    };
    let addrs: Vec<SocketAddr> = match tokio::time::timeout(
        Duration::from_secs(5),
        tokio::net::lookup_host((host.as_str(), port)),
    )
    .await
    {
        Ok(Ok(a)) => a.collect(),
        Ok(Err(_)) | Err(_) => return Err(refused()),
    };
    if addrs.is_empty() || (!allow_private && addrs.iter().any(|a| !address_is_public(a.ip()))) {
        return Err(refused());
    }
    Ok((url, addrs))
}

/// Posts one delivery; how it went.
async fn post(d: &Delivery, allow_private: bool) -> Attempt {
    let (url, addrs) = match receiver_addresses(&d.url, allow_private).await {
        Ok(x) => x,
        Err(e) => return Attempt::Failed(format!("refused: {e}")),
    };
    let host = url.host_str().unwrap_or_default().to_owned();
    let client = match reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        // HTTP(S)_PROXY from the environment would connect to the proxy instead of the
        // checked addresses (issue 30)
        .no_proxy()
        .timeout(TIMEOUT)
        .resolve_to_addrs(&host, &addrs)
        .user_agent(concat!(
            "online-contact-webhooks/",
            env!("CARGO_PKG_VERSION")
        ))
        .build()
    {
        Ok(c) => c,
        Err(e) => return Attempt::Failed(format!("client: {e}")),
    };
    let sent = client
        .post(url)
        .header("content-type", "application/json")
        .header(
            "x-signature",
            format!("sha256={}", signature(&d.secret, &d.body)),
        )
        .header("x-webhook-id", d.id.to_string())
        .header("x-webhook-event", &d.event)
        .header("x-webhook-attempt", d.attempt.to_string())
        .body(d.body.clone())
        .send()
        .await;
    match sent {
        Ok(r) => Attempt::Answered(r.status().as_u16()),
        Err(e) if e.is_timeout() => Attempt::Failed(format!("no answer within {TIMEOUT:?}")),
        Err(e) => Attempt::Failed(format!("{e}")),
    }
}

/// The delivery loop (until `stopping`); `retry_base` scales the engine's back-off
/// (1 in production; tests shorten it).
pub async fn deliver(
    engine: Engine,
    allow_private: bool,
    retry_base: f64,
    stopping: tokio_util::sync::CancellationToken,
) {
    loop {
        tokio::select! {
            () = stopping.cancelled() => return,
            () = tokio::time::sleep(Duration::from_millis(500)) => {}
        }
        let due = match engine.claim_webhook_deliveries(BATCH).await {
            Ok(d) => d,
            Err(e) => {
                tracing::warn!(error = %e, "webhooks: claiming deliveries failed");
                continue;
            }
        };
        let mut posts = tokio::task::JoinSet::new();
        for d in due {
            let engine = engine.clone();
            posts.spawn(async move {
                let attempt = post(&d, allow_private).await;
                if let Err(e) = engine
                    .record_webhook_attempt(&d, &attempt, retry_base)
                    .await
                {
                    tracing::warn!(error = %e, delivery = d.id, "webhooks: recording an attempt failed");
                }
            });
        }
        while posts.join_next().await.is_some() {}
    }
}
