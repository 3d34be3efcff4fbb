//! Services (tenants): creation with a first admin, the public help-center view, and the
//! admin's overview. Its rows are read through [`crate::store::services`].

use serde::Deserialize;
use shared::validate;
use shared::{HelpCenterInfo, Role, ServiceId, ServiceOverview};

use crate::Engine;
use crate::accounts::{self, NewAgent};
use crate::caller::Caller;
use crate::error::Result;
use crate::store;

/// What `online-contact service create` and the demo seed hand in.
#[derive(Clone, Debug, Deserialize)]
pub struct NewService {
    pub slug: String,
    pub name: String,
    pub admin_name: String,
    pub admin_email: String,
    pub admin_password: String,
}

impl NewService {
    fn validate(&self) -> Result<()> {
        validate::slug("slug", &self.slug)?;
        validate::name("name", &self.name)?;
        validate::name("admin_name", &self.admin_name)?;
        validate::email("admin_email", &self.admin_email)?;
        validate::password("admin_password", &self.admin_password)?;
        Ok(())
    }
}

impl Engine {
    /// Creates a service with its first admin, in one transaction (all or nothing).
    pub async fn create_service(&self, new: NewService) -> Result<ServiceId> {
        new.validate()?;
        let password_hash = crate::password::hash(new.admin_password.clone()).await?;
        let mut tx = self.db.begin().await?;
        let id = store::services::insert(tx.ex(), &new.slug, &new.name).await?;
        let admin = NewAgent {
            name: new.admin_name,
            email: new.admin_email,
            role: Role::Admin,
            chat_permission: true,
        };
        accounts::insert(tx.ex(), id, &admin, &password_hash).await?;
        tx.commit().await?;
        tracing::info!(service = %new.slug, service_id = %id, "service created");
        Ok(id)
    }

    /// The public face of a service for its help center; `None` for an unknown slug.
    pub async fn help_center(&self, slug: &str) -> Result<Option<HelpCenterInfo>> {
        Ok(store::services::by_slug(self.db.ex(), slug)
            .await?
            .map(|s| HelpCenterInfo {
                chat_enabled: s.chat_enabled(),
                hours: s.settings.hours.enabled.then(|| s.settings.hours.clone()),
                appearance: s.settings.appearance.clone(),
                consent: s.consent_facts(),
                slug: s.slug,
                name: s.name,
                locales: s.settings.locales,
            }))
    }

    /// The caller's own service, as its admin sees it.
    pub async fn service_overview(&self, caller: &Caller) -> Result<ServiceOverview> {
        let s = store::services::by_id(self.db.ex(), caller.service_id()).await?;
        Ok(ServiceOverview {
            id: s.id,
            slug: s.slug,
            name: s.name,
            contract: s.settings.contract,
            helpcenter_chat_enabled: s.settings.helpcenter_chat_enabled,
            locales: s.settings.locales,
        })
    }
}
