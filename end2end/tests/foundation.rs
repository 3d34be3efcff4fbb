//! Issue #2 in a real browser: the help center hydrates and reacts to the user; an agent
//! logs into the console and sees the frame; an agent is refused the admin page.

use end2end::{Browser, Locator, Server};

#[tokio::test]
async fn help_center_hydrates_and_reacts() {
    let server = Server::start_demo();
    let b = Browser::start().await;
    b.client.goto(&server.url("/hc/demo")).await.unwrap();
    b.wait_hydrated().await;
    b.wait_text(r#"[data-testid="service-name"]"#, "데모 쇼핑")
        .await;
    b.screenshot("help-center-ko").await;
    // issue 17: the customers' lean bundle hydrated it; the agents' code never loaded
    customer_bundle_only(&b, "help center").await;

    // A client-side interaction: the search filters articles without a round trip.
    b.wait_count(r#"[data-testid="hc-article"]"#, 6).await;
    b.find(r#"[data-testid="hc-search"]"#)
        .await
        .send_keys("비밀번호")
        .await
        .unwrap();
    b.wait_count(r#"[data-testid="hc-article"]"#, 1).await;
    b.find(r#"[data-testid="hc-search"]"#)
        .await
        .send_keys("없는단어")
        .await
        .unwrap();
    b.wait_count(r#"[data-testid="hc-no-results"]"#, 1).await;

    // Switching language re-renders in place: a marker on `window` survives (no reload).
    b.client
        .execute("window.__noReload = 1; return null;", vec![])
        .await
        .unwrap();
    b.find(r#"[data-testid="lang-en"]"#)
        .await
        .click()
        .await
        .unwrap();
    b.wait_text("h1", "How can we help?").await;
    let marker = b
        .client
        .execute("return window.__noReload === 1;", vec![])
        .await
        .unwrap();
    assert_eq!(
        marker,
        serde_json::Value::Bool(true),
        "language switched without a page load"
    );
    // ... and is remembered across a reload
    b.client.refresh().await.unwrap();
    b.wait_text("h1", "How can we help?").await;
    b.screenshot("help-center-en").await;

    // Unknown service: the 404 page
    b.client.goto(&server.url("/hc/nope")).await.unwrap();
    b.find(r#"[data-testid="not-found"]"#).await;
    b.close().await;
}

/// Every address the page has loaded so far.
async fn loaded(b: &Browser) -> Vec<String> {
    let names = b
        .client
        .execute(
            "return performance.getEntriesByType('resource').map(e => e.name);",
            vec![],
        )
        .await
        .unwrap();
    serde_json::from_value(names).unwrap()
}

/// What the page loaded: the customers' bundle, and no script or module of the agents'.
async fn customer_bundle_only(b: &Browser, page: &str) {
    let loaded = loaded(b).await;
    assert!(
        loaded.iter().any(|u| u.contains("/pkg/customer_bg.")),
        "{page} loaded the customers' wasm: {loaded:?}"
    );
    assert!(
        !loaded
            .iter()
            .any(|u| u.contains("/pkg/online-contact.")
                && (u.ends_with(".js") || u.ends_with(".wasm"))),
        "{page} loaded the agents' bundle: {loaded:?}"
    );
}

/// Issue 17: the widget's chat page hydrates with the customers' bundle only, and the
/// console with the agents' one.
#[tokio::test]
async fn customer_pages_never_load_the_agents_bundle() {
    let server = Server::start_demo();
    let b = Browser::start().await;
    b.client
        .goto(&server.url(
            "/widget/demo?locale=ko&host=http%3A%2F%2Fexample.test&page=http%3A%2F%2Fexample.test%2F",
        ))
        .await
        .unwrap();
    b.wait_hydrated().await;
    customer_bundle_only(&b, "widget").await;
    b.client.goto(&server.url("/console")).await.unwrap();
    b.wait_hydrated().await;
    let loaded = loaded(&b).await;
    assert!(
        loaded
            .iter()
            .any(|u| u.contains("/pkg/online-contact.") && u.ends_with(".wasm")),
        "the console loaded the agents' wasm: {loaded:?}"
    );
    b.close().await;
}

#[tokio::test]
async fn agent_logs_into_the_console() {
    let server = Server::start_demo();
    let b = Browser::start().await;
    b.client.goto(&server.url("/console")).await.unwrap();
    b.wait_hydrated().await;
    b.screenshot("console-login").await;

    // a wrong password shows an error and keeps the form
    b.find(r#"[data-testid="login-email"]"#)
        .await
        .send_keys("agent1@demo.test")
        .await
        .unwrap();
    b.find(r#"[data-testid="login-password"]"#)
        .await
        .send_keys("wrong-password")
        .await
        .unwrap();
    b.find(r#"[data-testid="login-submit"]"#)
        .await
        .click()
        .await
        .unwrap();
    b.find(r#"[data-testid="login-error"]"#).await;

    let password = b.find(r#"[data-testid="login-password"]"#).await;
    password.clear().await.unwrap();
    password.send_keys("demo-password").await.unwrap();
    b.find(r#"[data-testid="login-submit"]"#)
        .await
        .click()
        .await
        .unwrap();
    b.wait_text(r#"[data-testid="agent-name"]"#, "김상담").await;
    b.find(r#"[data-testid="nav-chat"]"#).await;
    b.find(r#"[data-testid="chat-screen"]"#).await;
    b.screenshot("console-frame").await;

    // navigation inside the console
    b.find(r#"[data-testid="nav-history"]"#)
        .await
        .click()
        .await
        .unwrap();
    b.find(r#"[data-testid="history-screen"]"#).await;
    b.find(r#"[data-testid="nav-tickets"]"#)
        .await
        .click()
        .await
        .unwrap();
    b.find(r#"[data-testid="tickets-screen"]"#).await;

    // the session survives a reload (HttpOnly cookie)
    b.client.refresh().await.unwrap();
    b.wait_text(r#"[data-testid="agent-name"]"#, "김상담").await;

    // agents are refused the admin page
    b.client.goto(&server.url("/admin")).await.unwrap();
    b.find(r#"[data-testid="forbidden"]"#).await;

    // logout returns to the login form
    b.client.goto(&server.url("/console")).await.unwrap();
    b.wait_hydrated().await;
    b.find(r#"[data-testid="logout"]"#)
        .await
        .click()
        .await
        .unwrap();
    b.find(r#"[data-testid="login-email"]"#).await;
    assert!(
        b.client
            .find(Locator::Css(r#"[data-testid="agent-name"]"#))
            .await
            .is_err()
    );
    b.close().await;
}

#[tokio::test]
async fn admin_sees_the_settings() {
    let server = Server::start_demo();
    let b = Browser::start().await;
    b.client.goto(&server.url("/console")).await.unwrap();
    b.wait_hydrated().await;
    b.find(r#"[data-testid="login-email"]"#)
        .await
        .send_keys("admin@demo.test")
        .await
        .unwrap();
    b.find(r#"[data-testid="login-password"]"#)
        .await
        .send_keys("demo-password")
        .await
        .unwrap();
    b.find(r#"[data-testid="login-submit"]"#)
        .await
        .click()
        .await
        .unwrap();
    b.find(r#"[data-testid="nav-admin"]"#)
        .await
        .click()
        .await
        .unwrap();
    b.wait_count(r#"[data-testid="agent-row"]"#, 3).await;
    b.screenshot("admin").await;
    b.close().await;
}

/// Deactivates `email` from the admin's page, through the API with the admin's cookie
/// (a same-origin `fetch`, so it passes the origin check).
const DEACTIVATE: &str = r#"
const [email, done] = [arguments[0], arguments[arguments.length - 1]];
(async () => {
  const list = await (await fetch('/api/v1/agents')).json();
  const agent = (list.agents || list).find(a => a.email === email);
  const r = await fetch(`/api/v1/agents/${agent.id}`, {method: 'PUT',
    headers: {'content-type': 'application/json'}, body: JSON.stringify({active: false})});
  done(r.status);
})();
"#;

#[tokio::test]
async fn a_deactivated_agents_console_returns_to_sign_in() {
    // issue 15: revoking a session closes its socket, and the console starts over
    let server = Server::start_demo();
    let agent = Browser::start().await;
    agent.login(&server, "agent2@demo.test").await;
    let admin = Browser::start().await;
    admin.login(&server, "admin@demo.test").await;
    let status = admin
        .client
        .execute_async(DEACTIVATE, vec![serde_json::json!("agent2@demo.test")])
        .await
        .unwrap();
    assert_eq!(status, serde_json::json!(200));
    agent.find(r#"[data-testid="login-email"]"#).await;
    agent.screenshot("console-after-deactivation").await;
    agent.close().await;
    admin.close().await;
}
