//! Issue #8 in the browser: an agent answers a chat, then in 채팅 기록 filters by message
//! text, opens the chat in the right-hand pane, edits and saves its info, masks a run in
//! the transcript (after which the masked text is no longer found), and downloads the
//! Excel export of the filtered chats, which is read back.

use calamine::{Data, Reader, Xlsx};
use end2end::{Browser, Server};

/// A second customer starts a chat through the public API from the help-center page.
const SECOND_CUSTOMER: &str = r#"
const done = arguments[arguments.length - 1];
(async () => {
  const r = await fetch('/api/v1/services/demo/chats', {method: 'POST', headers: {'content-type': 'application/json'},
    body: JSON.stringify({consent: true, name: '이도윤'})});
  const c = await r.json();
  await fetch(`/api/v1/chats/${c.chat_id}/messages`, {method: 'POST',
    headers: {'content-type': 'application/json', 'authorization': `Bearer ${c.customer_token}`},
    body: JSON.stringify({client_id: 'second-1', text: '배송이 너무 늦어요'})});
  done(c.chat_id);
})();
"#;

/// Searches message text and waits for `rows` rows and the matching total.
async fn search(agent: &Browser, text: &str, rows: usize) {
    let q = agent.find(r#"[data-testid="history-q"]"#).await;
    q.clear().await.unwrap();
    q.send_keys(text).await.unwrap();
    agent
        .click_centered(r#"[data-testid="history-search"]"#)
        .await;
    agent
        .wait_count(r#"[data-testid="history-row"]"#, rows)
        .await;
    agent
        .wait_text(r#"[data-testid="history-total"]"#, &rows.to_string())
        .await;
}

#[tokio::test]
async fn filter_open_edit_mask_and_export() {
    let server = Server::start_demo();
    let agent = Browser::start().await;
    let customer = Browser::start().await;
    agent.login(&server, "agent1@demo.test").await;
    agent.go_online().await;

    customer
        .start_help_center_chat(&server, Some("환불 요청합니다. 주문번호 778899 입니다"))
        .await;
    let second = customer
        .client
        .execute_async(SECOND_CUSTOMER, vec![])
        .await
        .unwrap();
    assert!(second.as_str().is_some(), "{second:?}");

    // answer the first chat: it becomes 처리 (handled)
    agent
        .wait_count(r#"[data-testid="chat-list-item"]"#, 2)
        .await;
    agent
        .click_with_text(r#"[data-testid="chat-list-item"]"#, "환불")
        .await;
    agent
        .wait_text(
            r#"[data-testid="message"][data-author="customer"]"#,
            "778899",
        )
        .await;
    agent.send_message("네, 환불 도와드리겠습니다").await;
    agent
        .wait_text(
            r#"[data-testid="message"][data-author="agent"]"#,
            "도와드리겠습니다",
        )
        .await;

    // chat history: both chats of the last 7 days, newest first
    agent.click_centered(r#"[data-testid="nav-history"]"#).await;
    agent.wait_count(r#"[data-testid="history-row"]"#, 2).await;
    agent
        .wait_text(r#"[data-testid="history-total"]"#, "2")
        .await;
    let tags = agent
        .find(r#"[data-testid="history-row"]:last-child [data-testid="history-status-tag"]"#)
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(tags, "처리");
    agent
        .wait_text(
            r#"[data-testid="history-row"]:first-child [data-testid="history-status-tag"]"#,
            "미처리",
        )
        .await;

    // filter by Korean message text
    search(&agent, "환불", 1).await;

    // open it: info and transcript in the right-hand pane
    agent.click_centered(r#"[data-testid="history-row"]"#).await;
    agent
        .wait_text(
            r#"[data-testid="history-pane"] [data-author="customer"]"#,
            "778899",
        )
        .await;
    let memo = agent
        .find(r#"[data-testid="history-pane"] [data-testid="customer-memo"]"#)
        .await;
    memo.send_keys("VIP 고객, 재문의 예정").await.unwrap();
    let category = agent
        .find(r#"[data-testid="history-pane"] [data-testid="consult-category"]"#)
        .await;
    let options = category
        .find_all(fantoccini::Locator::Css("option"))
        .await
        .unwrap();
    let leaf_option = options.last().unwrap();
    let leaf = leaf_option.attr("value").await.unwrap().unwrap();
    let leaf_path = leaf_option.text().await.unwrap();
    category.select_by_value(&leaf).await.unwrap();
    agent
        .find(r#"[data-testid="history-pane"] [data-testid="unsaved-note"]"#)
        .await;
    agent
        .click_centered(r#"[data-testid="history-pane"] [data-testid="save-info"]"#)
        .await;
    agent
        .find(r#"[data-testid="history-pane"] [data-testid="saved-note"]"#)
        .await;
    // the table row shows the new handling type at once
    agent
        .wait_text(r#"[data-testid="history-row"]"#, leaf_path.trim())
        .await;
    agent.screenshot("history-pane").await;

    // mask the order number in history (C-PII-4): stars, and no longer searchable
    let selected = agent
        .select_text(
            r#"[data-testid="history-pane"] [data-author="customer"] .bubble-text"#,
            "778899",
        )
        .await;
    assert_eq!(selected, "778899");
    agent
        .find(r#"[data-testid="history-pane"] [data-testid="mask-button"]"#)
        .await
        .click()
        .await
        .unwrap();
    agent
        .wait_text(
            r#"[data-testid="history-pane"] [data-testid="masked"]"#,
            "******",
        )
        .await;
    search(&agent, "778899", 0).await;

    // 초기화 brings back the default filter (the last 7 days, no text)
    agent
        .click_centered(r#"[data-testid="history-reset"]"#)
        .await;
    agent.wait_count(r#"[data-testid="history-row"]"#, 2).await;
    agent
        .click_centered(r#"[data-testid="history-export"]"#)
        .await;
    agent
        .find(r#"[data-testid="export-progress"][data-state="done"]"#)
        .await;
    let file = agent.wait_download("chat-history-").await;
    let name = file.file_name().unwrap().to_string_lossy().to_string();
    assert!(name.ends_with(".xlsx"), "{name}");
    let mut book: Xlsx<_> = calamine::open_workbook(&file).unwrap();
    let sheet = book.sheet_names()[0].clone();
    let range = book.worksheet_range(&sheet).unwrap();
    let rows: Vec<Vec<String>> = range
        .rows()
        .map(|r| {
            r.iter()
                .map(|c| match c {
                    Data::Empty => String::new(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect();
    assert_eq!(rows.len(), 3, "header + 2 chats: {rows:?}");
    assert_eq!(rows[0][12], "대화 내역");
    let refund = rows.iter().find(|r| r[12].contains("환불 요청")).unwrap();
    assert!(
        refund[12].contains("주문번호 ****** 입니다"),
        "{}",
        refund[12]
    );
    assert_eq!(refund[7], "처리");
    assert!(rows.iter().any(|r| r[2] == "이도윤" && r[7] == "미처리"));
    agent.screenshot("history-exported").await;

    customer.close().await;
    agent.close().await;
}
