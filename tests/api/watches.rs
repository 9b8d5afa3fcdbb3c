//! Professional watches from the pages a user sees: a provision from its page, a topic picked
//! from the list, and the upgrade offer for other plans. Alerts run the real capture pipeline.
use clausewatch::mail::alerts::fan_out;
use reqwest::StatusCode;
use sqlx::PgPool;

use crate::accounts::{Browser, WebApp, csrf_of};
use crate::alerts::{mail_config, outbox_keys};
use crate::helpers::{TestApp, article_page};
use crate::site::Behaviour;

const BEFORE: &str = "<h1>Terms</h1><h2>1. Your content</h2><p>We never use your conversations to train our models.</p>\
    <h2>2. Payment</h2><p>Fees are charged monthly in advance and are not refundable.</p>";
/// Only the payment provision changes.
const PAYMENT_CHANGED: &str = "<h1>Terms</h1><h2>1. Your content</h2><p>We never use your conversations to train our models.</p>\
    <h2>2. Payment</h2><p>Fees are charged yearly in advance and are refundable within fourteen days.</p>";
/// Then the content provision changes too.
const CONTENT_CHANGED: &str = "<h1>Terms</h1><h2>1. Your content</h2><p>We may use your conversations to train our models unless you opt out in settings.</p>\
    <h2>2. Payment</h2><p>Fees are charged yearly in advance and are refundable within fourteen days.</p>";

fn page(html: &str) -> Behaviour {
    Behaviour::page(article_page(html), "text/html; charset=utf-8")
}

/// Acme AI's terms captured once, and a signed-up user whose organisation is on `plan` and
/// tracks Acme AI.
async fn captured_acme_and_user(pool: &PgPool, plan: &str) -> (TestApp, WebApp, Browser, i64) {
    let app = TestApp::new(pool.clone()).await;
    app.site.set("/terms", page(BEFORE));
    app.declare("acme", "Acme AI", &[("Terms of Service", "/terms", "article")]);
    app.sync().await;
    app.capture("acme", "terms-of-service").await;
    let web = WebApp::spawn(pool.clone()).await;
    let mut browser = web.sign_up("pat@example.com").await;
    let org = web.org_of("pat@example.com").await;
    web.set_plan(org, plan).await;
    let tracked = web.post_form(&mut browser, "/account", "/account/platforms", &[("platform", "acme")]).await;
    assert_eq!(tracked.status, StatusCode::SEE_OTHER, "{}", tracked.body);
    let user: i64 =
        sqlx::query_scalar("select user_id from users where email = 'pat@example.com'").fetch_one(pool).await.unwrap();
    (app, web, browser, user)
}

/// Captures `html` as Acme AI's next version and returns the id of the change it stored.
async fn capture_change(app: &TestApp, html: &str) -> i64 {
    app.site.set("/terms", page(html));
    app.capture("acme", "terms-of-service").await;
    sqlx::query_scalar("select max(change_id) from changes").fetch_one(&app.pool).await.unwrap()
}

/// (alerts queued for the payment-only change, alerts queued for the content change, the
/// content change's id).
async fn alerts_for_payment_then_content_change(app: &TestApp) -> (usize, usize, i64) {
    let config = mail_config(None);
    let payment = capture_change(app, PAYMENT_CHANGED).await;
    let by_payment = fan_out(&app.pool, &config, payment).await.unwrap();
    let content = capture_change(app, CONTENT_CHANGED).await;
    (by_payment, fan_out(&app.pool, &config, content).await.unwrap(), content)
}

/// The keys of the queued alert mails (sign-up also queued a verification mail).
async fn alert_keys(pool: &PgPool) -> Vec<String> {
    outbox_keys(pool).await.into_iter().filter(|k| k.starts_with("alert:")).collect()
}

