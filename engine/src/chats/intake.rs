//! Intake: a customer's token and the help center's availability (agents online,
//! business hours), starting a chat (consent, the page it starts on, limits, greeting)
//! and placing it atomically: to the right online agent with room, else in the queue
//! (C-IN-3, C-AG-9, issue 18).

use chrono::{DateTime, Utc};
use shared::validate;
use shared::{
    AgentId, Author, Availability, ChatId, ChatStatus, ServerMsg, StartChatRequest,
    StartChatResponse,
};

use super::queue;
use crate::auth::{new_token, token_hash};
use crate::error::{Error, Result};
use crate::hub::Topic;
use crate::routing::hours;
use crate::store;
use crate::store::messages::append_message;
use crate::{ClientInfo, Customer, Engine};

/// The page a chat starts on (`channel_url`), parsed with the `url` crate (WHATWG
/// rules, as browsers read it — `https://evil.test\@shop.example.com/` is evil.test):
/// an http(s) URL of at most 2,000 characters with a host.
pub(super) struct Page {
    /// The host, lowercase, without IPv6 brackets (matched against allowed domains).
    host: String,
    /// `scheme://host[:port]` (compared with our own origin).
    origin: String,
}

pub(super) fn channel_page(url: &str) -> Result<Page> {
    let invalid = || {
        Error::Invalid(validate::Invalid {
            field: "channel_url",
            reason: "must be an http(s) URL of at most 2000 characters".into(),
        })
    };
    if url.len() > 2000 || url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(invalid());
    }
    let parsed = url::Url::parse(url).map_err(|_| invalid())?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(invalid());
    }
    let host = parsed.host_str().ok_or_else(invalid)?;
    Ok(Page {
        host: host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_ascii_lowercase(),
        origin: parsed.origin().ascii_serialization(),
    })
}

pub(super) fn validate_visitor_id(v: &str) -> Result<()> {
    if v.is_empty() || v.len() > 128 || !v.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(Error::Invalid(validate::Invalid {
            field: "visitor_id",
            reason: "must be 1 to 128 visible ASCII characters".into(),
        }));
    }
    Ok(())
}

impl Engine {
    /// Resolves a customer token (`occ_…`) to its chat. A token outlives its chat only
    /// for what the customer may still do (issue 15): once the agent ended the chat it
    /// works for the rating window ([`shared::RATING_WINDOW_HOURS`]: rate, read the
    /// transcript), then it is refused like an unknown one.
    pub async fn authenticate_customer(&self, token: &str) -> Result<Customer> {
        if !token.starts_with("occ_") || token.len() > 200 {
            return Err(Error::Unauthenticated);
        }
        let r = store::chats::by_customer_token(self.db.ex(), &token_hash(token))
            .await?
            .ok_or(Error::Unauthenticated)?;
        // A token lasts the rating window after its chat's end — by the agent, or by
        // the customer (or the idle end standing in for them, issue 30); an open chat
        // is ended by the idle end, so no token lives for ever.
        let closed_at: Option<DateTime<Utc>> = match r.row.status {
            ChatStatus::Ended => r.ended_at,
            ChatStatus::CustomerEnded => r.customer_ended_at,
            _ => None,
        };
        let window = chrono::Duration::hours(shared::RATING_WINDOW_HOURS);
        if closed_at.is_some_and(|e| Utc::now() - e > window) {
            return Err(Error::Unauthenticated);
        }
        Ok(Customer {
            chat_id: r.row.id,
            service_id: r.row.service_id,
        })
    }

    /// Whether a help center can offer chat right now (C-IN-1/2, issue 18): agents
    /// online and, when the service keeps business hours, inside them (or its online
    /// agents take chats outside them).
    pub async fn availability(&self, slug: &str) -> Result<Availability> {
        // one read: the help center and the widget ask this on every page
        let (enabled, hours, online) = store::services::availability(self.db.ex(), slug)
            .await?
            .ok_or(Error::NotFound("service"))?;
        if !enabled {
            return Err(Error::NotFound("chat for this service"));
        }
        let open = hours::open_at(&hours, Utc::now());
        Ok(Availability {
            chat_enabled: true,
            agents_online: online,
            open,
            accepting: online > 0 && (open || hours.chat_outside_hours),
            hours: hours.enabled.then_some(hours),
        })
    }

