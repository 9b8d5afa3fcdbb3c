//! `TestApp`: the real application over a fresh database, with a catalogue folder of its own
//! whose declarations point at a loopback `TestSite`.
use std::{net::SocketAddr, path::Path, time::Duration};

use clausewatch::{
    archive::{CaptureReport, capture_document, catalog_sync::sync_catalog},
    config::Config,
    db,
    pipeline::fetch::{FetchConfig, Fetcher},
    startup::AppState,
};
use sqlx::PgPool;
use tempfile::TempDir;

use crate::site::TestSite;

/// The application under test.
pub struct TestApp {
    pub state: AppState,
    pub pool: PgPool,
    pub site: TestSite,
    pub catalog: TempDir,
}

/// Fetcher limits for tests: short timeouts and backoff so fault cases finish in seconds.
pub fn test_fetch_config() -> FetchConfig {
    let mut config = FetchConfig::new("http://127.0.0.1:9/");
    config.allow_private = true;
    config.per_host_spacing = Duration::ZERO;
    config.connect_timeout = Duration::from_millis(500);
    config.total_timeout = Duration::from_millis(1500);
    config.retry_base = Duration::from_millis(50);
    config.max_attempts = 2;
    config
}

/// A configuration for tests: loopback fetching allowed, no spacing, its own catalogue folder.
pub fn test_config(catalog: &Path) -> Config {
    let mut config = Config::from_env().expect("the test environment's configuration parses");
    config.catalog_dir = catalog.to_path_buf();
    config.fetch_allow_private = true;
    config.fetch_host_spacing_secs = 0.0;
    config.bind_addr = SocketAddr::from(([127, 0, 0, 1], 0));
    config
}

impl TestApp {
    /// The app over `pool` (a fresh, migrated database from `#[sqlx::test]`).
    pub async fn new(pool: PgPool) -> TestApp {
        let site = TestSite::start().await;
        let catalog = TempDir::new().expect("a temporary catalogue folder");
        let mut config = test_config(catalog.path());
        config.base_url = "http://127.0.0.1:9/".parse().expect("a URL");
        let mut state = AppState::from_pool(pool.clone(), config).expect("the app state builds");
        state.fetcher = Fetcher::new(test_fetch_config()).expect("the test fetcher builds");
        TestApp { state, pool, site, catalog }
    }

    /// Writes `catalog/<platform>.json` declaring each `(terms type, site path, selector)`.
    pub fn declare(&self, platform: &str, name: &str, documents: &[(&str, &str, &str)]) {
        let terms: serde_json::Map<String, serde_json::Value> = documents
            .iter()
            .map(|(terms_type, path, select)| {
                let entry = serde_json::json!({ "fetch": self.site.url(path).to_string(), "select": select });
                ((*terms_type).to_owned(), entry)
            })
            .collect();
        let declaration = serde_json::json!({ "name": name, "terms": terms });
        let file = self.catalog.path().join(format!("{platform}.json"));
        std::fs::write(file, serde_json::to_string_pretty(&declaration).expect("JSON"))
            .expect("the declaration is written");
    }

    /// Puts the catalogue into the database.
    pub async fn sync(&self) {
        sync_catalog(&self.pool, self.catalog.path()).await.expect("the catalogue syncs");
    }

    /// The stored document with these slugs.
    pub async fn document(&self, platform: &str, document: &str) -> db::documents::DocumentRow {
        let mut conn = self.pool.acquire().await.expect("a connection");
        db::documents::document_by_slugs(&mut conn, platform, document)
            .await
            .expect("the query runs")
            .unwrap_or_else(|| panic!("no document {platform}/{document}"))
    }

    /// Captures one document now.
    pub async fn capture(&self, platform: &str, document: &str) -> CaptureReport {
        let doc = self.document(platform, document).await;
        capture_document(&self.pool, &self.state.fetcher, &doc, self.state.config.alert_batch())
            .await
            .expect("the capture runs")
    }

    /// (versions, verifications, snapshots) of a document.
    pub async fn counts(&self, platform: &str, document: &str) -> (i64, i64, i64) {
        let doc = self.document(platform, document).await;
        let mut conn = self.pool.acquire().await.expect("a connection");
        let versions = db::versions::count_versions(&mut conn, doc.document_id).await.expect("count");
        let verifications = db::versions::count_verifications(&mut conn, doc.document_id).await.expect("count");
        let snapshots = db::snapshots::count_snapshots(&mut conn, doc.document_id).await.expect("count");
        (versions, verifications, snapshots)
    }

    /// The newest fetch event of a document.
    pub async fn last_event(&self, platform: &str, document: &str) -> db::fetch_events::FetchEventRow {
        let doc = self.document(platform, document).await;
        let mut conn = self.pool.acquire().await.expect("a connection");
        let mut events = db::fetch_events::recent_fetch_events(&mut conn, doc.document_id, 1).await.expect("events");
        events.pop().expect("a fetch event")
    }
}

/// A small HTML page with the document inside `<article>`.
pub fn article_page(body_html: &str) -> Vec<u8> {
    format!("<!doctype html><html><head><meta charset=\"utf-8\"><title>Terms</title></head><body><nav>Menu</nav><article>{body_html}</article></body></html>").into_bytes()
}

/// Markdown text as HTML paragraphs (escaped), to serve real corpus text as a page at run time.
pub fn markdown_as_html(markdown: &str) -> String {
    markdown.split("\n\n").filter(|p| !p.trim().is_empty()).map(|p| format!("<p>{}</p>", escape(p.trim()))).collect()
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// The web app over `pool`, served on a random loopback port; returns its base URL
/// (`http://127.0.0.1:PORT`). The server runs until the test's runtime ends.
pub async fn spawn_web(pool: PgPool) -> String {
    spawn_web_with_state(pool).await.0
}

/// `spawn_web`, with the server's state (its page cache).
pub async fn spawn_web_with_state(pool: PgPool) -> (String, AppState) {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a loopback port");
    let addr = listener.local_addr().expect("the bound address");
    let mut config = test_config(&std::env::temp_dir());
    config.base_url = format!("http://{addr}/").parse().expect("a URL");
    let state = AppState::from_pool(pool, config).expect("the app state builds");
    let app = clausewatch::web::router(state.clone());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{addr}"), state)
}
