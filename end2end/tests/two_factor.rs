//! Issue 21 in the browser: an agent turns on two-factor login from 보안 (scans — here,
//! reads — the key, enters the app's code, sees the recovery codes once), signs out, and
//! signing in again asks for the code after the password; the code lets them in.

use end2end::{Browser, Server};

/// The authenticator app: the 6-digit code of a base32 key, `offset` seconds from now.
fn app_code(key: &str, offset: i64) -> String {
    totp_rs::Builder::new()
        .with_secret(totp_rs::Secret::try_from_base32(key).unwrap())
        .build_noncompliant()
        .generate((chrono::Utc::now().timestamp() + offset) as u64)
        .to_string()
}

#[tokio::test]
async fn an_agent_turns_on_two_factor_login_and_signs_in_with_a_code() {
    let server = Server::start_demo();
    let agent = Browser::start().await;
    agent.login(&server, "agent1@demo.test").await;
    agent
        .click_centered(r#"[data-testid="nav-security"]"#)
        .await;
    agent.find(r#"[data-testid="two-factor-off"]"#).await;
    agent
        .click_centered(r#"[data-testid="two-factor-start"]"#)
        .await;
    agent.find(r#"[data-testid="two-factor-qr"] svg"#).await;
    let key = agent
        .find(r#"[data-testid="two-factor-secret"]"#)
        .await
        .text()
        .await
        .unwrap();
    agent.screenshot("console-two-factor-setup").await;
    agent
        .find(r#"[data-testid="two-factor-code"]"#)
        .await
        .send_keys(&app_code(&key, 0))
        .await
        .unwrap();
    agent
        .click_centered(r#"[data-testid="two-factor-confirm"]"#)
        .await;
    agent
        .wait_count(r#"[data-testid="recovery-codes"] li"#, 10)
        .await;
    agent
        .click_centered(r#"[data-testid="two-factor-done"]"#)
        .await;
    agent.find(r#"[data-testid="agent-name"]"#).await;

    // sign out; the password alone now asks for the code
    agent.click_centered(r#"[data-testid="logout"]"#).await;
    agent
        .find(r#"[data-testid="login-email"]"#)
        .await
        .send_keys("agent1@demo.test")
        .await
        .unwrap();
    agent
        .find(r#"[data-testid="login-password"]"#)
        .await
        .send_keys("demo-password")
        .await
        .unwrap();
    agent
        .click_centered(r#"[data-testid="login-submit"]"#)
        .await;
    agent.find(r#"[data-testid="login-code"]"#).await;
    agent
        .wait_text(r#"[data-testid="login-error"]"#, "6자리 코드")
        .await;
    agent.screenshot("console-login-code").await;
    agent
        .find(r#"[data-testid="login-code"]"#)
        .await
        .send_keys(&app_code(&key, 30))
        .await
        .unwrap();
    agent
        .click_centered(r#"[data-testid="login-submit"]"#)
        .await;
    agent.find(r#"[data-testid="agent-name"]"#).await;
    agent.close().await;
}
