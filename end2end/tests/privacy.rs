//! Issue 21 in the browser: an admin sets a retention period, then finds a customer by
//! email in 개인정보 보관과 삭제, sees how many chats it covers, confirms, and the
//! customer's chat is erased (the history no longer finds it by the email); the
//! webhooks panel refuses a receiver on this machine and says why.

use end2end::{Browser, Server};

#[tokio::test]
async fn an_admin_erases_a_customers_data_on_request() {
    let server = Server::start_demo();
    let admin = Browser::start().await;
    admin.login(&server, "admin@demo.test").await;
    admin.client.goto(&server.url("/admin")).await.unwrap();
    admin.wait_hydrated().await;
    // a customer's chat, made through the API from the page, answered and ended by the
    // agent on theirs
    let agent = Browser::start().await;
    agent.agent_online(&server, "agent1@demo.test").await;
    let made = admin
        .client
        .execute(
            "return fetch('/api/v1/services/demo/chats', {method: 'POST',
                 headers: {'content-type': 'application/json'},
                 body: JSON.stringify({consent: true, email: 'erase.me@example.com',
                                       first_message: '제 번호는 010-5555-1234'})})
               .then(r => r.json()).then(c => c.chat_id || JSON.stringify(c))",
            vec![],
        )
        .await
        .unwrap();
    let chat = made.as_str().unwrap().to_owned();
    assert!(chat.parse::<i64>().is_ok(), "{chat}");
    let ended = agent
        .client
        .execute(
            "return fetch('/api/v1/chats/' + arguments[0] + '/end', {method: 'POST',
                 headers: {'content-type': 'application/json'}, body: '{}'}).then(r => r.status)",
            vec![serde_json::json!(chat)],
        )
        .await
        .unwrap();
    assert_eq!(ended.as_i64(), Some(200), "{ended}");
    agent.close().await;

    // retention: 365 days, saved
    let days = admin.find(r#"[data-testid="retention-days"]"#).await;
    days.send_keys("365").await.unwrap();
    admin
        .click_centered(r#"[data-testid="retention-save"]"#)
        .await;
    admin
        .wait_text(r#"[data-testid="privacy-note"]"#, "저장했습니다")
        .await;

    // erasure: find, then a second explicit step
    admin
        .find(r#"[data-testid="erase-value"]"#)
        .await
        .send_keys("erase.me@example.com")
        .await
        .unwrap();
    admin.click_centered(r#"[data-testid="erase-find"]"#).await;
    admin
        .wait_text(r#"[data-testid="erase-found"]"#, "종료된 채팅 1건")
        .await;
    admin.click_centered(r#"[data-testid="erase-start"]"#).await;
    admin.find(r#"[data-testid="erase-confirm"]"#).await;
    admin.screenshot("admin-privacy-confirm").await;
    admin
        .click_centered(r#"[data-testid="erase-confirm"]"#)
        .await;
    admin
        .wait_text(r#"[data-testid="privacy-note"]"#, "채팅 1건")
        .await;
    // found again: nothing left to erase
    admin.click_centered(r#"[data-testid="erase-find"]"#).await;
    admin
        .wait_text(r#"[data-testid="erase-found"]"#, "종료된 채팅 0건")
        .await;

    // the webhooks panel refuses an address on this machine (SSRF) and says why
    admin
        .find(r#"[data-testid="webhook-url"]"#)
        .await
        .send_keys("http://127.0.0.1:8080/hook")
        .await
        .unwrap();
    admin.click_centered(r#"[data-testid="webhook-add"]"#).await;
    admin
        .wait_text(
            r#"[data-testid="webhooks-panel"] [role="alert"]"#,
            "공개된 주소만",
        )
        .await;
    admin.screenshot("admin-webhooks").await;
    admin.close().await;
}

/// Issue 33 (C-IN-3): an admin words the consent in Korean — a missing part is refused
/// in their language before anything is sent — and a customer then reads exactly that
/// wording before chatting; the English notice, left empty, stays generated from the
/// service's settings.
#[tokio::test]
async fn an_admin_words_the_consent_and_the_customer_reads_it() {
    let server = Server::start_demo();
    let admin = Browser::start().await;
    admin.open_admin(&server, "admin@demo.test").await;
    let field = |i: usize| format!(r#"[data-testid="consent-ko-{i}"]"#);
    for (i, text) in ["이름, 이메일, 대화 내용", "문의에 답하기 위해"]
        .iter()
        .enumerate()
    {
        admin.find(&field(i)).await.send_keys(text).await.unwrap();
    }
    admin.click(r#"[data-testid="consent-save"]"#).await;
    admin
        .wait_text(r#"[data-testid="consent-error"]"#, "네 항목")
        .await;
    admin
        .type_into(&field(2), "상담 종료 후 1년 동안 보관합니다.")
        .await;
    admin
        .type_into(&field(3), "거부하면 채팅을 이용할 수 없습니다.")
        .await;
    admin.click(r#"[data-testid="consent-save"]"#).await;
    admin.find(r#"[data-testid="consent-saved"]"#).await;
    admin.screenshot("consent-wording-admin").await;
    admin.assert_accessible("consent wording").await;

    let agent = Browser::start().await;
    agent.agent_online(&server, "agent1@demo.test").await;
    let customer = Browser::start().await;
    customer.client.goto(&server.url("/hc/demo")).await.unwrap();
    customer.wait_hydrated().await;
    customer.click(r#"[data-testid="chat-icon"]"#).await;
    customer
        .wait_text(
            r#"[data-testid="consent-retention"]"#,
            "상담 종료 후 1년 동안 보관합니다.",
        )
        .await;
    customer.screenshot("consent-customer").await;
}
