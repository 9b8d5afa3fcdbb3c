//! Phones, forms and pricing (issue 20, parts 5 and 6).
//!
//! In a real headless Chromium at 390 × 844 (a phone) and at 1280 px: the public pages over the
//! imported fixture (home, platforms, platform, document, diff, provision, topics, topic, changes,
//! pricing, methodology) and the account page never scroll sideways, the navigation stays on
//! screen, and the plots keep their text legible by scrolling in their own box. On the account
//! page a Free user who ticks every platform gets a red `.error` alert with their ticks kept, and
//! a green `.notice` once saved. Screenshots: `target/screenshots/phone_layout/NN-step.png`.
//! Without a browser: the settings form keeps the submitted ticks on a plan-limit error, and
//! `/pricing` shows the configured prices and sells only what each plan really adds.
use reqwest::StatusCode;
use scraper::{Html, Selector};
use serde_json::Value;
use sqlx::PgPool;

use crate::accounts::{PASSWORD, WebApp};
use crate::browser::Browser;
use crate::pages::import_fixture;

const PHONE: (u32, u32) = (390, 844);
const DESKTOP: (u32, u32) = (1280, 900);

/// Resizes the window until the page's viewport (not the window with its chrome) is `size`.
async fn set_viewport(browser: &Browser, (width, height): (u32, u32)) {
    let (mut w, mut h) = (width, height);
    for _ in 0..3 {
        browser.client.set_window_size(w, h).await.expect("the window resizes");
        let inner = browser.client.execute("return [window.innerWidth, window.innerHeight]", vec![]).await.unwrap();
        let (iw, ih) = (inner[0].as_u64().unwrap() as i64, inner[1].as_u64().unwrap() as i64);
        if (iw, ih) == (i64::from(width), i64::from(height)) {
            return;
        }
        w = (i64::from(w) + i64::from(width) - iw).max(1) as u32;
        h = (i64::from(h) + i64::from(height) - ih).max(1) as u32;
    }
    let inner = browser.client.execute("return window.innerWidth", vec![]).await.unwrap();
    assert_eq!(inner.as_u64(), Some(u64::from(width)), "the viewport cannot be made {width} px wide");
}

/// The page's width against the viewport's, and the elements that stick out of the viewport
/// without a scrolling box around them (to say what overflows when something does).
const OVERFLOW: &str = r#"
const w = window.innerWidth;
const root = document.documentElement;
const wide = [];
for (const el of document.body.querySelectorAll('*')) {
  const r = el.getBoundingClientRect();
  if (r.right <= 0 || (r.right <= w + 0.5 && r.left >= -0.5)) continue;
  let p = el.parentElement, boxed = false;
  while (p && p !== document.body) {
    if (['auto', 'scroll', 'hidden', 'clip'].includes(getComputedStyle(p).overflowX)) { boxed = true; break; }
    p = p.parentElement;
  }
  if (!boxed) {
    const cls = typeof el.className === 'string' && el.className ? '.' + el.className.trim().split(/\s+/).join('.') : '';
    wide.push(`${el.tagName.toLowerCase()}${cls} [${Math.round(r.left)}, ${Math.round(r.right)}]`);
  }
}
return { inner: w, client: root.clientWidth, scroll: root.scrollWidth, wide: wide.slice(0, 10) };
"#;

/// Asserts that the current page does not scroll sideways and that every link of the main
/// navigation is on screen.
async fn assert_fits(browser: &Browser, what: &str) {
    let fit = browser.client.execute(OVERFLOW, vec![]).await.expect("the overflow script runs");
    let (inner, client, scroll) = (fit["inner"].as_u64(), fit["client"].as_u64(), fit["scroll"].as_u64());
    assert!(scroll <= inner && scroll <= client, "{what} scrolls sideways: {fit}");
    let nav = browser
        .client
        .execute(
            "return [...document.querySelectorAll('header.site nav a')].map(a => { const r = a.getBoundingClientRect();
               return [a.textContent.trim(), r.left >= 0 && r.right <= window.innerWidth && r.width > 0 && r.height > 0]; })",
            vec![],
        )
        .await
        .unwrap();
    let links = nav.as_array().expect("a list");
    assert!(links.len() >= 6, "{what}: the main navigation has its links: {nav}");
    for link in links {
        assert_eq!(link[1], Value::Bool(true), "{what}: the navigation link {} is off screen", link[0]);
    }
}

