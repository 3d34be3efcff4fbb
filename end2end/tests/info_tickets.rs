//! Issue #4 in the browser: an admin builds a 3-level category tree; the agent fills
//! customer and consult info, saves, reloads and finds it kept, is warned when ending
//! with unsaved edits, makes a ticket and reads the transcript tab.

use end2end::{Browser, Locator, Server};

async fn login(b: &Browser, server: &Server, email: &str) {
    b.client.goto(&server.url("/console")).await.unwrap();
    b.wait_hydrated().await;
    b.find(r#"[data-testid="login-email"]"#)
        .await
        .send_keys(email)
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
    b.find(r#"[data-testid="agent-name"]"#).await;
}

async fn value_of(b: &Browser, css: &str) -> String {
    b.find(css)
        .await
        .prop("value")
        .await
        .unwrap()
        .unwrap_or_default()
}

async fn add_category(b: &Browser, parent: Option<&str>, name: &str) {
    match parent {
        None => {
            b.find(r#"[data-testid="category-add-top"]"#)
                .await
                .click()
                .await
                .unwrap();
            b.find(r#"[data-testid="category-top-name"]"#)
                .await
                .send_keys(name)
                .await
                .unwrap();
            b.find(r#"[data-testid="category-top-name-submit"]"#)
                .await
                .click()
                .await
                .unwrap();
        }
        Some(p) => {
            b.find(&format!(r#"[data-testid="category-row"][data-name="{p}"] [data-testid="category-add-child"]"#)).await.click().await.unwrap();
            b.find(r#"[data-testid="category-child-name"]"#)
                .await
                .send_keys(name)
                .await
                .unwrap();
            b.find(r#"[data-testid="category-child-name-submit"]"#)
                .await
                .click()
                .await
                .unwrap();
        }
    }
    b.find(&format!(
        r#"[data-testid="category-row"][data-name="{name}"]"#
    ))
    .await;
}

#[tokio::test]
async fn categories_info_save_and_tickets() {
    let server = Server::start_demo();
    let admin = Browser::start().await;
    admin.login(&server, "admin@demo.test").await;
    admin.client.goto(&server.url("/admin")).await.unwrap();
    admin.wait_hydrated().await;
    admin.find(r#"[data-testid="category-manager"]"#).await;
    add_category(&admin, None, "회원").await;
    add_category(&admin, Some("회원"), "가입").await;
    add_category(&admin, Some("가입"), "본인인증").await;
    let leaf = admin
        .find(r#"[data-testid="category-row"][data-name="본인인증"]"#)
        .await;
    assert_eq!(leaf.attr("data-depth").await.unwrap().as_deref(), Some("3"));
    assert!(
        admin.client.find(Locator::Css(r#"[data-testid="category-row"][data-name="본인인증"] [data-testid="category-add-child"]"#)).await.is_err(),
        "no fourth level offered"
    );
    admin.screenshot("admin-categories").await;
    admin.close().await;

    let agent = Browser::start().await;
    let customer = Browser::start().await;
    login(&agent, &server, "agent1@demo.test").await;
    agent
        .find(r#"[data-testid="agent-status"]"#)
        .await
        .select_by_value("online")
        .await
        .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    customer.client.goto(&server.url("/hc/demo")).await.unwrap();
    customer.wait_hydrated().await;
    customer
        .find(r#"[data-testid="chat-icon"]"#)
        .await
        .click()
        .await
        .unwrap();
    customer
        .find(r#"[data-testid="consent-accept"]"#)
        .await
        .click()
        .await
        .unwrap();
    customer.send_message("본인인증 문자가 안 와요").await;

    agent
        .click_with_text(r#"[data-testid="chat-list-item"]"#, "본인인증")
        .await;
    agent
        .wait_text(".chat-log", "본인인증 문자가 안 와요")
        .await;
    let device = agent
        .find(r#"[data-testid="customer-device"]"#)
        .await
        .text()
        .await
        .unwrap();
    assert!(
        device.contains("Chrome"),
        "device from the user agent: {device}"
    );
    let name = agent.find(r#"[data-testid="customer-name"]"#).await;
    name.clear().await.unwrap();
    name.send_keys("김고객").await.unwrap();
    agent
        .find(r#"[data-testid="customer-email"]"#)
        .await
        .send_keys("bad-email")
        .await
        .unwrap();
    agent
        .find(r#"[data-testid="customer-memo"]"#)
        .await
        .send_keys("문자 수신 차단 여부 확인")
        .await
        .unwrap();
    agent
        .find(r#"[data-testid="consult-category"]"#)
        .await
        .select_by_label("회원 > 가입 > 본인인증")
        .await
        .unwrap();
    agent.find(r#"[data-testid="unsaved-note"]"#).await;
    // a bad email shows next to the field and saves nothing
    agent
        .find(r#"[data-testid="save-info"]"#)
        .await
        .click()
        .await
        .unwrap();
    agent.find(r#"[data-testid="error-email"]"#).await;
    let email = agent.find(r#"[data-testid="customer-email"]"#).await;
    email.clear().await.unwrap();
    email.send_keys("kim@example.com").await.unwrap();
    agent
        .find(r#"[data-testid="save-info"]"#)
        .await
        .click()
        .await
        .unwrap();
    agent.find(r#"[data-testid="saved-note"]"#).await;
    agent.screenshot("agent-info-saved").await;

    // reload: the saved info is kept
    agent.client.refresh().await.unwrap();
    agent.wait_hydrated().await;
    agent
        .click_with_text(r#"[data-testid="chat-list-item"]"#, "본인인증")
        .await;
    agent
        .wait_text(".chat-log", "본인인증 문자가 안 와요")
        .await;
    for _ in 0..50 {
        if value_of(&agent, r#"[data-testid="customer-name"]"#).await == "김고객" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(
        value_of(&agent, r#"[data-testid="customer-name"]"#).await,
        "김고객"
    );
    assert_eq!(
        value_of(&agent, r#"[data-testid="customer-email"]"#).await,
        "kim@example.com"
    );
    assert_eq!(
        value_of(&agent, r#"[data-testid="customer-memo"]"#).await,
        "문자 수신 차단 여부 확인"
    );
    let picked = agent
        .find(r#"[data-testid="consult-category"] option:checked"#)
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(picked, "회원 > 가입 > 본인인증");

    // ending with an unsaved edit asks first; cancelling keeps the chat
    agent
        .find(r#"[data-testid="customer-memo"]"#)
        .await
        .send_keys(" (추가)")
        .await
        .unwrap();
    agent
        .find(r#"[data-testid="end-chat"]"#)
        .await
        .click()
        .await
        .unwrap();
    agent.find(r#"[data-testid="confirm-dialog"]"#).await;
    agent.screenshot("agent-unsaved-warning").await;
    agent
        .find(r#"[data-testid="confirm-cancel"]"#)
        .await
        .click()
        .await
        .unwrap();
    agent
        .wait_count(r#"[data-testid="chat-list-item"]"#, 1)
        .await;

    // one click makes a ticket; its chat-history tab shows the transcript
    agent
        .find(r#"[data-testid="create-ticket"]"#)
        .await
        .click()
        .await
        .unwrap();
    agent
        .find(r#"[data-testid="ticket-link"]"#)
        .await
        .click()
        .await
        .unwrap();
    agent.find(r#"[data-testid="ticket-screen"]"#).await;
    agent
        .wait_text(r#"[data-testid="ticket-channel"]"#, "채팅")
        .await;
    agent
        .find(r#"[data-testid="tab-transcript"]"#)
        .await
        .click()
        .await
        .unwrap();
    agent
        .wait_text(
            r#"[data-testid="ticket-transcript"]"#,
            "본인인증 문자가 안 와요",
        )
        .await;
    agent.screenshot("ticket-transcript").await;

    // the list shows it, filterable by channel
    agent
        .client
        .goto(&server.url("/console/tickets"))
        .await
        .unwrap();
    agent.wait_hydrated().await;
    agent.wait_count(r#"[data-testid="ticket-row"]"#, 1).await;
    agent
        .find(r#"[data-testid="ticket-filter-channel"]"#)
        .await
        .select_by_value("inquiry")
        .await
        .unwrap();
    agent.wait_count(r#"[data-testid="ticket-row"]"#, 0).await;

    // back in the chat: confirming the warning ends it
    agent.client.goto(&server.url("/console")).await.unwrap();
    agent.wait_hydrated().await;
    agent
        .click_with_text(r#"[data-testid="chat-list-item"]"#, "")
        .await;
    agent
        .find(r#"[data-testid="customer-memo"]"#)
        .await
        .send_keys("!")
        .await
        .unwrap();
    agent
        .find(r#"[data-testid="end-chat"]"#)
        .await
        .click()
        .await
        .unwrap();
    agent
        .find(r#"[data-testid="confirm-ok"]"#)
        .await
        .click()
        .await
        .unwrap();
    agent
        .wait_count(r#"[data-testid="chat-list-item"]"#, 0)
        .await;

    agent.close().await;
    customer.close().await;
}
