//! Chats: intake (consent, greeting, assignment), messages with per-chat `seq` and
//! `client_id` idempotency, reading, opening, ending, agent status with hand-over.
//! All SQL on `chats` and `messages` lives here. Every write commits before the hub
//! hears of it (persist, then publish).

use crate::db::{self, Ex, Row};
use chrono::{DateTime, Utc};
use shared::validate;
use shared::{
    AgentChatItem, AgentChats, AgentId, AgentStatus, Author, Availability, ChatAgent, ChatConsult,
    ChatCustomer, ChatCustomerName, ChatDetail, ChatId, ChatStatus, Message, MessageId, ServerMsg,
    ServiceId, StartChatRequest, StartChatResponse,
};

use crate::Engine;
use crate::assignment::{Candidate, pick_agent};
use crate::auth::{new_token, token_hash};
use crate::caller::Caller;
use crate::error::{Error, Result};
use crate::hub::Topic;

/// A customer, resolved from the token handed out when their chat started. It opens
/// exactly one chat.
#[derive(Clone, Debug)]
pub struct Customer {
    chat_id: ChatId,
    service_id: ServiceId,
}

impl Customer {
    pub fn chat_id(&self) -> ChatId {
        self.chat_id
    }

    pub fn service_id(&self) -> ServiceId {
        self.service_id
    }
}

/// Who is acting on a chat.
#[derive(Clone, Copy, Debug)]
pub enum Party<'a> {
    Agent(&'a Caller),
    Customer(&'a Customer),
}

impl Party<'_> {
    fn author(&self) -> Author {
        match self {
            Party::Agent(_) => Author::Agent,
            Party::Customer(_) => Author::Customer,
        }
    }
}

/// What the edge knows about the customer's connection (C-AG-5: captured at start).
#[derive(Clone, Debug, Default)]
pub struct ClientInfo {
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    /// The origin this server is reached at (`--public-url`, else a validated `Host`):
    /// a chat started on our own help-center page is allowed whatever the service's
    /// allowed domains are.
    pub own_origin: Option<String>,
}

/// A party owned by a job handed to the message writer.
#[derive(Clone, Debug)]
pub(crate) enum OwnedParty {
    Agent(Caller),
    Customer(Customer),
}

impl OwnedParty {
    fn as_party(&self) -> Party<'_> {
        match self {
            OwnedParty::Agent(c) => Party::Agent(c),
            OwnedParty::Customer(c) => Party::Customer(c),
        }
    }
}

/// How long counters wait to gather a burst of customer messages.
pub(crate) const COUNTERS_DELAY: std::time::Duration = std::time::Duration::from_millis(50);

/// Most sends committed in one transaction.
pub(crate) const MAX_MESSAGE_GROUP: usize = 64;

/// One send waiting for the message writer.
pub(crate) struct SendJob {
    party: OwnedParty,
    chat: ChatId,
    client_id: String,
    text: String,
    reply: tokio::sync::oneshot::Sender<Result<Stored>>,
}

/// What a send stored: the message, whether it is new (not a resend), and the chat's
/// agent at that moment (to publish to).
pub(crate) struct Stored {
    message: Message,
    new: bool,
    assignee: Option<AgentId>,
}

/// The message writer: takes every send that is waiting (up to
/// [`MAX_MESSAGE_GROUP`]) and commits them together. While one group's commit waits for
/// the disk, the next group gathers, so throughput grows with load while a lone
/// message still costs one commit.
///
/// The writer survives any one failed group (issue 15): each group runs in its own
/// task, so even a panic in it only fails that group's sends (their senders get an
/// error; the transaction rolls back and the write lock is released on unwind), and
/// the next group goes on.
pub(crate) async fn message_writer(engine: Engine, jobs: tokio::sync::mpsc::Receiver<SendJob>) {
    // and should the loop itself ever stop short (a panic outside a group), it is
    // started again on the same queue: sends are never left without a writer
    let jobs = std::sync::Arc::new(tokio::sync::Mutex::new(jobs));
    loop {
        let run = tokio::spawn(write_groups(engine.clone(), jobs.clone()));
        match run.await {
            Ok(()) => return, // the queue closed: the engine is gone
            Err(e) => tracing::error!(error = %e, "the message writer stopped; restarting it"),
        }
    }
}

/// The writer's loop over the queue (see [`message_writer`]).
async fn write_groups(
    engine: Engine,
    jobs: std::sync::Arc<tokio::sync::Mutex<tokio::sync::mpsc::Receiver<SendJob>>>,
) {
    let mut jobs = jobs.lock().await;
    while let Some(first) = jobs.recv().await {
        let mut group = vec![first];
        while group.len() < MAX_MESSAGE_GROUP {
            match jobs.try_recv() {
                Ok(job) => group.push(job),
                Err(_) => break,
            }
        }
        let writer = engine.clone();
        if let Err(e) = tokio::spawn(async move { writer.write_message_group(group).await }).await {
            tracing::error!(error = %e, "a message group failed; the writer goes on");
        }
    }
}

/// The columns of a chat that rules look at.
struct ChatRow {
    id: ChatId,
    service_id: ServiceId,
    status: ChatStatus,
    agent_id: Option<AgentId>,
    opened_by: Option<AgentId>,
    handled: bool,
}

async fn chat_row(mut conn: Ex<'_>, id: ChatId) -> Result<ChatRow> {
    let r = db::query(
        "SELECT id, service_id, status, agent_id, opened_by, handled FROM chats WHERE id = ?",
    )
    .bind(id.0)
    .fetch_optional(conn.ex())
    .await?
    .ok_or(Error::NotFound("chat"))?;
    // decoding errors are errors, not panics: this runs inside the message writer
    Ok(ChatRow {
        id: ChatId(r.try_get("id")?),
        service_id: ServiceId(r.try_get("service_id")?),
        status: ChatStatus::parse(r.try_get("status")?).unwrap_or(ChatStatus::Ended),
        agent_id: r.try_get::<Option<i64>, _>("agent_id")?.map(AgentId),
        opened_by: r.try_get::<Option<i64>, _>("opened_by")?.map(AgentId),
        handled: r.try_get("handled")?,
    })
}

