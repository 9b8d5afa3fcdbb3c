//! Pages: body caps, content types, charsets, conditional GET, user agent and spacing.

use std::time::{Duration, Instant};

use clausewatch::pipeline::fetch::{FetchError, FetchOutcome, Validators};

use super::{config, error, fetch, fetcher, page};
use crate::site::{Behaviour, TestSite};

#[tokio::test]
async fn a_slow_body_that_ends_within_the_limit_is_fetched_whole() {
    let site = TestSite::start().await;
    let slow = Behaviour::SlowBody { chunk: b"ab".to_vec(), interval: Duration::from_millis(5), chunks: 4 };
    site.set("/tos", slow);

    let page = page(fetch(config(), &site.url("/tos")).await);

    assert_eq!(page.text, "abababab");
}

#[tokio::test]
async fn a_body_announced_over_the_cap_is_refused() {
    let site = TestSite::start().await;
    site.set("/big", Behaviour::bytes(&[b'a'; 4096], "text/html"));
    let mut config = config();
    config.max_body_bytes = 1024;

    let err = error(fetch(config, &site.url("/big")).await);

    assert_eq!(err, FetchError::BodyTooLarge { limit: 1024 });
    assert_eq!(err.kind(), "too-large");
    assert_eq!(site.hits("/big"), 1);
}

#[tokio::test]
async fn a_streamed_body_growing_past_the_cap_is_refused() {
    let site = TestSite::start().await;
    let chunked = Behaviour::SlowBody { chunk: vec![b'a'; 100], interval: Duration::from_millis(1), chunks: 20 };
    site.set("/big", chunked);
    let mut config = config();
    config.max_body_bytes = 1024;

    let err = error(fetch(config, &site.url("/big")).await);

    assert_eq!(err, FetchError::BodyTooLarge { limit: 1024 });
    assert_eq!(site.hits("/big"), 1);
}

#[tokio::test]
async fn a_body_exactly_at_the_cap_is_accepted() {
    let site = TestSite::start().await;
    site.set("/full", Behaviour::bytes(&[b'a'; 1024], "text/plain"));
    let mut config = config();
    config.max_body_bytes = 1024;

    let page = page(fetch(config, &site.url("/full")).await);

    assert_eq!(page.body.len(), 1024);
}

#[tokio::test]
async fn a_pdf_is_refused_as_an_unsupported_content_type() {
    let site = TestSite::start().await;
    site.set("/tos.pdf", Behaviour::bytes(b"%PDF-1.7", "application/pdf"));

    let err = error(fetch(config(), &site.url("/tos.pdf")).await);

    assert_eq!(err, FetchError::UnsupportedContentType("application/pdf".to_owned()));
    assert_eq!(err.kind(), "unsupported-type");
    assert_eq!(site.hits("/tos.pdf"), 1);
}

#[tokio::test]
async fn a_windows_1252_page_is_decoded_correctly() {
    let site = TestSite::start().await;
    let body = b"<p>Caf\xe9 \x80 10 \x93quoted\x94 it\x92s</p>";
    site.set("/tos", Behaviour::bytes(body, "text/html; charset=windows-1252"));

    let page = page(fetch(config(), &site.url("/tos")).await);

    assert_eq!(page.text, "<p>Café € 10 “quoted” it’s</p>");
    assert_eq!(page.charset, "windows-1252");
    assert_eq!(page.body, body.to_vec());
}

#[tokio::test]
async fn an_iso_8859_1_page_declared_in_a_meta_tag_is_decoded_correctly() {
    let site = TestSite::start().await;
    let body = b"<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=ISO-8859-1\"></head><body>d\xe9j\xe0</body></html>";
    site.set("/tos", Behaviour::bytes(body, "text/html"));

    let page = page(fetch(config(), &site.url("/tos")).await);

    assert!(page.text.ends_with("<body>déjà</body></html>"), "{}", page.text);
    assert_eq!(page.charset, "windows-1252");
}

