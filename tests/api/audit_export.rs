//! The audit export: the governance timeline of a platform or document as CSV and JSON, for
//! Professional organisations only, never stored by a cache.
use clausewatch::archive::import::import_ota;
use reqwest::{StatusCode, header};
use sqlx::PgPool;

use crate::accounts::{Browser, WebApp};
use crate::helpers::{TestApp, article_page};
use crate::site::Behaviour;

const V1: &str = "<h1>Terms</h1><h2>1. Your content</h2><p>We never use your conversations to train our models.</p>\
    <h2>2. Payment</h2><p>Fees are charged monthly in advance and are not refundable.</p>";
const V2: &str = "<h1>Terms</h1><h2>1. Your content</h2><p>We may use your conversations to train our models, \"unless\", you opt out.</p>\
    <h2>2. Payment</h2><p>Fees are charged monthly in advance and are not refundable.</p>";

/// What a download answered, with the headers a download needs.
struct Download {
    status: StatusCode,
    location: Option<String>,
    cache_control: Option<String>,
    disposition: Option<String>,
    body: String,
}

async fn download(web: &WebApp, browser: &Browser, path: &str) -> Download {
    let mut request = web.http.get(format!("{}{path}", web.base));
    if let Some(cookie) = &browser.cookie {
        request = request.header(header::COOKIE, cookie);
    }
    let response = request.send().await.expect("the server answers");
    let text = |name: header::HeaderName| response.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let (location, cache_control, disposition) =
        (text(header::LOCATION), text(header::CACHE_CONTROL), text(header::CONTENT_DISPOSITION));
    Download { status: response.status(), location, cache_control, disposition, body: response.text().await.unwrap() }
}

/// Acme AI with two captured versions (so one change), and a web app over the same database.
async fn two_acme_versions(pool: &PgPool) -> (TestApp, WebApp) {
    let app = TestApp::new(pool.clone()).await;
    app.declare("acme", "Acme AI", &[("Terms of Service", "/terms", "article")]);
    app.sync().await;
    for html in [V1, V2] {
        app.site.set("/terms", Behaviour::page(article_page(html), "text/html; charset=utf-8"));
        app.capture("acme", "terms-of-service").await;
    }
    (app, WebApp::spawn(pool.clone()).await)
}

async fn user_on(web: &WebApp, email: &str, plan: &str) -> Browser {
    let browser = web.sign_up(email).await;
    web.set_plan(web.org_of(email).await, plan).await;
    browser
}

#[derive(sqlx::FromRow, PartialEq, Debug)]
struct StoredVersion {
    version_id: i64,
    snapshot_sha256: Option<String>,
    text_sha256: String,
}

async fn stored_versions(pool: &PgPool) -> Vec<StoredVersion> {
    sqlx::query_as(
        "select v.version_id, s.sha256 as snapshot_sha256, v.sha256 as text_sha256 from versions v
         left join snapshots s using (snapshot_id) order by v.captured_at, v.version_id",
    )
    .fetch_all(pool)
    .await
    .unwrap()
}

#[sqlx::test]
async fn a_professional_user_downloads_csv_and_json_whose_rows_match_the_stored_versions_and_changes(pool: PgPool) {
    let (_app, web) = two_acme_versions(&pool).await;
    let pro = user_on(&web, "pia@example.com", "professional").await;
    let stored = stored_versions(&pool).await;
    let (change_id, class, keys): (i64, String, Vec<String>) = sqlx::query_as(
        "select c.change_id, c.class, array(select key from provision_changes p where p.change_id = c.change_id order by ordinal)
         from changes c",
    )
    .fetch_one(&pool)
    .await
    .unwrap();

    let json = download(&web, &pro, "/platforms/acme/export.json").await;
    let csv = download(&web, &pro, "/platforms/acme/export.csv").await;
    let document_csv = download(&web, &pro, "/platforms/acme/terms-of-service/export.csv").await;

    assert_eq!(json.status, StatusCode::OK, "{}", json.body);
    assert_eq!(json.cache_control.as_deref(), Some("no-store"));
    assert_eq!(json.disposition.as_deref(), Some("attachment; filename=\"clausewatch-acme-audit.json\""));
    let timeline: serde_json::Value = serde_json::from_str(&json.body).unwrap();
    let versions = timeline["versions"].as_array().unwrap();
    assert_eq!(versions.len(), 2);
    for (v, s) in versions.iter().zip(&stored) {
        assert_eq!(v["version_id"], s.version_id);
        assert_eq!(v["text_sha256"], s.text_sha256.as_str());
        assert_eq!(v["snapshot_sha256"].as_str(), s.snapshot_sha256.as_deref());
        assert!(s.snapshot_sha256.is_some(), "captured versions have their snapshot as evidence");
    }
    let change = &timeline["changes"][0];
    assert_eq!((change["change_id"].as_i64(), change["class"].as_str()), (Some(change_id), Some(class.as_str())));
    assert_eq!(change["alerting"], class == "substantive");
    assert_eq!(change["provision_keys"], serde_json::json!(keys));

    assert_eq!(csv.status, StatusCode::OK);
    assert_eq!(csv.cache_control.as_deref(), Some("no-store"));
    assert_eq!(csv.disposition.as_deref(), Some("attachment; filename=\"clausewatch-acme-audit.csv\""));
    let mut reader = csv::Reader::from_reader(csv.body.as_bytes());
    let header = reader.headers().unwrap().clone();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let col = |row: &csv::StringRecord, name: &str| row[header.iter().position(|h| h == name).unwrap()].to_owned();
    let records: Vec<String> = rows.iter().map(|r| col(r, "record")).collect();
    assert_eq!(records, ["version", "version", "change"]);
    for (row, s) in rows.iter().zip(&stored) {
        assert_eq!(col(row, "version_id"), s.version_id.to_string());
        assert_eq!(col(row, "text_sha256"), s.text_sha256);
        assert_eq!(Some(col(row, "snapshot_sha256")), s.snapshot_sha256);
    }
    assert_eq!(col(&rows[2], "change_id"), change_id.to_string());
    assert_eq!(col(&rows[2], "provision_keys"), keys.join(" "));
    assert_eq!(col(&rows[2], "summary"), change["summary"].as_str().unwrap(), "quoting keeps the summary whole");
    assert_eq!(document_csv.status, StatusCode::OK);
    let document_name = "attachment; filename=\"clausewatch-acme-terms-of-service-audit.csv\"";
    assert_eq!(document_csv.disposition.as_deref(), Some(document_name));
}

