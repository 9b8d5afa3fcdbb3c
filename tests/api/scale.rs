//! Scale-out: one web process and two worker processes, real binaries, one database. Every
//! scheduled capture is enqueued once and done once.
use std::{
    process::{Child, Command, Stdio},
    time::Duration,
};

use sqlx::PgPool;

use crate::helpers::{TestApp, article_page};
use crate::site::Behaviour;

/// The connection string of the test's own database.
fn database_url(pool: &PgPool) -> String {
    let base = std::env::var("DATABASE_URL").expect("DATABASE_URL is set for tests");
    let database = pool.connect_options().get_database().expect("the test database has a name").to_owned();
    let mut url = url::Url::parse(&base).expect("DATABASE_URL is a URL");
    url.set_path(&format!("/{database}"));
    url.to_string()
}

fn clausewatch(app: &TestApp, db: &str, args: &[&str], port: u16) -> Child {
    Command::new(env!("CARGO_BIN_EXE_clausewatch"))
        .args(args)
        .env("DATABASE_URL", db)
        .env("CATALOG_DIR", app.catalog.path())
        .env("BIND_ADDR", format!("127.0.0.1:{port}"))
        .env("FETCH_ALLOW_PRIVATE", "1")
        .env("FETCH_HOST_SPACING_SECS", "0")
        .env("FETCH_SCHEDULE", "*/2 * * * * *")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the clausewatch binary starts")
}

/// SIGTERM, then waits for the graceful shutdown, which lets in-flight jobs finish. The wait
/// yields to the runtime: the test site runs on it and must answer a worker's last fetch, or the
/// fetch times out, is retried, and hits the site again.
async fn stop(mut child: Child) {
    let _ = Command::new("kill").arg("-TERM").arg(child.id().to_string()).status();
    for _ in 0..600 {
        if child.try_wait().ok().flatten().is_some() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let _ = child.kill();
    let _ = child.wait();
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

#[sqlx::test]
async fn two_workers_and_a_web_process_do_every_scheduled_capture_exactly_once(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    for (path, text) in [("/tos", "Terms of service."), ("/privacy", "Privacy policy."), ("/aup", "Acceptable use.")] {
        app.site.set(path, Behaviour::page(article_page(&format!("<p>{text}</p>")), "text/html"));
    }
    app.declare(
        "acme",
        "Acme AI",
        &[
            ("Terms of Service", "/tos", "article"),
            ("Privacy Policy", "/privacy", "article"),
            ("Acceptable Use Policy", "/aup", "article"),
        ],
    );
    app.sync().await;
    let db = database_url(&pool);
    let web_port = free_port();

    let web = clausewatch(&app, &db, &["serve", "--no-workers"], web_port);
    let workers = [clausewatch(&app, &db, &["worker"], free_port()), clausewatch(&app, &db, &["worker"], free_port())];
    tokio::time::sleep(Duration::from_secs(7)).await;
    for worker in workers {
        stop(worker).await;
    }
    // Let jobs enqueued by the last tick be finished by nobody: count what was done.
    let ready = reqwest::get(format!("http://127.0.0.1:{web_port}/readyz")).await.map(|r| r.status().as_u16()).ok();
    stop(web).await;

    let ticks: i64 = sqlx::query_scalar("select count(*) from schedule_ticks").fetch_one(&pool).await.unwrap();
    let events: i64 = sqlx::query_scalar("select count(*) from fetch_events").fetch_one(&pool).await.unwrap();
    // A fetch retried after a failed attempt hits the site twice for one event.
    let attempts: i64 = sqlx::query_scalar("select coalesce(sum(attempts), 0)::bigint from fetch_events")
        .fetch_one(&pool)
        .await
        .unwrap();
    let left: i64 = sqlx::query_scalar("select count(*) from jobs").fetch_one(&pool).await.unwrap();
    let hits = app.site.hits("/tos") + app.site.hits("/privacy") + app.site.hits("/aup");
    assert_eq!(ready, Some(200), "the web process serves while workers run");
    assert!(ticks >= 2, "the schedule ticked ({ticks})");
    assert_eq!(events + left, ticks * 3, "each tick enqueued each of the 3 captures once");
    assert_eq!(hits as i64, attempts, "each capture job ran once: every request to the site is one recorded attempt");
    let versions: i64 = sqlx::query_scalar("select count(*) from versions").fetch_one(&pool).await.unwrap();
    assert_eq!(versions, 3, "one version per document, the rest verifications");
}
