//! HTTP caching and the security headers of the public pages: ETags and 304s, a stored page
//! replaced the moment the archive changes, private answers for signed-in visitors, the query
//! count of the heaviest pages, and the headers every answer carries.
use std::sync::{
    Arc,
    atomic::{AtomicUsize, Ordering},
};

use clausewatch::archive::import::import_ota;
use reqwest::{StatusCode, header};
use sqlx::PgPool;
use tempfile::TempDir;
use tracing_subscriber::{Layer, layer::SubscriberExt};

use crate::helpers::{spawn_web, spawn_web_with_state};
use crate::pages::{import_fixture, link};

#[sqlx::test]
async fn public_answers_carry_an_etag_and_a_matching_request_gets_304(pool: PgPool) {
    import_fixture(&pool).await;
    let base = spawn_web(pool).await;
    let client = reqwest::Client::new();

    for path in ["/platforms/xai", "/topics/ai-training", "/changes.atom", "/api/v1/platforms"] {
        let first = client.get(format!("{base}{path}")).send().await.unwrap();
        assert_eq!(first.status(), StatusCode::OK, "{path}");
        let etag = first.headers()[header::ETAG].clone();
        assert_eq!(first.headers()[header::CACHE_CONTROL], "public, max-age=60", "{path}");
        let body = first.text().await.unwrap();

        let again = client.get(format!("{base}{path}")).send().await.unwrap();
        assert_eq!(again.headers()[header::ETAG], etag, "{path}: the same page has the same tag");
        assert_eq!(again.text().await.unwrap(), body, "{path}: the stored page is the page");

        let revalidated =
            client.get(format!("{base}{path}")).header(header::IF_NONE_MATCH, etag.clone()).send().await.unwrap();
        assert_eq!(revalidated.status(), StatusCode::NOT_MODIFIED, "{path}");
        assert_eq!(revalidated.headers()[header::ETAG], etag);
        assert!(revalidated.text().await.unwrap().is_empty());

        let stale =
            client.get(format!("{base}{path}")).header(header::IF_NONE_MATCH, "\"other\"").send().await.unwrap();
        assert_eq!(stale.status(), StatusCode::OK, "{path}: another tag gets the page");
    }
}

