//! The public pages in a real headless Chromium over real corpus history: a visitor goes from the
//! home page to a platform, a document, a diff and a provision page by clicking links, sees the
//! text a person would, and no request leaves the loopback server.
//! Screenshots: `target/screenshots/public_pages/NN-step.png`.
use fantoccini::Locator;
use sqlx::PgPool;

use crate::browser::Browser;
use crate::helpers::spawn_web;
use crate::pages::import_fixture;

/// Asserts that everything the current page loaded came from the server under test.
async fn all_requests_stay_on(browser: &Browser, base: &str) {
    let requests = browser.requests().await;
    assert!(requests.len() >= 2, "the page and its stylesheet at least: {requests:?}");
    for url in requests {
        assert!(url.starts_with(&format!("{base}/")), "a request left the loopback server: {url}");
    }
}

#[sqlx::test]
async fn a_visitor_follows_links_from_home_to_a_provision_and_nothing_leaves_loopback(pool: PgPool) {
    import_fixture(&pool).await;
    let base = spawn_web(pool).await;
    let Some(mut browser) = Browser::start("public_pages").await else { return };

    browser.client.goto(&format!("{base}/")).await.unwrap();
    let home = browser.visible_text().await;
    assert!(home.contains("What changed in the terms of AI platforms") && home.contains("Latest changes"));
    all_requests_stay_on(&browser, &base).await;
    browser.shot("home").await;

    browser.click("main a[href='/platforms']").await;
    browser.wait_for("href=\"/platforms/xai\"").await;
    browser.click("main a[href='/platforms/xai']").await;
    browser.wait_for("Change timeline").await;
    let platform = browser.visible_text().await;
    assert!(platform.contains("Privacy Policy"), "{platform}");
    all_requests_stay_on(&browser, &base).await;
    browser.shot("platform").await;

    browser.click("main a[href='/platforms/xai/privacy-policy']").await;
    browser.wait_for("Current version, provision by provision").await;
    let document = browser.visible_text().await;
    assert!(document.contains("Version history") && document.contains("Evidence for the current version"));
    all_requests_stay_on(&browser, &base).await;
    browser.shot("document").await;

    // The newest change (2025-02-14 → 2025-02-21) is the first diff link of the history.
    browser.click("#history ~ .table-scroll a[href*='/diff?']").await;
    browser.wait_for("<ins").await;
    let diff = browser.visible_text().await;
    assert!(diff.contains("audio"), "the diff shows the inserted word: {diff}");
    all_requests_stay_on(&browser, &base).await;
    browser.shot("diff").await;

    browser.client.back().await.unwrap();
    browser.wait_for("Current version, provision by provision").await;
    // The provision that gained "audio", tagged with topics, has a history and an analysis.
    let audio = "//article[contains(., 'audio,') and .//span[@class='topic']]//a[contains(@href, '/provisions/')]";
    browser.client.find(Locator::XPath(audio)).await.expect("the provision about audio").click().await.unwrap();
    browser.wait_for("not legal advice").await;
    let provision = browser.visible_text().await;
    assert!(
        provision.contains("what it means") && provision.contains("has changed this provision before"),
        "{provision}"
    );
    assert!(provision.contains("audio"));
    all_requests_stay_on(&browser, &base).await;
    browser.shot("provision").await;

    browser.close().await;
}
