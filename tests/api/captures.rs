//! Operators hear when a document stops capturing: `/admin/captures` shows every document's last
//! capture, outcome, reason, version, verification and failure spell; "Capture now" queues one
//! capture however often it is pressed; a spell older than `CAPTURE_ALERT_DAYS` mails every
//! operator once, and a new spell after a good capture mails them again.
use clausewatch::cli::admin;
use clausewatch::jobs::worker::run_pending;
use reqwest::StatusCode;
use sqlx::PgPool;

use crate::accounts::{Browser, WebApp, csrf_of};
use crate::helpers::{TestApp, article_page};
use crate::site::Behaviour;

const OPERATOR: &str = "ops@example.com";

/// Acme's terms capture well; its privacy policy answers 404.
async fn acme_with_a_broken_policy(pool: &PgPool) -> TestApp {
    let app = TestApp::new(pool.clone()).await;
    app.site.set("/tos", Behaviour::page(article_page("<p>You may use the service.</p>"), "text/html"));
    app.site.set("/privacy", Behaviour::Status(404));
    app.declare(
        "acme",
        "Acme AI",
        &[("Terms of Service", "/tos", "article"), ("Privacy Policy", "/privacy", "article")],
    );
    app.sync().await;
    app.capture("acme", "terms-of-service").await;
    app.capture("acme", "privacy-policy").await;
    app
}

async fn operator(web: &WebApp) -> Browser {
    let browser = web.sign_up(OPERATOR).await;
    let grant = admin::AdminArgs { command: admin::AdminCommand::Grant { email: OPERATOR.into() } };
    admin::run(&web.pool, &grant, &mut Vec::new()).await.expect("grant runs");
    browser
}

/// Moves every capture of the document `days` days into the past, as if it had been failing since.
async fn age_captures(pool: &PgPool, document_id: i64, days: i32) {
    sqlx::query("update fetch_events set created_at = created_at - make_interval(days => $2) where document_id = $1")
        .bind(document_id)
        .bind(days)
        .execute(pool)
        .await
        .expect("the captures are aged");
}

/// The capture-failing mails queued so far: (recipient, subject, text).
async fn failing_mails(pool: &PgPool) -> Vec<(String, String, String)> {
    sqlx::query_as(
        "select recipient, subject, body_text from email_outbox where template = 'capture-failing' order by outbox_id",
    )
    .fetch_all(pool)
    .await
    .expect("the outbox reads")
}

async fn capture_jobs(pool: &PgPool) -> i64 {
    sqlx::query_scalar("select count(*) from jobs where kind = 'capture'").fetch_one(pool).await.unwrap()
}

/// The table row of a document on the captures page.
fn row_of(page: &str, document_id: i64) -> &str {
    let start = page.find(&format!("id=\"document-{document_id}\"")).expect("the document has a row");
    &page[start..start + page[start..].find("</tr>").expect("the row ends")]
}