    /// Starts a chat (C-IN-3, C-AG-9): consent required, greeting as the first message,
    /// assigned atomically to the right online agent.
    pub async fn start_chat(
        &self,
        slug: &str,
        req: StartChatRequest,
        client: ClientInfo,
    ) -> Result<StartChatResponse> {
        if !req.consent {
            return Err(Error::rule(
                shared::ErrorCode::ConsentRequired,
                "the customer must accept the privacy notice before chatting",
            ));
        }
        if let Some(v) = &req.visitor_id {
            validate_visitor_id(v)?;
        }
        if let Some(n) = req.name.as_deref().filter(|n| !n.trim().is_empty()) {
            validate::name("name", n)?;
        }
        if let Some(e) = req.email.as_deref().filter(|e| !e.trim().is_empty()) {
            validate::email("email", e)?;
        }
        let page = req.channel_url.as_deref().map(channel_page).transpose()?;
        // before any write: a flood from one address or visitor costs no transaction
        self.limits
            .chat_start(client.ip.as_deref(), req.visitor_id.as_deref())?;
        // our own help center's page is recorded as the help-center channel
        let own_page = page
            .as_ref()
            .is_some_and(|p| client.own_origin.as_deref() == Some(p.origin.as_str()));
        let now = Utc::now();
        let token = new_token("occ_");
        let mut tx = self.write_tx().await?;
        let svc = store::services::by_slug(tx.ex(), slug)
            .await?
            .ok_or(Error::NotFound("service"))?;
        if !svc.chat_enabled() {
            return Err(Error::NotFound("chat for this service"));
        }
        let service = svc.id;
        // The widget (issue 6): only on allowed sites, and signed users when required.
        let allowed = &svc.settings.allowed_domains;
        // with a list set, a chat needs a page on it (or our own help center)
        if !allowed.is_empty() && !own_page {
            match page.as_ref().map(|p| p.host.as_str()) {
                Some(host) if shared::domain_allowed(allowed, host) => {}
                Some(host) => {
                    return Err(Error::forbidden(
                        shared::ErrorCode::DomainNotAllowed,
                        format!("chat is not enabled on {host}"),
                    ));
                }
                None => {
                    return Err(Error::forbidden(
                        shared::ErrorCode::DomainNotAllowed,
                        "this service chats only on its allowed sites; send the page (channel_url)",
                    ));
                }
            }
        }
        let mut req = req;
        match (&req.user_id, &req.user_hash) {
            (Some(user), hash) => {
                // the row read above holds it (made with the service, migration 0005)
                let secret = &svc.settings.identity_secret;
                if secret.is_empty() {
                    return Err(Error::Internal("service has no identity secret".into()));
                }
                if !crate::identity::verify(secret, user, hash.as_deref().unwrap_or_default()) {
                    return Err(Error::forbidden(
                        shared::ErrorCode::IdentityInvalid,
                        "the signed-in user could not be verified (data-user-hash)",
                    ));
                }
                req.visitor_id = Some(format!("user:{user}"));
            }
            (None, _) if svc.settings.require_signed_user => {
                return Err(Error::forbidden(
                    shared::ErrorCode::IdentityRequired,
                    "this service chats only with signed-in users",
                ));
            }
            _ => {}
        }
        let locales = &svc.settings.locales;
        let default_locale = svc.default_locale().to_owned();
        let locale = req
            .locale
            .as_deref()
            .and_then(shared::i18n::Locale::parse)
            .map(|l| l.code().to_owned())
            .filter(|l| locales.contains(l))
            .unwrap_or_else(|| default_locale.clone());

        // at most a few chats waiting or active per visitor, counted in the write
        // transaction (exact across instances)
        let cap = self.limits.config.open_chats_per_visitor;
        if let (Some(visitor), true) = (&req.visitor_id, cap > 0) {
            let open = store::chats::open_of_visitor(tx.ex(), service, visitor).await?;
            if open >= i64::from(cap) {
                return Err(Error::Limited {
                    code: shared::ErrorCode::TooManyOpenChats,
                    message: "you already have chats open; please continue in one of them".into(),
                    retry_after: std::time::Duration::from_secs(60),
                });
            }
        }
        let preferred = match (&req.visitor_id, svc.settings.prefer_recent_agent) {
            (Some(visitor), true) => {
                store::chats::recent_agent_of_visitor(tx.ex(), service, visitor).await?
            }
            _ => None,
        };
        // nobody online: the 1:1 inquiry (C-IN-2); outside the hours likewise, unless
        // online agents take chats then (issue 18)
        let online = queue::candidates(tx.ex(), service, None).await?;
        if online.is_empty() {
            return Err(Error::conflict(
                shared::ErrorCode::AgentsAbsent,
                "no agent is online; leave a 1:1 inquiry instead",
            ));
        }
        let hours = &svc.settings.hours;
        if !hours.chat_outside_hours && !hours::open_at(hours, now) {
            return Err(Error::conflict(
                shared::ErrorCode::OutsideHours,
                "chat is closed outside business hours; leave a 1:1 inquiry instead",
            ));
        }

        // the consent as this customer read it (the service's own facts, their
        // language), kept once per version; the chat names the version (issue 33)
        let texts = shared::i18n::Locale::parse(&locale)
            .unwrap_or_default()
            .texts();
        let consent = svc.consent_facts().notice(texts).text(texts);
        let consent_version = crate::privacy::consent_version(&consent);
        store::consents::keep(tx.ex(), service, &consent_version, &locale, &consent, now).await?;
        let chat = store::chat_changes::insert(
            tx.ex(),
            &store::chat_changes::NewChat {
                service,
                visitor_id: req.visitor_id.clone(),
                customer_name: req
                    .name
                    .as_deref()
                    .map(str::trim)
                    .filter(|n| !n.is_empty())
                    .map(str::to_owned),
                customer_email: req
                    .email
                    .as_deref()
                    .map(validate::normalize_email)
                    .filter(|e| !e.is_empty()),
                customer_ip: client.ip.clone(),
                user_agent: client
                    .user_agent
                    .as_deref()
                    .map(|u| u.chars().take(512).collect()),
                locale: locale.clone(),
                channel: req
                    .channel_url
                    .as_deref()
                    .filter(|_| !own_page)
                    .unwrap_or("helpcenter")
                    .to_owned(),
                token_hash: token_hash(&token),
                device: client
                    .user_agent
                    .as_deref()
                    .and_then(crate::device::describe),
                preferred_agent: preferred,
                consent_version: consent_version.clone(),
            },
            now,
        )
        .await?;
        let chat_id = chat.0;
        crate::webhooks::enqueue(
            tx.ex(),
            service.0,
            "chat.started",
            serde_json::json!({"chat_id": chat_id.to_string(), "locale": locale,
                               "channel": if own_page || req.channel_url.is_none() { "helpcenter" } else { "widget" }}),
        )
        .await?;
        // the new chat joins the queue's tail, and free seats are filled in queue
        // order: it is assigned at once only when nobody waits before it
        let assigned = queue::fill_seats_of(tx.ex(), service, online, now).await?;
        let greeting = shared::Settings::pick(&svc.settings.greetings, &locale, &default_locale)
            .map(str::to_owned);
        let greeting = match greeting {
            Some(text) => {
                Some(append_message(tx.ex(), chat, Author::System, None, None, &text, now).await?)
            }
            None => None,
        };
        tx.commit().await?;

        let agent = assigned.iter().find(|(c, _)| *c == chat).map(|(_, a)| *a);
        tracing::info!(chat = %chat, service = %service, agent = ?agent, "chat started");
        if let Some(m) = greeting {
            self.hub.publish(
                Topic::Chat(chat),
                ServerMsg::MessageCreated {
                    chat_id: chat,
                    message: m,
                },
            );
        }
        match (agent, assigned.as_slice()) {
            // the usual case, nobody waiting: only the agent hears of it
            (Some(agent), [_]) => self.announce_assignment(chat, agent).await,
            // it joined the tail and nothing else moved: only it hears its place
            (None, []) => {
                if let Err(e) = self.publish_queue(service, Some(chat)).await {
                    tracing::warn!(error = %e, "could not publish the queue");
                }
            }
            // it moved the queue: everyone waiting hears their place
            _ => self.announce_routing(service, &assigned).await,
        }
        Ok(StartChatResponse {
            chat_id: chat,
            customer_token: token,
            consent_version,
        })
    }