#[tokio::test]
async fn an_empty_body_is_fetched_as_an_empty_page() {
    let site = TestSite::start().await;
    site.set("/tos", Behaviour::bytes(b"", "text/html"));

    let page = page(fetch(config(), &site.url("/tos")).await);

    assert_eq!((page.status, page.body.len(), page.text.as_str()), (200, 0, ""));
}

#[tokio::test]
async fn a_second_fetch_with_the_etag_is_not_modified() {
    let site = TestSite::start().await;
    let behaviour = Behaviour::Page {
        body: b"<h1>v1</h1>".to_vec(),
        content_type: Some("text/html".to_owned()),
        etag: Some("\"v1\"".to_owned()),
    };
    site.set("/tos", behaviour);
    let fetcher = fetcher(config());

    let first = page(fetcher.fetch(&site.url("/tos"), &Validators::default()).await);
    let validators =
        Validators { etag: first.etag.clone(), last_modified: Some("Sat, 01 Nov 2026 10:00:00 GMT".to_owned()) };
    let second = fetcher.fetch(&site.url("/tos"), &validators).await;

    assert_eq!(first.etag.as_deref(), Some("\"v1\""));
    assert!(first.headers.contains(&("etag".to_owned(), "\"v1\"".to_owned())));
    assert_eq!(second, Ok(FetchOutcome::NotModified { status: 304, attempts: 1 }));
    let requests = site.requests("/tos");
    assert_eq!(requests.len(), 2);
    assert!(requests[0].get("if-none-match").is_none());
    assert_eq!(requests[1].get("if-none-match").map(|v| v.as_bytes()), Some(&b"\"v1\""[..]));
    assert_eq!(requests[1].get("if-modified-since").map(|v| v.as_bytes()), Some(&b"Sat, 01 Nov 2026 10:00:00 GMT"[..]));
}

#[tokio::test]
async fn the_user_agent_names_the_service_and_reaches_the_server() {
    let site = TestSite::start().await;
    site.set("/tos", Behaviour::html("hi"));
    let config = config();
    let expected = config.user_agent.clone();

    page(fetch(config, &site.url("/tos")).await);

    let requests = site.requests("/tos");
    let sent = requests[0].get("user-agent").and_then(|v| v.to_str().ok());
    assert_eq!(sent, Some(expected.as_str()));
    assert!(expected.starts_with("ClauseWatch/") && expected.ends_with("(+http://clausewatch.test)"));
}

#[tokio::test]
async fn a_corpus_snapshot_is_fetched_byte_for_byte_with_its_selected_headers() {
    let rel = "snapshots/grok/terms-of-service/2025-12-11T19-03-37Z.html";
    let on_disk = std::fs::read(crate::support::corpus_dir().join(rel)).expect("corpus snapshot");
    let site = TestSite::start().await;
    site.set("/grok/tos", Behaviour::corpus(rel));

    let page = page(fetch(config(), &site.url("/grok/tos")).await);

    assert_eq!(page.body, on_disk);
    assert_eq!(page.charset, "UTF-8");
    assert_eq!(page.content_type.as_deref(), Some("text/html"));
    let names: Vec<&str> = page.headers.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["content-type", "date"]);
}

#[tokio::test]
async fn requests_to_one_host_are_spaced_apart() {
    let site = TestSite::start().await;
    site.set("/tos", Behaviour::html("hi"));
    let mut config = config();
    config.per_host_spacing = Duration::from_millis(300);
    let fetcher = fetcher(config);
    let started = Instant::now();

    for _ in 0..3 {
        page(fetcher.fetch(&site.url("/tos"), &Validators::default()).await);
    }

    assert_eq!(site.hits("/tos"), 3);
    // Only a lower bound: three requests need at least two gaps.
    assert!(started.elapsed() >= Duration::from_millis(600));
}
