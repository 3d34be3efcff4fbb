//! Service settings (C-SET-1..4), account management by admins, and satisfaction
//! ratings (C-END-1/2). SQL on the settings columns of `services` and on ratings lives
//! here; rules are `shared::Settings::apply` and `shared::RatingRequest::validate`.

use chrono::Utc;
use shared::validate;
use shared::{
    AgentId, AgentProfile, AgentStatus, AgentUpdate, Author, ChatId, ChatStatus, NewAgentRequest,
    Rating, RatingRequest, ServerMsg, Settings, SettingsUpdate,
};

use crate::Engine;
use crate::accounts::{self, NewAgent};
use crate::caller::Caller;
use crate::chats::Customer;
use crate::error::{Error, Result};
use crate::hub::Topic;
use crate::store;

impl Engine {
    async fn load_settings(&self, service: i64) -> Result<(String, Settings)> {
        let s = store::services::by_id(self.db.ex(), shared::ServiceId(service)).await?;
        Ok((s.slug, s.settings))
    }

    /// The caller's service settings (admins).
    pub async fn settings(&self, caller: &Caller) -> Result<Settings> {
        caller.require_admin()?;
        Ok(self.load_settings(caller.service_id().0).await?.1)
    }

    /// The caller's service slug (for the embed code).
    pub async fn service_slug(&self, caller: &Caller) -> Result<String> {
        Ok(self.load_settings(caller.service_id().0).await?.0)
    }

    /// Changes only the given settings; a broken rule is 422 with its code. Takes effect
    /// for the next chat at once (every chat start reads the row).
    pub async fn update_settings(
        &self,
        caller: &Caller,
        change: SettingsUpdate,
    ) -> Result<Settings> {
        caller.require_admin()?;
        // issue 18: routing limits and hours are refused with the field named
        let mut change = change;
        if let Some(r) = &change.routing {
            r.validate()?;
        }
        if let Some(f) = &change.files {
            f.validate()?;
        }
        if let Some(a) = &change.appearance {
            change.appearance = Some(a.normalized()?);
        }
        if let Some(c) = &change.consent {
            change.consent = Some(shared::consent::normalized_wordings(c)?);
        }
        if let Some(h) = &change.hours {
            crate::routing::hours::zone(&h.time_zone)?;
            change.hours = Some(h.normalized()?);
        }
        let mut tx = self.write_tx().await?;
        let (_, current) = self.load_settings(caller.service_id().0).await?;
        let next = current
            .apply(&change)
            .map_err(|r| Error::rule(r.code, r.message))?;
        store::services::save_settings(tx.ex(), caller.service_id(), &next).await?;
        tx.commit().await?;
        tracing::info!(service = %caller.service_id(), "settings changed");
        if change.routing.is_some() {
            // a raised cap or a shorter hold frees seats: the queue moves at once
            self.route_waiting(caller.service_id()).await?;
        }
        Ok(next)
    }

    /// Adds an account to the caller's service (admins).
    pub async fn create_agent(
        &self,
        caller: &Caller,
        req: NewAgentRequest,
    ) -> Result<AgentProfile> {
        caller.require_admin()?;
        validate::password("password", &req.password)?;
        let hash = crate::password::hash(req.password.clone()).await?;
        let mut conn = self.db.acquire().await?;
        let new = NewAgent {
            name: req.name,
            email: req.email,
            role: req.role,
            chat_permission: req.chat_permission,
        };
        let id = accounts::insert(conn.ex(), caller.service_id(), &new, &hash).await?;
        drop(conn);
        self.agent(caller, id).await
    }

    /// Changes an account of the caller's service (admins): name, role, chat permission,
    /// active, password. The service always keeps one active admin. Deactivating signs
    /// the account out everywhere and hands its chats over.
    pub async fn update_agent(
        &self,
        caller: &Caller,
        id: AgentId,
        change: AgentUpdate,
    ) -> Result<AgentProfile> {
        caller.require_admin()?;
        let before = self.agent(caller, id).await?;
        if let Some(n) = &change.name {
            validate::name("name", n)?;
        }
        if let Some(Some(cap)) = change.capacity {
            shared::routing::capacity("capacity", cap)?;
        }
        let capacity = change.capacity.unwrap_or(before.capacity);
        let hash = match &change.password {
            Some(p) => {
                validate::password("password", p)?;
                Some(crate::password::hash(p.clone()).await?)
            }
            None => None,
        };
        let role = change.role.unwrap_or(before.role);
        let active = change.active.unwrap_or(before.active);
        let chat_permission = change.chat_permission.unwrap_or(before.chat_permission);
        // One write transaction for the change and the last-admin check (issue 15):
        // two admins demoting each other at once are serialised, and the second finds
        // no other admin left.
        let mut tx = self.write_tx().await?;
        store::agents::update(
            tx.ex(),
            caller.service_id(),
            id,
            &store::agents::AccountChange {
                name: change
                    .name
                    .as_deref()
                    .map(str::trim)
                    .unwrap_or(&before.name),
                role,
                chat_permission,
                active,
                capacity,
            },
        )
        .await?;
        if let Some(h) = hash {
            store::agents::set_password_hash(tx.ex(), id, &h).await?;
        }
        if store::agents::active_admins(tx.ex(), caller.service_id()).await? == 0 {
            return Err(Error::rule(
                shared::ErrorCode::LastAdmin,
                "the service must keep at least one active admin",
            ));
        }
        if !active || change.password.is_some() {
            crate::auth::end_sessions(tx.ex(), id.0, None).await?;
        }
        tx.commit().await?;
        // open sockets re-check their session (closed when it is gone, and on a role or
        // permission change so the console reconnects with the new rights)
        if !active
            || change.password.is_some()
            || role != before.role
            || chat_permission != before.chat_permission
        {
            self.sessions_changed(id);
        }
        if (!active || !chat_permission) && before.status != AgentStatus::Offline {
            let managed = Caller::internal(id, caller.service_id(), role, chat_permission);
            self.set_status(&managed, AgentStatus::Offline).await?;
        }
        if capacity != before.capacity {
            // a raised cap takes from the queue at once; the console shows the new cap
            self.route_waiting(caller.service_id()).await?;
            self.publish_counters(id).await;
        }
        self.agent(caller, id).await
    }

