//! Single-use links do not outlive a change of the account's email or password (F4), and the
//! old address is told when the email changes.
use reqwest::StatusCode;
use sqlx::PgPool;

use crate::accounts::{Browser, PASSWORD, WebApp, path_of};

fn token_in(link: &str) -> String {
    path_of(link).split("token=").nth(1).expect("a token").to_owned()
}

async fn password_hash(app: &WebApp, user_email: &str) -> String {
    sqlx::query_scalar("select password_hash from users where lower(email) = lower($1)")
        .bind(user_email)
        .fetch_one(&app.pool)
        .await
        .expect("the user")
}

/// Asks for a reset link for `email` as an anonymous visitor and returns it.
async fn reset_link(app: &WebApp, email: &str) -> String {
    let asked =
        app.post_form(&mut Browser::default(), "/password/forgot", "/password/forgot", &[("email", email)]).await;
    assert_eq!(asked.status, StatusCode::OK, "{}", asked.body);
    app.mailed_link(email, "reset-password").await
}

/// The reset link is refused, when opened and when used, and the password stays as it was.
async fn assert_reset_link_is_dead(app: &WebApp, link: &str, owner: &str) {
    let before = password_hash(app, owner).await;
    let opened = app.get(&mut Browser::default(), &path_of(link)).await;
    assert_eq!(opened.status, StatusCode::NOT_FOUND, "{}", opened.body);
    assert!(opened.body.contains("not valid any more") && opened.body.contains("Ask for a new one"), "{}", opened.body);
    let used = app
        .post_form(
            &mut Browser::default(),
            "/password/forgot",
            "/password/reset",
            &[("token", &token_in(link)), ("password", "an attacker's new passphrase 7")],
        )
        .await;
    assert_eq!(used.status, StatusCode::NOT_FOUND, "{}", used.body);
    assert_eq!(password_hash(app, owner).await, before, "the password is unchanged");
}

#[sqlx::test]
async fn a_reset_link_asked_for_before_an_email_change_stops_working_and_the_old_address_is_told(pool: PgPool) {
    let app = WebApp::spawn(pool).await;
    let mut ada = app.sign_up("ada@example.com").await;
    let stale = reset_link(&app, "ada@example.com").await;

    let asked = app
        .post_form(
            &mut ada,
            "/account",
            "/account/email",
            &[("email", "nina@example.org"), ("current_password", PASSWORD)],
        )
        .await;
    assert_eq!(asked.status, StatusCode::OK, "{}", asked.body);
    let confirm = app.mailed_link("nina@example.org", "change-email").await;
    let changed =
        app.post_form(&mut ada, &path_of(&confirm), "/account/email/confirm", &[("token", &token_in(&confirm))]).await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.body);

    assert_reset_link_is_dead(&app, &stale, "nina@example.org").await;

    let (subject, text): (String, String) = sqlx::query_as(
        "select subject, body_text from email_outbox where recipient = 'ada@example.com' and template = 'email-changed'",
    )
    .fetch_one(&app.pool)
    .await
    .expect("the old address is told");
    assert!(subject.contains("sign-in address was changed"), "{subject}");
    assert!(text.contains("to n***@example.org on ") && text.contains("contact the operator"), "{text}");
    assert!(!text.contains("nina@example.org"), "the new address is not handed to the old mailbox: {text}");
}

#[sqlx::test]
async fn a_reset_link_and_an_email_change_asked_for_before_a_password_change_stop_working(pool: PgPool) {
    let app = WebApp::spawn(pool).await;
    let mut ada = app.sign_up("ada@example.com").await;
    let stale = reset_link(&app, "ada@example.com").await;
    app.post_form(
        &mut ada,
        "/account",
        "/account/email",
        &[("email", "eve@example.net"), ("current_password", PASSWORD)],
    )
    .await;
    let pending = app.mailed_link("eve@example.net", "change-email").await;

    let new_password = "a different passphrase 2026";
    let changed = app
        .post_form(
            &mut ada,
            "/account",
            "/account/password",
            &[("current_password", PASSWORD), ("password", new_password)],
        )
        .await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.body);

    assert_reset_link_is_dead(&app, &stale, "ada@example.com").await;
    let moved = app.post_form(&mut ada, "/account", "/account/email/confirm", &[("token", &token_in(&pending))]).await;
    assert_eq!(moved.status, StatusCode::NOT_FOUND, "{}", moved.body);
    let email: String = sqlx::query_scalar("select email from users").fetch_one(&app.pool).await.unwrap();
    assert_eq!(email, "ada@example.com");
    let login = app
        .post_form(
            &mut Browser::default(),
            "/login",
            "/login",
            &[("email", "ada@example.com"), ("password", new_password)],
        )
        .await;
    assert_eq!(login.status, StatusCode::SEE_OTHER);
}