#[sqlx::test]
async fn a_professional_user_watches_a_provision_from_its_page_and_only_its_changes_alert_them(pool: PgPool) {
    let (app, web, mut browser, user) = captured_acme_and_user(&pool, "professional").await;
    let lineage: i64 = sqlx::query_scalar("select lineage_id from provisions where text like '%conversations%'")
        .fetch_one(&pool)
        .await
        .unwrap();

    let provision = web.get(&mut browser, &format!("/platforms/acme/terms-of-service/provisions/{lineage}")).await;
    assert_eq!(provision.status, StatusCode::OK);
    let href = format!("/account/watches/new?lineage_id={lineage}");
    assert!(provision.body.contains(&format!("href=\"{href}\"")), "{}", provision.body);
    let confirm = web.get(&mut browser, &href).await;
    assert_eq!(confirm.status, StatusCode::OK, "{}", confirm.body);
    assert!(confirm.body.contains("Watch Acme AI · Terms of Service · "), "{}", confirm.body);
    assert!(confirm.body.contains(&format!("name=\"lineage_id\" value=\"{lineage}\"")), "{}", confirm.body);
    let token = csrf_of(&confirm.body);
    let lineage_field = lineage.to_string();
    let saved =
        web.post_raw(&mut browser, "/account/watches", &[("csrf_token", &token), ("lineage_id", &lineage_field)]).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let account = web.get(&mut browser, "/account").await;
    assert!(account.body.contains("Provision: Acme AI · Terms of Service · "), "{}", account.body);

    let (by_payment, by_content, content) = alerts_for_payment_then_content_change(&app).await;

    assert_eq!((by_payment, by_content), (0, 1));
    assert_eq!(alert_keys(&pool).await, [format!("alert:{content}:{user}")]);
}

#[sqlx::test]
async fn a_professional_user_picks_a_topic_by_name_and_only_changes_on_that_topic_alert_them(pool: PgPool) {
    let (app, web, mut browser, user) = captured_acme_and_user(&pool, "professional").await;
    let account = web.get(&mut browser, "/account").await;
    assert!(account.body.contains("<select id=\"topic\" name=\"topic\">"), "{}", account.body);
    assert!(account.body.contains("<option value=\"ai-training\">Training on user content</option>"));
    assert!(!account.body.contains("training-on-user-data"));

    let saved = web.post_form(&mut browser, "/account", "/account/watches", &[("topic", "ai-training")]).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    assert!(web.get(&mut browser, "/account").await.body.contains("Topic: Training on user content"));

    let (by_payment, by_content, content) = alerts_for_payment_then_content_change(&app).await;

    assert_eq!((by_payment, by_content), (0, 1));
    assert_eq!(alert_keys(&pool).await, [format!("alert:{content}:{user}")]);
}

#[sqlx::test]
async fn a_topic_that_is_not_in_the_taxonomy_is_refused_with_a_message_and_nothing_is_stored(pool: PgPool) {
    let web = WebApp::spawn(pool.clone()).await;
    let mut browser = web.sign_up("quin@example.com").await;
    web.set_plan(web.org_of("quin@example.com").await, "professional").await;

    for typed in ["training-on-user-data", "Training on user content", ""] {
        let refused = web.post_form(&mut browser, "/account", "/account/watches", &[("topic", typed)]).await;

        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{typed}: {}", refused.body);
        assert!(refused.body.contains("Choose a topic from the list; nothing was saved."), "{}", refused.body);
    }
    let stored: i64 = sqlx::query_scalar("select count(*) from watches").fetch_one(&pool).await.unwrap();
    assert_eq!(stored, 0);
}

#[sqlx::test]
async fn free_and_watcher_users_get_an_upgrade_offer_that_says_what_professional_adds(pool: PgPool) {
    let web = WebApp::spawn(pool.clone()).await;
    for (email, plan) in [("rae@example.com", "free"), ("sam@example.com", "watcher")] {
        let mut browser = web.sign_up(email).await;
        web.set_plan(web.org_of(email).await, plan).await;

        let from_provision = web.get(&mut browser, "/account/watches/new?lineage_id=1").await;
        let from_account =
            web.post_form(&mut browser, "/account", "/account/watches", &[("topic", "ai-training")]).await;

        for offer in [from_provision, from_account] {
            assert_eq!(offer.status, StatusCode::FORBIDDEN, "{plan}: {}", offer.body);
            assert!(offer.body.contains("Upgrade to Professional"), "{}", offer.body);
            for adds in ["Provision-level watches", "full compliance analysis", "audit export", "Team members"] {
                assert!(offer.body.contains(adds), "{plan} offer lacks {adds}: {}", offer.body);
            }
            assert!(offer.body.contains("href=\"/pricing\""), "{}", offer.body);
        }
    }
    let stored: i64 = sqlx::query_scalar("select count(*) from watches").fetch_one(&pool).await.unwrap();
    assert_eq!(stored, 0);
}
