//! Headless Chromium driven over WebDriver (chromedriver + fantoccini), for end-to-end tests.
//! Screenshots go to `target/screenshots/<test>/NN-step.png`. Without Chromium the browser tests
//! are skipped with a message, unless `CLAUSEWATCH_REQUIRE_BROWSER=1` (CI) makes that a failure.
use std::{
    path::PathBuf,
    process::{Child, Command, Stdio},
    time::Duration,
};

use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;

/// A chromedriver process and a browser session; both end on drop / `close`.
pub struct Browser {
    pub client: Client,
    driver: Child,
    shots: PathBuf,
    step: usize,
    _profile: tempfile::TempDir,
}

fn find(candidates: &[&str]) -> Option<String> {
    candidates.iter().find(|p| std::path::Path::new(p).exists()).map(|p| (*p).to_owned())
}

impl Browser {
    /// Starts chromedriver on a free loopback port and opens a headless Chromium session; None
    /// (the test is skipped) when Chromium is not installed and `CLAUSEWATCH_REQUIRE_BROWSER` is not 1.
    pub async fn start(test: &str) -> Option<Browser> {
        let driver_bin = find(&["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"]);
        let chromium = find(&["/usr/bin/chromium", "/usr/lib/chromium/chromium"]);
        let (Some(driver_bin), Some(chromium)) = (driver_bin, chromium) else {
            assert!(
                std::env::var("CLAUSEWATCH_REQUIRE_BROWSER").as_deref() != Ok("1"),
                "CLAUSEWATCH_REQUIRE_BROWSER=1 but chromium or chromedriver is missing: \
                 install the Debian packages chromium and chromium-driver (scripts/test does)"
            );
            eprintln!("{test}: skipped, chromium and chromium-driver are not installed");
            return None;
        };
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let driver = Command::new(driver_bin)
            .arg(format!("--port={port}"))
            .arg("--allowed-ips=127.0.0.1")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let profile = tempfile::TempDir::new().unwrap();
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            serde_json::json!({
                "binary": chromium,
                "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                         "--disable-background-networking", "--disable-component-update", "--disable-sync",
                         "--disable-dev-shm-usage", "--window-size=1280,1000",
                         format!("--user-data-dir={}", profile.path().display())]
            }),
        );
        let url = format!("http://127.0.0.1:{port}");
        let mut last_error = None;
        for _ in 0..50 {
            match ClientBuilder::new(HttpConnector::new()).capabilities(caps.clone()).connect(&url).await {
                Ok(client) => {
                    let shots = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/screenshots").join(test);
                    let _ = std::fs::remove_dir_all(&shots);
                    std::fs::create_dir_all(&shots).unwrap();
                    return Some(Browser { client, driver, shots, step: 0, _profile: profile });
                }
                Err(e) => last_error = Some(e),
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        panic!("cannot open a browser session: {last_error:?}");
    }

    /// Saves a screenshot of the current page as the next numbered step.
    pub async fn shot(&mut self, name: &str) -> PathBuf {
        self.step += 1;
        let path = self.shots.join(format!("{:02}-{name}.png", self.step));
        let png = self.client.screenshot().await.expect("a screenshot");
        std::fs::write(&path, png).unwrap();
        path
    }

    /// Types `value` into the element `css` selects.
    pub async fn fill(&self, css: &str, value: &str) {
        self.client.find(Locator::Css(css)).await.expect(css).send_keys(value).await.expect("typing");
    }

    /// Clicks the element `css` selects.
    pub async fn click(&self, css: &str) {
        self.client.find(Locator::Css(css)).await.expect(css).click().await.expect("a click");
    }

    /// The current page's HTML.
    pub async fn source(&self) -> String {
        self.client.source().await.expect("the page source")
    }

    /// Waits (up to 10 s) until the page shows `needle`, as a person would after a click; returns the page.
    pub async fn wait_for(&self, needle: &str) -> String {
        let mut page = String::new();
        for _ in 0..100 {
            page = self.source().await;
            if page.contains(needle) {
                return page;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("the page never showed {needle:?}: {page}");
    }

    /// The text a person sees in the page's `<main>`.
    pub async fn visible_text(&self) -> String {
        self.client.find(Locator::Css("main")).await.expect("a <main>").text().await.expect("its text")
    }

    /// Every address the current page loaded: the page and each resource it asked for.
    pub async fn requests(&self) -> Vec<String> {
        let script = "return [location.href].concat(performance.getEntriesByType('resource').map(e => e.name));";
        let names = self.client.execute(script, vec![]).await.expect("the resource timing list");
        names.as_array().expect("a list").iter().map(|v| v.as_str().unwrap_or_default().to_owned()).collect()
    }

    /// Ends the session and the driver.
    pub async fn close(mut self) {
        let _ = self.client.clone().close().await;
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
    }
}
