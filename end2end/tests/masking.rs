//! Issue #7 in two browsers: the agent selects part of a customer's message, presses
//! the mask button, both screens show stars; a selection across two messages is
//! refused; clicking the stars and confirming brings the original back everywhere.

use end2end::{Browser, Server};

const SELECT_ACROSS: &str = r#"
const bubbles = [...document.querySelectorAll('[data-testid="message"] .bubble-text')];
const texts = el => { const w = document.createTreeWalker(el, NodeFilter.SHOW_TEXT); const out = []; let n; while ((n = w.nextNode())) out.push(n); return out; };
const first = texts(bubbles[0])[0], last = texts(bubbles[bubbles.length - 1]).pop();
const r = document.createRange();
r.setStart(first, 0);
r.setEnd(last, 1);
const sel = getSelection(); sel.removeAllRanges(); sel.addRange(r);
return sel.toString().length;
"#;

#[tokio::test]
async fn mask_and_unmask_on_both_screens() {
    let server = Server::start_demo();
    let agent = Browser::start().await;
    let customer = Browser::start().await;
    agent.login(&server, "agent1@demo.test").await;
    agent.go_online().await;
    customer
        .start_help_center_chat(&server, Some("😀 제 번호는 010-1234-5678 입니다"))
        .await;

    agent
        .click_with_text(r#"[data-testid="chat-list-item"]"#, "")
        .await;
    agent
        .wait_text(
            r#"[data-testid="message"][data-author="customer"]"#,
            "010-1234-5678",
        )
        .await;
    agent.find(r#"[data-testid="pii-hint"]"#).await; // the detector highlights the number

    // a selection across two messages is refused with a message
    agent.client.execute(SELECT_ACROSS, vec![]).await.unwrap();
    agent
        .find(r#"[data-testid="mask-button"]"#)
        .await
        .click()
        .await
        .unwrap();
    agent
        .wait_text(".desk-conversation .form-error", "한 메시지")
        .await;

    // select the number inside the message and press the button
    let selected = agent
        .select_text(
            r#"[data-testid="message"][data-author="customer"] .bubble-text"#,
            "010-1234-5678",
        )
        .await;
    assert_eq!(selected, "010-1234-5678");
    agent
        .find(r#"[data-testid="mask-button"]"#)
        .await
        .click()
        .await
        .unwrap();
    agent
        .wait_text(r#"[data-testid="masked"]"#, "*************")
        .await;
    customer
        .wait_text(r#"[data-testid="masked"]"#, "*************")
        .await;
    let shown = customer
        .find(r#"[data-testid="message"][data-author="customer"]"#)
        .await
        .text()
        .await
        .unwrap();
    assert!(
        !shown.contains("010-1234-5678"),
        "the customer's screen shows stars: {shown}"
    );
    agent.screenshot("agent-masked").await;
    customer.screenshot("customer-masked").await;

    // click the stars, confirm: the original is back on both screens
    agent
        .find(r#"[data-testid="masked"]"#)
        .await
        .click()
        .await
        .unwrap();
    agent.find(r#"[data-testid="confirm-dialog"]"#).await;
    agent
        .find(r#"[data-testid="confirm-ok"]"#)
        .await
        .click()
        .await
        .unwrap();
    agent
        .wait_text(
            r#"[data-testid="message"][data-author="customer"]"#,
            "010-1234-5678",
        )
        .await;
    customer
        .wait_text(
            r#"[data-testid="message"][data-author="customer"]"#,
            "010-1234-5678",
        )
        .await;

    // the admin sees both in the audit log
    let admin = Browser::start().await;
    admin.login(&server, "admin@demo.test").await;
    admin.client.goto(&server.url("/admin")).await.unwrap();
    admin.wait_hydrated().await;
    admin.wait_count(r#"[data-testid="audit-row"]"#, 2).await;
    admin.close().await;

    agent.close().await;
    customer.close().await;
}
