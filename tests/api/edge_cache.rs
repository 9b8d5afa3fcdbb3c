//! The page cache against the attacks of issue 19, F2: a session cookie the session layer reads
//! but the cache did not, refused POSTs that emptied the cache, made-up queries that filled it;
//! and HEAD answered with GET's headers.
use reqwest::{StatusCode, header};
use sqlx::PgPool;

use crate::accounts::Browser;
use crate::edge_server::spawn_edge;
use crate::pages::import_fixture;
use crate::topics::lineage_on;

/// GETs `url` until it is answered from memory (the cache listens once the server is up).
async fn until_hit(client: &reqwest::Client, url: &str) {
    for _ in 0..100 {
        if client.get(url).send().await.unwrap().headers()["x-cache"] == "hit" {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("{url} is never answered from the page cache");
}

#[sqlx::test]
async fn a_professional_session_cookie_with_a_space_never_puts_the_professional_analysis_in_the_shared_cache(
    pool: PgPool,
) {
    import_fixture(&pool).await;
    let (document, lineage) = lineage_on(&pool, "midjourney", "liability-limitation").await;
    let path = format!("/platforms/midjourney/{document}/provisions/{lineage}");
    let (app, state) = spawn_edge(pool, |_| {}).await;
    let pro = app.sign_up("pro@example.com").await;
    app.set_plan(app.org_of("pro@example.com").await, "professional").await;
    let (name, sid) = pro.cookie.as_deref().unwrap().split_once('=').unwrap();
    assert_eq!(name, "clausewatch_session");
    until_hit(&app.http, &format!("{}/platforms", app.base)).await;

    // Any POST first (it empties the cache), then the Professional page with a spaced cookie name.
    let _ = app.post_raw(&mut Browser::default(), "/logout", &[]).await;
    let spaced = app.http.get(format!("{}{path}", app.base)).header(header::COOKIE, format!("{name} ={sid}"));
    let spaced = spaced.send().await.unwrap();
    assert_ne!(spaced.headers()[header::CACHE_CONTROL], "public, max-age=60");

    let anonymous = app.http.get(format!("{}{path}", app.base)).send().await.unwrap();
    assert_eq!(anonymous.status(), StatusCode::OK);
    let body = anonymous.text().await.unwrap();
    assert!(!body.contains("Compliance considerations"), "a visitor is served the Professional analysis");
    assert!(body.contains("Professional plan</a>"), "a visitor sees the teaser");
    assert!(!state.page_cache.is_empty());
}

#[sqlx::test]
async fn a_refused_anonymous_post_leaves_the_cached_pages_in_place(pool: PgPool) {
    import_fixture(&pool).await;
    let (app, _) = spawn_edge(pool, |_| {}).await;
    let page = format!("{}/platforms/xai", app.base);
    until_hit(&app.http, &page).await;

    let refused = app.post_raw(&mut Browser::default(), "/logout", &[("csrf_token", "forged")]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);

    let again = app.http.get(&page).send().await.unwrap();
    assert_eq!(again.headers()["x-cache"], "hit");
}

#[sqlx::test]
async fn made_up_query_parameters_do_not_add_pages_to_the_cache(pool: PgPool) {
    import_fixture(&pool).await;
    let (app, state) = spawn_edge(pool, |_| {}).await;
    until_hit(&app.http, &format!("{}/platforms/xai", app.base)).await;
    let stored = state.page_cache.len();

    for junk in ["?junk=1", "?junk=2", "?utm_source=x", "?page=1&page=2"] {
        let answer = app.http.get(format!("{}/platforms/xai{junk}", app.base)).send().await.unwrap();
        assert_eq!(answer.status(), StatusCode::OK, "{junk}: still served");
        assert_eq!(answer.headers()["x-cache"], "bypass", "{junk}");
    }
    assert_eq!(state.page_cache.len(), stored);

    until_hit(&app.http, &format!("{}/changes?page=1", app.base)).await;
    assert_eq!(state.page_cache.len(), stored + 1, "a route's own parameter is still cached");
}

#[sqlx::test]
async fn head_carries_the_headers_of_get_without_a_body(pool: PgPool) {
    import_fixture(&pool).await;
    let (app, _) = spawn_edge(pool, |_| {}).await;

    for path in ["/platforms/xai", "/changes.atom", "/api/v1/platforms"] {
        let get = app.http.get(format!("{}{path}", app.base)).send().await.unwrap();
        let head = app.http.head(format!("{}{path}", app.base)).send().await.unwrap();

        assert_eq!(head.status(), StatusCode::OK, "{path}");
        for name in [header::ETAG, header::CACHE_CONTROL, header::CONTENT_TYPE, header::VARY] {
            assert_eq!(head.headers().get(&name), get.headers().get(&name), "{path}: {name}");
        }
        assert!(head.headers().contains_key("x-cache"), "{path}");
        assert!(head.bytes().await.unwrap().is_empty(), "{path}");
    }
}
