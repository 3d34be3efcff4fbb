//! Issue 19 in the browser: a customer pastes a screenshot into the message box; the
//! agent sees it as a thumbnail and opens it full size. The agent attaches a PDF with
//! the attach button; the customer sees its card. A file the service does not take is
//! refused in the window, with what it takes. The agent hides the screenshot (both
//! sides see 가려진 파일) and restores it.

use end2end::{Browser, Server};
use fantoccini::Locator;
use serde_json::Value;

/// Draws a 120 × 80 picture on a canvas and pastes it into the message box as a PNG
/// file, the way a screenshot copied to the clipboard arrives.
const PASTE_SCREENSHOT: &str = r#"
const done = arguments[arguments.length - 1];
const c = document.createElement('canvas');
c.width = 120; c.height = 80;
const g = c.getContext('2d');
g.fillStyle = '#d33'; g.fillRect(0, 0, 120, 80);
g.fillStyle = '#fff'; g.fillRect(10, 10, 60, 30);
c.toBlob(b => {
  const dt = new DataTransfer();
  dt.items.add(new File([b], 'screenshot.png', { type: 'image/png' }));
  const box = document.querySelector('[data-testid="message-input"]');
  box.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
  done(true);
}, 'image/png');
"#;

/// The natural width of the first image matching `css` once it has loaded (0 before).
async fn loaded_width(b: &Browser, css: &str) -> i64 {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    loop {
        let w = b
            .client
            .execute(
                "const i = document.querySelector(arguments[0]); return i && i.complete ? i.naturalWidth : 0;",
                vec![Value::from(css)],
            )
            .await
            .unwrap()
            .as_i64()
            .unwrap_or(0);
        if w > 0 {
            return w;
        }
        if std::time::Instant::now() > deadline {
            let log = b
                .client
                .execute(
                    "const l = document.querySelector('.chat-log'); const e = document.querySelector('[data-testid=file-error]'); return (l ? l.outerHTML : '') + ' | ' + (e ? e.textContent : '');",
                    vec![],
                )
                .await
                .unwrap();
            panic!("`{css}` never loaded: {log}");
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

/// Picks `path` with the attach button's file input.
async fn attach(b: &Browser, path: &std::path::Path) {
    b.client
        .find(Locator::Css(r#"[data-testid="attach-input"]"#))
        .await
        .unwrap()
        .send_keys(path.to_str().unwrap())
        .await
        .unwrap();
}

#[tokio::test]
async fn a_pasted_screenshot_reaches_the_agent_and_opens() {
    let server = Server::start_demo();
    let agent = Browser::start().await;
    agent.agent_online(&server, "agent1@demo.test").await;
    let customer = Browser::start().await;
    customer
        .start_help_center_chat(&server, Some("결제 화면에서 오류가 나요"))
        .await;
    agent
        .click_with_text(r#"[data-testid="chat-list-item"]"#, "")
        .await;

    // the customer pastes a screenshot
    customer
        .client
        .execute_async(PASTE_SCREENSHOT, vec![])
        .await
        .unwrap();
    // their own window shows it (read with the chat token, as a blob: URL)
    let thumb = r#"[data-testid="message"][data-author="customer"] [data-testid="file-thumb"] img"#;
    assert!(loaded_width(&customer, thumb).await > 0);
    let src = customer
        .find(thumb)
        .await
        .attr("src")
        .await
        .unwrap()
        .unwrap();
    assert!(src.starts_with("blob:"), "{src}");

    // the agent sees the thumbnail, then opens it full size
    assert!(loaded_width(&agent, thumb).await > 0);
    agent.screenshot("console-file-thumbnail").await;
    agent.click_centered(r#"[data-testid="file-thumb"]"#).await;
    let full = r#"[data-testid="file-viewer"] img"#;
    assert_eq!(
        loaded_width(&agent, full).await,
        120,
        "the original, full size"
    );
    agent.screenshot("console-file-viewer").await;
    agent
        .click_centered(r#"[data-testid="file-viewer-close"]"#)
        .await;
    agent.wait_count(r#"[data-testid="file-viewer"]"#, 0).await;

    // the agent attaches a PDF with the button; the customer gets its card
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("안내문.pdf");
    std::fs::write(&pdf, b"%PDF-1.4\n% guide\ntrailer << >>\n%%EOF\n").unwrap();
    attach(&agent, &pdf).await;
    customer
        .wait_text(r#"[data-testid="file-card"]"#, "안내문.pdf")
        .await;
    customer
        .wait_text(r#"[data-testid="file-card"]"#, "PDF")
        .await;
    customer.screenshot("customer-file-card").await;

    // a kind the service does not take is refused in the window, with what it takes
    let exe = dir.path().join("setup.exe");
    std::fs::write(&exe, b"MZ\x90\0").unwrap();
    attach(&customer, &exe).await;
    customer
        .wait_text(r#"[data-testid="file-error"]"#, "보낼 수 없는 종류의 파일")
        .await;
    customer
        .wait_text(r#"[data-testid="file-error"]"#, "이미지, PDF")
        .await;

    // the agent hides the screenshot: both sides see 가려진 파일, then restores it
    agent.click_centered(r#"[data-testid="file-mask"]"#).await;
    customer
        .wait_text(r#"[data-testid="file-masked"]"#, "가려진 파일")
        .await;
    customer
        .wait_count(r#"[data-testid="file-thumb"]"#, 0)
        .await;
    agent
        .wait_text(r#"[data-testid="file-masked"]"#, "가려진 파일")
        .await;
    agent.screenshot("console-file-hidden").await;
    agent.click_centered(r#"[data-testid="file-unmask"]"#).await;
    agent.click_centered(r#"[data-testid="confirm-ok"]"#).await;
    customer
        .wait_count(r#"[data-testid="file-masked"]"#, 0)
        .await;
    assert!(
        loaded_width(&customer, thumb).await > 0,
        "restored for the customer"
    );
    agent.close().await;
    customer.close().await;
}
