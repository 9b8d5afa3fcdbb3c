//! Unsubscribe links: a confirmation page, the button, RFC 8058 one-click, and forged tokens.
use clausewatch::{
    mail::unsubscribe::{List, Unsubscribe, sign},
    startup::AppState,
};
use sqlx::PgPool;

use crate::alerts::{mail_config, member, org};

/// The real web app on a loopback port; returns its base URL.
async fn serve(pool: PgPool) -> (String, AppState) {
    let state = AppState::from_pool(pool, mail_config(None)).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = clausewatch::web::router(state.clone());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{addr}"), state)
}

fn client() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

async fn prefs(pool: &PgPool, org_id: i64, user_id: i64) -> Option<(bool, bool)> {
    sqlx::query_as("select same_day_alerts, weekly_digest from alert_preferences where org_id = $1 and user_id = $2")
        .bind(org_id)
        .bind(user_id)
        .fetch_optional(pool)
        .await
        .unwrap()
}

/// A Professional team (several members may join it) and its first member.
async fn setup(pool: &PgPool) -> (i64, i64) {
    let watcher = org(pool, "Team", "professional", None).await;
    let ada = member(pool, "ada@example.org", watcher).await;
    (watcher, ada)
}

#[sqlx::test]
async fn the_link_shows_a_confirmation_and_changes_nothing_until_the_button_is_pressed(pool: PgPool) {
    let (watcher, ada) = setup(&pool).await;
    let (base, state) = serve(pool.clone()).await;
    let token = sign(&state.config.secret_key, Unsubscribe { user_id: ada, org_id: watcher, list: List::Alerts });

    let page = client().get(format!("{base}/unsubscribe?token={token}")).send().await.unwrap();
    let status = page.status();
    let html = page.text().await.unwrap();
    assert_eq!(status, 200);
    assert!(html.contains("Stop receiving same-day change alerts"), "{html}");
    assert!(html.contains("<form method=\"post\" action=\"/unsubscribe\">"), "{html}");
    assert_eq!(prefs(&pool, watcher, ada).await, None);

    let done = client()
        .post(format!("{base}/unsubscribe"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("token={token}"))
        .send()
        .await
        .unwrap();

    assert_eq!(done.status(), 200);
    assert!(done.text().await.unwrap().contains("you will no longer receive same-day change alerts"));
    assert_eq!(prefs(&pool, watcher, ada).await, Some((false, true)));
}

#[sqlx::test]
async fn a_one_click_post_to_the_header_url_turns_the_digest_off(pool: PgPool) {
    let (watcher, ada) = setup(&pool).await;
    let (base, state) = serve(pool.clone()).await;
    let token = sign(&state.config.secret_key, Unsubscribe { user_id: ada, org_id: watcher, list: List::Digest });

    let response = client()
        .post(format!("{base}/unsubscribe?token={token}"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 200);
    assert_eq!(prefs(&pool, watcher, ada).await, Some((true, false)));
}

#[sqlx::test]
async fn a_forged_or_altered_token_gets_a_clear_400_page_and_changes_nothing(pool: PgPool) {
    let (watcher, ada) = setup(&pool).await;
    let other = member(&pool, "bob@example.org", watcher).await;
    let (base, state) = serve(pool.clone()).await;
    let token = sign(&state.config.secret_key, Unsubscribe { user_id: ada, org_id: watcher, list: List::Alerts });
    let altered = token.replacen(&format!("{ada}."), &format!("{other}."), 1);
    let forged = format!("{other}.{watcher}.alerts.{}", "ab".repeat(32));

    for bad in [altered.as_str(), forged.as_str(), "garbage", ""] {
        let get = client().get(format!("{base}/unsubscribe?token={bad}")).send().await.unwrap();
        assert_eq!(get.status(), 400, "{bad}");
        assert!(get.text().await.unwrap().contains("This link does not work"));
        let post = client()
            .post(format!("{base}/unsubscribe?token={bad}"))
            .body("List-Unsubscribe=One-Click")
            .send()
            .await
            .unwrap();
        assert_eq!(post.status(), 400, "{bad}");
    }
    assert_eq!(prefs(&pool, watcher, other).await, None);
    assert_eq!(prefs(&pool, watcher, ada).await, None);
}

#[sqlx::test]
async fn a_link_for_another_organisation_cannot_touch_a_membership_it_does_not_name(pool: PgPool) {
    let (watcher, ada) = setup(&pool).await;
    let elsewhere = org(&pool, "Elsewhere", "watcher", None).await;
    let (base, state) = serve(pool.clone()).await;
    // A valid signature for (ada, elsewhere): ada is not a member there.
    let token = sign(&state.config.secret_key, Unsubscribe { user_id: ada, org_id: elsewhere, list: List::Alerts });

    let response = client()
        .post(format!("{base}/unsubscribe?token={token}"))
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 200);
    assert_eq!(prefs(&pool, elsewhere, ada).await, None);
    assert_eq!(prefs(&pool, watcher, ada).await, None);
}
