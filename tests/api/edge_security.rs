//! The web edge's security findings of issue 19: where a login may send people (F1), the headers
//! of private pages and HSTS (F7), and control characters in addresses and forms (F8).
use reqwest::{StatusCode, header};
use sqlx::PgPool;

use crate::accounts::{Browser, PASSWORD, WebApp, csrf_of};
use crate::edge_server::spawn_edge;
use crate::pages::import_fixture;

/// Logs `email` in from a fresh browser with `next` as the form's `next` field.
async fn log_in_with_next(app: &WebApp, email: &str, next: &str) -> crate::accounts::Page {
    let fields = [("email", email), ("password", PASSWORD), ("next", next)];
    app.post_form(&mut Browser::default(), "/login", "/login", &fields).await
}

#[sqlx::test]
async fn a_login_next_that_leaves_the_site_or_holds_control_characters_lands_on_the_account_page(pool: PgPool) {
    let app = WebApp::spawn(pool).await;
    app.sign_up("next@example.com").await;

    for next in [
        "/\t/evil.example",
        "/%09/evil.example",
        "/\r\nSet-Cookie: a=b",
        "//evil.example",
        "/\\evil.example",
        "/%5Cevil.example",
        "https://evil.example/",
    ] {
        let page = log_in_with_next(&app, "next@example.com", next).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{next:?}: {}", page.body);
        assert_eq!(page.location.as_deref(), Some("/account"), "{next:?}");
    }
    let kept = log_in_with_next(&app, "next@example.com", "/account/organisation").await;
    assert_eq!(kept.location.as_deref(), Some("/account/organisation"));

    let form = app.get(&mut Browser::default(), "/login?next=%2F%2Fevil.example").await;
    assert!(form.body.contains("value=\"/account\""), "the form carries the landing page, not the other host");
}

#[sqlx::test]
async fn private_pages_say_no_store_and_public_pages_do_not(pool: PgPool) {
    let app = WebApp::spawn(pool).await;
    let browser = app.sign_up("private@example.com").await;
    for path in [
        "/account",
        "/account/organisation",
        "/login",
        "/signup",
        "/password/forgot",
        "/invitations/accept?token=x",
        "/unsubscribe?token=x",
        "/admin/plans",
    ] {
        let response =
            app.http.get(format!("{}{path}", app.base)).header(header::COOKIE, browser.cookie.clone().unwrap());
        let response = response.send().await.unwrap();
        assert_eq!(
            response.headers().get(header::CACHE_CONTROL).map(|v| v.to_str().unwrap()),
            Some("no-store"),
            "{path}"
        );
    }
    let anonymous = app.get(&mut Browser::default(), "/account").await;
    assert_eq!(anonymous.status, StatusCode::SEE_OTHER);
    let public = app.http.get(format!("{}/platforms", app.base)).send().await.unwrap();
    assert_ne!(public.headers()[header::CACHE_CONTROL], "no-store");
}

#[sqlx::test]
async fn every_answer_carries_hsts_when_the_base_url_is_https_and_none_otherwise(pool: PgPool) {
    let (https, _) = spawn_edge(pool.clone(), |c| c.base_url = "https://clausewatch.example/".parse().unwrap()).await;
    let (http, _) = spawn_edge(pool, |_| {}).await;

    for path in ["/healthz", "/platforms", "/login", "/no-such-page"] {
        let answer = https.http.get(format!("{}{path}", https.base)).send().await.unwrap();
        let hsts = answer.headers().get(header::STRICT_TRANSPORT_SECURITY).map(|v| v.to_str().unwrap().to_owned());
        assert_eq!(hsts.as_deref(), Some("max-age=31536000; includeSubDomains"), "{path}");
        let plain = http.http.get(format!("{}{path}", http.base)).send().await.unwrap();
        assert!(plain.headers().get(header::STRICT_TRANSPORT_SECURITY).is_none(), "{path}");
    }
}

#[sqlx::test]
async fn a_nul_byte_in_a_path_query_or_form_is_answered_400_saying_what_was_wrong(pool: PgPool) {
    import_fixture(&pool).await;
    let app = WebApp::spawn(pool).await;
    app.sign_up("nul@example.com").await;

    let page = app.get(&mut Browser::default(), "/platforms/%00").await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST, "{}", page.body);
    assert!(page.body.contains("<html") && page.body.contains("not allowed (NUL)"), "{}", page.body);

    let api = app.http.get(format!("{}/api/v1/changes?platform=%00", app.base)).send().await.unwrap();
    assert_eq!(api.status(), StatusCode::BAD_REQUEST);
    let error: serde_json::Value = api.json().await.unwrap();
    assert!(error["error"].as_str().unwrap().contains("not allowed (NUL)"), "{error}");

    let mut browser = Browser::default();
    let login = app.get(&mut browser, "/login").await;
    let fields = [("csrf_token", csrf_of(&login.body)), ("email", "a\0@x".into()), ("password", PASSWORD.into())];
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let form = app.post_raw(&mut browser, "/login", &fields).await;
    assert_eq!(form.status, StatusCode::BAD_REQUEST, "{}", form.body);
    assert!(form.body.contains("email") && form.body.contains("not allowed (NUL)"), "{}", form.body);
}
