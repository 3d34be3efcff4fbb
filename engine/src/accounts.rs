//! Agent and admin accounts: every read of a service's accounts is scoped by the
//! [`Caller`]'s service. Rows are in [`crate::store::agents`].

use shared::{AgentId, AgentProfile};

use crate::Engine;
use crate::caller::Caller;
use crate::error::Result;
use crate::store;

pub(crate) use crate::store::agents::{NewAgent, email_exists, insert};

impl Engine {
    /// The caller's own profile.
    pub async fn profile(&self, caller: &Caller) -> Result<AgentProfile> {
        self.agent(caller, caller.agent_id()).await
    }

    /// One account of the caller's service; another service's id is "not found".
    pub async fn agent(&self, caller: &Caller, id: AgentId) -> Result<AgentProfile> {
        store::agents::profile(self.db.ex(), caller.service_id(), id).await
    }

    /// The caller's own alert preferences (issue 19), kept with the account so they
    /// follow the agent to every browser.
    pub async fn set_alerts(
        &self,
        caller: &Caller,
        prefs: shared::AlertPrefs,
    ) -> Result<AgentProfile> {
        store::agents::save_alerts(self.db.ex(), caller.agent_id(), &prefs).await?;
        self.profile(caller).await
    }

    /// Every account of the caller's service, by name.
    pub async fn list_agents(&self, caller: &Caller) -> Result<Vec<AgentProfile>> {
        store::agents::profiles(self.db.ex(), caller.service_id()).await
    }
}