#[sqlx::test]
async fn operators_see_failing_documents_capture_them_now_and_are_mailed_once_per_spell(pool: PgPool) {
    let app = acme_with_a_broken_policy(&pool).await;
    let web = WebApp::spawn(pool.clone()).await;
    let mut ops = operator(&web).await;
    let (terms, policy) = (
        app.document("acme", "terms-of-service").await.document_id,
        app.document("acme", "privacy-policy").await.document_id,
    );
    age_captures(&pool, policy, 3).await;

    let page = web.get(&mut ops, "/admin/captures").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("1 of 2 documents are failing"), "{}", page.body);
    let broken = row_of(&page.body, policy);
    assert!(broken.contains("Acme AI Privacy Policy") && broken.contains("failed"), "{broken}");
    assert!(broken.contains("404"), "the reason is shown: {broken}");
    assert!(broken.contains("since ") && broken.contains("(3 days, 1 capture)"), "{broken}");
    assert!(broken.contains("never"), "no version was ever stored: {broken}");
    let good = row_of(&page.body, terms);
    assert!(good.contains("new-version") && !good.contains("since "), "{good}");
    assert!(
        page.body.find(&format!("document-{policy}")) < page.body.find(&format!("document-{terms}")),
        "failing first"
    );

    // "Capture now", pressed twice while the first capture waits, queues one capture.
    let csrf = csrf_of(&page.body);
    let path = format!("/admin/captures/{policy}/capture");
    let first = web.post_raw(&mut ops, &path, &[("csrf_token", &csrf)]).await;
    assert_eq!(first.status, StatusCode::SEE_OTHER, "{}", first.body);
    assert_eq!(first.location.as_deref(), Some(format!("/admin/captures?queued={policy}").as_str()));
    let second = web.post_raw(&mut ops, &path, &[("csrf_token", &csrf)]).await;
    assert_eq!(second.location.as_deref(), Some(format!("/admin/captures?already={policy}").as_str()));
    assert_eq!(capture_jobs(&pool).await, 1);
    let queued = web.get(&mut ops, &format!("/admin/captures?already={policy}")).await;
    assert!(
        queued.body.contains("A capture of Acme AI Privacy Policy was already queued or running"),
        "{}",
        queued.body
    );

    // The worker runs it: it fails again, and the three-day spell mails the operator.
    run_pending(&app.state.job_context()).await.expect("the capture job runs");
    let mails = failing_mails(&pool).await;
    assert_eq!(mails.len(), 1, "{mails:?}");
    let (to, subject, text) = &mails[0];
    assert_eq!(to, OPERATOR);
    assert!(subject.contains("ClauseWatch cannot capture Acme AI Privacy Policy (failing since"), "{subject}");
    assert!(text.contains("its last 2 captures failed or were suspect"), "{text}");
    assert!(text.contains("404") && text.contains("/admin/captures"), "{text}");
    let after = web.get(&mut ops, "/admin/captures").await;
    assert!(row_of(&after.body, policy).contains("operators mailed"), "{}", row_of(&after.body, policy));

    // More failures in the same spell mail no one again.
    app.capture("acme", "privacy-policy").await;
    run_pending(&app.state.job_context()).await.unwrap();
    web.post_raw(&mut ops, &path, &[("csrf_token", &csrf)]).await;
    run_pending(&app.state.job_context()).await.unwrap();
    assert_eq!(failing_mails(&pool).await.len(), 1);

    // Fixed, the document captures well and leaves the list of failing ones…
    app.site.set("/privacy", Behaviour::page(article_page("<p>We keep your data safe.</p>"), "text/html"));
    web.post_raw(&mut ops, &path, &[("csrf_token", &csrf)]).await;
    run_pending(&app.state.job_context()).await.unwrap();
    let fixed = web.get(&mut ops, "/admin/captures").await;
    assert!(fixed.body.contains("Every document captured well last time"), "{}", fixed.body);
    assert!(!row_of(&fixed.body, policy).contains("since "), "{}", row_of(&fixed.body, policy));

    // …and a new spell, once it is old enough, is a new mail.
    app.site.set("/privacy", Behaviour::Status(500));
    web.post_raw(&mut ops, &path, &[("csrf_token", &csrf)]).await;
    run_pending(&app.state.job_context()).await.unwrap();
    assert_eq!(failing_mails(&pool).await.len(), 1, "a spell of minutes is not yet worth a mail");
    age_captures(&pool, policy, 2).await;
    web.post_raw(&mut ops, &path, &[("csrf_token", &csrf)]).await;
    run_pending(&app.state.job_context()).await.unwrap();
    let mails = failing_mails(&pool).await;
    assert_eq!(mails.len(), 2, "{mails:?}");
    assert!(mails[1].2.contains("500"), "{}", mails[1].2);
}

