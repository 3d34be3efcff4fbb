//! Issue 19 in the browser: an agent writes an internal note in a live chat; the
//! customer's window never shows it, and a second agent (the admin) reads it in the
//! chat's history with its label.

use end2end::{Browser, Server};

#[tokio::test]
async fn a_note_is_seen_by_a_second_agent_and_never_by_the_customer() {
    let server = Server::start_demo();
    let agent = Browser::start().await;
    agent.agent_online(&server, "agent1@demo.test").await;
    let customer = Browser::start().await;
    customer
        .start_help_center_chat(&server, Some("배송 문의입니다"))
        .await;
    agent
        .click_with_text(r#"[data-testid="chat-list-item"]"#, "")
        .await;
    agent.click_centered(r#"[data-testid="note-mode"]"#).await;
    agent.send_message("VIP 고객 — 택배사 확인 중").await;
    agent
        .wait_text(
            r#"[data-testid="message"][data-internal="true"]"#,
            "택배사 확인 중",
        )
        .await;
    agent.screenshot("console-internal-note").await;
    // back to messages: the customer gets this one, and only this one
    agent.click_centered(r#"[data-testid="note-mode"]"#).await;
    agent.send_message("확인 후 안내드릴게요").await;
    customer
        .wait_text(
            r#"[data-testid="message"][data-author="agent"]"#,
            "확인 후 안내드릴게요",
        )
        .await;
    let page = customer.client.source().await.unwrap();
    assert!(
        !page.contains("택배사 확인 중"),
        "the customer's page holds the note"
    );
    customer
        .wait_count(r#"[data-testid="message"][data-author="agent"]"#, 1)
        .await;

    // the admin opens the chat in history and reads the note
    let admin = Browser::start().await;
    admin.login(&server, "admin@demo.test").await;
    admin.click_centered(r#"[data-testid="nav-history"]"#).await;
    admin.click_centered(r#"[data-testid="history-row"]"#).await;
    admin
        .wait_text(
            r#"[data-testid="history-pane"] [data-internal="true"]"#,
            "내부 메모",
        )
        .await;
    admin
        .wait_text(
            r#"[data-testid="history-pane"] [data-internal="true"]"#,
            "택배사 확인 중",
        )
        .await;
    agent.close().await;
    customer.close().await;
    admin.close().await;
}
