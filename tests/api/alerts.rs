//! Same-day alerts: who gets one, what it says, and that it is sent once. Organisations and
//! users are inserted in SQL; changes either come from a real capture or are inserted directly.
use chrono::{DateTime, Utc};
use clausewatch::{
    config::Config,
    mail::{Mailer, alerts::fan_out, delivery::run_pending},
};
use sqlx::PgPool;

use crate::mail_sink::{MailSink, ParsedMail};

pub const BASE: &str = "https://clausewatch.test/";

/// A configuration with a fixed secret and public address, sending through `sink`.
pub fn mail_config(sink: Option<&MailSink>) -> Config {
    let mut config = Config::from_env().expect("the test configuration parses");
    config.base_url = BASE.parse().unwrap();
    config.secret_key = "a-test-secret-key-that-is-long-enough-42".parse().unwrap();
    config.mail_from = "ClauseWatch <alerts@clausewatch.test>".parse().unwrap();
    config.smtp_url = sink.map(|s| s.smtp_url().parse().unwrap());
    config
}

/// Delivers every queued mail to the sink and returns what it received.
pub async fn deliver(pool: &PgPool, sink: &MailSink, config: &Config) -> Vec<ParsedMail> {
    let mailer = Mailer::from_config(config).unwrap();
    let steps = run_pending(pool, &mailer).await.unwrap();
    sink.wait_for(steps.len())
}

/// A platform with one document.
pub async fn platform(pool: &PgPool, slug: &str, name: &str) -> (i64, i64) {
    let platform_id: i64 =
        sqlx::query_scalar("insert into platforms (slug, name) values ($1, $2) returning platform_id")
            .bind(slug)
            .bind(name)
            .fetch_one(pool)
            .await
            .unwrap();
    let document_id: i64 = sqlx::query_scalar(
        "insert into documents (platform_id, slug, terms_type, declaration) values ($1, 'terms-of-service', 'Terms of Service', '{}') returning document_id",
    )
    .bind(platform_id)
    .fetch_one(pool)
    .await
    .unwrap();
    (platform_id, document_id)
}

/// Ids of an inserted change.
#[derive(Debug, Clone, Copy)]
pub struct Inserted {
    pub change_id: i64,
    pub from: i64,
    pub to: i64,
    pub lineage: i64,
    pub new_provision: i64,
}

/// Two versions of a document and the change between them, with one modified provision whose
/// word diff inserts "may train on your content" and removes "never use".
pub async fn change(
    pool: &PgPool,
    document_id: i64,
    origin: &str,
    class: &str,
    captured_at: DateTime<Utc>,
) -> Inserted {
    let version = |text: &'static str, at: DateTime<Utc>| {
        sqlx::query_scalar::<_, i64>(
            "insert into versions (document_id, text, sha256, captured_at, origin) values ($1, $2, md5($2 || $3::text), $3, $4) returning version_id",
        )
        .bind(document_id)
        .bind(text)
        .bind(at)
        .bind(origin)
        .fetch_one(pool)
    };
    let from = version("We never use your content.", captured_at - chrono::Duration::days(30)).await.unwrap();
    let to = version("We may train on your content.", captured_at).await.unwrap();
    let lineage: i64 = sqlx::query_scalar("insert into lineages (document_id) values ($1) returning lineage_id")
        .bind(document_id)
        .fetch_one(pool)
        .await
        .unwrap();
    let provision = |version_id: i64, text: &'static str| {
        sqlx::query_scalar::<_, i64>(
            "insert into provisions (version_id, lineage_id, ordinal, key, text, sha256, clause, title)
             values ($1, $2, 0, '4-2-use-of-content', $3, md5($3), '4.2', 'Use of Content') returning provision_id",
        )
        .bind(version_id)
        .bind(lineage)
        .bind(text)
        .fetch_one(pool)
    };
    let old_provision = provision(from, "We never use your content.").await.unwrap();
    let new_provision = provision(to, "We may train on your content.").await.unwrap();
    let change_id: i64 = sqlx::query_scalar(
        "insert into changes (document_id, from_version_id, to_version_id, class, summary) values ($1, $2, $3, $4, '1 provision modified') returning change_id",
    )
    .bind(document_id)
    .bind(from)
    .bind(to)
    .bind(class)
    .fetch_one(pool)
    .await
    .unwrap();
    let words = serde_json::json!([{"Equal": "We "}, {"Delete": "never use"}, {"Insert": "may train on"}, {"Equal": " your content."}]);
    sqlx::query(
        "insert into provision_changes (change_id, ordinal, kind, class, lineage_id, old_provision_id, new_provision_id, key, label, summary, words)
         values ($1, 0, 'modified', $2, $3, $4, $5, '4-2-use-of-content', '§4.2 Use of Content', '§4.2 Use of Content: added ''may train on''', $6)",
    )
    .bind(change_id)
    .bind(class)
    .bind(lineage)
    .bind(old_provision)
    .bind(new_provision)
    .bind(words)
    .execute(pool)
    .await
    .unwrap();
    Inserted { change_id, from, to, lineage, new_provision }
}

