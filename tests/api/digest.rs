//! The weekly digest: every tier, once per user and ISO week, at each user's weekday and hour.
use chrono::{DateTime, Duration, Utc};
use clausewatch::mail::digest::{enqueue_tick, send_digests};
use sqlx::PgPool;

use crate::alerts::{change, deliver, mail_config, member, org, outbox_keys, platform, track};
use crate::mail_sink::MailSink;

/// Monday 30 November 2026, 08:00 UTC: the default digest hour, ISO week 2026-W49.
fn monday_8() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-30T08:00:00Z").unwrap().to_utc()
}

async fn prefs(pool: &PgPool, org_id: i64, user_id: i64, weekday: i16, hour: i16, empty_digest: bool) {
    sqlx::query(
        "insert into alert_preferences (org_id, user_id, digest_weekday, digest_hour, empty_digest) values ($1, $2, $3, $4, $5)
         on conflict (org_id, user_id) do update set digest_weekday = $3, digest_hour = $4, empty_digest = $5",
    )
    .bind(org_id)
    .bind(user_id)
    .bind(weekday)
    .bind(hour)
    .bind(empty_digest)
    .execute(pool)
    .await
    .unwrap();
}

#[sqlx::test]
async fn a_watcher_member_gets_the_weeks_changes_grouped_by_platform_most_changed_first(pool: PgPool) {
    let sink = MailSink::start();
    let config = mail_config(Some(&sink));
    let (acme, acme_doc) = platform(&pool, "acme", "Acme AI").await;
    let (globex, globex_doc) = platform(&pool, "globex", "Globex").await;
    // Free tracks one platform; the digest groups several, so this organisation is on Watcher.
    let free = org(&pool, "Watcher", "watcher", None).await;
    let ada = member(&pool, "ada@example.org", free).await;
    track(&pool, free, acme).await;
    track(&pool, free, globex).await;
    let tick = monday_8();
    change(&pool, acme_doc, "capture", "substantive", tick - Duration::days(2)).await;
    let g1 = change(&pool, globex_doc, "capture", "substantive", tick - Duration::days(3)).await;
    change(&pool, globex_doc, "capture", "substantive", tick - Duration::days(1)).await;
    change(&pool, globex_doc, "capture", "cosmetic", tick - Duration::days(1) - Duration::minutes(5)).await;
    change(&pool, acme_doc, "capture", "substantive", tick - Duration::days(9)).await;
    change(&pool, acme_doc, "import", "substantive", tick - Duration::days(1)).await;

    let queued = send_digests(&pool, &config, tick).await.unwrap();
    let mails = deliver(&pool, &sink, &config).await;

    assert_eq!(queued, 1);
    assert_eq!(mails.len(), 1);
    let mail = &mails[0];
    assert_eq!(mail.to, ["ada@example.org"]);
    assert_eq!(mail.subject, "Your ClauseWatch week 2026-W49: 3 changes");
    let (globex_at, acme_at) = (mail.text.find("== Globex ==").unwrap(), mail.text.find("== Acme AI ==").unwrap());
    assert!(globex_at < acme_at, "{}", mail.text);
    assert!(mail.text.contains(&format!("platforms/globex/terms-of-service/diff?from={}&to={}", g1.from, g1.to)));
    assert!(mail.text.contains("Also 1 minor edits"), "{}", mail.text);
    assert!(mail.html.contains("<h2") && mail.html.contains("Globex"));
    let unsubscribe = mail.header("List-Unsubscribe").unwrap();
    assert!(unsubscribe.contains(&format!("token={ada}.{free}.digest.")), "{unsubscribe}");
    assert_eq!(mail.header("List-Unsubscribe-Post"), Some("List-Unsubscribe=One-Click"));
    assert_eq!(outbox_keys(&pool).await, [format!("digest:{ada}:2026-W49")]);
}

#[sqlx::test]
async fn a_user_gets_one_digest_per_week_however_often_the_job_runs(pool: PgPool) {
    let config = mail_config(None);
    let (acme, doc) = platform(&pool, "acme", "Acme AI").await;
    let free = org(&pool, "Free", "free", None).await;
    let ada = member(&pool, "ada@example.org", free).await;
    track(&pool, free, acme).await;
    change(&pool, doc, "capture", "substantive", monday_8() - Duration::days(1)).await;

    let first = send_digests(&pool, &config, monday_8()).await.unwrap();
    let again = send_digests(&pool, &config, monday_8() + Duration::minutes(30)).await.unwrap();
    prefs(&pool, free, ada, 3, 14, true).await;
    let moved_within_the_week =
        send_digests(&pool, &config, monday_8() + Duration::days(2) + Duration::hours(6)).await.unwrap();
    let next_week = send_digests(&pool, &config, monday_8() + Duration::days(9) + Duration::hours(6)).await.unwrap();

    assert_eq!((first, again, moved_within_the_week, next_week), (1, 0, 0, 1));
    assert_eq!(outbox_keys(&pool).await, [format!("digest:{ada}:2026-W49"), format!("digest:{ada}:2026-W50")]);
}

