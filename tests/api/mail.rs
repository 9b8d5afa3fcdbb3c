//! The outbox and the mailer against a real Postgres and a real SMTP server on loopback.
use clausewatch::{
    domain::email::EmailAddress,
    mail::{
        Mailer,
        delivery::{self, Step, run_one, run_pending},
        message::message_id,
        outbox::{self, NewMail},
        render::Rendered,
    },
};
use sqlx::PgPool;

use crate::mail_sink::{MailSink, parse};

fn from() -> lettre::message::Mailbox {
    "ClauseWatch <alerts@clausewatch.test>".parse().unwrap()
}

pub fn smtp_mailer(url: &str) -> Mailer {
    Mailer::smtp(&url.parse().unwrap(), from()).unwrap()
}

pub fn mail(key: &str, to: &str) -> NewMail {
    NewMail {
        idempotency_key: key.into(),
        org_id: None,
        user_id: None,
        recipient: EmailAddress::parse(to).unwrap(),
        template: "test",
        rendered: Rendered {
            subject: "Änderungen: §4.2 changed".into(),
            text: "Plain words.\nhttps://example.test/diff".into(),
            html: "<p>Plain <b>words</b>.</p>".into(),
        },
        headers: vec![("List-Unsubscribe-Post".into(), "List-Unsubscribe=One-Click".into())],
    }
}

pub async fn enqueue(pool: &PgPool, mail: &NewMail) -> bool {
    let mut conn = pool.acquire().await.unwrap();
    outbox::enqueue(&mut conn, mail).await.unwrap()
}

async fn row(pool: &PgPool, key: &str) -> (String, i32, Option<String>) {
    sqlx::query_as("select status, attempts, last_error from email_outbox where idempotency_key = $1")
        .bind(key)
        .fetch_one(pool)
        .await
        .unwrap()
}

/// Makes every queued mail due now, as if the backoff had passed.
pub async fn make_due(pool: &PgPool) {
    sqlx::query("update email_outbox set next_attempt_at = now() where status = 'queued'").execute(pool).await.unwrap();
}

#[sqlx::test]
async fn a_queued_mail_is_delivered_as_multipart_text_and_html_with_its_message_id(pool: PgPool) {
    let sink = MailSink::start();
    enqueue(&pool, &mail("test:1", "ada@example.org")).await;

    let steps = run_pending(&pool, &smtp_mailer(&sink.smtp_url())).await.unwrap();

    assert!(matches!(steps.as_slice(), [Step::Sent { .. }]), "{steps:?}");
    let received = sink.wait_for(1);
    assert_eq!(received.len(), 1);
    let got = &received[0];
    assert_eq!(got.subject, "Änderungen: §4.2 changed");
    assert_eq!(got.to, vec!["ada@example.org".to_owned()]);
    assert_eq!(got.content_type, "multipart/alternative");
    assert!(got.text.contains("Plain words."), "{:?}", got.text);
    assert!(got.html.contains("<b>words</b>"), "{:?}", got.html);
    let expected_id = message_id("test:1", &from());
    assert_eq!(got.message_id.as_deref(), Some(expected_id.trim_matches(['<', '>'])));
    assert_eq!(got.header("List-Unsubscribe-Post"), Some("List-Unsubscribe=One-Click"));
    assert_eq!(row(&pool, "test:1").await.0, "sent");
}

#[sqlx::test]
async fn enqueueing_the_same_key_twice_queues_one_mail(pool: PgPool) {
    let sink = MailSink::start();

    let first = enqueue(&pool, &mail("test:same", "ada@example.org")).await;
    let second = enqueue(&pool, &mail("test:same", "ada@example.org")).await;
    run_pending(&pool, &smtp_mailer(&sink.smtp_url())).await.unwrap();
    let third = enqueue(&pool, &mail("test:same", "ada@example.org")).await;
    run_pending(&pool, &smtp_mailer(&sink.smtp_url())).await.unwrap();

    assert!(first);
    assert!(!second && !third);
    assert_eq!(sink.wait_for(1).len(), 1);
    assert_eq!(sink.messages().len(), 1);
}

#[sqlx::test]
async fn while_the_smtp_server_is_down_a_mail_stays_queued_and_a_later_run_delivers_it(pool: PgPool) {
    let closed_port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    enqueue(&pool, &mail("test:down", "ada@example.org")).await;

    let down = run_one(&pool, &smtp_mailer(&format!("smtp://127.0.0.1:{closed_port}"))).await.unwrap();

    assert!(matches!(down, Step::Retry { .. }), "{down:?}");
    let (status, attempts, error) = row(&pool, "test:down").await;
    assert_eq!((status.as_str(), attempts), ("queued", 1));
    assert!(error.is_some());
    assert_eq!(
        run_one(&pool, &smtp_mailer(&format!("smtp://127.0.0.1:{closed_port}"))).await.unwrap(),
        Step::Empty,
        "not due before its backoff"
    );

    let sink = MailSink::start_on(closed_port);
    make_due(&pool).await;
    let later = run_one(&pool, &smtp_mailer(&sink.smtp_url())).await.unwrap();

    assert!(matches!(later, Step::Sent { .. }), "{later:?}");
    assert_eq!(sink.wait_for(1).len(), 1);
    assert_eq!(row(&pool, "test:down").await.0, "sent");
}