    /// The customer rates their chat (C-END-1): 1–5 and an optional comment, while the
    /// chat is open and for 24 hours after the agent ended it; a new rating replaces the
    /// old one. The agent sees it live.
    pub async fn rate_chat(
        &self,
        customer: &Customer,
        chat: ChatId,
        req: RatingRequest,
    ) -> Result<Rating> {
        req.validate()?;
        if customer.chat_id() != chat {
            return Err(Error::NotFound("chat"));
        }
        let (row, ended_at) = store::chats::ending(self.db.ex(), chat).await?;
        let status = row.status;
        if status == ChatStatus::Ended
            && ended_at.is_some_and(|e| {
                Utc::now() - e > chrono::Duration::hours(shared::RATING_WINDOW_HOURS)
            })
        {
            return Err(Error::conflict(
                shared::ErrorCode::RatingClosed,
                "ratings are accepted up to 24 hours after the chat ended",
            ));
        }
        let comment = req
            .comment
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(str::to_owned);
        let mut tx = self.write_tx().await?;
        store::chat_changes::rate(tx.ex(), chat, req.score, comment.as_deref(), Utc::now()).await?;
        // a rating given after the end counts in the reports too (issue 20)
        crate::reports::refresh_chat(tx.ex(), chat.0).await?;
        crate::webhooks::enqueue(
            tx.ex(),
            customer.service_id().0,
            "chat.rated",
            serde_json::json!({"chat_id": chat.0.to_string(), "score": req.score,
                               "agent_id": row.agent_id.map(|a| a.to_string())}),
        )
        .await?;
        tx.commit().await?;
        if let Some(agent) = row.agent_id.map(|a| a.0)
            && let Ok(detail) = self.chat(crate::Party::Customer(customer), chat).await
        {
            self.hub.publish(
                Topic::Agent(AgentId(agent)),
                ServerMsg::ChatUpdated {
                    chat: shared::ChatView::Agent(Box::new(detail)),
                },
            );
        }
        Ok(Rating {
            score: req.score,
            comment,
        })
    }

    /// The agent asks for a rating (C-END-2): the satisfaction guidance message in the
    /// customer's language goes into the chat, and the customer's window opens the form.
    pub async fn request_rating(&self, caller: &Caller, chat: ChatId) -> Result<()> {
        let detail = self.chat(crate::Party::Agent(caller), chat).await?;
        if detail.agent.as_ref().map(|a| a.id) != Some(caller.agent_id()) {
            return Err(Error::forbidden(
                shared::ErrorCode::NotAssigned,
                "this chat is assigned to another agent",
            ));
        }
        if !detail.status.accepts_message_from(Author::Agent) {
            return Err(Error::conflict(
                shared::ErrorCode::ChatClosed,
                "the customer has left this chat",
            ));
        }
        let (_, settings) = self.load_settings(caller.service_id().0).await?;
        let default = settings
            .locales
            .first()
            .cloned()
            .unwrap_or_else(|| "ko".into());
        let text = Settings::pick(&settings.satisfaction_messages, &detail.locale, &default)
            .map(str::to_owned)
            .unwrap_or_else(|| {
                shared::i18n::Locale::parse(&detail.locale)
                    .unwrap_or_default()
                    .texts()
                    .rating_prompt
                    .to_owned()
            });
        self.post_system_message(chat, &text).await?;
        store::chat_changes::mark_rating_requested(self.db.ex(), chat, Utc::now()).await?;
        self.hub.publish(
            Topic::Chat(chat),
            ServerMsg::RatingRequested { chat_id: chat },
        );
        Ok(())
    }
}

/// What the widget loader needs to know about a service.
#[derive(Clone, Debug)]
pub struct WidgetConfig {
    pub chat_enabled: bool,
    pub allowed_domains: Vec<String>,
    /// The launcher's look (issue 33).
    pub appearance: shared::Appearance,
    /// The service's languages, default first (the launcher's label falls back to it).
    pub locales: Vec<String>,
}

impl Engine {
    /// The widget's switches for a service; `None` for an unknown slug.
    pub async fn widget_config(&self, slug: &str) -> Result<Option<WidgetConfig>> {
        Ok(store::services::by_slug(self.db.ex(), slug)
            .await?
            .map(|s| WidgetConfig {
                chat_enabled: s.chat_enabled(),
                allowed_domains: s.settings.allowed_domains,
                appearance: s.settings.appearance,
                locales: s.settings.locales,
            }))
    }
}