/// Tenant scoping for chats: agents see their service's chats (only those assigned to
/// them when the service limits agents to their own), a customer only theirs.
/// Anything else is "not found".
fn check_access(party: Party<'_>, chat: &ChatRow) -> Result<()> {
    let ok = match party {
        Party::Agent(c) => {
            c.service_id() == chat.service_id
                && (c.sees_all_chats() || chat.agent_id == Some(c.agent_id()))
        }
        Party::Customer(c) => c.chat_id == chat.id,
    };
    if ok {
        Ok(())
    } else {
        Err(Error::NotFound("chat"))
    }
}

/// Agents act on a chat only while it is theirs.
fn require_assigned(caller: &Caller, chat: &ChatRow) -> Result<()> {
    if chat.agent_id == Some(caller.agent_id()) {
        Ok(())
    } else {
        Err(Error::forbidden(
            "not_assigned",
            "this chat is assigned to another agent",
        ))
    }
}

/// A handling type's names from the top level down, from the `cat1..cat3` columns of
/// a chat joined with up to three levels of its category.
pub(crate) fn category_path(r: &Row) -> Result<Vec<String>> {
    let mut path = Vec::new();
    for k in ["cat3", "cat2", "cat1"] {
        if let Some(name) = r.try_get::<Option<String>, _>(k)? {
            path.push(name);
        }
    }
    Ok(path)
}

pub(crate) fn display_name(id: i64, name: Option<String>) -> String {
    name.filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| format!("고객 {id}"))
}

/// The columns of a message row, with its masks as a JSON array (aggregated in SQL so a
/// transcript is one query). Only the JSON functions differ between the dialects.
fn message_columns(backend: db::Backend) -> String {
    let masks = match backend {
        db::Backend::Sqlite => {
            "(SELECT json_group_array(json_object('id', CAST(k.id AS TEXT), 'start', k.start_char, 'end', k.end_char)) \
                FROM (SELECT * FROM masks WHERE message_id = m.id ORDER BY start_char) k)"
        }
        db::Backend::Postgres => {
            "(SELECT COALESCE(json_agg(json_build_object('id', CAST(k.id AS TEXT), 'start', k.start_char, 'end', k.end_char) \
                ORDER BY k.start_char), '[]')::text FROM masks k WHERE k.message_id = m.id)"
        }
    };
    format!(
        "m.id, m.chat_id, m.seq, m.author, m.client_id, m.text, m.created_at, a.name AS agent_name, {masks} AS masks_json"
    )
}

/// A message row (see [`message_columns`]); a cell of the wrong type is an error, never
/// a panic (issue 15: this runs inside the message writer).
fn message_from_row(r: &Row) -> Result<Message> {
    let author: &str = r.try_get("author")?;
    let text: String = r.try_get("text")?;
    Ok(Message {
        id: MessageId(r.try_get("id")?),
        chat_id: ChatId(r.try_get("chat_id")?),
        seq: r.try_get("seq")?,
        author: Author::parse(author).unwrap_or(Author::System),
        created_at: r.try_get("created_at")?,
        masks: serde_json::from_str(
            &r.try_get::<Option<String>, _>("masks_json")?
                .unwrap_or_default(),
        )
        .unwrap_or_default(),
        client_id: r.try_get("client_id")?,
        agent_name: r.try_get("agent_name")?,
        pii: if author == "customer" {
            crate::pii::detect(&text)
                .into_iter()
                .map(|f| shared::PiiHint {
                    start: f.start,
                    end: f.end,
                    kind: f.kind.as_str().to_owned(),
                })
                .collect()
        } else {
            Vec::new()
        },
        text,
    })
}

async fn message_by_id(mut conn: Ex<'_>, id: i64) -> Result<Message> {
    let sql = format!(
        "SELECT {cols} FROM messages m LEFT JOIN agents a ON a.id = m.agent_id WHERE m.id = ?",
        cols = message_columns(conn.backend())
    );
    message_from_row(&db::query(&sql).bind(id).fetch_one(conn.ex()).await?)
}

/// Appends a message with the chat's next `seq`.
async fn append_message(
    mut conn: Ex<'_>,
    chat: ChatId,
    author: Author,
    agent: Option<AgentId>,
    client_id: Option<&str>,
    text: &str,
    now: DateTime<Utc>,
) -> Result<Message> {
    let seq: i64 = db::query_scalar(
        "UPDATE chats SET last_seq = last_seq + 1 WHERE id = ? RETURNING last_seq",
    )
    .bind(chat.0)
    .fetch_one(conn.ex())
    .await?;
    let id: i64 = db::query_scalar(
        "INSERT INTO messages (chat_id, seq, author, agent_id, client_id, text, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(chat.0)
    .bind(seq)
    .bind(author.as_str())
    .bind(agent.map(|a| a.0))
    .bind(client_id)
    .bind(text)
    .bind(now)
    .fetch_one(conn.ex())
    .await?;
    message_by_id(conn, id).await
}

/// Online, active agents of a service with the chat permission, with their load.
async fn candidates(
    mut conn: Ex<'_>,
    service: ServiceId,
    except: Option<AgentId>,
) -> Result<Vec<Candidate>> {
    let rows = db::query(
        "SELECT a.id, a.last_assigned_at,
                (SELECT COUNT(*) FROM chats c WHERE c.agent_id = a.id AND c.status IN ('active', 'customer_ended')) AS open_chats
         FROM agents a
         WHERE a.service_id = ? AND a.status = 'online' AND a.active = 1 AND a.chat_permission = 1 AND a.id != ?",
    )
    .bind(service.0)
    .bind(except.map_or(0, |a| a.0))
    .fetch_all(conn.ex())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Candidate {
                agent_id: AgentId(r.try_get("id")?),
                open_chats: r.try_get("open_chats")?,
                last_assigned_at: r.try_get("last_assigned_at")?,
            })
        })
        .collect()
}

