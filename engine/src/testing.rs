//! What the engine's own tests share: the demo service on a temp SQLite file with an
//! agent online (a chat starts only then), and customers who started a chat there.

use shared::{AgentStatus, StartChatRequest};

use crate::{Caller, ClientInfo, Customer, Engine};

/// The demo on a fresh database in `dir`, with `agent1` signed in and online.
pub(crate) async fn demo_with_agent_online(dir: &std::path::Path) -> (Engine, Caller) {
    let url = format!("sqlite://{}", dir.join("oc.db").display());
    let engine = Engine::open(&url).await.unwrap();
    engine.seed_demo().await.unwrap();
    let agent = engine
        .login(
            "agent1@demo.test",
            crate::demo::DEMO_PASSWORD,
            None,
            "127.0.0.1",
        )
        .await
        .unwrap();
    let caller = engine.authenticate(&agent.token).await.unwrap();
    engine
        .set_status(&caller, AgentStatus::Online)
        .await
        .unwrap();
    (engine, caller)
}

/// A customer named `name` who started a chat on the demo (each name its own address,
/// so the start limits never meet).
pub(crate) async fn customer(engine: &Engine, name: &str) -> Customer {
    let started = engine
        .start_chat(
            "demo",
            StartChatRequest {
                consent: true,
                name: Some(name.into()),
                ..StartChatRequest::default()
            },
            ClientInfo {
                ip: Some(format!("10.0.0.{}", name.len())),
                user_agent: None,
                own_origin: None,
            },
        )
        .await
        .unwrap();
    engine
        .authenticate_customer(&started.customer_token)
        .await
        .unwrap()
}
