//! The archive against a real Postgres and a real loopback site: versions only on change,
//! verifications otherwise, and every failure recorded without touching versions.
use clausewatch::db::fetch_events::Outcome;
use sqlx::PgPool;

use crate::helpers::{TestApp, article_page, markdown_as_html};
use crate::site::Behaviour;
use crate::support::corpus_dir;

fn page(html: &str) -> Behaviour {
    Behaviour::page(article_page(html), "text/html; charset=utf-8")
}

async fn app_with_one_document(pool: PgPool, behaviour: Behaviour) -> TestApp {
    let app = TestApp::new(pool).await;
    app.site.set("/terms", behaviour);
    app.declare("acme", "Acme AI", &[("Terms of Service", "/terms", "article")]);
    app.sync().await;
    app
}

#[sqlx::test]
async fn the_same_content_fetched_twice_makes_one_version_and_one_verification(pool: PgPool) {
    let app = app_with_one_document(pool, page("<h1>Terms</h1><p>You may use the service.</p>")).await;

    let first = app.capture("acme", "terms-of-service").await;
    let second = app.capture("acme", "terms-of-service").await;

    assert_eq!(first.outcome, Outcome::NewVersion, "{}", first.detail);
    assert_eq!(second.outcome, Outcome::Unchanged, "{}", second.detail);
    assert_eq!(app.counts("acme", "terms-of-service").await, (1, 1, 2));
}

#[sqlx::test]
async fn an_etag_makes_the_second_capture_not_modified(pool: PgPool) {
    let body = article_page("<p>You may use the service.</p>");
    let app = app_with_one_document(pool, Behaviour::page(body, "text/html").with_etag("\"v1\"")).await;

    app.capture("acme", "terms-of-service").await;
    let second = app.capture("acme", "terms-of-service").await;

    assert_eq!(second.outcome, Outcome::NotModified, "{}", second.detail);
    let (versions, verifications, snapshots) = app.counts("acme", "terms-of-service").await;
    assert_eq!((versions, verifications, snapshots), (1, 1, 1));
}

#[sqlx::test]
async fn a_changed_page_makes_a_second_version(pool: PgPool) {
    let app = app_with_one_document(pool, page("<h1>Terms</h1><p>You may use the service.</p>")).await;
    app.capture("acme", "terms-of-service").await;

    app.site.set("/terms", page("<h1>Terms</h1><p>You may use the service. We may train on your content.</p>"));
    let second = app.capture("acme", "terms-of-service").await;

    assert_eq!(second.outcome, Outcome::NewVersion, "{}", second.detail);
    assert_eq!(app.counts("acme", "terms-of-service").await.0, 2);
}

/// Runs one fault against a document that already has a version, and checks the outcome and
/// that the version is untouched.
async fn fault(pool: PgPool, behaviour: Behaviour, expected: Outcome, kind: &str) -> TestApp {
    let app = app_with_one_document(pool, page(&"<p>The first, real version of the terms.</p>".repeat(5))).await;
    let first = app.capture("acme", "terms-of-service").await;
    assert_eq!(first.outcome, Outcome::NewVersion);
    let before = app.document("acme", "terms-of-service").await;

    app.site.set("/terms", behaviour);
    let report = app.capture("acme", "terms-of-service").await;

    assert_eq!(report.outcome, expected, "{}", report.detail);
    let event = app.last_event("acme", "terms-of-service").await;
    assert_eq!(event.error_kind.as_deref(), Some(kind), "{:?}", event.error);
    assert!(event.version_id.is_none());
    assert_eq!(app.counts("acme", "terms-of-service").await.0, 1, "no version was created");
    let mut conn = app.pool.acquire().await.unwrap();
    let latest = clausewatch::db::versions::latest_version(&mut conn, before.document_id).await.unwrap().unwrap();
    assert_eq!(latest.version_id, first.version_id.unwrap(), "the latest version is unchanged");
    app
}

