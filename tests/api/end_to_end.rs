//! The whole product through a real headless Chromium: sign up, verify from the mailed link,
//! track platforms within the Free limit, start the trial, track more; the platform's page
//! changes (the loopback site starts serving the next real xAI snapshot), a capture runs, one
//! same-day alert arrives over SMTP, its link opens the diff, and its unsubscribe link works.
//! Screenshots: `target/screenshots/end_to_end/NN-step.png`.
use clausewatch::{
    jobs::worker::run_pending,
    mail::{Mailer, delivery},
    pipeline::fetch::Fetcher,
    startup::{self, AppState, Roles},
};
use fantoccini::Locator;
use sqlx::PgPool;

use crate::browser::Browser;
use crate::helpers::{TestApp, test_fetch_config};
use crate::mail_sink::{MailSink, ParsedMail};
use crate::site::Behaviour;
use crate::support::corpus_dir;

const EMAIL: &str = "ada@example.org";
const PASSWORD: &str = "correct horse battery staple";

fn snapshot(path: &str) -> Behaviour {
    let body = std::fs::read(corpus_dir().join("snapshots").join(path)).expect("a corpus snapshot");
    Behaviour::page(body, "text/html; charset=utf-8")
}

/// The first absolute link of `text` that starts with `prefix`.
fn link(text: &str, prefix: &str) -> String {
    let start = text.find(prefix).unwrap_or_else(|| panic!("no link {prefix} in {text}"));
    text[start..].split(|c: char| c.is_whitespace() || c == '>' || c == '"').next().unwrap().to_owned()
}

/// Ticks the checkbox of each platform (unticking nothing) and saves.
async fn track(browser: &Browser, base: &str, platforms: &[&str]) {
    browser.client.goto(&format!("{base}/account")).await.unwrap();
    for slug in platforms {
        let boxes = format!("input[name=platform][value={slug}]");
        let checkbox = browser.client.find(Locator::Css(&boxes)).await.expect("a platform checkbox");
        if checkbox.prop("checked").await.unwrap().as_deref() != Some("true") {
            checkbox.click().await.unwrap();
        }
    }
    browser.click("form[action='/account/platforms'] button").await;
}

/// Runs every due job (captures' alert fan-outs) and delivers the outbox to the sink.
async fn run_jobs_and_deliver(state: &AppState, sink: &MailSink, expected: usize) -> Vec<ParsedMail> {
    sqlx::query("update jobs set run_after = now() where dead_at is null").execute(&state.pool).await.unwrap();
    run_pending(&state.job_context()).await.unwrap();
    let mailer = Mailer::from_config(&state.config).unwrap();
    delivery::run_pending(&state.pool, &mailer).await.unwrap();
    sink.wait_for(expected)
}