/// How large a plot's 11-unit labels are drawn, in CSS pixels, whether its box scrolls, and its
/// sizes (to say why when the labels are too small).
async fn plot_text_px(browser: &Browser, css: &str) -> (f64, bool, Value) {
    let script = format!(
        "const s = document.querySelector('{css}'); const box = s.closest('.plot-scroll');
         const w = s.getBoundingClientRect().width, v = s.viewBox.baseVal.width;
         return [11 * w / v, box.scrollWidth > box.clientWidth,
                 {{ drawn: w, viewBox: v, box: box.clientWidth }}];"
    );
    let found = browser.client.execute(&script, vec![]).await.expect("the plot is on the page");
    (found[0].as_f64().unwrap(), found[1].as_bool().unwrap(), found[2].clone())
}

/// The first link in `<main>` whose address matches `css` (an attribute selector).
async fn first_href(browser: &Browser, css: &str) -> String {
    let script = format!("const a = document.querySelector(\"main {css}\"); return a && a.getAttribute('href');");
    let href = browser.client.execute(&script, vec![]).await.unwrap();
    href.as_str().unwrap_or_else(|| panic!("no link {css} on the page")).to_owned()
}

#[sqlx::test]
async fn every_public_page_fits_a_phone_and_a_desktop_and_plots_stay_legible(pool: PgPool) {
    import_fixture(&pool).await;
    let app = WebApp::spawn(pool).await;
    let base = app.base.clone();
    let Some(mut browser) = Browser::start("phone_layout").await else { return };

    // The pages to check; the diff, provision and topic addresses are read from the pages.
    let mut paths = vec!["/".to_owned(), "/platforms".to_owned(), "/platforms/xai".to_owned()];
    browser.client.goto(&format!("{base}/platforms/xai/privacy-policy")).await.unwrap();
    paths.push("/platforms/xai/privacy-policy".into());
    paths.push(first_href(&browser, "a[href*='/diff?']").await);
    paths.push(first_href(&browser, "a[href*='/provisions/']").await);
    browser.client.goto(&format!("{base}/topics")).await.unwrap();
    paths.push("/topics".into());
    paths.push(first_href(&browser, "a[href^='/topics/']").await);
    paths.extend(["/changes", "/search?q=personal+data", "/pricing", "/methodology"].map(str::to_owned));

    for (device, size) in [("phone", PHONE), ("desktop", DESKTOP)] {
        set_viewport(&browser, size).await;
        for path in &paths {
            browser.client.goto(&format!("{base}{path}")).await.unwrap();
            assert_fits(&browser, &format!("{path} at {} px", size.0)).await;
            let name = path.trim_matches('/').split('?').next().unwrap_or_default().replace('/', "-");
            browser.shot(&format!("{device}-{}", if name.is_empty() { "home" } else { &name })).await;
        }

        // The plots keep their 11 px labels on every screen: the timeline scrolls inside its
        // box on a phone instead of shrinking.
        browser.client.goto(&format!("{base}/platforms/xai")).await.unwrap();
        let (timeline_px, timeline_scrolls, sizes) = plot_text_px(&browser, "svg.timeline").await;
        assert!(timeline_px >= 10.5, "timeline labels drawn at {timeline_px:.1} px at {} px: {sizes}", size.0);
        assert_eq!(timeline_scrolls, device == "phone", "the timeline scrolls in its box on a phone only");
        if device == "phone" {
            browser
                .client
                .execute(
                    "const b = document.querySelector('.plot-scroll'); b.scrollLeft = b.scrollWidth; b.scrollIntoView();",
                    vec![],
                )
                .await
                .unwrap();
            assert_fits(&browser, "/platforms/xai with its timeline scrolled to the end").await;
            browser.shot("phone-platforms-xai-timeline-scrolled").await;
        }
        browser.client.goto(&format!("{base}/topics")).await.unwrap();
        let (matrix_px, _, sizes) = plot_text_px(&browser, "svg.matrix").await;
        assert!(matrix_px >= 10.5, "matrix labels drawn at {matrix_px:.1} px at {} px: {sizes}", size.0);
        browser.client.execute("document.querySelector('.plot-scroll').scrollIntoView()", vec![]).await.unwrap();
        browser.shot(&format!("{device}-topics-matrix")).await;
    }
    browser.close().await;
}

/// The computed value of a CSS property of the first element `css` selects.
async fn style_of(browser: &Browser, css: &str, property: &str) -> String {
    let script = format!("return getComputedStyle(document.querySelector('{css}')).getPropertyValue('{property}');");
    browser.client.execute(&script, vec![]).await.unwrap().as_str().unwrap_or_default().to_owned()
}

/// The slugs of the ticked platform boxes.
async fn ticked(browser: &Browser) -> Vec<String> {
    let script = "return [...document.querySelectorAll('input[name=platform]:checked')].map(i => i.value).sort();";
    let values = browser.client.execute(script, vec![]).await.unwrap();
    values.as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_owned()).collect()
}