    /// Tells an agent a chat is now theirs, and refreshes their counters.
    pub(super) async fn announce_assignment(&self, chat: ChatId, agent: AgentId) {
        match self.agent_chat_item(chat).await {
            Ok(item) => self
                .hub
                .publish(Topic::Agent(agent), ServerMsg::ChatAssigned { chat: item }),
            Err(e) => {
                tracing::warn!(error = %e, "could not load an assigned chat for its announcement")
            }
        }
        self.publish_counters(agent).await;
        self.publish_chat_updated(chat).await;
    }

    pub(super) async fn publish_chat_updated(&self, chat: ChatId) {
        if let Ok(detail) = self.chat_detail(chat).await {
            self.hub.publish(
                Topic::Chat(chat),
                ServerMsg::ChatUpdated {
                    chat: shared::ChatView::Customer((&detail).into()),
                },
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn host_of(url: &str) -> Result<String> {
        channel_page(url).map(|p| p.host)
    }

    #[test]
    fn channel_hosts_are_read_as_browsers_read_them() {
        assert_eq!(
            host_of("https://Shop.Example.com/p/1?x=1").unwrap(),
            "shop.example.com"
        );
        assert_eq!(host_of("http://127.0.0.2:8080/").unwrap(), "127.0.0.2");
        assert_eq!(host_of("https://user@host.test").unwrap(), "host.test");
        assert_eq!(
            host_of("https://evil.test\\@shop.example.com/").unwrap(),
            "evil.test",
            "a backslash ends the authority in http(s) URLs"
        );
        assert_eq!(host_of("http://[::1]:3000/").unwrap(), "::1");
        // our own pages are told apart by origin, port included
        assert_eq!(
            channel_page("http://127.0.0.1:3000/hc/demo")
                .unwrap()
                .origin,
            "http://127.0.0.1:3000"
        );
        assert_ne!(
            channel_page("http://127.0.0.1:4000/shop").unwrap().origin,
            "http://127.0.0.1:3000"
        );
    }

    #[test]
    fn page_parsing_never_panics_on_generated_input() {
        // seeded xorshift over awkward pieces: every result is Ok or Err, never a panic
        let pieces = [
            "http",
            "https",
            "://",
            ":",
            "/",
            "\\",
            "@",
            "[",
            "]",
            "::1",
            "가",
            "é",
            "%",
            "%zz",
            "?",
            "#",
            ".",
            "..",
            "xn--",
            "0",
            "65536",
            " ",
            "\u{0}",
            "ﬀ",
            "example.com",
        ];
        let mut x: u64 = 0x5eed_0000_0000_0015;
        for _ in 0..20_000 {
            let mut url = String::new();
            for _ in 0..(x % 12) {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                url.push_str(pieces[(x % pieces.len() as u64) as usize]);
            }
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            if let Ok(page) = channel_page(&url) {
                assert!(page.origin.starts_with("http"));
            }
        }
    }

    #[test]
    fn channel_urls_must_be_http() {
        assert!(host_of("https://shop.example/p/1").is_ok());
        assert!(host_of("javascript:alert(1)").is_err());
        assert!(host_of("https://a b").is_err());
        assert!(host_of("file:///etc/passwd").is_err());
        assert!(host_of("https://").is_err());
        assert!(host_of(&format!("https://a.test/{}", "x".repeat(2000))).is_err());
    }
}