/// Gives a chat to an agent (new assignment or hand-over) and stamps the agent.
async fn assign(mut conn: Ex<'_>, chat: ChatId, agent: AgentId, now: DateTime<Utc>) -> Result<()> {
    db::query(
        "UPDATE chats SET agent_id = ?, status = 'active', assigned_at = ?, opened_at = NULL, opened_by = NULL,
         agent_read_seq = 0 WHERE id = ?",
    )
    .bind(agent.0)
    .bind(now)
    .bind(chat.0)
    .execute(conn.ex())
    .await?;
    db::query("UPDATE agents SET last_assigned_at = ? WHERE id = ?")
        .bind(now)
        .bind(agent.0)
        .execute(conn.ex())
        .await?;
    Ok(())
}

fn parse_locale_map(json: &str) -> std::collections::BTreeMap<String, String> {
    serde_json::from_str(json).unwrap_or_default()
}

/// The page a chat starts on (`channel_url`), parsed with the `url` crate (WHATWG
/// rules, as browsers read it — `https://evil.test\@shop.example.com/` is evil.test):
/// an http(s) URL of at most 2,000 characters with a host.
struct Page {
    /// The host, lowercase, without IPv6 brackets (matched against allowed domains).
    host: String,
    /// `scheme://host[:port]` (compared with our own origin).
    origin: String,
}

#[cfg(test)]
fn channel_host(url: &str) -> Result<String> {
    channel_page(url).map(|p| p.host)
}

