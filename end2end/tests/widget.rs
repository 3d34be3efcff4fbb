//! Issue #6 in the browser: a page on another origin embeds the snippet; only the loader
//! loads before the click; the chat opens in an iframe, reaches the agent with the host
//! page as its channel; the launcher counts an agent reply while the panel is closed; a
//! forged signed user is refused.

use end2end::{Browser, HostPage, Locator, Server};

fn host_html(server: &Server, extra: &str) -> String {
    format!(
        r#"<!doctype html><html><head><meta charset="utf-8"><title>Acme shop</title></head>
<body style="font-family:sans-serif"><h1>Acme shop</h1><p>Product 42</p>
<script src="{}/widget.js?service=demo" data-service="demo" data-locale="ko" {extra} async></script></body></html>"#,
        server.base
    )
}

/// Clicks the launcher and works inside the chat's iframe once it hydrated.
async fn open_widget(customer: &Browser) {
    customer.click(r#"[data-testid="chat-icon"]"#).await;
    let frame = customer.find(r#"[data-testid="chat-frame"]"#).await;
    frame.enter_frame().await.unwrap();
    customer.wait_hydrated().await;
}

#[tokio::test]
async fn the_widget_on_another_site() {
    let server = Server::start_demo();
    let agent = Browser::start().await;
    agent.login(&server, "agent1@demo.test").await;
    agent.go_online().await;

    let host = HostPage::serve(host_html(&server, ""));
    let customer = Browser::start().await;
    customer.client.goto(&host.url).await.unwrap();
    customer.find(r#"[data-testid="chat-icon"]"#).await;
    let loaded = customer
        .client
        .execute(
            "return performance.getEntriesByType('resource').map(e => e.name)",
            vec![],
        )
        .await
        .unwrap();
    let loaded: Vec<String> = serde_json::from_value(loaded).unwrap();
    let ours: Vec<&String> = loaded
        .iter()
        .filter(|u| u.starts_with(&server.base))
        .collect();
    assert_eq!(
        ours.len(),
        1,
        "nothing of ours but the loader before the click: {loaded:?}"
    );
    let loaded = ours;
    assert!(loaded[0].contains("/widget.js"));
    assert!(customer.client.find(Locator::Css("iframe")).await.is_err());
    customer.screenshot("widget-host-closed").await;

    open_widget(&customer).await;
    customer.click(r#"[data-testid="consent-accept"]"#).await;
    customer.send_message("위젯에서 문의합니다").await;
    customer
        .wait_text(
            r#"[data-testid="message"][data-author="customer"]"#,
            "위젯에서 문의합니다",
        )
        .await;
    customer.client.enter_parent_frame().await.unwrap();
    customer.screenshot("widget-host-open").await;

    agent
        .click_with_text(r#"[data-testid="chat-list-item"]"#, "")
        .await;
    agent.wait_text(".chat-log", "위젯에서 문의합니다").await;
    agent
        .wait_text(r#"[data-testid="consult-channel"]"#, "/shop/product/42")
        .await;

    // close the panel on the host page, then the agent replies: the launcher counts it
    customer.click(r#"[data-testid="chat-icon"]"#).await;
    let input = agent.find(r#"[data-testid="message-input"]"#).await;
    input.send_keys("네, 무엇을 도와드릴까요?").await.unwrap();
    agent.click(r#"[data-testid="message-send"]"#).await;
    customer
        .wait_text(r#"[data-testid="chat-badge"]"#, "1")
        .await;
    customer.screenshot("widget-badge").await;
    // opening clears the badge and shows the reply
    customer.click(r#"[data-testid="chat-icon"]"#).await;
    let shown = customer
        .find(r#"[data-testid="chat-badge"]"#)
        .await
        .css_value("display")
        .await
        .unwrap();
    assert_eq!(shown, "none");
    customer
        .find(r#"[data-testid="chat-frame"]"#)
        .await
        .enter_frame()
        .await
        .unwrap();
    customer
        .wait_text(
            r#"[data-testid="message"][data-author="agent"]"#,
            "무엇을 도와드릴까요",
        )
        .await;
    customer.client.enter_parent_frame().await.unwrap();

    // a forged signed user is refused
    let forged = HostPage::serve(host_html(
        &server,
        r#"data-user-id="member-1" data-user-hash="forged""#,
    ));
    let other = Browser::start().await;
    other.client.goto(&forged.url).await.unwrap();
    other.click(r#"[data-testid="chat-icon"]"#).await;
    other
        .find(r#"[data-testid="chat-frame"]"#)
        .await
        .enter_frame()
        .await
        .unwrap();
    other.wait_hydrated().await;
    other.click(r#"[data-testid="consent-accept"]"#).await;
    // refused in the customer's language (issue 16: never the server's English wording)
    other
        .wait_text(
            r#"[data-testid="chat-error"]"#,
            "사용자 확인에 실패했습니다",
        )
        .await;

    other.close().await;
    agent.close().await;
    customer.close().await;
}

/// Sets an input's value as a person would: select what is there, type the new text.
async fn retype(b: &Browser, css: &str, text: &str) {
    let field = b.find(css).await;
    field.clear().await.unwrap();
    field.send_keys(text).await.unwrap();
}

/// Issue 33: the admin gives the widget the service's brand in 위젯 모양 (a colour too
/// pale for white text is refused next to the field; the preview follows as they type);
/// a customer on another site then sees the launcher in that colour, at the left, with
/// its label, and the chat window with its welcome title.
#[tokio::test]
async fn the_widget_takes_the_services_colour_and_corner() {
    let server = Server::start_demo();
    let admin = Browser::start().await;
    admin.open_admin(&server, "admin@demo.test").await;
    admin.find(r#"[data-testid="appearance-panel"]"#).await;
    admin
        .wait_text(r#"[data-testid="appearance-color"]"#, "")
        .await;
    retype(&admin, r#"[data-testid="appearance-color"]"#, "#ffd400").await;
    admin.click(r#"[data-testid="appearance-save"]"#).await;
    admin
        .wait_text(r#"[data-testid="appearance-error"]"#, "4.5:1")
        .await;
    retype(&admin, r#"[data-testid="appearance-color"]"#, "#0b6e4f").await;
    admin
        .click(r#"[data-testid="appearance-position"] option[value="left"]"#)
        .await;
    retype(&admin, r#"[data-testid="appearance-label-ko"]"#, "상담하기").await;
    retype(
        &admin,
        r#"[data-testid="appearance-title-ko"]"#,
        "그린마켓 고객센터",
    )
    .await;
    admin
        .wait_text(r#"[data-testid="appearance-preview-launcher"]"#, "상담하기")
        .await;
    admin.click(r#"[data-testid="appearance-save"]"#).await;
    admin.find(r#"[data-testid="appearance-saved"]"#).await;
    admin.screenshot("widget-appearance-admin").await;
    admin.assert_accessible("widget appearance").await;

    let agent = Browser::start().await;
    agent.agent_online(&server, "agent1@demo.test").await;
    let host = HostPage::serve(host_html(&server, ""));
    let customer = Browser::start().await;
    customer.client.goto(&host.url).await.unwrap();
    customer
        .wait_text(r#"[data-testid="chat-label"]"#, "상담하기")
        .await;
    let look = customer
        .client
        .execute(
            "const b = document.querySelector('[data-testid=chat-icon]'); const s = getComputedStyle(b); return [s.backgroundColor, s.left, s.right];",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(look[0], "rgb(11, 110, 79)", "the brand colour: {look}");
    assert_eq!(look[1], "20px", "bottom left: {look}");
    open_widget(&customer).await;
    customer
        .wait_text(r#"[data-testid="chat-welcome-title"]"#, "그린마켓 고객센터")
        .await;
    let head = customer
        .client
        .execute(
            "return getComputedStyle(document.querySelector('.chat-window-head')).backgroundColor",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(head, "rgb(11, 110, 79)", "the window wears it too");
    customer.client.enter_parent_frame().await.unwrap();
    customer.screenshot("widget-branded").await;
}
