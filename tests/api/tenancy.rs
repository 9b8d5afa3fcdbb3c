//! One organisation's user cannot read or change another organisation's tracked platforms,
//! watches, members or invitations, even by guessing ids.
use reqwest::StatusCode;
use sqlx::PgPool;

use crate::accounts::{Browser, WebApp};

async fn two_tenants(pool: PgPool) -> (WebApp, Browser, Browser, i64, i64) {
    let app = WebApp::spawn(pool).await;
    let alice = app.sign_up("alice@example.com").await;
    let mallory = app.sign_up("mallory@example.com").await;
    let (a, m) = (app.org_of("alice@example.com").await, app.org_of("mallory@example.com").await);
    app.set_plan(a, "professional").await;
    app.set_plan(m, "professional").await;
    (app, alice, mallory, a, m)
}

#[sqlx::test]
async fn tracked_platforms_of_one_organisation_are_invisible_and_untouchable_to_another(pool: PgPool) {
    let (app, mut alice, mut mallory, a, _) = two_tenants(pool).await;
    app.add_platform("openai").await;
    app.add_platform("anthropic").await;
    let saved = app.post_form(&mut alice, "/account", "/account/platforms", &[("platform", "openai")]).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);

    let page = app.get(&mut mallory, "/account").await;
    assert!(page.body.contains("0 of 10 used"), "{}", page.body);
    // Mallory saving her own (empty) set leaves Alice's untouched.
    app.post_form(&mut mallory, "/account", "/account/platforms", &[]).await;
    let tracked: i64 = sqlx::query_scalar("select count(*) from tracked_platforms where org_id = $1")
        .bind(a)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(tracked, 1);
    // Switching into Alice's organisation by guessing its id is refused.
    let switch =
        app.post_form(&mut mallory, "/account", "/account/organisation/switch", &[("org_id", &a.to_string())]).await;
    assert_eq!(switch.status, StatusCode::NOT_FOUND);
    assert!(app.get(&mut mallory, "/account").await.body.contains("0 of 10 used"));
}

#[sqlx::test]
async fn watches_of_another_organisation_cannot_be_seen_or_removed_by_id(pool: PgPool) {
    let (app, mut alice, mut mallory, a, _) = two_tenants(pool).await;
    let added = app.post_form(&mut alice, "/account", "/account/watches", &[("topic", "arbitration")]).await;
    assert_eq!(added.status, StatusCode::SEE_OTHER);
    let watch_id: i64 = sqlx::query_scalar("select watch_id from watches where org_id = $1")
        .bind(a)
        .fetch_one(&app.pool)
        .await
        .unwrap();

    assert!(!app.get(&mut mallory, "/account").await.body.contains("Topic: Arbitration and class-action waiver"));
    let removed = app.post_form(&mut mallory, "/account", &format!("/account/watches/{watch_id}/delete"), &[]).await;
    assert_eq!(removed.status, StatusCode::NOT_FOUND);
    let left: i64 = sqlx::query_scalar("select count(*) from watches where org_id = $1")
        .bind(a)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(left, 1);
    assert!(app.get(&mut alice, "/account").await.body.contains("Topic: Arbitration and class-action waiver"));
}

#[sqlx::test]
async fn members_and_invitations_of_another_organisation_stay_out_of_reach(pool: PgPool) {
    let (app, mut alice, mut mallory, a, _) = two_tenants(pool).await;
    let sent = app
        .post_form(
            &mut alice,
            "/account/organisation",
            "/account/organisation/invitations",
            &[("email", "bob@example.com")],
        )
        .await;
    assert_eq!(sent.status, StatusCode::OK, "{}", sent.body);
    let invitation: String =
        sqlx::query_scalar("select left(token_hash, 16) from tokens where org_id = $1 and kind = 'invitation'")
            .bind(a)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    let bob = app.sign_up("bob@example.com").await;
    drop(bob);
    let bob_id: i64 = sqlx::query_scalar("select user_id from users where email = 'bob@example.com'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    sqlx::query("insert into memberships (org_id, user_id, role) values ($1, $2, 'member')")
        .bind(a)
        .bind(bob_id)
        .execute(&app.pool)
        .await
        .unwrap();

    let page = app.get(&mut mallory, "/account/organisation").await;
    assert!(!page.body.contains("bob@example.com") && !page.body.contains("alice@example.com"), "{}", page.body);
    let revoke = app
        .post_form(
            &mut mallory,
            "/account/organisation",
            &format!("/account/organisation/invitations/{invitation}/revoke"),
            &[],
        )
        .await;
    assert_eq!(revoke.status, StatusCode::NOT_FOUND);
    let remove = app
        .post_form(
            &mut mallory,
            "/account/organisation",
            &format!("/account/organisation/members/{bob_id}/remove"),
            &[],
        )
        .await;
    assert_eq!(remove.status, StatusCode::NOT_FOUND);
    let members: i64 = sqlx::query_scalar("select count(*) from memberships where org_id = $1")
        .bind(a)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(members, 2);
    let pending = app.get(&mut alice, "/account/organisation").await;
    assert!(pending.body.contains("bob@example.com"));
}

#[sqlx::test]
async fn an_invitation_link_joins_the_invited_address_once_and_nobody_else(pool: PgPool) {
    let (app, mut alice, mut mallory, a, _) = two_tenants(pool).await;
    app.post_form(
        &mut alice,
        "/account/organisation",
        "/account/organisation/invitations",
        &[("email", "carol@example.com")],
    )
    .await;
    let link = app.mailed_link("carol@example.com", "invitation").await;
    let path = crate::accounts::path_of(&link);
    assert_eq!(app.get(&mut mallory, &path).await.status, StatusCode::FORBIDDEN);

    let mut carol = app.sign_up("carol@example.com").await;
    let token = path.split("token=").nth(1).unwrap().to_owned();
    let joined = app.post_form(&mut carol, &path, "/invitations/accept", &[("token", &token)]).await;
    assert_eq!(joined.status, StatusCode::SEE_OTHER);
    let role: String = sqlx::query_scalar("select m.role from memberships m join users u using (user_id) where m.org_id = $1 and u.email = 'carol@example.com'")
        .bind(a)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(role, "member");
    assert_eq!(app.get(&mut carol, &path).await.status, StatusCode::NOT_FOUND);
}