#[sqlx::test]
async fn a_quiet_week_sends_a_short_no_changes_mail_saying_when_it_was_last_verified(pool: PgPool) {
    let sink = MailSink::start();
    let config = mail_config(Some(&sink));
    let (acme, doc) = platform(&pool, "acme", "Acme AI").await;
    let watcher = org(&pool, "Watchers", "watcher", None).await;
    member(&pool, "ada@example.org", watcher).await;
    track(&pool, watcher, acme).await;
    let old = change(&pool, doc, "capture", "substantive", monday_8() - Duration::days(20)).await;
    sqlx::query("insert into verifications (document_id, version_id, verified_at) values ($1, $2, $3)")
        .bind(doc)
        .bind(old.to)
        .bind(DateTime::parse_from_rfc3339("2026-11-29T06:00:00Z").unwrap().to_utc())
        .execute(&pool)
        .await
        .unwrap();

    send_digests(&pool, &config, monday_8()).await.unwrap();
    let mails = deliver(&pool, &sink, &config).await;

    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].subject, "Your ClauseWatch week 2026-W49: no changes");
    assert!(mails[0].text.contains("No changes this week"), "{}", mails[0].text);
    assert!(mails[0].text.contains("Acme AI: unchanged, last verified 2026-11-29 06:00 UTC"), "{}", mails[0].text);
}

#[sqlx::test]
async fn with_empty_digest_off_a_quiet_week_sends_nothing(pool: PgPool) {
    let config = mail_config(None);
    let (acme, _) = platform(&pool, "acme", "Acme AI").await;
    let free = org(&pool, "Free", "free", None).await;
    let ada = member(&pool, "ada@example.org", free).await;
    track(&pool, free, acme).await;
    prefs(&pool, free, ada, 1, 8, false).await;

    assert_eq!(send_digests(&pool, &config, monday_8()).await.unwrap(), 0);
    assert!(outbox_keys(&pool).await.is_empty());
}

#[sqlx::test]
async fn digests_go_out_at_each_users_weekday_and_hour_only(pool: PgPool) {
    let config = mail_config(None);
    let (acme, _) = platform(&pool, "acme", "Acme AI").await;
    // Two members of one organisation: a Professional team.
    let free = org(&pool, "Team", "professional", None).await;
    let ada = member(&pool, "ada@example.org", free).await;
    let bob = member(&pool, "bob@example.org", free).await;
    track(&pool, free, acme).await;
    prefs(&pool, free, bob, 3, 14, true).await;
    let wednesday_14 = monday_8() + Duration::days(2) + Duration::hours(6);

    let monday = send_digests(&pool, &config, monday_8()).await.unwrap();
    let keys_monday = outbox_keys(&pool).await;
    let wednesday = send_digests(&pool, &config, wednesday_14).await.unwrap();

    assert_eq!((monday, wednesday), (1, 1));
    assert_eq!(keys_monday, [format!("digest:{ada}:2026-W49")]);
    assert_eq!(outbox_keys(&pool).await, [format!("digest:{ada}:2026-W49"), format!("digest:{bob}:2026-W49")]);
}

#[sqlx::test]
async fn two_schedulers_in_the_same_hour_queue_one_digest_job(pool: PgPool) {
    let (a, b) = tokio::join!(enqueue_tick(&pool, monday_8()), enqueue_tick(&pool, monday_8() + Duration::minutes(1)));

    assert_eq!([a.unwrap(), b.unwrap()].iter().filter(|queued| **queued).count(), 1);
    let jobs: i64 =
        sqlx::query_scalar("select count(*) from jobs where kind = 'digest'").fetch_one(&pool).await.unwrap();
    assert_eq!(jobs, 1);
}

#[sqlx::test]
async fn a_user_who_chose_wednesday_at_14_in_the_account_page_gets_the_digest_then_and_not_on_monday_at_8(
    pool: PgPool,
) {
    let config = mail_config(None);
    let web = crate::accounts::WebApp::spawn(pool.clone()).await;
    web.add_platform("acme").await;
    let mut browser = web.sign_up("wed@example.com").await;
    web.post_form(&mut browser, "/account", "/account/platforms", &[("platform", "acme")]).await;
    let wednesday_14 = monday_8() + Duration::days(2) + Duration::hours(6);

    let bad_hour = [("weekly_digest", "on"), ("digest_weekday", "3"), ("digest_hour", "24")];
    let refused = web.post_form(&mut browser, "/account", "/account/preferences", &bad_hour).await;
    let chosen = [("weekly_digest", "on"), ("digest_weekday", "3"), ("digest_hour", "14")];
    let saved = web.post_form(&mut browser, "/account", "/account/preferences", &chosen).await;
    let account = web.get(&mut browser, "/account").await;
    let on_monday = send_digests(&pool, &config, monday_8()).await.unwrap();
    let on_wednesday = send_digests(&pool, &config, wednesday_14).await.unwrap();

    assert_eq!(refused.status, reqwest::StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("Choose the digest&#39;s hour (0–23, UTC) from the list"), "{}", refused.body);
    assert_eq!(saved.status, reqwest::StatusCode::SEE_OTHER, "{}", saved.body);
    assert!(account.body.contains("<option value=\"14\" selected>14:00</option>"), "{}", account.body);
    assert!(account.body.contains("<option value=\"3\" selected>Wednesday</option>"));
    assert_eq!((on_monday, on_wednesday), (0, 1));
    let user: i64 = sqlx::query_scalar("select user_id from users").fetch_one(&pool).await.unwrap();
    let digests: Vec<String> = outbox_keys(&pool).await.into_iter().filter(|k| k.starts_with("digest:")).collect();
    assert_eq!(digests, [format!("digest:{user}:2026-W49")]);
}