fn channel_page(url: &str) -> Result<Page> {
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

fn validate_visitor_id(v: &str) -> Result<()> {
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
        let r = db::query(
            "SELECT id, service_id, status, ended_at FROM chats WHERE customer_token_hash = ?",
        )
        .bind(token_hash(token))
        .fetch_optional(self.db.ex())
        .await?
        .ok_or(Error::Unauthenticated)?;
        let ended_at: Option<DateTime<Utc>> = r.try_get("ended_at")?;
        let window = chrono::Duration::hours(shared::RATING_WINDOW_HOURS);
        if r.try_get::<&str, _>("status")? == ChatStatus::Ended.as_str()
            && ended_at.is_some_and(|e| Utc::now() - e > window)
        {
            return Err(Error::Unauthenticated);
        }
        Ok(Customer {
            chat_id: ChatId(r.try_get("id")?),
            service_id: ServiceId(r.try_get("service_id")?),
        })
    }

    /// Whether a help center can offer chat right now (C-IN-1/2).
    pub async fn availability(&self, slug: &str) -> Result<Availability> {
        let r = db::query(
            "SELECT (s.contract_chat = 1 AND s.helpcenter_chat_enabled = 1) AS enabled,
                    (SELECT COUNT(*) FROM agents a WHERE a.service_id = s.id AND a.status = 'online'
                       AND a.active = 1 AND a.chat_permission = 1) AS online
             FROM services s WHERE s.slug = ?",
        )
        .bind(slug)
        .fetch_optional(self.db.ex())
        .await?
        .ok_or(Error::NotFound("service"))?;
        let enabled: bool = r.try_get("enabled")?;
        if !enabled {
            return Err(Error::NotFound("chat for this service"));
        }
        Ok(Availability {
            chat_enabled: true,
            agents_online: r.try_get("online")?,
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
                "consent_required",
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
        let (_guard, mut tx) = self.write_tx().await?;
        let svc = db::query(
            "SELECT id, (contract_chat = 1 AND helpcenter_chat_enabled = 1) AS enabled, prefer_recent_agent, greetings, locales,
                    allowed_domains, require_signed_user
             FROM services WHERE slug = ?",
        )
        .bind(slug)
        .fetch_optional(tx.ex())
        .await?
        .ok_or(Error::NotFound("service"))?;
        if !svc.try_get::<bool, _>("enabled")? {
            return Err(Error::NotFound("chat for this service"));
        }
        let service = ServiceId(svc.try_get("id")?);
        // The widget (issue 6): only on allowed sites, and signed users when required.
        let allowed: Vec<String> =
            serde_json::from_str(svc.try_get("allowed_domains")?).unwrap_or_default();
        // with a list set, a chat needs a page on it (or our own help center)
        if !allowed.is_empty() && !own_page {
            match page.as_ref().map(|p| p.host.as_str()) {
                Some(host) if shared::domain_allowed(&allowed, host) => {}
                Some(host) => {
                    return Err(Error::forbidden(
                        "domain_not_allowed",
                        format!("chat is not enabled on {host}"),
                    ));
                }
                None => {
                    return Err(Error::forbidden(
                        "domain_not_allowed",
                        "this service chats only on its allowed sites; send the page (channel_url)",
                    ));
                }
            }
        }
        let mut req = req;
        match (&req.user_id, &req.user_hash) {
            (Some(user), hash) => {
                let secret = self.identity_secret(service.0).await?;
                if !crate::identity::verify(&secret, user, hash.as_deref().unwrap_or_default()) {
                    return Err(Error::forbidden(
                        "identity_invalid",
                        "the signed-in user could not be verified (data-user-hash)",
                    ));
                }
                req.visitor_id = Some(format!("user:{user}"));
            }
            (None, _) if svc.try_get::<bool, _>("require_signed_user")? => {
                return Err(Error::forbidden(
                    "identity_required",
                    "this service chats only with signed-in users",
                ));
            }
            _ => {}
        }
        let locales: Vec<String> =
            serde_json::from_str(svc.try_get("locales")?).unwrap_or_else(|_| vec!["ko".into()]);
        let default_locale = locales.first().cloned().unwrap_or_else(|| "ko".into());
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
            let open: i64 = db::query_scalar(
                "SELECT COUNT(*) FROM chats WHERE service_id = ? AND visitor_id = ?
                   AND status IN ('waiting', 'active')",
            )
            .bind(service.0)
            .bind(visitor)
            .fetch_one(tx.ex())
            .await?;
            if open >= i64::from(cap) {
                return Err(Error::Limited {
                    code: "too_many_open_chats",
                    message: "you already have chats open; please continue in one of them".into(),
                    retry_after: std::time::Duration::from_secs(60),
                });
            }
        }
        let preferred = match (&req.visitor_id, svc.try_get::<bool, _>("prefer_recent_agent")?) {
            (Some(visitor), true) => db::query_scalar::<i64>(
                "SELECT agent_id FROM chats WHERE service_id = ? AND visitor_id = ? AND agent_id IS NOT NULL
                 ORDER BY created_at DESC, id DESC LIMIT 1",
            )
            .bind(service.0)
            .bind(visitor)
            .fetch_optional(tx.ex())
            .await?
            .map(AgentId),
            _ => None,
        };
        let agent =
            pick_agent(&candidates(tx.ex(), service, None).await?, preferred).ok_or_else(|| {
                Error::conflict(
                    "agents_absent",
                    "no agent is online; leave a 1:1 inquiry instead",
                )
            })?;

        let chat_id: i64 = db::query_scalar(
            "INSERT INTO chats (service_id, status, visitor_id, customer_name, customer_email, customer_ip, user_agent,
                                locale, channel, customer_token_hash, consent_at, consent_version, created_at, customer_device)
             VALUES (?, 'waiting', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(service.0)
        .bind(&req.visitor_id)
        .bind(req.name.as_deref().map(str::trim).filter(|n| !n.is_empty()))
        .bind(req.email.as_deref().map(validate::normalize_email).filter(|e| !e.is_empty()))
        .bind(&client.ip)
        .bind(client.user_agent.as_deref().map(|u| u.chars().take(512).collect::<String>()))
        .bind(&locale)
        .bind(
            req.channel_url
                .as_deref()
                .filter(|_| !own_page)
                .unwrap_or("helpcenter"),
        )
        .bind(token_hash(&token))
        .bind(now)
        .bind(shared::CONSENT_VERSION)
        .bind(now)
        .bind(client.user_agent.as_deref().and_then(crate::device::describe))
        .fetch_one(tx.ex())
        .await?;
        let chat = ChatId(chat_id);
        assign(tx.ex(), chat, agent, now).await?;
        let greetings = parse_locale_map(svc.try_get("greetings")?);
        let greeting =
            shared::Settings::pick(&greetings, &locale, &default_locale).map(str::to_owned);
        let greeting = match greeting {
            Some(text) => {
                Some(append_message(tx.ex(), chat, Author::System, None, None, &text, now).await?)
            }
            None => None,
        };
        tx.commit().await?;
        drop(_guard);

        tracing::info!(chat = %chat, service = %service, agent = %agent, "chat started");
        if let Some(m) = greeting {
            self.hub.publish(
                Topic::Chat(chat),
                ServerMsg::MessageCreated {
                    chat_id: chat,
                    message: m,
                },
            );
        }
        self.announce_assignment(chat, agent).await;
        Ok(StartChatResponse {
            chat_id: chat,
            customer_token: token,
        })
    }

    /// Tells an agent a chat is now theirs, and refreshes their counters.
    async fn announce_assignment(&self, chat: ChatId, agent: AgentId) {
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

    async fn publish_chat_updated(&self, chat: ChatId) {
        if let Ok(detail) = self.chat_detail(chat).await {
            self.hub.publish(
                Topic::Chat(chat),
                ServerMsg::ChatUpdated {
                    chat: shared::ChatView::Customer((&detail).into()),
                },
            );
        }
    }

    /// Sends an agent their current 대화중 count and unread total.
    /// Counters after a customer message, coalesced: during a burst an agent gets one
    /// `agent.counters` per [`COUNTERS_DELAY`] instead of one per message (each is a
    /// query over all the agent's open chats), computed from what is committed then.
    pub(crate) fn publish_counters_soon(&self, agent: AgentId) {
        let first = self
            .counters_due
            .lock()
            .expect("counters set")
            .insert(agent);
        if first {
            let engine = self.clone();
            tokio::spawn(async move {
                tokio::time::sleep(COUNTERS_DELAY).await;
                engine
                    .counters_due
                    .lock()
                    .expect("counters set")
                    .remove(&agent);
                engine.publish_counters(agent).await;
            });
        }
    }

    pub(crate) async fn publish_counters(&self, agent: AgentId) {
        match self.agent_chats_of(agent).await {
            Ok(list) => {
                let unread = list.chats.iter().map(|c| c.unread).sum();
                self.hub.publish(
                    Topic::Agent(agent),
                    ServerMsg::AgentCounters {
                        open_count: list.open_count,
                        unread,
                        status: list.status,
                    },
                );
            }
            Err(e) => tracing::warn!(error = %e, "could not compute agent counters"),
        }
    }

    async fn agent_chat_items(&self, filter: &str, bind: i64) -> Result<Vec<AgentChatItem>> {
        let sql = format!(
            "SELECT c.id, c.customer_name, c.status, c.assigned_at, c.opened_at, c.last_seq, c.channel,
                    (SELECT COUNT(*) FROM messages m WHERE m.chat_id = c.id AND m.author = 'customer'
                       AND m.seq > c.agent_read_seq) AS unread,
                    (SELECT m.text FROM messages m WHERE m.chat_id = c.id ORDER BY m.seq DESC LIMIT 1) AS last_message
             FROM chats c WHERE {filter} ORDER BY c.assigned_at, c.id"
        );
        let rows = db::query(&sql).bind(bind).fetch_all(self.db.ex()).await?;
        rows.iter()
            .map(|r| {
                let id: i64 = r.try_get("id")?;
                Ok(AgentChatItem {
                    id: ChatId(id),
                    customer: ChatCustomerName {
                        name: display_name(id, r.try_get("customer_name")?),
                    },
                    status: ChatStatus::parse(r.try_get("status")?).unwrap_or(ChatStatus::Active),
                    unread: r.try_get("unread")?,
                    assigned_at: r.try_get("assigned_at")?,
                    opened: r
                        .try_get::<Option<DateTime<Utc>>, _>("opened_at")?
                        .is_some(),
                    last_message: r.try_get("last_message")?,
                    last_seq: r.try_get("last_seq")?,
                    channel: r.try_get("channel")?,
                })
            })
            .collect()
    }

    async fn agent_chat_item(&self, chat: ChatId) -> Result<AgentChatItem> {
        self.agent_chat_items("c.id = ?", chat.0)
            .await?
            .into_iter()
            .next()
            .ok_or(Error::NotFound("chat"))
    }

    async fn agent_chats_of(&self, agent: AgentId) -> Result<AgentChats> {
        let chats = self
            .agent_chat_items(
                "c.agent_id = ? AND c.status IN ('active', 'customer_ended')",
                agent.0,
            )
            .await?;
        let r = db::query("SELECT a.status, s.contract_security FROM agents a JOIN services s ON s.id = a.service_id WHERE a.id = ?")
            .bind(agent.0)
            .fetch_one(self.db.ex())
            .await?;
        let status: String = r.try_get("status")?;
        Ok(AgentChats {
            security_service: r.try_get("contract_security")?,
            open_count: chats.len() as i64,
            status: AgentStatus::parse(&status).unwrap_or(AgentStatus::Offline),
            chats,
        })
    }

    /// The caller's chat screen: open chats (active or customer-ended) and the count.
    pub async fn agent_chats(&self, caller: &Caller) -> Result<AgentChats> {
        self.agent_chats_of(caller.agent_id()).await
    }

    async fn chat_detail(&self, chat: ChatId) -> Result<ChatDetail> {
        let r = db::query(
            "SELECT c.*, a.name AS agent_name, k1.name AS cat1, k2.name AS cat2, k3.name AS cat3
             FROM chats c
             LEFT JOIN agents a ON a.id = c.agent_id
             LEFT JOIN categories k1 ON k1.id = c.category_id
             LEFT JOIN categories k2 ON k2.id = k1.parent_id
             LEFT JOIN categories k3 ON k3.id = k2.parent_id
             WHERE c.id = ?",
        )
        .bind(chat.0)
        .fetch_optional(self.db.ex())
        .await?
        .ok_or(Error::NotFound("chat"))?;
        let id: i64 = r.try_get("id")?;
        let category_path = category_path(&r)?;
        Ok(ChatDetail {
            id: ChatId(id),
            status: ChatStatus::parse(r.try_get("status")?).unwrap_or(ChatStatus::Ended),
            handled: r.try_get("handled")?,
            customer: ChatCustomer {
                name: display_name(id, r.try_get("customer_name")?),
                email: r.try_get("customer_email")?,
                memo: r.try_get("customer_memo")?,
                ip: r.try_get("customer_ip")?,
                device: r.try_get("customer_device")?,
            },
            consult: ChatConsult {
                channel: r.try_get("channel")?,
                category_id: r
                    .try_get::<Option<i64>, _>("category_id")?
                    .map(shared::CategoryId),
                category_path,
            },
            agent: match r.try_get::<Option<i64>, _>("agent_id")? {
                Some(a) => Some(ChatAgent {
                    id: AgentId(a),
                    name: r
                        .try_get::<Option<String>, _>("agent_name")?
                        .unwrap_or_default(),
                }),
                None => None,
            },
            rating: r.try_get("rating")?,
            rating_comment: r.try_get("rating_comment")?,
            locale: r.try_get("locale")?,
            created_at: r.try_get("created_at")?,
            assigned_at: r.try_get("assigned_at")?,
            opened_at: r.try_get("opened_at")?,
            ended_at: r.try_get("ended_at")?,
            last_seq: r.try_get("last_seq")?,
        })
    }

    /// One chat, for its customer or an agent of its service.
    pub async fn chat(&self, party: Party<'_>, chat: ChatId) -> Result<ChatDetail> {
        let mut conn = self.db.acquire().await?;
        check_access(party, &chat_row(conn.ex(), chat).await?)?;
        drop(conn);
        self.chat_detail(chat).await
    }

    /// A chat as `party` may see it: the customer never gets the agents' detail.
    pub fn view_for(party: Party<'_>, detail: ChatDetail) -> shared::ChatView {
        match party {
            Party::Agent(_) => shared::ChatView::Agent(Box::new(detail)),
            Party::Customer(_) => shared::ChatView::Customer((&detail).into()),
        }
    }

    /// Messages after `after` (seq), oldest first, at most 500 per call. Reading
    /// changes nothing (issue 15: a GET must not change state); the agent's client
    /// marks what it showed with `POST …/read`.
    pub async fn messages(
        &self,
        party: Party<'_>,
        chat: ChatId,
        after: i64,
    ) -> Result<Vec<Message>> {
        let mut conn = self.db.acquire().await?;
        let row = chat_row(conn.ex(), chat).await?;
        check_access(party, &row)?;
        let sql = format!(
            "SELECT {cols} FROM messages m LEFT JOIN agents a ON a.id = m.agent_id
             WHERE m.chat_id = ? AND m.seq > ? ORDER BY m.seq LIMIT 500",
            cols = message_columns(self.db.backend())
        );
        let rows = db::query(&sql)
            .bind(chat.0)
            .bind(after.max(0))
            .fetch_all(conn.ex())
            .await?;
        drop(conn);
        rows.iter().map(message_from_row).collect()
    }

    /// Stores a message (idempotent per `client_id`) and publishes it. Returns the
    /// message and whether it was new. The write goes through the message writer, which
    /// commits concurrent sends together (group commit); the answer comes after the
    /// commit, and only then is the message published.
    pub async fn send_message(
        &self,
        party: Party<'_>,
        chat: ChatId,
        client_id: &str,
        text: &str,
    ) -> Result<(Message, bool)> {
        shared::validate_client_id(client_id)?;
        shared::validate_message(text)?;
        if let Party::Customer(_) = party {
            self.limits.customer_message(chat)?;
        }
        let author = party.author();
        let (reply, answer) = tokio::sync::oneshot::channel();
        let job = SendJob {
            party: match party {
                Party::Agent(c) => OwnedParty::Agent(c.clone()),
                Party::Customer(c) => OwnedParty::Customer(c.clone()),
            },
            chat,
            client_id: client_id.to_owned(),
            text: text.to_owned(),
            reply,
        };
        self.message_writer
            .send(job)
            .await
            .map_err(|_| Error::Internal("the message writer stopped".into()))?;
        let stored = answer
            .await
            .map_err(|_| Error::Internal("the message writer dropped a message".into()))??;
        if !stored.new {
            return Ok((stored.message, false));
        }
        let message = stored.message;
        let event = ServerMsg::MessageCreated {
            chat_id: chat,
            message: message.clone(),
        };
        self.hub.publish(Topic::Chat(chat), event.clone());
        if let Some(assignee) = stored.assignee {
            self.hub.publish(Topic::Agent(assignee), event);
            if author == Author::Customer {
                self.publish_counters_soon(assignee);
            }
        }
        Ok((message, true))
    }

    /// Commits a group of sends in one transaction; each send runs inside its own
    /// savepoint, so one refused send (a closed chat, say) does not undo the others.
    pub(crate) async fn write_message_group(&self, mut group: Vec<SendJob>) {
        // chats in ascending id order (a stable sort keeps each chat's sends in order),
        // so concurrent groups on other instances take row locks in the same order
        group.sort_by_key(|job| job.chat.0);
        let now = Utc::now();
        let (guard, mut tx) = match self.sends_tx().await {
            Ok(t) => t,
            Err(e) => {
                let why = e.to_string();
                for job in group {
                    let _ = job.reply.send(Err(Error::Internal(why.clone())));
                }
                return;
            }
        };
        let mut results = Vec::with_capacity(group.len());
        for job in &group {
            let outcome = async {
                db::query("SAVEPOINT message").execute(tx.ex()).await?;
                let stored = self.store_message(tx.ex(), job, now).await;
                let end = if stored.is_ok() {
                    "RELEASE message"
                } else {
                    "ROLLBACK TO message"
                };
                db::query(end).execute(tx.ex()).await?;
                if stored.is_err() {
                    db::query("RELEASE message").execute(tx.ex()).await?;
                }
                stored
            }
            .await;
            results.push(outcome);
        }
        let committed = tx.commit().await;
        drop(guard);
        for (job, result) in group.into_iter().zip(results) {
            let _ = job.reply.send(match &committed {
                Ok(()) => result,
                Err(e) => Err(Error::Internal(format!("commit failed: {e}"))),
            });
        }
    }

    /// One send inside the group's transaction: the rules, idempotency, the row.
    async fn store_message(
        &self,
        mut tx: Ex<'_>,
        job: &SendJob,
        now: DateTime<Utc>,
    ) -> Result<Stored> {
        let party = job.party.as_party();
        let (chat, client_id, text) = (job.chat, job.client_id.as_str(), job.text.as_str());
        let author = party.author();
        let row = chat_row(tx.ex(), chat).await?;
        check_access(party, &row)?;
        let agent = match party {
            Party::Agent(caller) => {
                require_assigned(caller, &row)?;
                Some(caller.agent_id())
            }
            Party::Customer(_) => None,
        };
        let existing: Option<i64> = db::query_scalar(
            "SELECT id FROM messages WHERE chat_id = ? AND author = ? AND client_id = ?",
        )
        .bind(chat.0)
        .bind(author.as_str())
        .bind(client_id)
        .fetch_optional(tx.ex())
        .await?;
        if let Some(id) = existing {
            return Ok(Stored {
                message: message_by_id(tx.ex(), id).await?,
                new: false,
                assignee: row.agent_id,
            });
        }
        if !row.status.accepts_message_from(author) {
            return Err(Error::conflict(
                "chat_closed",
                format!("this chat is {}; no more messages", row.status.as_str()),
            ));
        }
        // Auto-masking (issue 7): the masked text is stored from the start.
        let auto = author == Author::Customer && {
            let r = db::query(
                "SELECT (contract_security = 1 AND auto_mask_pii = 1) FROM services WHERE id = ?",
            )
            .bind(row.service_id.0)
            .fetch_one(tx.ex())
            .await?;
            r.try_get::<bool, _>(0)?
        };
        let mut message = append_message(
            tx.ex(),
            chat,
            author,
            agent,
            Some(client_id),
            if auto { "" } else { text },
            now,
        )
        .await?;
        if auto {
            let shown = self
                .auto_mask(tx.ex(), message.id.0, text)
                .await?
                .unwrap_or_else(|| text.to_owned());
            db::query("UPDATE messages SET text = ? WHERE id = ?")
                .bind(&shown)
                .bind(message.id.0)
                .execute(tx.ex())
                .await?;
            message = message_by_id(tx.ex(), message.id.0).await?;
        }
        if let Some(a) = agent {
            // C-HIS-2: handled once the agent who opened the request answers it.
            let newly_handled = !row.handled && row.opened_by == Some(a);
            db::query(
                "UPDATE chats SET agent_read_seq = ?, handled = CASE WHEN ? = 1 THEN 1 ELSE handled END,
                   first_response_at = COALESCE(first_response_at, ?) WHERE id = ?",
            )
            .bind(message.seq)
            .bind(newly_handled)
            .bind(now)
            .bind(chat.0)
            .execute(tx.ex())
            .await?;
        }
        Ok(Stored {
            message,
            new: true,
            assignee: row.agent_id,
        })
    }

    /// The agent opened (clicked) the request: recorded once, and everything so far is read.
    pub async fn open_chat(&self, caller: &Caller, chat: ChatId) -> Result<ChatDetail> {
        let (guard, mut tx) = self.write_tx().await?;
        let row = chat_row(tx.ex(), chat).await?;
        check_access(Party::Agent(caller), &row)?;
        require_assigned(caller, &row)?;
        db::query(
            "UPDATE chats SET opened_at = COALESCE(opened_at, ?), opened_by = COALESCE(opened_by, ?),
               agent_read_seq = last_seq WHERE id = ?",
        )
        .bind(Utc::now())
        .bind(caller.agent_id().0)
        .bind(chat.0)
        .execute(tx.ex())
        .await?;
        tx.commit().await?;
        drop(guard);
        self.publish_counters(caller.agent_id()).await;
        self.chat_detail(chat).await
    }

    /// The assigned agent has read up to `seq`.
    pub async fn mark_read(&self, caller: &Caller, chat: ChatId, seq: i64) -> Result<()> {
        // scalar MAX/MIN in SQLite are GREATEST/LEAST in PostgreSQL
        let done = db::query(match self.db.backend() {
            db::Backend::Sqlite => {
                "UPDATE chats SET agent_read_seq = MAX(agent_read_seq, MIN(?, last_seq))
                 WHERE id = ? AND agent_id = ? AND service_id = ?"
            }
            db::Backend::Postgres => {
                "UPDATE chats SET agent_read_seq = GREATEST(agent_read_seq, LEAST(?, last_seq))
                 WHERE id = ? AND agent_id = ? AND service_id = ?"
            }
        })
        .bind(seq)
        .bind(chat.0)
        .bind(caller.agent_id().0)
        .bind(caller.service_id().0)
        .execute(self.db.ex())
        .await?;
        if done.rows_affected() == 0 {
            return Err(Error::NotFound("chat"));
        }
        self.publish_counters(caller.agent_id()).await;
        Ok(())
    }

    /// Ends a chat (C-END-3): the customer → `customer_ended` (the agent may still work
    /// on it); the agent → `ended` (it leaves the chat screen).
    pub async fn end_chat(&self, party: Party<'_>, chat: ChatId) -> Result<ChatDetail> {
        let who = party.author();
        let now = Utc::now();
        let (guard, mut tx) = self.write_tx().await?;
        let row = chat_row(tx.ex(), chat).await?;
        check_access(party, &row)?;
        if let Party::Agent(caller) = party
            && row.status != ChatStatus::Waiting
        {
            require_assigned(caller, &row)?;
        }
        let next = row.status.after_end(who).ok_or_else(|| {
            Error::conflict(
                "chat_closed",
                format!("this chat is already {}", row.status.as_str()),
            )
        })?;
        // the customer's end is stamped on its own column; `ended_at` is set once, when
        // the chat is closed for good (each column assigned once: PostgreSQL insists)
        let customer_ended = if who == Author::Customer {
            "customer_ended_at = ?,"
        } else {
            "customer_ended_at = COALESCE(customer_ended_at, ?),"
        };
        db::query(format!(
            "UPDATE chats SET status = ?, {customer_ended} ended_at = CASE WHEN ? = 'ended' THEN COALESCE(ended_at, ?) ELSE ended_at END WHERE id = ?"
        ))
        .bind(next.as_str())
        .bind(if who == Author::Customer { Some(now) } else { None })
        .bind(next.as_str())
        .bind(now)
        .bind(chat.0)
        .execute(tx.ex())
        .await?;
        tx.commit().await?;
        drop(guard);

        tracing::info!(chat = %chat, by = who.as_str(), status = next.as_str(), "chat ended");
        let event = ServerMsg::ChatEnded {
            chat_id: chat,
            status: next,
            by: who,
        };
        self.hub.publish(Topic::Chat(chat), event.clone());
        if let Some(agent) = row.agent_id {
            self.hub.publish(Topic::Agent(agent), event);
            self.publish_counters(agent).await;
        }
        self.chat_detail(chat).await
    }

    /// Sets the caller's status (C-AG-2), effective at once. Going offline hands the
    /// caller's active chats to other online agents (or back to waiting); coming online
    /// takes every waiting chat of the service. A break keeps current chats and only
    /// stops new ones.
    pub async fn set_status(&self, caller: &Caller, status: AgentStatus) -> Result<AgentStatus> {
        let me = caller.agent_id();
        let now = Utc::now();
        let mut moved: Vec<(ChatId, Option<AgentId>)> = Vec::new();
        let (guard, mut tx) = self.write_tx().await?;
        db::query(
            "UPDATE agents SET status = ?, status_changed_at = ? WHERE id = ? AND service_id = ?",
        )
        .bind(status.as_str())
        .bind(now)
        .bind(me.0)
        .bind(caller.service_id().0)
        .execute(tx.ex())
        .await?;
        match status {
            AgentStatus::Offline => {
                let mine: Vec<i64> = db::query_scalar(
                    "SELECT id FROM chats WHERE agent_id = ? AND status = 'active' ORDER BY assigned_at, id",
                )
                .bind(me.0)
                .fetch_all(tx.ex())
                .await?;
                for id in mine {
                    let chat = ChatId(id);
                    match pick_agent(
                        &candidates(tx.ex(), caller.service_id(), Some(me)).await?,
                        None,
                    ) {
                        Some(next) => {
                            assign(tx.ex(), chat, next, now).await?;
                            moved.push((chat, Some(next)));
                        }
                        None => {
                            db::query("UPDATE chats SET status = 'waiting', agent_id = NULL, opened_at = NULL, opened_by = NULL WHERE id = ?")
                                .bind(id)
                                .execute(tx.ex())
                                .await?;
                            moved.push((chat, None));
                        }
                    }
                }
            }
            AgentStatus::Online if caller.chat_permission() => {
                let waiting: Vec<i64> = db::query_scalar(
                    "SELECT id FROM chats WHERE service_id = ? AND status = 'waiting' ORDER BY created_at, id",
                )
                .bind(caller.service_id().0)
                .fetch_all(tx.ex())
                .await?;
                for id in waiting {
                    assign(tx.ex(), ChatId(id), me, now).await?;
                    moved.push((ChatId(id), Some(me)));
                }
            }
            _ => {}
        }
        tx.commit().await?;
        drop(guard);

        tracing::info!(agent = %me, status = status.as_str(), moved = moved.len(), "agent status");
        for (chat, to) in moved {
            if to != Some(me) {
                self.hub.publish(
                    Topic::Agent(me),
                    ServerMsg::ChatUnassigned { chat_id: chat },
                );
            }
            match to {
                Some(agent) => self.announce_assignment(chat, agent).await,
                None => self.publish_chat_updated(chat).await,
            }
        }
        self.publish_counters(me).await;
        Ok(status)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn channel_hosts_are_read_as_browsers_read_them() {
        assert_eq!(
            channel_host("https://Shop.Example.com/p/1?x=1").unwrap(),
            "shop.example.com"
        );
        assert_eq!(channel_host("http://127.0.0.2:8080/").unwrap(), "127.0.0.2");
        assert_eq!(channel_host("https://user@host.test").unwrap(), "host.test");
        assert_eq!(
            channel_host("https://evil.test\\@shop.example.com/").unwrap(),
            "evil.test",
            "a backslash ends the authority in http(s) URLs"
        );
        assert_eq!(channel_host("http://[::1]:3000/").unwrap(), "::1");
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
        assert!(channel_host("https://shop.example/p/1").is_ok());
        assert!(channel_host("javascript:alert(1)").is_err());
        assert!(channel_host("https://a b").is_err());
        assert!(channel_host("file:///etc/passwd").is_err());
        assert!(channel_host("https://").is_err());
        assert!(channel_host(&format!("https://a.test/{}", "x".repeat(2000))).is_err());
    }
}

impl Engine {
    /// The Save button (C-AG-7): replaces customer info (name, email, memo) and the
    /// handling type in one write. Any agent of the service may save (live, and later
    /// from chat history); empty values clear a field.
    pub async fn save_chat_info(
        &self,
        caller: &Caller,
        chat: ChatId,
        info: shared::ChatInfoUpdate,
    ) -> Result<ChatDetail> {
        info.validate()?;
        let clean = |s: &Option<String>| {
            s.as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
        };
        let (guard, mut tx) = self.write_tx().await?;
        let row = chat_row(tx.ex(), chat).await?;
        check_access(Party::Agent(caller), &row)?;
        if let Some(category) = info.consult.category_id {
            self.choosable_category(tx.ex(), caller, category).await?;
        }
        db::query(
            "UPDATE chats SET customer_name = ?, customer_email = ?, customer_memo = ?, category_id = ? WHERE id = ?",
        )
        .bind(clean(&info.customer.name))
        .bind(clean(&info.customer.email).map(|e| validate::normalize_email(&e)))
        .bind(info.customer.memo.as_deref().filter(|m| !m.trim().is_empty()))
        .bind(info.consult.category_id.map(|c| c.0))
        .bind(chat.0)
        .execute(tx.ex())
        .await?;
        tx.commit().await?;
        drop(guard);
        let detail = self.chat_detail(chat).await?;
        if let Some(agent) = row.agent_id
            && row.status.is_open_for_agent()
            && let Ok(item) = self.agent_chat_item(chat).await
        {
            // the live list shows the customer's name; a chat saved from history after
            // it ended must not come back into the agent's list
            self.hub
                .publish(Topic::Agent(agent), ServerMsg::ChatAssigned { chat: item });
        }
        Ok(detail)
    }

    /// Adds a system message (greeting-like notices) and publishes it to both sides.
    pub(crate) async fn post_system_message(&self, chat: ChatId, text: &str) -> Result<Message> {
        let (guard, mut tx) = self.write_tx().await?;
        let row = chat_row(tx.ex(), chat).await?;
        let message =
            append_message(tx.ex(), chat, Author::System, None, None, text, Utc::now()).await?;
        tx.commit().await?;
        drop(guard);
        let event = ServerMsg::MessageCreated {
            chat_id: chat,
            message: message.clone(),
        };
        self.hub.publish(Topic::Chat(chat), event.clone());
        if let Some(agent) = row.agent_id {
            self.hub.publish(Topic::Agent(agent), event);
        }
        Ok(message)
    }

    /// One message by id (unscoped: callers have checked access).
    pub(crate) async fn message(&self, id: MessageId) -> Result<Message> {
        let mut conn = self.db.acquire().await?;
        message_by_id(conn.ex(), id.0).await
    }

    /// The whole transcript of a chat (all pages), for tickets and history.
    pub(crate) async fn transcript(&self, chat: ChatId) -> Result<Vec<Message>> {
        let sql = format!(
            "SELECT {cols} FROM messages m LEFT JOIN agents a ON a.id = m.agent_id WHERE m.chat_id = ? ORDER BY m.seq",
            cols = message_columns(self.db.backend())
        );
        let rows = db::query(&sql).bind(chat.0).fetch_all(self.db.ex()).await?;
        rows.iter().map(message_from_row).collect()
    }
}