/// An organisation on a plan (`plan_until` may be in the past: then it is Free).
pub async fn org(pool: &PgPool, name: &str, plan: &str, plan_until: Option<DateTime<Utc>>) -> i64 {
    sqlx::query_scalar("insert into organisations (name, plan, plan_until) values ($1, $2, $3) returning org_id")
        .bind(name)
        .bind(plan)
        .bind(plan_until)
        .fetch_one(pool)
        .await
        .unwrap()
}

/// A user who is a member of `org_id`.
pub async fn member(pool: &PgPool, email: &str, org_id: i64) -> i64 {
    let user_id: i64 =
        sqlx::query_scalar("insert into users (email, password_hash) values ($1, 'x') returning user_id")
            .bind(email)
            .fetch_one(pool)
            .await
            .unwrap();
    join(pool, user_id, org_id).await;
    user_id
}

/// Adds an existing user to another organisation.
pub async fn join(pool: &PgPool, user_id: i64, org_id: i64) {
    sqlx::query("insert into memberships (org_id, user_id, role) values ($1, $2, 'owner')")
        .bind(org_id)
        .bind(user_id)
        .execute(pool)
        .await
        .unwrap();
}

pub async fn track(pool: &PgPool, org_id: i64, platform_id: i64) {
    sqlx::query("insert into tracked_platforms (org_id, platform_id) values ($1, $2)")
        .bind(org_id)
        .bind(platform_id)
        .execute(pool)
        .await
        .unwrap();
}

/// Whether `html` links to `url` (with `&` escaped as askama does).
pub fn html_has(html: &str, url: &str) -> bool {
    html.contains(&url.replace('&', "&#38;")) || html.contains(&url.replace('&', "&amp;"))
}

pub async fn outbox_keys(pool: &PgPool) -> Vec<String> {
    sqlx::query_scalar("select idempotency_key from email_outbox order by idempotency_key")
        .fetch_all(pool)
        .await
        .unwrap()
}

