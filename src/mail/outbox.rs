//! The outbox: every mail is a row, written in the transaction of its cause under a unique
//! idempotency key, then drained by the delivery loop (`super::delivery`).
use chrono::{DateTime, Utc};
use sqlx::PgConnection;

use super::render::Rendered;
use crate::domain::email::EmailAddress;

/// A mail to queue.
#[derive(Debug, Clone)]
pub struct NewMail {
    /// At most one mail is ever queued per key (`alert:{change}:{user}`, `digest:{user}:{week}`, …).
    pub idempotency_key: String,
    pub org_id: Option<i64>,
    pub user_id: Option<i64>,
    pub recipient: EmailAddress,
    /// The template name, for logs and operators (`alert`, `digest`, `verify-email`, …).
    pub template: &'static str,
    pub rendered: Rendered,
    /// Extra headers (`List-Unsubscribe`, …); names must be ASCII.
    pub headers: Vec<(String, String)>,
}

/// Queues a mail unless one with the same key exists; true when this call queued it.
pub async fn enqueue(conn: &mut PgConnection, mail: &NewMail) -> Result<bool, sqlx::Error> {
    let headers = serde_json::to_value(&mail.headers).unwrap_or_default();
    let inserted = sqlx::query(
        "insert into email_outbox (idempotency_key, org_id, user_id, recipient, template, subject, body_text, body_html, headers)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         on conflict (idempotency_key) do nothing",
    )
    .bind(&mail.idempotency_key)
    .bind(mail.org_id)
    .bind(mail.user_id)
    .bind(mail.recipient.as_ref())
    .bind(mail.template)
    .bind(&mail.rendered.subject)
    .bind(&mail.rendered.text)
    .bind(&mail.rendered.html)
    .bind(headers)
    .execute(conn)
    .await?;
    Ok(inserted.rows_affected() == 1)
}

/// Queues many mails in one statement, skipping keys already queued; returns how many it queued.
pub async fn enqueue_many(conn: &mut PgConnection, mails: &[&NewMail]) -> Result<usize, sqlx::Error> {
    let column = |f: fn(&NewMail) -> String| mails.iter().map(|m| f(m)).collect::<Vec<String>>();
    let inserted = sqlx::query(
        "insert into email_outbox (idempotency_key, org_id, user_id, recipient, template, subject, body_text, body_html, headers)
         select * from unnest($1::text[], $2::bigint[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[],
                              $8::text[], $9::jsonb[])
         on conflict (idempotency_key) do nothing",
    )
    .bind(column(|m| m.idempotency_key.clone()))
    .bind(mails.iter().map(|m| m.org_id).collect::<Vec<_>>())
    .bind(mails.iter().map(|m| m.user_id).collect::<Vec<_>>())
    .bind(column(|m| m.recipient.as_ref().to_owned()))
    .bind(column(|m| m.template.to_owned()))
    .bind(column(|m| m.rendered.subject.clone()))
    .bind(column(|m| m.rendered.text.clone()))
    .bind(column(|m| m.rendered.html.clone()))
    .bind(mails.iter().map(|m| serde_json::to_value(&m.headers).unwrap_or_default()).collect::<Vec<_>>())
    .execute(conn)
    .await?;
    Ok(usize::try_from(inserted.rows_affected()).unwrap_or(usize::MAX))
}

/// A queued mail, as the delivery loop reads it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OutboxRow {
    pub outbox_id: i64,
    pub idempotency_key: String,
    pub recipient: String,
    pub template: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: String,
    pub headers: serde_json::Value,
    pub attempts: i32,
}

impl OutboxRow {
    /// The extra headers, as stored by `enqueue`; anything else is ignored.
    pub fn header_pairs(&self) -> Vec<(String, String)> {
        serde_json::from_value(self.headers.clone()).unwrap_or_default()
    }
}

