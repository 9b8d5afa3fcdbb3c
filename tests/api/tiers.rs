//! Plan limits on the server and in the database, the trial, downgrades and `plan set`.
use reqwest::StatusCode;
use sqlx::PgPool;

use crate::accounts::{WebApp, csrf_of};

#[sqlx::test]
async fn a_free_organisation_cannot_track_a_second_platform(pool: PgPool) {
    let app = WebApp::spawn(pool).await;
    app.add_platform("openai").await;
    app.add_platform("anthropic").await;
    let mut browser = app.sign_up("fox@example.com").await;
    let one = app.post_form(&mut browser, "/account", "/account/platforms", &[("platform", "openai")]).await;
    assert_eq!(one.status, StatusCode::SEE_OTHER);
    assert!(app.get(&mut browser, "/account").await.body.contains("1 of 1 used"));
    let two = app
        .post_form(&mut browser, "/account", "/account/platforms", &[("platform", "openai"), ("platform", "anthropic")])
        .await;
    assert_eq!(two.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(two.body.contains("The Free plan tracks at most 1 platform"), "{}", two.body);
    let unknown = app.post_form(&mut browser, "/account", "/account/platforms", &[("platform", "../../etc")]).await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[sqlx::test]
async fn two_concurrent_submits_cannot_exceed_the_limit(pool: PgPool) {
    let app = WebApp::spawn(pool).await;
    app.add_platform("openai").await;
    app.add_platform("anthropic").await;
    let mut browser = app.sign_up("gil@example.com").await;
    let token = csrf_of(&app.get(&mut browser, "/account").await.body);
    let (mut b1, mut b2) = (browser.clone(), browser.clone());
    let (f1, f2) = (
        [("csrf_token", token.as_str()), ("platform", "openai")],
        [("csrf_token", token.as_str()), ("platform", "anthropic")],
    );
    let (first, second) = tokio::join!(
        app.post_raw(&mut b1, "/account/platforms", &f1),
        app.post_raw(&mut b2, "/account/platforms", &f2)
    );
    let org = app.org_of("gil@example.com").await;
    let tracked: i64 = sqlx::query_scalar("select count(*) from tracked_platforms where org_id = $1")
        .bind(org)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(tracked, 1, "statuses {} and {}", first.status, second.status);
    // Either the second one replaced the first (a save of the whole set) or it was refused.
    assert!(
        [first.status, second.status]
            .iter()
            .all(|s| *s == StatusCode::SEE_OTHER || *s == StatusCode::UNPROCESSABLE_ENTITY)
    );
}

#[sqlx::test]
async fn the_database_itself_refuses_a_platform_beyond_the_plan(pool: PgPool) {
    let app = WebApp::spawn(pool).await;
    let (p1, p2) = (app.add_platform("openai").await, app.add_platform("anthropic").await);
    app.sign_up("hal@example.com").await;
    let org = app.org_of("hal@example.com").await;
    sqlx::query("insert into tracked_platforms (org_id, platform_id) values ($1, $2)")
        .bind(org)
        .bind(p1)
        .execute(&app.pool)
        .await
        .unwrap();
    let refused = sqlx::query("insert into tracked_platforms (org_id, platform_id) values ($1, $2)")
        .bind(org)
        .bind(p2)
        .execute(&app.pool)
        .await;
    let error = refused.expect_err("the trigger refuses");
    assert_eq!(error.as_database_error().and_then(|e| e.constraint()), Some("tracked_platforms_plan_limit"));
}

#[sqlx::test]
async fn the_trial_starts_once_without_a_card_and_ends_back_on_free(pool: PgPool) {
    let app = WebApp::spawn(pool).await;
    let mut browser = app.sign_up("ivy@example.com").await;
    let offer = app.get(&mut browser, "/pricing/trial").await;
    assert!(offer.body.contains("No credit card required"));
    let started = app.post_form(&mut browser, "/pricing/trial", "/pricing/trial", &[]).await;
    assert_eq!(started.status, StatusCode::OK, "{}", started.body);
    assert!(app.get(&mut browser, "/account").await.body.contains("<strong>Watcher</strong> plan until"));

    let org = app.org_of("ivy@example.com").await;
    sqlx::query("update organisations set plan_until = now() - interval '1 second' where org_id = $1")
        .bind(org)
        .execute(&app.pool)
        .await
        .unwrap();
    let page = app.get(&mut browser, "/account").await;
    assert!(page.body.contains("<strong>Free</strong> plan"), "{}", page.body);
    let again = app.get(&mut browser, "/pricing/trial").await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(again.body.contains("already used its free trial"));
}

#[sqlx::test]
async fn a_downgrade_keeps_the_data_and_says_which_platform_stays_tracked(pool: PgPool) {
    let app = WebApp::spawn(pool).await;
    for slug in ["openai", "anthropic", "mistral"] {
        app.add_platform(slug).await;
    }
    let mut browser = app.sign_up("jo@example.com").await;
    let org = app.org_of("jo@example.com").await;
    app.set_plan(org, "watcher").await;
    for slug in ["openai", "anthropic", "mistral"] {
        let mut chosen: Vec<(&str, &str)> = vec![];
        for s in ["openai", "anthropic", "mistral"] {
            chosen.push(("platform", s));
            if s == slug {
                break;
            }
        }
        app.post_form(&mut browser, "/account", "/account/platforms", &chosen).await;
    }
    let mut out = Vec::new();
    let args = clausewatch::cli::plan::PlanArgs {
        command: clausewatch::cli::plan::PlanCommand::Set {
            target: "jo@example.com".into(),
            plan: "free".into(),
            until: None,
        },
    };
    clausewatch::cli::plan::run(&app.pool, &args, &mut out).await.expect("plan set runs");
    let printed = String::from_utf8(out).unwrap();
    assert!(printed.contains("is now on Free. openai stays tracked."), "{printed}");
    assert!(printed.contains("anthropic, mistral"), "{printed}");

    let tracked: i64 = sqlx::query_scalar("select count(*) from tracked_platforms where org_id = $1")
        .bind(org)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(tracked, 3, "a downgrade keeps the data");
    let active: Vec<i64> = sqlx::query_scalar("select platform_id from active_tracked_platforms where org_id = $1")
        .bind(org)
        .fetch_all(&app.pool)
        .await
        .unwrap();
    assert_eq!(active.len(), 1);
    let page = app.get(&mut browser, "/account").await;
    assert!(page.body.contains("Paused by your plan") && page.body.contains("Still tracked: openai"), "{}", page.body);
}

#[sqlx::test]
async fn plan_set_takes_an_organisation_id_and_an_end_date_and_refuses_garbage(pool: PgPool) {
    let app = WebApp::spawn(pool).await;
    app.sign_up("kim@example.com").await;
    let org = app.org_of("kim@example.com").await;
    let run = |target: String, plan: &str, until: Option<&str>| {
        let args = clausewatch::cli::plan::PlanArgs {
            command: clausewatch::cli::plan::PlanCommand::Set {
                target,
                plan: plan.into(),
                until: until.map(str::to_owned),
            },
        };
        let pool = app.pool.clone();
        async move {
            let mut out = Vec::new();
            clausewatch::cli::plan::run(&pool, &args, &mut out).await.map(|()| String::from_utf8(out).unwrap())
        }
    };
    let printed = run(org.to_string(), "professional", Some("2099-12-31")).await.expect("it runs");
    assert!(printed.contains("is now on Professional until 2099-12-31"), "{printed}");
    let (plan, until): (String, Option<chrono::DateTime<chrono::Utc>>) =
        sqlx::query_as("select plan, plan_until from organisations where org_id = $1")
            .bind(org)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(plan, "professional");
    assert!(until.is_some());
    assert!(
        run(org.to_string(), "gold", None)
            .await
            .unwrap_err()
            .to_string()
            .contains("choose free, watcher or professional")
    );
    assert!(run("nobody@example.com".into(), "free", None).await.is_err());
    assert!(run(org.to_string(), "free", Some("31/12/2099")).await.is_err());
}

#[sqlx::test]
async fn the_admin_page_is_for_operators_and_a_resubmitted_form_changes_nothing_twice(pool: PgPool) {
    let app = WebApp::spawn(pool).await;
    let mut browser = app.sign_up("op@example.com").await;
    assert_eq!(app.get(&mut browser, "/admin/plans").await.status, StatusCode::FORBIDDEN);
    let mut out = Vec::new();
    let grant = clausewatch::cli::admin::AdminArgs {
        command: clausewatch::cli::admin::AdminCommand::Grant { email: "op@example.com".into() },
    };
    clausewatch::cli::admin::run(&app.pool, &grant, &mut out).await.expect("grant runs");
    let page = app.get(&mut browser, "/admin/plans").await;
    assert_eq!(page.status, StatusCode::OK);
    let org = app.org_of("op@example.com").await.to_string();
    let key =
        page.body.split("name=\"idempotency_key\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
    let fields = [
        ("csrf_token", csrf_of(&page.body)),
        ("idempotency_key", key),
        ("org_id", org.clone()),
        ("plan", "watcher".into()),
        ("until", String::new()),
    ];
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let first = app.post_raw(&mut browser, "/admin/plans", &fields).await;
    assert!(first.body.contains("is now on Watcher"), "{}", first.body);
    let second = app.post_raw(&mut browser, "/admin/plans", &fields).await;
    assert!(second.body.contains("already submitted"));
    let changes: i64 = sqlx::query_scalar("select count(*) from plan_changes").fetch_one(&app.pool).await.unwrap();
    assert_eq!(changes, 1);
}
