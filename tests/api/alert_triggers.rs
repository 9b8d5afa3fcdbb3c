//! What queues an alert: a capture that stores a substantive change does, in its own
//! transaction; imported history does not. Runs the real fetcher, extractor and differ.
use clausewatch::{
    archive::import::import_ota,
    jobs::worker::run_pending,
    mail::{alerts, delivery},
};
use sqlx::PgPool;

use crate::alerts::{mail_config, member, org, outbox_keys, track};
use crate::helpers::{TestApp, article_page};
use crate::mail_sink::MailSink;
use crate::site::Behaviour;

fn page(html: &str) -> Behaviour {
    Behaviour::page(article_page(html), "text/html; charset=utf-8")
}

async fn alert_jobs(pool: &PgPool) -> Vec<serde_json::Value> {
    sqlx::query_scalar("select payload from jobs where kind = $1 order by job_id")
        .bind(alerts::KIND)
        .fetch_all(pool)
        .await
        .unwrap()
}

const BEFORE: &str = "<h1>Terms</h1><h2>1. Your content</h2><p>We never use your conversations to train our models.</p>\
    <h2>2. Payment</h2><p>Fees are charged monthly in advance and are not refundable.</p>";
const AFTER: &str = "<h1>Terms</h1><h2>1. Your content</h2><p>We may use your conversations to train our models unless you opt out in settings.</p>\
    <h2>2. Payment</h2><p>Fees are charged monthly in advance and are not refundable.</p>";

#[sqlx::test]
async fn a_captured_substantive_change_queues_one_alert_that_reaches_the_tracking_member(pool: PgPool) {
    let sink = MailSink::start();
    let app = TestApp::new(pool.clone()).await;
    app.site.set("/terms", page(BEFORE));
    app.declare("acme", "Acme AI", &[("Terms of Service", "/terms", "article")]);
    app.sync().await;
    let platform_id: i64 =
        sqlx::query_scalar("select platform_id from platforms where slug = 'acme'").fetch_one(&pool).await.unwrap();
    let watcher = org(&pool, "Watchers", "watcher", None).await;
    let ada = member(&pool, "ada@example.org", watcher).await;
    track(&pool, watcher, platform_id).await;
    app.capture("acme", "terms-of-service").await;
    assert!(alert_jobs(&pool).await.is_empty(), "a first version is no change");

    app.site.set("/terms", page(AFTER));
    app.capture("acme", "terms-of-service").await;

    let jobs = alert_jobs(&pool).await;
    assert_eq!(jobs.len(), 1, "{jobs:?}");
    let change_id = jobs[0]["change_id"].as_i64().unwrap();
    // The job waits for the rest of the capture run; make it due now.
    sqlx::query("update jobs set run_after = now()").execute(&pool).await.unwrap();
    let mut ctx = app.state.job_context();
    ctx.config = std::sync::Arc::new(mail_config(Some(&sink)));
    run_pending(&ctx).await.unwrap();
    assert_eq!(outbox_keys(&pool).await, [format!("alert:{change_id}:{ada}")]);
    let mailer = clausewatch::mail::Mailer::from_config(&ctx.config).unwrap();
    delivery::run_pending(&pool, &mailer).await.unwrap();
    let mails = sink.wait_for(1);
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].subject, "Acme AI changed its Terms of Service");
    assert!(mails[0].text.contains("opt out"), "{}", mails[0].text);
}

#[sqlx::test]
async fn an_unchanged_capture_queues_no_alert(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    app.site.set("/terms", page(BEFORE));
    app.declare("acme", "Acme AI", &[("Terms of Service", "/terms", "article")]);
    app.sync().await;

    app.capture("acme", "terms-of-service").await;
    app.capture("acme", "terms-of-service").await;

    assert!(alert_jobs(&pool).await.is_empty());
}

#[sqlx::test]
async fn importing_real_history_with_substantive_changes_queues_no_alert(pool: PgPool) {
    let root = crate::support::ota_folder_of("xai", "privacy-policy");
    let watcher = org(&pool, "Watchers", "watcher", None).await;
    member(&pool, "ada@example.org", watcher).await;

    import_ota(&pool, root.path()).await.unwrap();

    let substantive: Vec<i64> =
        sqlx::query_scalar("select change_id from changes where class = 'substantive'").fetch_all(&pool).await.unwrap();
    assert!(!substantive.is_empty(), "the corpus history has substantive changes");
    assert!(alert_jobs(&pool).await.is_empty());
    // Even run by hand for an organisation tracking the platform, history alerts nobody.
    let xai: i64 =
        sqlx::query_scalar("select platform_id from platforms where slug = 'xai'").fetch_one(&pool).await.unwrap();
    track(&pool, watcher, xai).await;
    for change_id in substantive {
        assert_eq!(alerts::fan_out(&pool, &mail_config(None), change_id).await.unwrap(), 0);
    }
    assert!(outbox_keys(&pool).await.is_empty());
}