#[sqlx::test]
async fn a_user_signs_up_tracks_platforms_and_follows_a_real_change_from_the_alert_to_the_diff(pool: PgPool) {
    let sink = MailSink::start();
    let app = TestApp::new(pool.clone()).await;
    app.site.set("/xai/privacy", snapshot("xai/privacy-policy/2025-02-14T12-34-07Z.html"));
    app.site.set("/midjourney/terms", snapshot("midjourney/terms-of-service/2026-05-18T07-07-23Z.html"));
    app.site.set("/claude/terms", snapshot("claude-ai/terms-of-service/2025-10-09T00-32-05Z.html"));
    app.declare("xai", "xAI", &[("Privacy Policy", "/xai/privacy", "main")]);
    app.declare("midjourney", "Midjourney", &[("Terms of Service", "/midjourney/terms", "article")]);
    app.declare("anthropic", "Anthropic", &[("Terms of Service", "/claude/terms", "main")]);
    app.sync().await;
    for (platform, document) in
        [("xai", "privacy-policy"), ("midjourney", "terms-of-service"), ("anthropic", "terms-of-service")]
    {
        app.capture(platform, document).await;
    }

    // The real app (web role) on a loopback port, with mail going to the SMTP sink.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let mut config = crate::alerts::mail_config(Some(&sink));
    config.base_url = format!("{base}/").parse().unwrap();
    config.catalog_dir = app.catalog.path().to_owned();
    let mut state = AppState::from_pool(pool.clone(), config).unwrap();
    state.fetcher = Fetcher::new(test_fetch_config()).unwrap();
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let server =
        tokio::spawn(startup::run(state.clone(), Some(listener), Roles { web: true, workers: false }, async {
            let _ = stop_rx.await;
        }));
    let Some(mut browser) = Browser::start("end_to_end").await else { return };

    // Sign up.
    browser.client.goto(&format!("{base}/signup")).await.unwrap();
    browser.fill("input[name=email]", EMAIL).await;
    browser.fill("input[name=password]", PASSWORD).await;
    browser.shot("signup-form").await;
    browser.click("form[action='/signup'] button").await;
    browser.wait_for("Check your inbox").await;
    browser.shot("signed-up").await;
    browser.client.goto(&format!("{base}/login")).await.unwrap();
    browser.fill("input[name=email]", EMAIL).await;
    browser.fill("input[name=password]", PASSWORD).await;
    browser.click("form[action='/login'] button").await;
    browser.wait_for("Your account").await;

    // Verify the email from the link in the mail the SMTP server received.
    let mails = run_jobs_and_deliver(&state, &sink, 1).await;
    assert_eq!(mails[0].to, [EMAIL]);
    let verify = link(&mails[0].text, &format!("{base}/verify-email"));
    browser.client.goto(&verify).await.unwrap();
    browser.shot("verify-link").await;
    browser.click("form[action='/verify-email'] button").await;
    browser.wait_for("Email confirmed").await;
    let verified: bool = sqlx::query_scalar("select email_verified_at is not null from users where email = $1")
        .bind(EMAIL)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(verified);
    browser.shot("verified").await;

    // Free: one platform, and a second is refused with the reason.
    track(&browser, &base, &["xai"]).await;
    browser.wait_for("1 of 1 used").await;
    browser.shot("free-one-platform").await;
    track(&browser, &base, &["midjourney"]).await;
    browser.wait_for("The Free plan tracks at most 1 platform").await;
    browser.shot("free-limit-refused").await;

    // The Watcher trial from /pricing, then two more platforms.
    browser.client.goto(&format!("{base}/pricing")).await.unwrap();
    browser.click("a[href='/pricing/trial']").await;
    browser.wait_for("Start my 14-day trial").await;
    browser.shot("trial-offer").await;
    browser.click("form[action='/pricing/trial'] button").await;
    browser.wait_for("Your Watcher trial runs until").await;
    browser.shot("trial-started").await;
    track(&browser, &base, &["midjourney", "anthropic"]).await;
    browser.wait_for("3 of 10 used").await;
    browser.shot("three-platforms").await;

    // xAI publishes its next real privacy policy; the capture stores the change and queues an alert.
    app.site.set("/xai/privacy", snapshot("xai/privacy-policy/2025-02-21T12-36-11Z.html"));
    let report = clausewatch::archive::capture::capture_document(
        &pool,
        &state.fetcher,
        &app.document("xai", "privacy-policy").await,
        state.config.alert_batch(),
    )
    .await
    .unwrap();
    assert!(format!("{report:?}").contains("NewVersion"), "{report:?}");
    let mails = run_jobs_and_deliver(&state, &sink, 2).await;
    let alerts: Vec<&ParsedMail> = mails.iter().filter(|m| m.subject.contains("changed")).collect();
    assert_eq!(alerts.len(), 1, "one same-day alert: {:?}", mails.iter().map(|m| &m.subject).collect::<Vec<_>>());
    let alert = alerts[0];
    assert_eq!(alert.to, [EMAIL]);
    assert_eq!(alert.subject, "xAI changed its Privacy Policy");

    // Its link opens the diff, with the inserted word marked.
    let diff = link(&alert.text, &format!("{base}/platforms/xai/privacy-policy/diff"));
    browser.client.goto(&diff).await.unwrap();
    let page = browser.wait_for("<ins").await;
    assert!(page.contains("<ins>") && page.contains("audio"), "the diff marks the insertion");
    browser.shot("alert-diff").await;

    // One click on the unsubscribe link of the mail.
    let unsubscribe = alert.header("List-Unsubscribe").expect("a List-Unsubscribe header");
    let https = link(unsubscribe, &format!("{base}/unsubscribe"));
    browser.client.goto(&https).await.unwrap();
    browser.wait_for("form method=\"post\" action=\"/unsubscribe\"").await;
    browser.shot("unsubscribe-confirm").await;
    browser.click("form[action='/unsubscribe'] button").await;
    browser.wait_for("nsubscribed").await;
    browser.shot("unsubscribed").await;
    let alerts_on: bool = sqlx::query_scalar(
        "select ap.same_day_alerts from alert_preferences ap join users u using (user_id) where u.email = $1",
    )
    .bind(EMAIL)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(!alerts_on, "same-day alerts are off after the click");

    browser.close().await;
    let _ = stop_tx.send(());
    server.await.unwrap().unwrap();
}
