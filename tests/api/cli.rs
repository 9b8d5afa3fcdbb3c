//! The command-line commands, called as `main` calls them.
use clausewatch::cli::fetch::{FetchArgs, run};
use sqlx::PgPool;

use crate::helpers::TestApp;
use crate::site::Behaviour;
use crate::support::corpus_dir;

#[sqlx::test]
async fn fetch_captures_corpus_snapshots_from_a_loopback_site_and_prints_a_summary_table(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let snapshots = corpus_dir().join("snapshots");
    let serve = |path: &str, file: &str| {
        let body = std::fs::read(snapshots.join(file)).unwrap();
        app.site.set(path, Behaviour::page(body, "text/html; charset=utf-8"));
    };
    serve("/midjourney/tos", "midjourney/terms-of-service/2026-07-15T19-07-47Z.html");
    serve("/xai/privacy", "xai/privacy-policy/2025-02-21T12-36-11Z.html");
    app.site.set("/xai/tos", Behaviour::Status(404));
    app.declare("midjourney", "Midjourney", &[("Terms of Service", "/midjourney/tos", "article")]);
    app.declare("xai", "xAI", &[("Privacy Policy", "/xai/privacy", "main"), ("Terms of Service", "/xai/tos", "main")]);

    let mut out = Vec::new();
    let reports = run(&app.state, &FetchArgs { platform: None, document: None }, &mut out).await.unwrap();
    let mut again = Vec::new();
    run(&app.state, &FetchArgs { platform: Some("midjourney".into()), document: None }, &mut again).await.unwrap();

    let out = String::from_utf8(out).unwrap();
    println!("{out}");
    assert_eq!(reports.len(), 3);
    assert!(out.contains("[1/3] midjourney/terms-of-service: new-version"), "{out}");
    assert!(out.contains("xai/terms-of-service") && out.contains("failed"), "{out}");
    assert!(out.contains("2 new version, 0 unchanged, 0 not modified, 0 suspect, 1 failed"), "{out}");
    let again = String::from_utf8(again).unwrap();
    assert!(again.contains("0 new version, 1 unchanged"), "{again}");
}

#[sqlx::test]
async fn fetch_of_an_unknown_platform_says_what_to_do(pool: PgPool) {
    let app = TestApp::new(pool).await;
    app.declare("acme", "Acme AI", &[("Terms of Service", "/tos", "article")]);

    let error = run(&app.state, &FetchArgs { platform: Some("nope".into()), document: None }, &mut Vec::new())
        .await
        .unwrap_err();

    assert!(error.to_string().contains("catalog check"), "{error}");
}