/// GETs `path` until it is answered from memory (the page cache listens once the server is up).
async fn until_cached(client: &reqwest::Client, url: &str) -> String {
    for _ in 0..100 {
        let response = client.get(url).send().await.unwrap();
        if response.headers()["x-cache"] == "hit" {
            return response.text().await.unwrap();
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("{url} is never answered from the page cache");
}

#[sqlx::test]
async fn a_stored_page_is_served_until_the_archive_changes_and_not_after(pool: PgPool) {
    let root = TempDir::new().unwrap();
    link(&root, "xai", "privacy-policy", Some(&["2025-02-10T12-33-40Z", "2025-02-14T12-34-07Z"]));
    import_ota(&pool, root.path()).await.unwrap();
    let base = spawn_web(pool.clone()).await;
    let client = reqwest::Client::new();
    let (document, home) = (format!("{base}/platforms/xai/privacy-policy"), format!("{base}/"));
    let before = until_cached(&client, &document).await;
    until_cached(&client, &home).await;
    assert!(!before.contains("2025-02-21"));

    // A change that does not notify (replication role skips triggers) is not seen: the page is
    // really served from memory.
    let mut tx = pool.begin().await.unwrap();
    sqlx::query("set local session_replication_role = replica").execute(&mut *tx).await.unwrap();
    sqlx::query("update platforms set name = 'Renamed quietly' where slug = 'xai'").execute(&mut *tx).await.unwrap();
    tx.commit().await.unwrap();
    let served = client.get(&document).send().await.unwrap();
    assert_eq!(served.headers()["x-cache"], "hit");
    assert!(!served.text().await.unwrap().contains("Renamed quietly"));

    // A new version notifies: every stored page is rendered afresh.
    link(&root, "xai", "privacy-policy", Some(&["2025-02-21T12-36-11Z"]));
    import_ota(&pool, root.path()).await.unwrap();
    let mut after = String::new();
    for _ in 0..100 {
        after = client.get(&document).send().await.unwrap().text().await.unwrap();
        if after.contains("2025-02-21") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(after.contains("2025-02-21"), "the new version is listed");
    assert!(after.contains("Renamed quietly"), "rendered afresh from the database");
    let home_now = client.get(&home).send().await.unwrap();
    assert_ne!(home_now.headers()["x-cache"], "hit", "every stored page is dropped, not just the document's");
}

#[sqlx::test]
async fn signed_in_visitors_get_private_answers(pool: PgPool) {
    import_fixture(&pool).await;
    let base = spawn_web(pool).await;
    let client = reqwest::Client::new();

    let response = client
        .get(format!("{base}/platforms/xai/privacy-policy"))
        .header(header::COOKIE, "clausewatch_session=not-a-real-session")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()[header::CACHE_CONTROL], "private, no-cache");
    assert!(response.headers().contains_key(header::ETAG));
    assert_eq!(response.headers()[header::VARY], "Cookie");
}

#[sqlx::test]
async fn every_answer_carries_the_security_headers(pool: PgPool) {
    import_fixture(&pool).await;
    let base = spawn_web(pool).await;

    for path in ["/", "/platforms/xai/privacy-policy", "/api/v1/platforms", "/static/style.css", "/login", "/nope"] {
        let response = reqwest::get(format!("{base}{path}")).await.unwrap();
        let headers = response.headers();
        let csp = headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
        assert!(csp.contains("default-src 'none'") && csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert!(!csp.contains("unsafe-inline") && !csp.contains("script-src"), "{path}: no script may run: {csp}");
        assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff", "{path}");
        assert_eq!(headers[header::REFERRER_POLICY], "strict-origin-when-cross-origin", "{path}");
        assert_eq!(headers[header::X_FRAME_OPTIONS], "DENY", "{path}");
    }
}

/// Counts the statements sqlx runs on this thread (the test's runtime runs the server too).
struct QueryCounter(Arc<AtomicUsize>);

impl<S: tracing::Subscriber> Layer<S> for QueryCounter {
    fn on_event(&self, event: &tracing::Event<'_>, _: tracing_subscriber::layer::Context<'_, S>) {
        if event.metadata().target() == "sqlx::query" {
            self.0.fetch_add(1, Ordering::Relaxed);
        }
    }
}

#[sqlx::test]
async fn the_heaviest_pages_run_a_few_queries_whatever_their_size(pool: PgPool) {
    import_fixture(&pool).await;
    let lineages: Vec<i64> = sqlx::query_scalar(
        "select pr.lineage_id from provisions pr join versions v using (version_id) join documents d using (document_id)
         join platforms p using (platform_id) where p.slug = 'microsoft'
         order by v.captured_at desc, pr.ordinal limit 3",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    let (copilot_lineage, warming_lineage, unseen_lineage) = (lineages[0], lineages[1], lineages[2]);
    let provisions: i64 = sqlx::query_scalar(
        "select count(*) from provisions pr join versions v using (version_id) join documents d using (document_id)
         join platforms p using (platform_id) where p.slug = 'microsoft'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(provisions > 50, "a document history of many provisions: {provisions}");
    let (base, state) = spawn_web_with_state(pool.clone()).await;
    let count = Arc::new(AtomicUsize::new(0));
    let subscriber = tracing_subscriber::registry().with(
        QueryCounter(count.clone())
            .with_filter(tracing_subscriber::filter::Targets::new().with_target("sqlx::query", tracing::Level::TRACE)),
    );
    let _guard = tracing::subscriber::set_default(subscriber);
    // Callsites cache whether anyone listens; make sure this subscriber is asked, and that it
    // sees a query, before counting the pages' queries.
    tracing::callsite::rebuild_interest_cache();
    let mut calibrated = false;
    for _ in 0..20 {
        count.store(0, Ordering::Relaxed);
        sqlx::query("select 1").execute(&pool).await.unwrap();
        if count.load(Ordering::Relaxed) > 0 {
            calibrated = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        tracing::callsite::rebuild_interest_cache();
    }
    assert!(calibrated, "the counter never saw a query");

    let pages = [
        ("/platforms/microsoft".to_owned(), 6),
        ("/platforms/microsoft/terms-of-service".to_owned(), 6),
        // One for the page, two to rebuild what is kept per archive generation (peers, fact tables).
        (format!("/platforms/microsoft/terms-of-service/provisions/{copilot_lineage}"), 3),
        ("/topics/liability-limitation".to_owned(), 5),
        ("/topics".to_owned(), 5),
    ];
    // A first round opens the pool's connections (their set-up statements are queries too) and
    // reads what is kept until the archive changes (the provisions other platforms are compared with).
    for (path, _) in &pages {
        reqwest::get(format!("{base}{path}")).await.unwrap();
    }
    for (path, most) in pages {
        count.store(0, Ordering::Relaxed);
        // Rendered afresh, not answered from the page cache.
        state.page_cache.changed();
        let response = reqwest::get(format!("{base}{path}")).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        let queries = count.load(Ordering::Relaxed);
        assert!(queries > 0, "{path}: the counter sees the queries");
        assert!(queries <= most, "{path}: {queries} queries, more than {most} (a query per row?)");
        eprintln!("{path}: {queries} queries");
    }
    // A provision page rendered for the first time while the archive stays as it was (what other
    // platforms say is kept, not read again) is one query.
    let warming = format!("{base}/platforms/microsoft/terms-of-service/provisions/{warming_lineage}");
    assert_eq!(reqwest::get(warming).await.unwrap().status(), StatusCode::OK);
    count.store(0, Ordering::Relaxed);
    let path = format!("/platforms/microsoft/terms-of-service/provisions/{unseen_lineage}");
    let response = reqwest::get(format!("{base}{path}")).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    assert_eq!(response.headers()["x-cache"], "miss", "{path} is rendered, not served from the cache");
    assert_eq!(count.load(Ordering::Relaxed), 1, "{path}: one query");
}