#[sqlx::test]
async fn a_substantive_captured_change_alerts_each_eligible_member_once_with_links_and_unsubscribe_headers(
    pool: PgPool,
) {
    let sink = MailSink::start();
    let config = mail_config(Some(&sink));
    let (acme, doc) = platform(&pool, "acme", "Acme AI").await;
    let watcher = org(&pool, "Watchers", "watcher", None).await;
    let ada = member(&pool, "ada@example.org", watcher).await;
    // Watcher has one member per organisation: Bob is on a Watcher plan of his own.
    let watcher_too = org(&pool, "Watchers too", "watcher", None).await;
    member(&pool, "bob@example.org", watcher_too).await;
    let pro = org(&pool, "Pros", "professional", Some(Utc::now() + chrono::Duration::days(3))).await;
    member(&pool, "cy@example.org", pro).await;
    let free = org(&pool, "Free", "free", None).await;
    member(&pool, "dee@example.org", free).await;
    let untracked = org(&pool, "Elsewhere", "watcher", None).await;
    member(&pool, "eve@example.org", untracked).await;
    for o in [watcher, watcher_too, pro, free] {
        track(&pool, o, acme).await;
    }
    let c = change(&pool, doc, "capture", "substantive", Utc::now()).await;

    let queued = fan_out(&pool, &config, c.change_id).await.unwrap();
    let mails = deliver(&pool, &sink, &config).await;

    assert_eq!(queued, 3);
    let mut to: Vec<String> = mails.iter().flat_map(|m| m.to.clone()).collect();
    to.sort();
    assert_eq!(to, ["ada@example.org", "bob@example.org", "cy@example.org"]);
    let mail = mails.iter().find(|m| m.to == ["ada@example.org"]).unwrap();
    assert_eq!(mail.subject, "Acme AI changed its Terms of Service");
    let diff = format!("{BASE}platforms/acme/terms-of-service/diff?from={}&to={}", c.from, c.to);
    let provision = format!("{BASE}platforms/acme/terms-of-service/provisions/{}", c.lineage);
    assert!(mail.text.contains(&diff), "{}", mail.text);
    assert!(html_has(&mail.html, &diff), "{}", mail.html);
    for body in [&mail.text, &mail.html] {
        assert!(body.contains(&provision), "{body}");
        assert!(body.contains("§4.2 Use of Content"));
        assert!(body.contains("may train on") && body.contains("never use"));
        assert!(body.contains("substantive"));
    }
    let unsubscribe = mail.header("List-Unsubscribe").unwrap();
    assert!(unsubscribe.starts_with(&format!("<{BASE}unsubscribe?token={ada}.{watcher}.alerts.")), "{unsubscribe}");
    assert!(unsubscribe.contains("<mailto:alerts@clausewatch.test?subject=unsubscribe"), "{unsubscribe}");
    assert_eq!(mail.header("List-Unsubscribe-Post"), Some("List-Unsubscribe=One-Click"));
    assert!(mail.message_id.is_some());
    assert_eq!(
        outbox_keys(&pool).await.iter().filter(|k| k.starts_with(&format!("alert:{}:", c.change_id))).count(),
        3
    );
}

#[sqlx::test]
async fn running_the_alert_job_twice_sends_no_second_mail(pool: PgPool) {
    let sink = MailSink::start();
    let config = mail_config(Some(&sink));
    let (acme, doc) = platform(&pool, "acme", "Acme AI").await;
    let watcher = org(&pool, "Watchers", "watcher", None).await;
    member(&pool, "ada@example.org", watcher).await;
    track(&pool, watcher, acme).await;
    let c = change(&pool, doc, "capture", "substantive", Utc::now()).await;

    let first = fan_out(&pool, &config, c.change_id).await.unwrap();
    deliver(&pool, &sink, &config).await;
    let second = fan_out(&pool, &config, c.change_id).await.unwrap();
    deliver(&pool, &sink, &config).await;

    assert_eq!((first, second), (1, 0));
    assert_eq!(sink.messages().len(), 1);
}

#[sqlx::test]
async fn free_and_expired_plans_get_no_same_day_alert(pool: PgPool) {
    let config = mail_config(None);
    let (acme, doc) = platform(&pool, "acme", "Acme AI").await;
    let free = org(&pool, "Free", "free", None).await;
    member(&pool, "dee@example.org", free).await;
    let lapsed = org(&pool, "Lapsed trial", "watcher", Some(Utc::now() - chrono::Duration::hours(1))).await;
    member(&pool, "fay@example.org", lapsed).await;
    track(&pool, free, acme).await;
    track(&pool, lapsed, acme).await;
    let c = change(&pool, doc, "capture", "substantive", Utc::now()).await;

    let queued = fan_out(&pool, &config, c.change_id).await.unwrap();

    assert_eq!(queued, 0);
    assert!(outbox_keys(&pool).await.is_empty());
}

#[sqlx::test]
async fn cosmetic_metadata_and_imported_changes_alert_nobody(pool: PgPool) {
    let config = mail_config(None);
    let (acme, doc) = platform(&pool, "acme", "Acme AI").await;
    let watcher = org(&pool, "Watchers", "watcher", None).await;
    member(&pool, "ada@example.org", watcher).await;
    track(&pool, watcher, acme).await;
    let cosmetic = change(&pool, doc, "capture", "cosmetic", Utc::now()).await;
    let metadata = change(&pool, doc, "capture", "metadata", Utc::now()).await;
    let imported = change(&pool, doc, "import", "substantive", Utc::now()).await;

    for c in [cosmetic, metadata, imported] {
        assert_eq!(fan_out(&pool, &config, c.change_id).await.unwrap(), 0);
    }
    assert!(outbox_keys(&pool).await.is_empty());
}