#[sqlx::test]
async fn on_a_phone_a_plan_limit_error_is_a_red_alert_that_keeps_the_ticks_and_saving_is_a_green_notice(pool: PgPool) {
    import_fixture(&pool).await;
    let app = WebApp::spawn(pool).await;
    let base = app.base.clone();
    let Some(mut browser) = Browser::start("phone_account").await else { return };
    set_viewport(&browser, PHONE).await;

    browser.client.goto(&format!("{base}/signup")).await.unwrap();
    assert_fits(&browser, "/signup").await;
    browser.fill("input[name=email]", "phone@example.org").await;
    browser.fill("input[name=password]", PASSWORD).await;
    browser.shot("signup-form").await;
    browser.click("form[action='/signup'] button").await;
    browser.wait_for("Check your inbox").await;
    browser.client.goto(&format!("{base}/login")).await.unwrap();
    browser.fill("input[name=email]", "phone@example.org").await;
    browser.fill("input[name=password]", PASSWORD).await;
    browser.click("form[action='/login'] button").await;
    browser.wait_for("Your account").await;
    assert_fits(&browser, "/account").await;
    browser.shot("account").await;

    // Free tracks one platform: tick all three and save.
    for input in browser.client.find_all(fantoccini::Locator::Css("input[name=platform]")).await.unwrap() {
        input.click().await.unwrap();
    }
    browser.click("form[action='/account/platforms'] button").await;
    browser.wait_for("role=\"alert\"").await;
    assert_fits(&browser, "/account with the error").await;
    browser.shot("plan-limit-error").await;
    let alert = browser.client.find(fantoccini::Locator::Css(".error[role=alert]")).await.expect("the error");
    let text = alert.text().await.unwrap();
    assert!(
        text.contains("The Free plan tracks at most 1 platform; you chose 3") && text.contains("Nothing was saved"),
        "{text}"
    );
    assert_eq!(ticked(&browser).await, ["microsoft", "midjourney", "xai"], "the ticks are kept");
    let hint = browser.client.find(fantoccini::Locator::Css("fieldset.invalid .field-error")).await.unwrap();
    assert!(hint.text().await.unwrap().contains("untick some until at most 1 is ticked"));
    browser.client.execute("document.querySelector('fieldset.invalid').scrollIntoView()", vec![]).await.unwrap();
    browser.shot("plan-limit-error-choices-kept").await;
    assert!(browser.source().await.contains("0 of 1 used"), "nothing was stored");
    let (error_border, error_background) = (
        style_of(&browser, ".error", "border-top-color").await,
        style_of(&browser, ".error", "background-color").await,
    );
    assert_eq!(error_border, "rgb(185, 28, 28)", "the error is red-bordered");

    // Untick two and save: the notice is a status, green, and looks nothing like the error.
    for slug in ["microsoft", "midjourney"] {
        browser.click(&format!("input[name=platform][value={slug}]")).await;
    }
    browser.click("form[action='/account/platforms'] button").await;
    browser.wait_for("Saved your tracked platforms.").await;
    assert!(browser.client.find(fantoccini::Locator::Css(".error")).await.is_err(), "no error is left");
    let notice = browser.client.find(fantoccini::Locator::Css(".notice[role=status]")).await.expect("the notice");
    assert!(notice.text().await.unwrap().contains("Saved your tracked platforms."));
    assert_eq!(ticked(&browser).await, ["xai"]);
    let notice_background = style_of(&browser, ".notice", "background-color").await;
    assert_ne!(notice_background, error_background, "an error never looks like a notice");
    assert_ne!(style_of(&browser, ".notice", "border-left-color").await, error_border);
    assert_fits(&browser, "/account with the notice").await;
    browser.shot("saved-notice").await;
    browser.close().await;
}

/// The `checked` platform boxes of a settings page.
fn checked_platforms(html: &str) -> Vec<String> {
    let page = Html::parse_document(html);
    let boxes = Selector::parse("input[name=platform][checked]").unwrap();
    page.select(&boxes).filter_map(|b| b.value().attr("value")).map(str::to_owned).collect()
}

