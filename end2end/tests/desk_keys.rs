//! Issue 19 in the browser: the console's alerts and keyboard. A new chat is announced
//! (the live region that goes with the notification and the tone); the agent's alert
//! switches survive a reload; Alt+↓ goes to the chat with unread messages, Alt+I
//! focuses the message box, Alt+E asks before ending, and `?` lists the shortcuts.

use end2end::{Browser, Server};

const START_CHAT: &str = r#"
const [name, text, done] = [arguments[0], arguments[1], arguments[arguments.length - 1]];
(async () => {
  const r = await fetch('/api/v1/services/demo/chats', {method: 'POST',
    headers: {'content-type': 'application/json'}, body: JSON.stringify({consent: true, name})});
  const c = await r.json();
  if (text) await fetch(`/api/v1/chats/${c.chat_id}/messages`, {method: 'POST',
    headers: {'content-type': 'application/json', 'authorization': `Bearer ${c.customer_token}`},
    body: JSON.stringify({client_id: 'k-' + c.chat_id, text})});
  done(c.chat_id);
})();
"#;

#[tokio::test]
async fn alerts_and_shortcuts_in_the_console() {
    let server = Server::start_demo();
    let agent = Browser::start().await;
    agent.agent_online(&server, "agent1@demo.test").await;

    // the sound switch is kept with the account: off, reload, still off
    agent
        .click_centered(r#"[data-testid="alerts-sound"]"#)
        .await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    agent.client.refresh().await.unwrap();
    agent.wait_hydrated().await;
    let sound = agent
        .find(r#"[data-testid="alerts-sound"]"#)
        .await
        .prop("checked")
        .await
        .unwrap();
    assert_eq!(sound.as_deref(), Some("false"));

    // two customers come; the first chat is announced
    let customer = Browser::start().await;
    customer.client.goto(&server.url("/hc/demo")).await.unwrap();
    customer.wait_hydrated().await;
    customer
        .client
        .execute_async(START_CHAT, vec!["박첫째".into(), serde_json::Value::Null])
        .await
        .unwrap();
    agent
        .wait_text(r#"[data-testid="desk-announcer"]"#, "새 채팅: 박첫째")
        .await;
    customer
        .client
        .execute_async(START_CHAT, vec!["최둘째".into(), "두 번째 문의".into()])
        .await
        .unwrap();
    agent
        .wait_count(r#"[data-testid="chat-list-item"]"#, 2)
        .await;
    agent
        .click_with_text(r#"[data-testid="chat-list-item"]"#, "박첫째")
        .await;

    // Alt+↓: the other chat, which has an unread message
    let body = agent.find("body").await;
    body.send_keys("\u{E00A}\u{E015}").await.unwrap(); // Alt + ArrowDown
    agent
        .wait_text(
            r#"[data-testid="message"][data-author="customer"]"#,
            "두 번째 문의",
        )
        .await;
    // Alt+I: the message box has the focus
    agent
        .find("body")
        .await
        .send_keys("\u{E00A}i")
        .await
        .unwrap();
    let focused = agent
        .client
        .execute(
            "return document.activeElement.dataset.testid || '';",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(focused, serde_json::json!("message-input"));
    // Alt+E asks first; cancelling keeps the chat
    agent
        .find("body")
        .await
        .send_keys("\u{E00A}e")
        .await
        .unwrap();
    agent.find(r#"[data-testid="confirm-dialog"]"#).await;
    agent
        .click_centered(r#"[data-testid="confirm-cancel"]"#)
        .await;
    agent
        .wait_count(r#"[data-testid="chat-list-item"]"#, 2)
        .await;
    // ? lists the shortcuts (not while typing in a field)
    agent
        .client
        .execute("document.activeElement.blur();", vec![])
        .await
        .unwrap();
    agent.find("body").await.send_keys("?").await.unwrap();
    agent
        .wait_text(r#"[data-testid="shortcut-help"]"#, "Alt + ↓")
        .await;
    agent.screenshot("console-shortcuts").await;
    agent
        .click_centered(r#"[data-testid="shortcut-help-close"]"#)
        .await;
    agent
        .wait_count(r#"[data-testid="shortcut-help"]"#, 0)
        .await;
    agent.close().await;
    customer.close().await;
}
