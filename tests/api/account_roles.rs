//! Roles in an organisation: owners manage its tracked platforms and watches; members read them
//! and manage only their own preferences, email and password. And `/account?saved=` shows only
//! our own notices (F12).
use reqwest::StatusCode;
use sqlx::PgPool;

use crate::accounts::{Browser, WebApp};

/// Alice owns a Professional organisation tracking openai with one topic watch; Bob is a member
/// acting in it.
async fn owner_and_member(pool: PgPool) -> (WebApp, Browser, Browser, i64) {
    let app = WebApp::spawn(pool).await;
    app.add_platform("openai").await;
    app.add_platform("anthropic").await;
    let mut alice = app.sign_up("alice@example.com").await;
    let mut bob = app.sign_up("bob@example.com").await;
    let org = app.org_of("alice@example.com").await;
    app.set_plan(org, "professional").await;
    let saved = app.post_form(&mut alice, "/account", "/account/platforms", &[("platform", "openai")]).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let watched = app.post_form(&mut alice, "/account", "/account/watches", &[("topic", "arbitration")]).await;
    assert_eq!(watched.status, StatusCode::SEE_OTHER, "{}", watched.body);
    sqlx::query(
        "insert into memberships (org_id, user_id, role) select $1, user_id, 'member' from users where email = 'bob@example.com'",
    )
    .bind(org)
    .execute(&app.pool)
    .await
    .expect("Bob joins");
    let switched =
        app.post_form(&mut bob, "/account", "/account/organisation/switch", &[("org_id", &org.to_string())]).await;
    assert_eq!(switched.status, StatusCode::SEE_OTHER);
    (app, alice, bob, org)
}

async fn tracked(app: &WebApp, org: i64) -> Vec<String> {
    sqlx::query_scalar(
        "select p.slug from tracked_platforms t join platforms p using (platform_id) where t.org_id = $1 order by 1",
    )
    .bind(org)
    .fetch_all(&app.pool)
    .await
    .unwrap()
}

async fn watch_ids(app: &WebApp, org: i64) -> Vec<i64> {
    sqlx::query_scalar("select watch_id from watches where org_id = $1 order by 1")
        .bind(org)
        .fetch_all(&app.pool)
        .await
        .unwrap()
}

#[sqlx::test]
async fn a_member_cannot_change_the_tracked_platforms_and_an_owner_can(pool: PgPool) {
    let (app, mut alice, mut bob, org) = owner_and_member(pool).await;

    let page = app.get(&mut bob, "/account").await;
    assert!(!page.body.contains("action=\"/account/platforms\""), "members get no platform form: {}", page.body);
    let refused = app.post_form(&mut bob, "/account", "/account/platforms", &[("platform", "anthropic")]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
    assert!(
        refused.body.contains("Only an owner of alice@example.com&#39;s organisation can change the tracked platforms")
            || refused
                .body
                .contains("Only an owner of alice@example.com's organisation can change the tracked platforms"),
        "{}",
        refused.body
    );
    assert_eq!(tracked(&app, org).await, ["openai"]);

    let saved = app.post_form(&mut alice, "/account", "/account/platforms", &[("platform", "anthropic")]).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    assert_eq!(tracked(&app, org).await, ["anthropic"]);
}

#[sqlx::test]
async fn a_member_cannot_add_or_delete_the_organisations_watches_and_an_owner_can(pool: PgPool) {
    let (app, mut alice, mut bob, org) = owner_and_member(pool).await;
    let ids = watch_ids(&app, org).await;
    assert_eq!(ids.len(), 1);

    let page = app.get(&mut bob, "/account").await;
    assert!(
        page.body.contains("Topic: Arbitration and class-action waiver") && !page.body.contains("/delete\""),
        "{}",
        page.body
    );
    let delete = format!("/account/watches/{}/delete", ids[0]);
    let refused = app.post_form(&mut bob, "/account", &delete, &[]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
    assert!(refused.body.contains("can change the watches"), "{}", refused.body);
    let added = app.post_form(&mut bob, "/account", "/account/watches", &[("topic", "data-retention")]).await;
    assert_eq!(added.status, StatusCode::FORBIDDEN);
    assert_eq!(watch_ids(&app, org).await, ids);

    let removed = app.post_form(&mut alice, "/account", &delete, &[]).await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER);
    assert!(watch_ids(&app, org).await.is_empty());
}

#[sqlx::test]
async fn a_member_still_saves_their_own_alert_preferences(pool: PgPool) {
    let (app, _alice, mut bob, _org) = owner_and_member(pool).await;
    let saved = app
        .post_form(&mut bob, "/account", "/account/preferences", &[("weekly_digest", "on"), ("digest_weekday", "5")])
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    let page = app.get(&mut bob, saved.location.as_deref().unwrap_or("/account")).await;
    assert!(page.body.contains("Saved your alert preferences."), "{}", page.body);
    assert!(page.body.contains("<option value=\"5\" selected>Friday"));
}

#[sqlx::test]
async fn the_saved_notice_of_the_account_page_never_shows_text_from_the_url(pool: PgPool) {
    let app = WebApp::spawn(pool).await;
    let mut ada = app.sign_up("ada@example.com").await;
    let attack = "/account?saved=password.%20Your%20account%20is%20locked%3A%20call%20%2B1%20555%200100";
    let page = app.get(&mut ada, attack).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("Your account is locked") && !page.body.contains("555 0100"), "{}", page.body);
    assert!(!page.body.contains("class=\"notice\" role=\"status\""), "{}", page.body);

    let known = app.get(&mut ada, "/account?saved=platforms").await;
    assert!(known.body.contains("Saved your tracked platforms."), "{}", known.body);
}