/// Claims the next due mail; the row stays locked until the caller's transaction ends, so
/// concurrent delivery loops never take the same mail.
pub async fn claim_next(conn: &mut PgConnection) -> Result<Option<OutboxRow>, sqlx::Error> {
    sqlx::query_as(
        "select outbox_id, idempotency_key, recipient, template, subject, body_text, body_html, headers, attempts
         from email_outbox
         where status = 'queued' and next_attempt_at <= now()
         order by next_attempt_at, outbox_id
         for update skip locked
         limit 1",
    )
    .fetch_optional(conn)
    .await
}

/// Records that the server accepted the mail.
pub async fn mark_sent(conn: &mut PgConnection, outbox_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("update email_outbox set status = 'sent', sent_at = now(), last_attempt_at = now(), attempts = attempts + 1, last_error = null where outbox_id = $1")
        .bind(outbox_id)
        .execute(conn)
        .await
        .map(|_| ())
}

/// Records a temporary failure: tried again at `retry_at`, or `dead` when this was the last attempt.
pub async fn mark_retry(
    conn: &mut PgConnection,
    outbox_id: i64,
    error: &str,
    retry_at: DateTime<Utc>,
    max_attempts: i32,
) -> Result<bool, sqlx::Error> {
    let dead: bool = sqlx::query_scalar(
        "update email_outbox
         set attempts = attempts + 1, last_error = $2, next_attempt_at = $3, last_attempt_at = now(),
             status = case when attempts + 1 >= $4 then 'dead' else 'queued' end
         where outbox_id = $1
         returning status = 'dead'",
    )
    .bind(outbox_id)
    .bind(error)
    .bind(retry_at)
    .bind(max_attempts)
    .fetch_one(conn)
    .await?;
    Ok(dead)
}

/// Records a permanent failure (the server refused the mail for good).
pub async fn mark_failed(conn: &mut PgConnection, outbox_id: i64, error: &str) -> Result<(), sqlx::Error> {
    sqlx::query(
        "update email_outbox set status = 'failed', attempts = attempts + 1, last_error = $2, last_attempt_at = now()
         where outbox_id = $1",
    )
    .bind(outbox_id)
    .bind(error)
    .execute(conn)
    .await
    .map(|_| ())
}

/// Mails per status, for operators and metrics.
pub async fn status_counts(conn: &mut PgConnection) -> Result<Vec<(String, i64)>, sqlx::Error> {
    sqlx::query_as("select status, count(*) from email_outbox group by status order by status").fetch_all(conn).await
}

/// The queued mail waiting longest.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OldestQueued {
    pub template: String,
    pub created_at: DateTime<Utc>,
    pub attempts: i32,
    pub next_attempt_at: DateTime<Utc>,
}

/// The oldest queued mail, if any.
pub async fn oldest_queued(conn: &mut PgConnection) -> Result<Option<OldestQueued>, sqlx::Error> {
    sqlx::query_as(
        "select template, created_at, attempts, next_attempt_at from email_outbox
         where status = 'queued' order by created_at, outbox_id limit 1",
    )
    .fetch_optional(conn)
    .await
}

/// A mail's last error, for operators; the recipient is deliberately not read.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MailError {
    pub outbox_id: i64,
    /// When the failing attempt happened (None for attempts before migration 0011).
    pub last_attempt_at: Option<DateTime<Utc>>,
    pub template: String,
    pub status: String,
    pub last_error: String,
}

/// The `limit` most recent errors, newest first.
pub async fn recent_errors(conn: &mut PgConnection, limit: i64) -> Result<Vec<MailError>, sqlx::Error> {
    sqlx::query_as(
        "select outbox_id, last_attempt_at, template, status, last_error from email_outbox
         where last_error is not null
         order by last_attempt_at desc nulls last, outbox_id desc limit $1",
    )
    .bind(limit)
    .fetch_all(conn)
    .await
}

/// Puts every dead mail back in the queue, due now with its attempts reset; returns how many.
pub async fn requeue_dead(conn: &mut PgConnection) -> Result<u64, sqlx::Error> {
    let done = sqlx::query(
        "update email_outbox set status = 'queued', attempts = 0, next_attempt_at = now() where status = 'dead'",
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}
