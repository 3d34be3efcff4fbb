//! Issue 18 in real browsers: a full agent (`대화중 3 / 3`) and the queue count in the
//! console, a waiting customer whose position falls from 2 to 1 before the agent
//! answers, a transfer that moves the chat between two agents' consoles live with its
//! note, and the admin's routing settings, hours and board, with the absent notice
//! showing the hours to a customer.

use end2end::{Browser, Server};

/// Starts `n` chats through the public API from the page's origin; answers their ids.
const START_CHATS: &str = r#"
const [n, done] = [arguments[0], arguments[arguments.length - 1]];
(async () => {
  const ids = [];
  for (let i = 0; i < n; i++) {
    const r = await fetch('/api/v1/services/demo/chats', {method: 'POST',
      headers: {'content-type': 'application/json'},
      body: JSON.stringify({consent: true, name: `고객${i + 1}`, visitor_id: `api-${i}`})});
    ids.push((await r.json()).chat_id);
  }
  done(ids);
})();
"#;

/// Ends a chat as the signed-in agent (same-origin fetch with the session cookie).
const END_CHAT: &str = r#"
const [id, done] = [arguments[0], arguments[arguments.length - 1]];
fetch(`/api/v1/chats/${id}/end`, {method: 'POST', headers: {'content-type': 'application/json'}, body: '{}'})
  .then(r => done(r.status));
"#;

async fn end_chat(agent: &Browser, id: &serde_json::Value) {
    let status = agent
        .client
        .execute_async(END_CHAT, vec![id.clone()])
        .await
        .unwrap();
    assert_eq!(status, serde_json::json!(200));
}

