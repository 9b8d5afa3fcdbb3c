//! Forms that send mail: each address gets at most its share of account mails per window, from
//! any number of accounts (F5); only addresses mail can reach are accepted (F9); sign-up does not
//! tell whether an address has an account (F10).
use reqwest::StatusCode;
use sqlx::PgPool;

use crate::accounts::{Browser, PASSWORD, Page, WebApp, csrf_of};

async fn mails_to(app: &WebApp, to: &str) -> i64 {
    sqlx::query_scalar("select count(*) from email_outbox where lower(recipient) = lower($1)")
        .bind(to)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

async fn change_email(app: &WebApp, browser: &mut Browser, to: &str) -> Page {
    app.post_form(browser, "/account", "/account/email", &[("email", to), ("current_password", PASSWORD)]).await
}

async fn invite(app: &WebApp, browser: &mut Browser, to: &str) -> Page {
    app.post_form(browser, "/account/organisation", "/account/organisation/invitations", &[("email", to)]).await
}

fn assert_refused_for_a_while(page: &Page) {
    assert_eq!(page.status, StatusCode::TOO_MANY_REQUESTS, "{}", page.body);
    assert!(page.body.contains("Try again in 15 minutes"), "{}", page.body);
}

#[sqlx::test]
async fn changing_the_email_to_one_address_again_and_again_is_refused_and_mails_no_more(pool: PgPool) {
    let app = WebApp::spawn_with(pool, |c| c.login_attempts_per_account = 3).await;
    let mut ada = app.sign_up("ada@example.com").await;
    for _ in 0..3 {
        assert_eq!(change_email(&app, &mut ada, "victim@example.com").await.status, StatusCode::OK);
    }
    assert_refused_for_a_while(&change_email(&app, &mut ada, "victim@example.com").await);
    assert_eq!(mails_to(&app, "victim@example.com").await, 3);
    // The account's own limit holds for other addresses too.
    assert_refused_for_a_while(&change_email(&app, &mut ada, "other@example.com").await);
    assert_eq!(mails_to(&app, "other@example.com").await, 0);
}

#[sqlx::test]
async fn invitations_and_email_changes_from_several_accounts_cannot_flood_one_address(pool: PgPool) {
    let app = WebApp::spawn_with(pool, |c| c.login_attempts_per_account = 3).await;
    let mut alice = app.sign_up("alice@example.com").await;
    let mut mallory = app.sign_up("mallory@example.com").await;
    let mut trudy = app.sign_up("trudy@example.com").await;
    for owner in ["alice@example.com", "mallory@example.com"] {
        let org = app.org_of(owner).await;
        app.set_plan(org, "professional").await;
    }
    assert_eq!(invite(&app, &mut alice, "victim@example.com").await.status, StatusCode::OK);
    assert_eq!(invite(&app, &mut mallory, "VICTIM@example.com").await.status, StatusCode::OK);
    assert_eq!(change_email(&app, &mut trudy, "victim@example.com").await.status, StatusCode::OK);

    assert_refused_for_a_while(&invite(&app, &mut alice, "victim@example.com").await);
    assert_refused_for_a_while(&invite(&app, &mut mallory, "victim@example.com").await);
    assert_refused_for_a_while(&change_email(&app, &mut trudy, "victim@example.com").await);
    assert_eq!(mails_to(&app, "victim@example.com").await, 3);
    let pending: i64 = sqlx::query_scalar("select count(*) from tokens where lower(email) = 'victim@example.com'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(pending, 3, "a refused form leaves no link behind");
}

#[sqlx::test]
async fn verification_resends_are_limited_per_address(pool: PgPool) {
    let app = WebApp::spawn_with(pool, |c| c.login_attempts_per_account = 2).await;
    let mut ada = app.sign_up("ada@example.com").await;
    let resent = app.post_form(&mut ada, "/account", "/verify-email/resend", &[]).await;
    assert_eq!(resent.status, StatusCode::OK, "{}", resent.body);
    assert_refused_for_a_while(&app.post_form(&mut ada, "/account", "/verify-email/resend", &[]).await);
    assert_eq!(mails_to(&app, "ada@example.com").await, 2);
}

#[sqlx::test]
async fn sign_up_and_invitations_refuse_addresses_no_mail_can_reach(pool: PgPool) {
    let app = WebApp::spawn(pool).await;
    for bad in ["\"<script>\"@x.test", "a@[127.0.0.1]", "ada@localhost"] {
        let page = app
            .post_form(&mut Browser::default(), "/signup", "/signup", &[("email", bad), ("password", PASSWORD)])
            .await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}: {}", page.body);
        assert!(page.body.contains("name@example.com") && !page.body.contains("<script>"), "{}", page.body);
    }
    let mut alice = app.sign_up("alice@example.com").await;
    app.set_plan(app.org_of("alice@example.com").await, "professional").await;
    let refused = invite(&app, &mut alice, "a@[127.0.0.1]").await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
    let users: i64 = sqlx::query_scalar("select count(*) from users").fetch_one(&app.pool).await.unwrap();
    let invitations: i64 =
        sqlx::query_scalar("select count(*) from tokens where kind = 'invitation'").fetch_one(&app.pool).await.unwrap();
    assert_eq!((users, invitations), (1, 0));
}

/// Signs up `email` from a fresh browser; the answer with its CSRF tokens blanked out.
async fn sign_up_answer(app: &WebApp, email: &str, password: &str) -> (StatusCode, Option<String>, String) {
    let mut browser = Browser::default();
    let page = app.post_form(&mut browser, "/signup", "/signup", &[("email", email), ("password", password)]).await;
    let body = match page.body.contains("name=\"csrf_token\"") {
        true => page.body.replace(&csrf_of(&page.body), "CSRF"),
        false => page.body,
    };
    (page.status, page.location, body)
}

#[sqlx::test]
async fn signing_up_with_a_taken_address_answers_exactly_as_a_new_one_and_mails_the_owner(pool: PgPool) {
    let app = WebApp::spawn(pool).await;
    let first = sign_up_answer(&app, "ada@example.com", PASSWORD).await;
    let again = sign_up_answer(&app, "ada@example.com", "someone else's passphrase 9").await;
    assert_eq!(first.0, StatusCode::OK, "{}", first.2);
    assert!(first.2.contains("Check your inbox"), "{}", first.2);
    assert_eq!(again, first, "the answers are identical");

    let accounts: i64 = sqlx::query_scalar("select count(*) from users where lower(email) = 'ada@example.com'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(accounts, 1);
    let notice: String = sqlx::query_scalar(
        "select body_text from email_outbox where recipient = 'ada@example.com' and template = 'sign-up-attempt'",
    )
    .fetch_one(&app.pool)
    .await
    .expect("the owner is told");
    assert!(notice.contains("Someone tried to sign up") && notice.contains("/password/forgot"), "{notice}");
    let login = app
        .post_form(&mut Browser::default(), "/login", "/login", &[("email", "ada@example.com"), ("password", PASSWORD)])
        .await;
    assert_eq!(login.status, StatusCode::SEE_OTHER, "the owner's password still works");
}

#[sqlx::test]
async fn repeated_sign_ups_with_one_address_are_limited_like_every_mail_form(pool: PgPool) {
    let app = WebApp::spawn_with(pool, |c| c.login_attempts_per_account = 2).await;
    assert_eq!(sign_up_answer(&app, "ada@example.com", PASSWORD).await.0, StatusCode::OK);
    assert_eq!(sign_up_answer(&app, "ada@example.com", PASSWORD).await.0, StatusCode::OK);
    let third = sign_up_answer(&app, "ada@example.com", PASSWORD).await;
    assert_eq!(third.0, StatusCode::TOO_MANY_REQUESTS, "{}", third.2);
    assert_eq!(mails_to(&app, "ada@example.com").await, 2);
}
