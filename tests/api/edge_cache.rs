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
async fn made_up_query_parameters_neither_add_pages_to_the_cache_nor_bypass_it(pool: PgPool) {
    import_fixture(&pool).await;
    let (app, state) = spawn_edge(pool, |_| {}).await;
    until_hit(&app.http, &format!("{}/platforms/xai", app.base)).await;
    let stored = state.page_cache.len();
    let plain = app.http.get(format!("{}/platforms/xai", app.base)).send().await.unwrap().text().await.unwrap();

    // A route that reads no query: any query is served the stored page.
    for junk in ["?junk=1", "?junk=2", "?utm_source=x", "?page=1&page=2"] {
        let answer = app.http.get(format!("{}/platforms/xai{junk}", app.base)).send().await.unwrap();
        assert_eq!(answer.status(), StatusCode::OK, "{junk}: still served");
        assert_eq!(answer.headers()["x-cache"], "hit", "{junk}: a cache-busting query busts nothing");
        assert_eq!(answer.text().await.unwrap(), plain);
    }
    // A route that reads its own: another parameter is rendered and not stored; one twice is
    // refused with the reason.
    for junk in ["?page=1&junk=1", "?utm_source=x"] {
        let answer = app.http.get(format!("{}/changes{junk}", app.base)).send().await.unwrap();
        assert_eq!(answer.status(), StatusCode::OK, "{junk}: still served");
        assert_eq!(answer.headers()["x-cache"], "bypass", "{junk}");
    }
    let twice = app.http.get(format!("{}/changes?page=1&page=2", app.base)).send().await.unwrap();
    assert_eq!(twice.status(), StatusCode::BAD_REQUEST);
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

/// GETs `path` with `browser`'s session: (x-cache, cache-control, body).
async fn fetch_as(app: &crate::accounts::WebApp, browser: &Browser, path: &str) -> (String, String, String) {
    let mut request = app.http.get(format!("{}{path}", app.base));
    if let Some(cookie) = &browser.cookie {
        request = request.header(header::COOKIE, cookie);
    }
    let answer = request.send().await.unwrap();
    assert_eq!(answer.status(), StatusCode::OK, "{path}");
    let header_of = |name| answer.headers()[name].to_str().unwrap().to_owned();
    let (cache, control) = (header_of("x-cache"), header_of(header::CACHE_CONTROL.as_str()));
    (cache, control, answer.text().await.unwrap())
}

#[sqlx::test]
async fn members_are_served_the_stored_page_of_their_view_and_never_one_of_another(pool: PgPool) {
    import_fixture(&pool).await;
    let (document, lineage) = lineage_on(&pool, "midjourney", "liability-limitation").await;
    let path = format!("/platforms/midjourney/{document}/provisions/{lineage}");
    let (app, state) = spawn_edge(pool.clone(), |_| {}).await;
    let watcher = app.sign_up("watcher@example.com").await;
    app.set_plan(app.org_of("watcher@example.com").await, "watcher").await;
    let pro = app.sign_up("pro@example.com").await;
    let pro_org = app.org_of("pro@example.com").await;
    app.set_plan(pro_org, "professional").await;
    until_hit(&app.http, &format!("{}{path}", app.base)).await;

    // A Watcher member is served the page stored for visitors, privately.
    let (_, _, visitor_page) = fetch_as(&app, &Browser::default(), &path).await;
    let (cache, control, member_page) = fetch_as(&app, &watcher, &path).await;
    assert_eq!((cache.as_str(), control.as_str()), ("hit", "private, no-cache"));
    assert_eq!(member_page, visitor_page, "one render serves both");
    assert!(member_page.contains("Professional plan</a>"));

    // A Professional member's page is rendered once for their view, then served from memory.
    let mut served = Vec::new();
    for _ in 0..3 {
        served.push(fetch_as(&app, &pro, &path).await);
    }
    assert!(served[0].2.contains("Compliance considerations"), "the full analysis");
    assert_eq!(served[2].0, "hit", "{:?}", served.iter().map(|s| &s.0).collect::<Vec<_>>());
    assert_eq!(served[2].1, "private, no-cache");
    let (_, _, after) = fetch_as(&app, &Browser::default(), &path).await;
    assert!(!after.contains("Compliance considerations") && after.contains("Professional plan</a>"));
    let (_, _, watcher_after) = fetch_as(&app, &watcher, &path).await;
    assert!(!watcher_after.contains("Compliance considerations"));
    assert!(!state.page_cache.viewers.is_empty(), "the sessions' views are remembered");

    // The plan ends in the database (another process, a script): the next page shows the teaser.
    sqlx::query("update organisations set plan = 'free' where org_id = $1").bind(pro_org).execute(&pool).await.unwrap();
    let mut downgraded = false;
    for _ in 0..100 {
        let (_, _, page) = fetch_as(&app, &pro, &path).await;
        if !page.contains("Compliance considerations") {
            downgraded = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(downgraded, "a downgraded member still sees the Professional analysis");

    // Logged out, the old cookie is a visitor's.
    let mut pro_browser = pro.clone();
    let csrf = crate::accounts::csrf_of(&app.get(&mut pro_browser, "/account").await.body);
    let out = app.post_raw(&mut pro_browser, "/logout", &[("csrf_token", &csrf)]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER, "{}", out.body);
    assert!(state.page_cache.viewers.is_empty(), "a logout forgets every remembered view");
}