#[tokio::test]
async fn the_queue_moves_and_a_transfer_hands_the_chat_over_live() {
    let server = Server::start_demo();
    let agent = Browser::start().await;
    agent.agent_online(&server, "agent1@demo.test").await;

    // three chats fill the agent (the demo's cap is 3), a fourth waits
    let customer = Browser::start().await;
    customer.client.goto(&server.url("/hc/demo")).await.unwrap();
    customer.wait_hydrated().await;
    let ids = customer
        .client
        .execute_async(START_CHATS, vec![serde_json::json!(4)])
        .await
        .unwrap();
    let ids = ids.as_array().unwrap().clone();
    agent.wait_text(r#"[data-testid="open-count"]"#, "3").await;
    agent.wait_text(r#"[data-testid="capacity"]"#, "/ 3").await;
    agent
        .wait_text(r#"[data-testid="queue-length"]"#, "대기 1")
        .await;
    agent.screenshot("console-full-with-queue").await;

    // the customer in the browser is second in line
    customer.start_help_center_chat(&server, None).await;
    customer
        .wait_text(r#"[data-testid="queue-position"]"#, "2번째")
        .await;
    customer
        .wait_text(r#"[data-testid="queue-estimate"]"#, "잠시만 기다려 주세요")
        .await;
    agent
        .wait_text(r#"[data-testid="queue-length"]"#, "대기 2")
        .await;
    customer.screenshot("customer-in-queue").await;

    // a seat frees: the customer moves up to 1, then the next seat is theirs
    end_chat(&agent, &ids[0]).await;
    customer
        .wait_text(r#"[data-testid="queue-position"]"#, "1번째")
        .await;
    end_chat(&agent, &ids[1]).await;
    customer
        .wait_count(r#"[data-testid="queue-banner"]"#, 0)
        .await;
    agent
        .wait_text(r#"[data-testid="queue-length"]"#, "대기 0")
        .await;

    // the agent answers in the browser: the customer reads the agent's greeting
    agent
        .click_with_text(r#"[data-testid="chat-list-item"]"#, "고객 ")
        .await;
    agent.send_message("안녕하세요, 김상담입니다").await;
    customer
        .wait_text(
            r#"[data-testid="message"][data-author="agent"]"#,
            "김상담입니다",
        )
        .await;

    // a colleague comes online; the chat goes to them with a note, live on both sides
    let colleague = Browser::start().await;
    colleague.agent_online(&server, "agent2@demo.test").await;
    agent
        .click_centered(r#"[data-testid="transfer-button"]"#)
        .await;
    let to = agent.find(r#"[data-testid="transfer-to"]"#).await;
    // the colleague loads in: index 0 is the queue, 1 the only other agent online
    for _ in 0..50 {
        if agent
            .client
            .find_all(fantoccini::Locator::Css(
                r#"[data-testid="transfer-to"] option"#,
            ))
            .await
            .map(|o| o.len())
            .unwrap_or(0)
            >= 2
        {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    to.select_by_index(1).await.unwrap();
    agent
        .find(r#"[data-testid="transfer-note"]"#)
        .await
        .send_keys("VIP 고객입니다. 환불 건 확인 부탁드려요")
        .await
        .unwrap();
    agent.screenshot("transfer-dialog").await;
    agent
        .click_centered(r#"[data-testid="transfer-submit"]"#)
        .await;
    agent.wait_text(r#"[data-testid="open-count"]"#, "2").await;
    colleague
        .wait_count(r#"[data-testid="chat-list-item"]"#, 1)
        .await;
    colleague
        .click_with_text(r#"[data-testid="chat-list-item"]"#, "")
        .await;
    colleague
        .wait_text(r#"[data-testid="handover-note"]"#, "VIP 고객입니다")
        .await;
    colleague
        .wait_text(
            r#"[data-testid="message"][data-author="agent"]"#,
            "김상담입니다",
        )
        .await;
    colleague.screenshot("console-after-transfer").await;
    // the customer reads that the agent changed (a system line after the greeting)
    let mut seen = Vec::new();
    for _ in 0..150 {
        seen.clear();
        for line in customer
            .client
            .find_all(fantoccini::Locator::Css(
                r#"[data-testid="message"][data-author="system"]"#,
            ))
            .await
            .unwrap_or_default()
        {
            seen.push(line.text().await.unwrap_or_default());
        }
        if seen.iter().any(|t| t.contains("상담원이 변경되었습니다")) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(
        seen.iter().any(|t| t.contains("상담원이 변경되었습니다")),
        "{seen:?}"
    );
    agent.close().await;
    colleague.close().await;
    customer.close().await;
}

/// Sets an agent's status from the board's row that names them.
const BOARD_SET: &str = r#"
const [name, status] = arguments;
const row = [...document.querySelectorAll('[data-testid="board-agent"]')]
  .find(r => r.textContent.includes(name));
const sel = row.querySelector('select');
sel.value = status;
sel.dispatchEvent(new Event('change', {bubbles: true}));
return true;
"#;

#[tokio::test]
async fn admin_sets_routing_and_hours_and_a_customer_reads_them() {
    let server = Server::start_demo();
    let admin = Browser::start().await;
    admin.login(&server, "admin@demo.test").await;
    admin.client.goto(&server.url("/admin")).await.unwrap();
    admin.wait_hydrated().await;
    admin.find(r#"[data-testid="routing-panel"]"#).await;
    admin.wait_count(r#"[data-testid="board-agent"]"#, 3).await;

    // a day that ends before it starts is refused with the day named
    let cap = admin.find(r#"[data-testid="routing-capacity"]"#).await;
    cap.clear().await.unwrap();
    cap.send_keys("2").await.unwrap();
    admin
        .find(r#"[data-testid="hours-day-0"]"#)
        .await
        .send_keys("18:00-09:00")
        .await
        .unwrap();
    admin
        .click_centered(r#"[data-testid="routing-save"]"#)
        .await;
    admin
        .wait_text(r#"[data-testid="routing-error"]"#, "hours.weekly.mon")
        .await;

    // hours on with every day closed (emptied as a person would), a holiday typed twice
    for i in 0..7 {
        let day = admin
            .find(&format!(r#"[data-testid="hours-day-{i}"]"#))
            .await;
        let typed = day.prop("value").await.unwrap().unwrap_or_default();
        day.send_keys(&"\u{E003}".repeat(typed.chars().count()))
            .await
            .unwrap();
    }
    admin
        .click_centered(r#"[data-testid="hours-enabled"]"#)
        .await;
    admin
        .find(r#"[data-testid="hours-holidays"]"#)
        .await
        .send_keys("2026-12-25\n2026-12-25")
        .await
        .unwrap();
    admin
        .click_centered(r#"[data-testid="routing-save"]"#)
        .await;
    admin.find(r#"[data-testid="routing-saved"]"#).await;
    let holidays = admin
        .find(r#"[data-testid="hours-holidays"]"#)
        .await
        .prop("value")
        .await
        .unwrap()
        .unwrap_or_default();
    assert_eq!(holidays, "2026-12-25", "de-duplicated");
    admin
        .wait_text(r#"[data-testid="board-hours"]"#, "상담 시간 외")
        .await;

    // the admin puts an agent online from the board
    admin
        .client
        .execute(BOARD_SET, vec!["김상담".into(), "online".into()])
        .await
        .unwrap();
    admin
        .wait_text(r#"[data-testid="board-agents"]"#, "온라인")
        .await;
    admin.screenshot("admin-routing").await;

    // an agent is online, but it is outside the hours: the absent notice with the hours
    let customer = Browser::start().await;
    customer.client.goto(&server.url("/hc/demo")).await.unwrap();
    customer.wait_hydrated().await;
    customer
        .click_centered(r#"[data-testid="chat-icon"]"#)
        .await;
    customer.find(r#"[data-testid="absent-popup"]"#).await;
    customer.find(r#"[data-testid="outside-hours"]"#).await;
    customer
        .wait_text(r#"[data-testid="hours-table"]"#, "휴무")
        .await;
    customer.find(r#"[data-testid="inquiry-button"]"#).await;
    customer.screenshot("customer-outside-hours").await;
    admin.close().await;
    customer.close().await;
}