#[sqlx::test]
async fn a_server_that_never_answers_is_a_timeout(pool: PgPool) {
    fault(pool, Behaviour::HangBeforeHeaders(std::time::Duration::from_secs(60)), Outcome::Failed, "timeout").await;
}

#[sqlx::test]
async fn a_body_slower_than_the_total_timeout_is_a_timeout(pool: PgPool) {
    let slow = Behaviour::SlowBody {
        chunk: b"<p>more</p>".to_vec(),
        interval: std::time::Duration::from_millis(500),
        chunks: 200,
    };
    fault(pool, slow, Outcome::Failed, "timeout").await;
}

#[sqlx::test]
async fn a_redirect_loop_fails(pool: PgPool) {
    fault(pool, Behaviour::Redirect("/terms".into()), Outcome::Failed, "redirect-loop").await;
}

#[sqlx::test]
async fn a_body_over_the_cap_fails(pool: PgPool) {
    let huge = Behaviour::page(vec![b'a'; 6 * 1024 * 1024], "text/html");
    fault(pool, huge, Outcome::Failed, "too-large").await;
}

#[sqlx::test]
async fn a_pdf_is_refused(pool: PgPool) {
    fault(pool, Behaviour::page(b"%PDF-1.7".to_vec(), "application/pdf"), Outcome::Failed, "unsupported-type").await;
}

#[sqlx::test]
async fn an_empty_body_is_suspect(pool: PgPool) {
    fault(pool, Behaviour::page(Vec::new(), "text/html"), Outcome::Suspect, "empty-text").await;
}

#[sqlx::test]
async fn a_lost_selector_is_suspect(pool: PgPool) {
    let moved = Behaviour::page(b"<html><body><main><p>Redesigned page</p></main></body></html>".to_vec(), "text/html");
    fault(pool, moved, Outcome::Suspect, "selector-lost").await;
}

#[sqlx::test]
async fn an_error_page_is_suspect(pool: PgPool) {
    let error = page("<h2>This page isn\u{2019}t available</h2><p>An unexpected error has occurred.</p>");
    fault(pool, error, Outcome::Suspect, "error-page").await;
}

#[sqlx::test]
async fn a_collapsed_text_is_suspect(pool: PgPool) {
    let app = app_with_one_document(pool, page(&"<p>A long and real paragraph of the terms.</p>".repeat(50))).await;
    app.capture("acme", "terms-of-service").await;

    app.site.set("/terms", page("<p>Terms.</p>"));
    let report = app.capture("acme", "terms-of-service").await;

    assert_eq!(report.outcome, Outcome::Suspect, "{}", report.detail);
    assert_eq!(app.last_event("acme", "terms-of-service").await.error_kind.as_deref(), Some("collapse"));
    assert_eq!(app.counts("acme", "terms-of-service").await, (1, 0, 2), "a snapshot is kept as evidence, no version");
}

#[sqlx::test]
async fn a_server_error_then_success_is_retried_into_a_version(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let ok = page("<p>You may use the service.</p>");
    app.site.set("/terms", Behaviour::Sequence(vec![Behaviour::Status(500), ok]));
    app.declare("acme", "Acme AI", &[("Terms of Service", "/terms", "article")]);
    app.sync().await;

    let report = app.capture("acme", "terms-of-service").await;

    assert_eq!(report.outcome, Outcome::NewVersion, "{}", report.detail);
    assert_eq!(app.last_event("acme", "terms-of-service").await.attempts, 2);
}

#[sqlx::test]
async fn too_many_requests_with_retry_after_is_retried_into_a_version(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let ok = page("<p>You may use the service.</p>");
    app.site.set("/terms", Behaviour::Sequence(vec![Behaviour::TooManyRequests { retry_after_secs: 1 }, ok]));
    app.declare("acme", "Acme AI", &[("Terms of Service", "/terms", "article")]);
    app.sync().await;

    let report = app.capture("acme", "terms-of-service").await;

    assert_eq!(report.outcome, Outcome::NewVersion, "{}", report.detail);
    assert_eq!(app.site.hits("/terms"), 2);
}

