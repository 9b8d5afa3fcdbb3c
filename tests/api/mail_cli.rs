//! `clausewatch mail status` and `mail retry --dead`, as `main` calls them, over a real outbox
//! that a real SMTP server on loopback refused.
use clausewatch::cli::mail::{MailArgs, MailCommand, run};
use clausewatch::mail::delivery::{self, run_one};
use sqlx::PgPool;

use crate::mail::{enqueue, mail, make_due, smtp_mailer};
use crate::mail_sink::MailSink;

/// Queues a mail to `tempfail@…` and tries it until it is dead.
async fn one_dead_mail(pool: &PgPool, sink: &MailSink) {
    enqueue(pool, &mail("test:dead", "tempfail@example.org")).await;
    let mailer = smtp_mailer(&sink.smtp_url());
    for _ in 0..delivery::MAX_ATTEMPTS {
        make_due(pool).await;
        run_one(pool, &mailer).await.unwrap();
    }
}

async fn mail_command(pool: &PgPool, command: MailCommand) -> anyhow::Result<String> {
    let mut out = Vec::new();
    run(pool, &MailArgs { command }, &mut out).await?;
    Ok(String::from_utf8(out).unwrap())
}

#[sqlx::test]
async fn mail_status_prints_counts_the_oldest_queued_mail_and_the_last_errors_without_addresses(pool: PgPool) {
    let sink = MailSink::start();
    one_dead_mail(&pool, &sink).await;
    enqueue(&pool, &mail("test:refused", "reject-me@example.org")).await;
    run_one(&pool, &smtp_mailer(&sink.smtp_url())).await.unwrap();
    enqueue(&pool, &mail("test:waiting", "zed@example.org")).await;
    sqlx::query("update email_outbox set created_at = now() - interval '2 hours 5 minutes', next_attempt_at = now() + interval '10 minutes' where idempotency_key = 'test:waiting'")
        .execute(&pool)
        .await
        .unwrap();

    let out = mail_command(&pool, MailCommand::Status).await.unwrap();

    println!("{out}");
    assert!(out.contains("outbox: 1 queued, 0 sending, 0 sent, 1 failed, 1 dead"), "{out}");
    assert!(out.contains("oldest queued: test, queued 2h 5m ago, 0 attempts so far, next attempt in 9m"), "{out}");
    let errors = out.split("last errors (newest first):").nth(1).expect("an errors section");
    let (newest, older) = (errors.find("mailbox unavailable").unwrap(), errors.find("try again later").unwrap());
    assert!(newest < older, "{out}");
    assert!(errors.contains("test (failed)") && errors.contains("test (dead)"), "{out}");
    assert!(!out.contains("example.org") && !out.contains("tempfail") && !out.contains("reject-me"), "{out}");
}

#[sqlx::test]
async fn mail_retry_dead_requeues_dead_mails_due_now_with_attempts_reset_and_says_how_many(pool: PgPool) {
    let sink = MailSink::start();
    one_dead_mail(&pool, &sink).await;

    let out = mail_command(&pool, MailCommand::Retry { dead: true }).await.unwrap();
    let without_flag = mail_command(&pool, MailCommand::Retry { dead: false }).await.unwrap_err();

    assert_eq!(out.trim(), "re-queued 1 dead mail; the delivery loop sends them now");
    let (status, attempts, due): (String, i32, bool) = sqlx::query_as(
        "select status, attempts, next_attempt_at <= now() from email_outbox where idempotency_key = 'test:dead'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!((status.as_str(), attempts, due), ("queued", 0, true));
    assert!(without_flag.to_string().contains("clausewatch mail retry --dead"), "{without_flag}");
    let again = mail_command(&pool, MailCommand::Retry { dead: true }).await.unwrap();
    assert_eq!(again.trim(), "re-queued 0 dead mails; the delivery loop sends them now");
}
