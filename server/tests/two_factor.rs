//! Issue 21: two-factor login (TOTP, RFC 6238) — enrolment with a QR code and a first
//! code, login needing the code (each code once, recovery codes once), wrong codes
//! throttled like passwords, a service requiring it (sessions without it may only set it
//! up), and turning it off.

mod common;

use common::{DEMO_PASSWORD, TestServer};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// The 6-digit code of a base32 secret at `now + offset` seconds.
fn code(secret: &str, offset: i64) -> String {
    let t = totp_rs::Builder::new()
        .with_secret(totp_rs::Secret::try_from_base32(secret).unwrap())
        .build_noncompliant();
    t.generate((chrono::Utc::now().timestamp() + offset) as u64)
        .to_string()
}

async fn login(s: &TestServer, email: &str, code: Option<&str>) -> (StatusCode, Value) {
    let mut body = json!({"email": email, "password": DEMO_PASSWORD});
    if let Some(c) = code {
        body["code"] = json!(c);
    }
    s.post("/api/v1/auth/login", None, body).await
}

#[tokio::test]
async fn enrol_log_in_with_codes_and_recovery_codes() {
    let s = TestServer::demo().await;
    let email = "agent1@demo.test";
    let token = s.login(email, DEMO_PASSWORD).await;
    let (st, setup) = s
        .post("/api/v1/account/two-factor/setup", Some(&token), json!({}))
        .await;
    assert_eq!(st, StatusCode::OK, "{setup}");
    let secret = setup["secret"].as_str().unwrap().to_owned();
    assert!(
        setup["otpauth_url"]
            .as_str()
            .unwrap()
            .starts_with("otpauth://totp/")
    );
    assert!(setup["qr_svg"].as_str().unwrap().starts_with("<svg"));
    let (st, v) = s
        .post(
            "/api/v1/account/two-factor/enable",
            Some(&token),
            json!({"code": "000000"}),
        )
        .await;
    assert_eq!(st, StatusCode::UNAUTHORIZED, "{v}");
    assert_eq!(v["error"], "two_factor_invalid");
    let (st, v) = s
        .post(
            "/api/v1/account/two-factor/enable",
            Some(&token),
            json!({"code": code(&secret, 0)}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    let recovery: Vec<String> = v["recovery_codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_owned())
        .collect();
    assert_eq!(recovery.len(), 10);
    let (_, me) = s.get("/api/v1/agent/me", Some(&token)).await;
    assert_eq!(me["two_factor"], true);

    // the password alone is not enough; a code is
    let (st, v) = login(&s, email, None).await;
    assert_eq!(st, StatusCode::UNAUTHORIZED, "{v}");
    assert_eq!(v["error"], "two_factor_required");
    assert!(v.get("token").is_none());
    let next = code(&secret, 30); // (the current step was spent on enabling)
    let (st, v) = login(&s, email, Some(&next)).await;
    assert_eq!(st, StatusCode::OK, "{v}");
    assert!(v["token"].is_string());
    let (st, v) = login(&s, email, Some(&next)).await;
    assert_eq!(st, StatusCode::UNAUTHORIZED, "a code is good once: {v}");
    assert_eq!(v["error"], "two_factor_invalid");
    // a recovery code, once
    let (st, _) = login(&s, email, Some(&recovery[0].to_uppercase())).await;
    assert_eq!(st, StatusCode::OK);
    let (st, _) = login(&s, email, Some(&recovery[0])).await;
    assert_eq!(st, StatusCode::UNAUTHORIZED);

    // turning it off takes a code
    let (st, _) = s
        .post(
            "/api/v1/account/two-factor/disable",
            Some(&token),
            json!({"code": "123456"}),
        )
        .await;
    assert_eq!(st, StatusCode::UNAUTHORIZED);
    let (st, _) = s
        .post(
            "/api/v1/account/two-factor/disable",
            Some(&token),
            json!({"code": recovery[1]}),
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    let (st, v) = login(&s, email, None).await;
    assert_eq!(st, StatusCode::OK, "{v}");
}

#[tokio::test]
async fn wrong_codes_are_throttled_like_passwords() {
    let s = TestServer::demo().await;
    let email = "agent2@demo.test";
    let token = s.login(email, DEMO_PASSWORD).await;
    let (_, setup) = s
        .post("/api/v1/account/two-factor/setup", Some(&token), json!({}))
        .await;
    let secret = setup["secret"].as_str().unwrap().to_owned();
    s.post(
        "/api/v1/account/two-factor/enable",
        Some(&token),
        json!({"code": code(&secret, 0)}),
    )
    .await;
    let mut throttled = false;
    for i in 0..30 {
        let (st, v) = login(&s, email, Some(&format!("{:06}", i))).await;
        if st == StatusCode::TOO_MANY_REQUESTS {
            assert_eq!(v["error"], "too_many_attempts");
            throttled = true;
            break;
        }
        assert_eq!(st, StatusCode::UNAUTHORIZED, "{v}");
    }
    assert!(throttled, "wrong codes are throttled");
    // then even the right code waits
    let (st, _) = login(&s, email, Some(&code(&secret, 30))).await;
    assert_eq!(st, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn a_service_may_require_it() {
    let s = TestServer::demo().await;
    let admin = s.login("admin@demo.test", DEMO_PASSWORD).await;
    let agent = s.login("agent1@demo.test", DEMO_PASSWORD).await;
    let (st, _) = s
        .put(
            "/api/v1/settings/two-factor",
            Some(&agent),
            json!({"required": true}),
        )
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN, "admins only");
    let (st, _) = s
        .put(
            "/api/v1/settings/two-factor",
            Some(&admin),
            json!({"required": true}),
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    // an account without it signs in, but may only set it up
    let (st, v) = login(&s, "agent1@demo.test", None).await;
    assert_eq!(st, StatusCode::OK, "{v}");
    let token = v["token"].as_str().unwrap().to_owned();
    let (_, me) = s.get("/api/v1/agent/me", Some(&token)).await;
    assert_eq!(me["two_factor_setup_required"], true, "{me}");
    let (st, v) = s.get("/api/v1/chats", Some(&token)).await;
    assert_eq!(st, StatusCode::FORBIDDEN, "{v}");
    assert_eq!(v["error"], "two_factor_setup_required");
    // the live socket too (authenticated before the upgrade: 403, not 400)
    let r = s
        .http
        .get(s.url(&format!("/api/v1/ws?token={token}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let (_, setup) = s
        .post("/api/v1/account/two-factor/setup", Some(&token), json!({}))
        .await;
    let secret = setup["secret"].as_str().unwrap().to_owned();
    let (st, _) = s
        .post(
            "/api/v1/account/two-factor/enable",
            Some(&token),
            json!({"code": code(&secret, 0)}),
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    let (st, _) = s.get("/api/v1/chats", Some(&token)).await;
    assert_eq!(st, StatusCode::OK, "set up: the session works");
}

/// Issue 30: with two-factor login on, a session alone can neither replace the factor
/// nor turn it off — a current code is needed, and wrong ones are throttled like a
/// login's; turning it on ends the account's other sessions.
#[tokio::test]
async fn the_second_factor_protects_itself() {
    let s = TestServer::demo().await;
    let email = "agent1@demo.test";
    let token = s.login(email, DEMO_PASSWORD).await;
    let other = s.login(email, DEMO_PASSWORD).await;
    let (_, setup) = s
        .post("/api/v1/account/two-factor/setup", Some(&token), json!({}))
        .await;
    let secret = setup["secret"].as_str().unwrap().to_owned();
    let (st, first) = s
        .post(
            "/api/v1/account/two-factor/enable",
            Some(&token),
            json!({"code": code(&secret, 0)}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{first}");
    // the other session (opened with the password alone) is over; this one is not
    assert_eq!(
        s.get("/api/v1/agent/me", Some(&other)).await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        s.get("/api/v1/agent/me", Some(&token)).await.0,
        StatusCode::OK
    );

    // a new set-up needs the current code
    let (st, v) = s
        .post("/api/v1/account/two-factor/setup", Some(&token), json!({}))
        .await;
    assert_eq!(st, StatusCode::UNAUTHORIZED, "{v}");
    assert_eq!(v["error"], "two_factor_required");
    let (st, v) = s
        .post(
            "/api/v1/account/two-factor/setup",
            Some(&token),
            json!({"current_code": "000000"}),
        )
        .await;
    assert_eq!(st, StatusCode::UNAUTHORIZED, "{v}");
    assert_eq!(v["error"], "two_factor_invalid");
    let (st, setup) = s
        .post(
            "/api/v1/account/two-factor/setup",
            Some(&token),
            json!({"current_code": code(&secret, 30)}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{setup}");
    let second = setup["secret"].as_str().unwrap().to_owned();
    assert_ne!(second, secret);
    let (st, v) = s
        .post(
            "/api/v1/account/two-factor/enable",
            Some(&token),
            json!({"code": code(&second, 0)}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    let code_now = v["recovery_codes"][0].as_str().unwrap().to_owned();
    assert_eq!(code_now.len(), 19, "four groups of four: {code_now}");
    // the first set's recovery codes went with the first secret
    let old = first["recovery_codes"][0].as_str().unwrap();
    assert_eq!(
        login(&s, email, Some(old)).await.0,
        StatusCode::UNAUTHORIZED
    );

    // turning it off: wrong codes are throttled (the audit sent 895 a second)
    let mut throttled = false;
    for i in 0..30 {
        let (st, v) = s
            .post(
                "/api/v1/account/two-factor/disable",
                Some(&token),
                json!({"code": format!("{:06}", i)}),
            )
            .await;
        if st == StatusCode::TOO_MANY_REQUESTS {
            assert_eq!(v["error"], "too_many_attempts");
            throttled = true;
            break;
        }
        assert_eq!(st, StatusCode::UNAUTHORIZED, "{v}");
    }
    assert!(throttled, "wrong codes to turn it off are throttled");
    let (st, _) = s
        .post(
            "/api/v1/account/two-factor/disable",
            Some(&token),
            json!({"code": code_now}),
        )
        .await;
    assert_eq!(st, StatusCode::TOO_MANY_REQUESTS, "even a right code waits");
    let (_, me) = s.get("/api/v1/agent/me", Some(&token)).await;
    assert_eq!(me["two_factor"], true, "still on");
}