#[sqlx::test]
async fn a_member_who_turned_same_day_alerts_off_gets_none_and_the_others_still_do(pool: PgPool) {
    let config = mail_config(None);
    let (acme, doc) = platform(&pool, "acme", "Acme AI").await;
    // A team (only Professional has several members) without watches: every change alerts.
    let watcher = org(&pool, "Team", "professional", None).await;
    let ada = member(&pool, "ada@example.org", watcher).await;
    let bob = member(&pool, "bob@example.org", watcher).await;
    track(&pool, watcher, acme).await;
    sqlx::query("insert into alert_preferences (org_id, user_id, same_day_alerts) values ($1, $2, false)")
        .bind(watcher)
        .bind(ada)
        .execute(&pool)
        .await
        .unwrap();
    let c = change(&pool, doc, "capture", "substantive", Utc::now()).await;

    fan_out(&pool, &config, c.change_id).await.unwrap();

    assert_eq!(outbox_keys(&pool).await, [format!("alert:{}:{bob}", c.change_id)]);
}

#[sqlx::test]
async fn several_changes_captured_the_same_day_reach_a_recipient_in_one_mail(pool: PgPool) {
    let sink = MailSink::start();
    let config = mail_config(Some(&sink));
    let (acme, acme_doc) = platform(&pool, "acme", "Acme AI").await;
    let (globex, globex_doc) = platform(&pool, "globex", "Globex").await;
    let watcher = org(&pool, "Watchers", "watcher", None).await;
    let ada = member(&pool, "ada@example.org", watcher).await;
    track(&pool, watcher, acme).await;
    track(&pool, watcher, globex).await;
    let first = change(&pool, acme_doc, "capture", "substantive", Utc::now()).await;
    let second = change(&pool, globex_doc, "capture", "substantive", Utc::now()).await;

    let by_first = fan_out(&pool, &config, first.change_id).await.unwrap();
    let by_second = fan_out(&pool, &config, second.change_id).await.unwrap();
    let mails = deliver(&pool, &sink, &config).await;

    assert_eq!((by_first, by_second), (1, 0));
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].subject, "2 changes: Acme AI Terms of Service, Globex Terms of Service");
    assert!(mails[0].text.contains("platforms/globex/terms-of-service/diff"));
    assert_eq!(outbox_keys(&pool).await, [format!("alert:{}:{ada}", first.change_id)]);
}

#[sqlx::test]
async fn professional_watches_narrow_alerts_to_watched_topics_and_provisions(pool: PgPool) {
    let config = mail_config(None);
    let (acme, doc) = platform(&pool, "acme", "Acme AI").await;
    let pro = org(&pool, "Pros", "professional", None).await;
    let cy = member(&pool, "cy@example.org", pro).await;
    track(&pool, pro, acme).await;
    let c = change(&pool, doc, "capture", "substantive", Utc::now()).await;
    sqlx::query("insert into provision_topics (provision_id, topic, confidence) values ($1, 'model-training', 0.9)")
        .bind(c.new_provision)
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query("insert into watches (org_id, topic) values ($1, 'arbitration')")
        .bind(pro)
        .execute(&pool)
        .await
        .unwrap();

    let unwatched = fan_out(&pool, &config, c.change_id).await.unwrap();
    sqlx::query("insert into watches (org_id, topic) values ($1, 'model-training')")
        .bind(pro)
        .execute(&pool)
        .await
        .unwrap();
    let watched = fan_out(&pool, &config, c.change_id).await.unwrap();

    assert_eq!((unwatched, watched), (0, 1));
    assert_eq!(outbox_keys(&pool).await, [format!("alert:{}:{cy}", c.change_id)]);
}

#[sqlx::test]
async fn a_watch_on_a_provision_lineage_lets_its_change_through(pool: PgPool) {
    let config = mail_config(None);
    let (acme, doc) = platform(&pool, "acme", "Acme AI").await;
    let pro = org(&pool, "Pros", "professional", None).await;
    member(&pool, "cy@example.org", pro).await;
    track(&pool, pro, acme).await;
    let c = change(&pool, doc, "capture", "substantive", Utc::now()).await;
    sqlx::query("insert into watches (org_id, lineage_id) values ($1, $2)")
        .bind(pro)
        .bind(c.lineage)
        .execute(&pool)
        .await
        .unwrap();

    assert_eq!(fan_out(&pool, &config, c.change_id).await.unwrap(), 1);
}