#[sqlx::test]
async fn only_operators_see_the_captures_page_or_capture_now(pool: PgPool) {
    let app = acme_with_a_broken_policy(&pool).await;
    let web = WebApp::spawn(pool.clone()).await;
    let policy = app.document("acme", "privacy-policy").await.document_id;
    let mut visitor = Browser::default();
    let anonymous = web.get(&mut visitor, "/admin/captures").await;
    assert_eq!(anonymous.status, StatusCode::SEE_OTHER, "visitors are sent to log in");

    let mut user = web.sign_up("someone@example.com").await;
    let page = web.get(&mut user, "/admin/captures").await;
    assert_eq!(page.status, StatusCode::FORBIDDEN, "{}", page.body);
    let account = web.get(&mut user, "/account").await;
    let refused = web
        .post_raw(&mut user, &format!("/admin/captures/{policy}/capture"), &[("csrf_token", &csrf_of(&account.body))])
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
    assert_eq!(capture_jobs(&pool).await, 0);

    // An operator's form with garbage or an unknown document gets a page that says so.
    let mut ops = operator(&web).await;
    let csrf = csrf_of(&web.get(&mut ops, "/admin/captures").await.body);
    for bad in ["x", "0", "999999"] {
        let page = web.post_raw(&mut ops, &format!("/admin/captures/{bad}/capture"), &[("csrf_token", &csrf)]).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{bad}: {}", page.body);
        assert!(page.body.contains("pick one from the captures page"), "{}", page.body);
    }
    let forged =
        web.post_raw(&mut ops, &format!("/admin/captures/{policy}/capture"), &[("csrf_token", "forged")]).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN, "{}", forged.body);
    assert_eq!(capture_jobs(&pool).await, 0);
}

#[sqlx::test]
async fn a_failure_spell_with_no_operator_mails_no_one_and_is_told_once_one_exists(pool: PgPool) {
    let app = acme_with_a_broken_policy(&pool).await;
    let policy = app.document("acme", "privacy-policy").await.document_id;
    age_captures(&pool, policy, 5).await;
    let config = app.state.config.clone();
    let told = clausewatch::archive::health::tell_operators_if_failing(&pool, policy, &config).await.unwrap();
    assert_eq!(told, 0);
    assert!(failing_mails(&pool).await.is_empty());

    let web = WebApp::spawn(pool.clone()).await;
    operator(&web).await;
    let told = clausewatch::archive::health::tell_operators_if_failing(&pool, policy, &config).await.unwrap();
    assert_eq!(told, 1);
    let again = clausewatch::archive::health::tell_operators_if_failing(&pool, policy, &config).await.unwrap();
    assert_eq!(again, 0, "once per spell");
}

#[sqlx::test]
async fn capture_now_refuses_a_document_whose_document_or_platform_is_disabled(pool: PgPool) {
    let app = acme_with_a_broken_policy(&pool).await;
    let policy = app.document("acme", "privacy-policy").await.document_id;
    let web = WebApp::spawn(pool.clone()).await;
    let mut ops = operator(&web).await;
    let csrf = csrf_of(&web.get(&mut ops, "/admin/captures").await.body);
    let path = format!("/admin/captures/{policy}/capture");

    for disable in [
        "update documents set enabled = false where document_id = $1",
        "update platforms set enabled = false where platform_id = (select platform_id from documents where document_id = $1)",
    ] {
        sqlx::query("update documents set enabled = true").execute(&pool).await.unwrap();
        sqlx::query("update platforms set enabled = true").execute(&pool).await.unwrap();
        sqlx::query(disable).bind(policy).execute(&pool).await.unwrap();

        let page = web.post_raw(&mut ops, &path, &[("csrf_token", &csrf)]).await;

        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{disable}: {}", page.body);
        assert!(page.body.contains("Acme AI Privacy Policy is disabled in the catalogue"), "{}", page.body);
        assert_eq!(capture_jobs(&pool).await, 0);
    }
}