#[sqlx::test]
async fn a_windows_1252_page_is_decoded(pool: PgPool) {
    // "Conditions générales – 5 €" in windows-1252.
    let body = b"<html><head><meta charset=\"windows-1252\"></head><body><article><p>Conditions g\xe9n\xe9rales \x96 5 \x80</p></article></body></html>";
    let app = app_with_one_document(pool, Behaviour::page(body.to_vec(), "text/html")).await;

    let report = app.capture("acme", "terms-of-service").await;

    assert_eq!(report.outcome, Outcome::NewVersion, "{}", report.detail);
    let mut conn = app.pool.acquire().await.unwrap();
    let doc = app.document("acme", "terms-of-service").await;
    let latest = clausewatch::db::versions::latest_version(&mut conn, doc.document_id).await.unwrap().unwrap();
    assert!(latest.text.contains("Conditions générales – 5 €"), "{:?}", latest.text);
}

#[sqlx::test]
async fn a_refused_connection_is_recorded_as_failed(pool: PgPool) {
    let app = TestApp::new(pool).await;
    // A port nothing listens on: bind one, note it, close it.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let declaration = serde_json::json!({ "name": "Gone", "terms": { "Terms of Service": {
        "fetch": format!("http://127.0.0.1:{port}/terms"), "select": "article" } } });
    std::fs::write(app.catalog.path().join("gone.json"), declaration.to_string()).unwrap();
    app.sync().await;

    let report = app.capture("gone", "terms-of-service").await;

    assert_eq!(report.outcome, Outcome::Failed);
    assert_eq!(app.last_event("gone", "terms-of-service").await.error_kind.as_deref(), Some("connect"));
    assert_eq!(app.counts("gone", "terms-of-service").await, (0, 0, 0));
}

#[sqlx::test]
async fn the_real_microsoft_privacy_statement_collapse_is_suspect(pool: PgPool) {
    let versions = corpus_dir().join("versions/microsoft-copilot/privacy-policy");
    let full = std::fs::read_to_string(versions.join("2025-11-20T00-37-47Z.md")).unwrap();
    let collapsed = std::fs::read_to_string(versions.join("2025-12-06T07-05-17Z.md")).unwrap();
    let app = app_with_one_document(pool, page(&markdown_as_html(&full))).await;
    assert_eq!(app.capture("acme", "terms-of-service").await.outcome, Outcome::NewVersion);

    app.site.set("/terms", page(&markdown_as_html(&collapsed)));
    let report = app.capture("acme", "terms-of-service").await;

    assert_eq!(report.outcome, Outcome::Suspect, "{}", report.detail);
    assert_eq!(app.counts("acme", "terms-of-service").await.0, 1);
}

#[sqlx::test]
async fn the_real_llama_error_page_is_suspect(pool: PgPool) {
    let versions = corpus_dir().join("versions/llama-api/data-processor-agreement");
    let good = std::fs::read_to_string(versions.join("2026-04-22T19-03-57Z.md")).unwrap();
    let error = std::fs::read_to_string(versions.join("2026-05-01T07-03-43Z.md")).unwrap();
    let app = app_with_one_document(pool, page(&markdown_as_html(&good))).await;
    assert_eq!(app.capture("acme", "terms-of-service").await.outcome, Outcome::NewVersion);

    app.site.set("/terms", page(&markdown_as_html(&error)));
    let report = app.capture("acme", "terms-of-service").await;

    assert_eq!(report.outcome, Outcome::Suspect, "{}", report.detail);
    assert_eq!(app.last_event("acme", "terms-of-service").await.error_kind.as_deref(), Some("error-page"));
}
