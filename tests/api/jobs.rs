//! The job queue, the workers and the scheduler against a real Postgres.
use clausewatch::jobs::{
    scheduler::enqueue_captures,
    worker::{Step, run_one, run_pending},
};
use sqlx::PgPool;

use crate::helpers::{TestApp, article_page};
use crate::site::Behaviour;

async fn app_with_two_documents(pool: PgPool) -> TestApp {
    let app = TestApp::new(pool).await;
    app.site.set("/tos", Behaviour::page(article_page("<p>Terms of service.</p>"), "text/html"));
    app.site.set("/privacy", Behaviour::page(article_page("<p>Privacy policy.</p>"), "text/html"));
    app.declare(
        "acme",
        "Acme AI",
        &[("Terms of Service", "/tos", "article"), ("Privacy Policy", "/privacy", "article")],
    );
    app.sync().await;
    app
}

#[sqlx::test]
async fn two_schedulers_on_the_same_tick_enqueue_each_capture_once(pool: PgPool) {
    let app = app_with_two_documents(pool).await;
    let tick = chrono::DateTime::parse_from_rfc3339("2026-11-30T06:00:00Z").unwrap().to_utc();

    let (a, b) = tokio::join!(enqueue_captures(&app.pool, tick), enqueue_captures(&app.pool, tick));

    assert_eq!(a.unwrap() + b.unwrap(), 2);
    let jobs: i64 = sqlx::query_scalar("select count(*) from jobs").fetch_one(&app.pool).await.unwrap();
    assert_eq!(jobs, 2);
}

#[sqlx::test]
async fn workers_run_every_capture_job_once_and_empty_the_queue(pool: PgPool) {
    let app = app_with_two_documents(pool).await;
    let tick = chrono::Utc::now();
    enqueue_captures(&app.pool, tick).await.unwrap();

    let ctx = app.state.job_context();
    let (a, b) = tokio::join!(run_pending(&ctx), run_pending(&ctx));

    let done = a.unwrap().len() + b.unwrap().len();
    assert_eq!(done, 2);
    assert_eq!(run_one(&ctx).await.unwrap(), Step::Empty);
    assert_eq!(app.counts("acme", "terms-of-service").await.0, 1);
    assert_eq!(app.counts("acme", "privacy-policy").await.0, 1);
    assert_eq!(app.site.hits("/tos") + app.site.hits("/privacy"), 2, "each page fetched once");
}

#[sqlx::test]
async fn a_failing_job_is_retried_later_and_dies_after_its_last_attempt(pool: PgPool) {
    let app = TestApp::new(pool).await;
    sqlx::query("insert into jobs (kind, payload, max_attempts) values ('no-such-kind', '{}', 2)")
        .execute(&app.pool)
        .await
        .unwrap();
    let ctx = app.state.job_context();

    let first = run_one(&ctx).await.unwrap();
    assert!(matches!(first, Step::Failed { .. }), "{first:?}");
    assert_eq!(run_one(&ctx).await.unwrap(), Step::Empty, "the retry waits for its backoff");
    sqlx::query("update jobs set run_after = now()").execute(&app.pool).await.unwrap();
    assert!(matches!(run_one(&ctx).await.unwrap(), Step::Failed { .. }));

    let dead: Option<chrono::DateTime<chrono::Utc>> =
        sqlx::query_scalar("select dead_at from jobs").fetch_one(&app.pool).await.unwrap();
    assert!(dead.is_some(), "after max_attempts the job is dead, kept for operators");
    sqlx::query("update jobs set run_after = now()").execute(&app.pool).await.unwrap();
    assert_eq!(run_one(&ctx).await.unwrap(), Step::Empty, "dead jobs are not claimed");
}