#[sqlx::test]
async fn a_watcher_is_told_the_export_needs_professional_and_an_anonymous_visitor_is_sent_to_login(pool: PgPool) {
    let (_app, web) = two_acme_versions(&pool).await;
    let pro = user_on(&web, "pia@example.com", "professional").await;
    let watcher = user_on(&web, "wes@example.com", "watcher").await;

    // The Professional download comes first: no cache may hand it to the others afterwards.
    assert_eq!(download(&web, &pro, "/platforms/acme/export.csv").await.status, StatusCode::OK);
    let refused = download(&web, &watcher, "/platforms/acme/export.csv").await;
    let anonymous = download(&web, &Browser::default(), "/platforms/acme/export.csv").await;
    let unknown = download(&web, &pro, "/platforms/nope/export.json").await;

    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(refused.cache_control.as_deref(), Some("no-store"));
    assert!(refused.body.contains("The audit export is part of the Professional plan"), "{}", refused.body);
    assert!(refused.body.contains("href=\"/pricing\""));
    assert!(!refused.body.contains("version,"), "{}", refused.body);
    assert_eq!(anonymous.status, StatusCode::SEE_OTHER);
    assert!(anonymous.location.unwrap_or_default().starts_with("/login?next="));
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
}

#[sqlx::test]
async fn the_platform_page_links_the_export_and_the_account_page_lists_one_per_tracked_platform(pool: PgPool) {
    let (_app, web) = two_acme_versions(&pool).await;
    let mut pro = user_on(&web, "pia@example.com", "professional").await;
    let mut watcher = user_on(&web, "wes@example.com", "watcher").await;
    for browser in [&mut pro, &mut watcher] {
        web.post_form(browser, "/account", "/account/platforms", &[("platform", "acme")]).await;
    }

    let platform_page = web.get(&mut Browser::default(), "/platforms/acme").await;
    let pro_account = web.get(&mut pro, "/account").await;
    let watcher_account = web.get(&mut watcher, "/account").await;

    assert!(platform_page.body.contains("href=\"/platforms/acme/export.csv\""), "{}", platform_page.body);
    assert!(platform_page.body.contains("href=\"/platforms/acme/export.json\""));
    assert!(
        pro_account.body.contains("Acme AI: <a href=\"/platforms/acme/export.csv\">CSV</a>"),
        "{}",
        pro_account.body
    );
    assert!(!watcher_account.body.contains("/platforms/acme/export.csv"));
    assert!(
        watcher_account
            .body
            .contains("The audit export (CSV and JSON with evidence hashes) needs the Professional plan")
    );
}

/// Prints the first lines of a real platform's export (run with `--nocapture`), and checks
/// that imported history has no snapshot hash but its text hash.
#[sqlx::test]
async fn the_export_of_imported_corpus_history_carries_text_hashes_and_no_snapshot(pool: PgPool) {
    let root = crate::support::ota_folder_of("xai", "privacy-policy");
    import_ota(&pool, root.path()).await.unwrap();
    let web = WebApp::spawn(pool.clone()).await;
    let pro = user_on(&web, "pia@example.com", "professional").await;

    let csv = download(&web, &pro, "/platforms/xai/export.csv").await;

    println!("{}", csv.body.lines().take(6).collect::<Vec<_>>().join("\n"));
    let stored = stored_versions(&pool).await;
    let first = csv.body.lines().nth(1).unwrap();
    assert!(first.starts_with("version,privacy-policy,"), "{first}");
    assert!(first.contains(&format!(",import,,{},", stored[0].text_sha256)), "{first}");
    let changes: i64 = sqlx::query_scalar("select count(*) from changes").fetch_one(&pool).await.unwrap();
    assert_eq!(csv.body.lines().filter(|l| l.starts_with("change,")).count() as i64, changes);
}