#[sqlx::test]
async fn a_refused_platforms_form_keeps_the_submitted_ticks_and_says_what_to_do(pool: PgPool) {
    let app = WebApp::spawn(pool).await;
    for slug in ["anthropic", "mistral", "openai"] {
        app.add_platform(slug).await;
    }
    let mut browser = app.sign_up("kim@example.com").await;
    let saved = app.post_form(&mut browser, "/account", "/account/platforms", &[("platform", "openai")]).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);

    let refused = app
        .post_form(
            &mut browser,
            "/account",
            "/account/platforms",
            &[("platform", "anthropic"), ("platform", "mistral")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let page = Html::parse_document(&refused.body);
    let alerts: Vec<String> =
        page.select(&Selector::parse(".error[role=alert]").unwrap()).map(|e| e.text().collect()).collect();
    assert_eq!(alerts.len(), 1, "{}", refused.body);
    assert!(
        alerts[0].contains("The Free plan tracks at most 1 platform; you chose 2. Untick some, or upgrade your plan.")
    );
    assert!(alerts[0].contains("Nothing was saved"));
    assert!(page.select(&Selector::parse(".notice").unwrap()).next().is_none(), "an error is not a notice");
    assert_eq!(checked_platforms(&refused.body), ["anthropic", "mistral"], "the boxes as submitted, not as stored");
    assert!(refused.body.contains("fieldset class=\"choices invalid\" aria-invalid=\"true\""));
    assert!(refused.body.contains("(2): untick some until at most 1 is ticked"), "{}", refused.body);
    assert!(refused.body.contains("href=\"/pricing\""));
    assert!(refused.body.contains("1 of 1 used"), "the stored set is unchanged");

    // Reloaded, the page shows what is stored again, with the saved notice as a status.
    let stored = app.get(&mut browser, "/account?saved=platforms").await;
    assert_eq!(checked_platforms(&stored.body), ["openai"]);
    assert!(stored.body.contains("<p class=\"notice\" role=\"status\">Saved your tracked platforms.</p>"));
    assert!(!stored.body.contains("role=\"alert\""));
}

/// The plans table of `/pricing` as rows of cell texts, the header row first.
fn plan_table(html: &str) -> Vec<Vec<String>> {
    let page = Html::parse_document(html);
    let rows = Selector::parse("table.plans tr").unwrap();
    let cells = Selector::parse("th, td").unwrap();
    page.select(&rows)
        .map(|row| row.select(&cells).map(|c| c.text().collect::<String>().trim().to_owned()).collect())
        .collect()
}

#[sqlx::test]
async fn pricing_shows_the_configured_prices_and_sells_only_what_each_plan_adds(pool: PgPool) {
    let app = WebApp::spawn_with(pool, |config| {
        config.price_watcher = "£12.50 a month".into();
        config.price_professional = "from $400 / month, billed yearly".into();
    })
    .await;
    let mut visitor = crate::accounts::Browser::default();
    let page = app.get(&mut visitor, "/pricing").await;
    assert_eq!(page.status, StatusCode::OK);
    let table = plan_table(&page.body);
    let row = |name: &str| -> Vec<String> {
        table.iter().find(|r| r[0].starts_with(name)).unwrap_or_else(|| panic!("no row {name}: {table:?}"))[1..]
            .to_vec()
    };
    assert_eq!(row("Plan"), ["Free", "Watcher", "Professional"]);
    assert_eq!(row("Price"), ["no charge", "£12.50 a month", "from $400 / month, billed yearly"]);
    assert_eq!(row("Tracked platforms"), ["1", "up to 10", "up to 10"]);
    assert_eq!(row("Weekly digest"), ["yes", "yes", "yes"]);
    assert_eq!(row("Same-day alert"), ["—", "yes", "yes"]);
    assert_eq!(row("Watches"), ["—", "—", "yes"]);
    assert_eq!(
        row("Analysis"),
        ["the first implication and how many there are", "the first implication and how many there are", "in full"]
    );
    assert_eq!(row("Audit export"), ["—", "—", "yes"]);
    assert_eq!(row("Members"), ["1", "1", "up to 10"]);
    // Nothing is sold that every visitor gets: the governance timeline pages are listed as public.
    assert!(!page.body.contains("summary only"));
    assert!(
        table.iter().all(|r| !r[0].to_lowercase().contains("governance timeline") || r[0].starts_with("Audit export"))
    );
    let public = page.body.split("id=\"every-plan\"").nth(1).expect("the section of what every plan has");
    assert!(public.contains("governance timeline") && public.contains("JSON API"), "{public}");
}

#[sqlx::test]
async fn pricing_has_sensible_default_prices(pool: PgPool) {
    let app = WebApp::spawn(pool).await;
    let body = app.get(&mut crate::accounts::Browser::default(), "/pricing").await.body;
    let watcher = std::env::var("PRICE_WATCHER").unwrap_or_else(|_| "€29 / month".into());
    let professional = std::env::var("PRICE_PROFESSIONAL").unwrap_or_else(|_| "€99 / month".into());
    let prices = &plan_table(&body)[1];
    assert_eq!(prices[1..], [String::from("no charge"), watcher, professional], "{body}");
}