#[sqlx::test]
async fn a_permanent_refusal_marks_the_mail_failed_with_the_reason_and_never_retries(pool: PgPool) {
    let sink = MailSink::start();
    enqueue(&pool, &mail("test:reject", "reject-me@example.org")).await;
    enqueue(&pool, &mail("test:ok", "ada@example.org")).await;

    let steps = run_pending(&pool, &smtp_mailer(&sink.smtp_url())).await.unwrap();

    assert_eq!(steps.iter().filter(|s| matches!(s, Step::Failed { .. })).count(), 1, "{steps:?}");
    let (status, attempts, error) = row(&pool, "test:reject").await;
    assert_eq!((status.as_str(), attempts), ("failed", 1));
    assert!(error.unwrap_or_default().contains("mailbox unavailable"));
    make_due(&pool).await;
    assert!(run_pending(&pool, &smtp_mailer(&sink.smtp_url())).await.unwrap().is_empty());
    assert_eq!(sink.wait_for(1).len(), 1, "the other mail went out on the same pooled connection");
}

#[sqlx::test]
async fn a_mail_that_keeps_failing_temporarily_is_dead_after_the_last_attempt(pool: PgPool) {
    let sink = MailSink::start();
    enqueue(&pool, &mail("test:tempfail", "tempfail@example.org")).await;
    let mailer = smtp_mailer(&sink.smtp_url());

    let mut steps = Vec::new();
    for _ in 0..delivery::MAX_ATTEMPTS {
        make_due(&pool).await;
        steps.push(run_one(&pool, &mailer).await.unwrap());
    }

    assert!(steps[..steps.len() - 1].iter().all(|s| matches!(s, Step::Retry { .. })), "{steps:?}");
    assert!(matches!(steps.last(), Some(Step::Dead { .. })), "{steps:?}");
    let (status, attempts, error) = row(&pool, "test:tempfail").await;
    assert_eq!((status.as_str(), attempts), ("dead", delivery::MAX_ATTEMPTS));
    assert!(error.unwrap_or_default().contains("try again later"));
    make_due(&pool).await;
    assert_eq!(run_one(&pool, &mailer).await.unwrap(), Step::Empty);
}

#[sqlx::test]
async fn a_claim_that_crashed_before_being_marked_sent_is_sent_once_later_and_never_twice(pool: PgPool) {
    let sink = MailSink::start();
    enqueue(&pool, &mail("test:crash", "ada@example.org")).await;
    // A delivery that claimed the row and died before its commit: the transaction rolls back.
    let mut crashed = pool.begin().await.unwrap();
    let claimed = outbox::claim_next(&mut crashed).await.unwrap();
    assert!(claimed.is_some());
    let other = run_one(&pool, &smtp_mailer(&sink.smtp_url())).await.unwrap();
    assert_eq!(other, Step::Empty, "a claimed mail is invisible to other deliveries");
    crashed.rollback().await.unwrap();

    let after = run_pending(&pool, &smtp_mailer(&sink.smtp_url())).await.unwrap();
    let again = run_pending(&pool, &smtp_mailer(&sink.smtp_url())).await.unwrap();

    assert_eq!(after.len(), 1);
    assert!(again.is_empty());
    assert_eq!(sink.wait_for(1).len(), 1);
    assert_eq!(sink.messages().len(), 1);
}

#[sqlx::test]
async fn two_delivery_loops_at_once_send_every_mail_exactly_once(pool: PgPool) {
    let sink = MailSink::start();
    for i in 0..6 {
        enqueue(&pool, &mail(&format!("test:many:{i}"), &format!("user{i}@example.org"))).await;
    }
    let (a, b) = (smtp_mailer(&sink.smtp_url()), smtp_mailer(&sink.smtp_url()));

    let (left, right) = tokio::join!(run_pending(&pool, &a), run_pending(&pool, &b));

    assert_eq!(left.unwrap().len() + right.unwrap().len(), 6);
    let received = sink.wait_for(6);
    let mut ids: Vec<_> = received.iter().filter_map(|m| m.message_id.clone()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 6);
}

#[sqlx::test]
async fn without_smtp_the_files_backend_writes_one_eml_per_mail_named_by_message_id(pool: PgPool) {
    let folder = tempfile::TempDir::new().unwrap();
    enqueue(&pool, &mail("test:file", "ada@example.org")).await;

    run_pending(&pool, &Mailer::files(folder.path().join("out"), from())).await.unwrap();

    let id = message_id("test:file", &from());
    let file = folder.path().join("out").join(format!("{}.eml", id.trim_matches(['<', '>'])));
    let parsed = parse(&std::fs::read(&file).unwrap());
    assert_eq!(parsed.subject, "Änderungen: §4.2 changed");
    assert_eq!(parsed.content_type, "multipart/alternative");
}
